"""An area: one simpy environment, the council's referrals and brokerage, and its providers.

A replication is one area. The area holds the clock, draws the council's referrals from its
own streams and offers each to a provider by the council's allocation rule
(:mod:`sim.model.brokerage`), and steps its providers, in their fixed order, through the weekly
settlement and the month close. Today's single-business scenario is an area with one provider
whose rivals on the council's list are abstract. A provider that fails stops there; the area
runs until its last month or until no provider is left trading.
"""

from __future__ import annotations

from collections.abc import Sequence

import simpy

from sim.model.brokerage import Brokerage
from sim.model.clock import DAYS_PER_MONTH, WEEK
from sim.model.provider import Provider
from sim.model.streams import AREA_STREAM_NAMES, Streams, area_seed, provider_seed
from sim.scenario import Scenario


class Area:
    """One replication: the council's settings, seed and months come from ``scenario``; the
    providers are ``providers`` (one per scenario, in this order), by default just
    ``scenario``'s business."""

    def __init__(
        self,
        scenario: Scenario,
        replication: int = 0,
        providers: Sequence[Scenario] | None = None,
    ) -> None:
        self.sc = scenario
        self.env = simpy.Environment()
        seed = scenario.run.seed
        self.streams = Streams(area_seed(seed, replication), AREA_STREAM_NAMES)
        self.providers = [
            Provider(self, sc, provider_seed(seed, replication, i))
            for i, sc in enumerate(providers if providers is not None else [scenario])
        ]
        self.brokerage = Brokerage(self)
        self.week = 0
        self.month = 1
        self.done = self.env.event()

    def run(self) -> None:
        """Simulate every month (or until no provider is left trading)."""
        for provider in self.providers:
            provider.start()
        self.brokerage.start()
        # the week and the month close are timeouts that schedule their successor from their
        # callback (what a simpy process does, without a generator to resume each time)
        self.env.timeout(WEEK).callbacks.append(self._on_week)
        self._schedule_close(1)
        self.env.run(until=self.done)

    def _on_week(self, _ev: simpy.Event) -> None:
        """Every provider's weekly settlement, then the council's weights for the week."""
        self.week += 1
        for provider in self.providers:
            provider.settle(self.week)
        self.brokerage.update()
        self.env.timeout(WEEK).callbacks.append(self._on_week)

    def _schedule_close(self, month: int) -> None:
        env = self.env
        env.timeout(month * DAYS_PER_MONTH - env.now).callbacks.append(self._on_close)
        for provider in self.providers:
            # payments due at the close's very time were events before it if invoiced first
            provider.before_close = provider.payment_seq + 1

    def _on_close(self, _ev: simpy.Event) -> None:
        """Every trading provider's month close, then the next month."""
        month = self.month
        last = month == self.sc.run.months
        trading = [p for p in self.providers if not p.failed]
        for provider in trading:
            provider.close(month)
            if provider.failed or last:
                provider.stop()
        still = [p for p in trading if not p.failed]
        if last or not still:
            self.done.succeed()
            return
        if len(still) < len(trading):
            self.brokerage.stale = True
            self.brokerage.update()  # no more council work for a business that has failed
        self.month = month + 1
        for provider in still:
            provider.month_start(month + 1)
        self._schedule_close(month + 1)
