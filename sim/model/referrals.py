"""Referrals to a provider: who is referred, by which channel, when (mechanisms 1 and 2).

Besides the council's (whose referrals the area makes and :mod:`sim.model.brokerage` offers to
its providers), referrals come to each provider by four channels: self-funders, direct
payments, professionals and word of mouth. Their rates are piecewise constant by week: worked
out at each weekly settlement from the state then (clients, satisfaction, support periods),
and arrivals are a Poisson process at that rate, each at its exact time. The time to the next
arrival is drawn again only when a channel's rate changes (the exponential forgets how long it
has waited, so this is exact). Each referral brings its needs and package length, drawn from
its channel's own streams; whether it is taken on is :mod:`sim.model.acceptance`'s business.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import simpy

from sim.model.acceptance import offer
from sim.model.clock import DAYS_PER_MONTH
from sim.model.entities import Client
from sim.scenario import CHANNELS, Scenario

if TYPE_CHECKING:
    from sim.model.provider import Provider

ARRIVALS = tuple(f"arrivals_{c}" for c in CHANNELS)
OWN_CHANNELS = tuple(i for i, c in enumerate(CHANNELS) if c != "local_authority")
MIN_HOURS_PER_WEEK = 0.5  # a package is at least half an hour a week


def active(start_month: int, months: int, month: int) -> bool:
    """Is a support period that starts in ``start_month`` and lasts ``months`` on now?"""
    return start_month <= month < start_month + months


def monthly_rates(sc: Scenario, month: int, clients: int, satisfaction: float) -> list[float]:
    """Referrals per month to one provider by channel, in ``CHANNELS`` order (the council's
    are the area's, offered by the brokerage: 0 here). None before CQC registration: a
    regulated service may not take anyone on until it is registered."""
    business = sc.business
    if business.regulated and month <= business.registration_months:
        return [0.0] * len(CHANNELS)
    ch = sc.channels
    support = sc.support
    professional = ch.professional.referrals_per_month
    if active(support.coordinator.start_month, support.coordinator.months, month):
        professional += support.coordinator.extra_referrals_per_month
    intro = support.introduction
    if active(intro.start_month, intro.months, month):
        professional += intro.extra_professional_referrals_per_month
    word_of_mouth = (
        ch.word_of_mouth.referrals_per_month
        + ch.word_of_mouth.referrals_per_client_per_month * clients * satisfaction
    )
    rates = {
        "self_funder": ch.self_funder.referrals_per_month,
        "direct_payment": ch.direct_payment.referrals_per_month,
        "professional": professional,
        "word_of_mouth": word_of_mouth,
        "local_authority": 0.0,
    }
    return [rates[c] for c in CHANNELS]


class Arrivals:
    """A provider's referral arrivals by channel, redrawn when a channel's rate changes."""

    __slots__ = ("p", "per_day", "pending", "state")

    def __init__(self, p: Provider) -> None:
        self.p = p
        self.per_day = [0.0] * len(CHANNELS)
        # the pending arrival event of each channel; an event replaced by a redraw is ignored
        self.pending: list[simpy.Timeout | None] = [None] * len(CHANNELS)
        # what the rates were worked out from: month, clients, satisfaction, referral share
        self.state: tuple[int, int, float, float] | None = None

    def update(self) -> None:
        """Set this week's rates; draw a channel's next arrival anew if its rate changed."""
        p = self.p
        state = (p.month, len(p.clients), p.satisfaction, p.referral_share)
        if state == self.state:
            return
        self.state = state
        rates = monthly_rates(p.sc, *state[:3])
        for index in OWN_CHANNELS:
            per_day = rates[index] * p.referral_share / DAYS_PER_MONTH
            if per_day != self.per_day[index]:
                self.per_day[index] = per_day
                self.pending[index] = None
                if per_day > 0:
                    self._next(index)

    def _next(self, index: int) -> None:
        p = self.p
        wait = p.streams[ARRIVALS[index]].exponential() / self.per_day[index]
        event = p.env.timeout(wait, index)
        event.callbacks.append(self._arrive)
        self.pending[index] = event

    def _arrive(self, event: simpy.Event) -> None:
        index = cast(int, event.value)  # the channel's index, the timeout's value
        if event is not self.pending[index] or self.p.failed:
            return  # drawn at a rate since changed, or the business has closed
        self._next(index)
        self.p.referred(CHANNELS[index])


def arrive(p: Provider, channel: str) -> None:
    """A referral by ``channel``: count it and offer it to the business."""
    if p.failed:
        return
    index = CHANNELS.index(channel)
    p.m_referrals[index] += 1
    client, package_days = draw_client(p, channel)  # drawn anyway: common random numbers
    if p.owner_away:
        p.m_declined[index] += 1  # the owner is ill: nobody answers (sim.model.shocks)
        return
    offer(p, client, package_days, index)


def draw_client(p: Provider, channel: str) -> tuple[Client, float]:
    """Draw a referral's needs and package length from its channel's own streams."""
    sc = p.sc
    package_rng = p.streams[f"package_{channel}"].rng
    package_days = sc.clients.package_months.sample(package_rng) * DAYS_PER_MONTH
    needs_rng = p.streams[f"needs_{channel}"].rng
    if p.day_service:
        da = sc.day_activities
        attendances = max(
            1, min(da.sessions_per_week, round(da.attendances_per_week.sample(needs_rng)))
        )
        client_hours = attendances * da.session_hours
        staff_hours = client_hours / da.staff_ratio
    else:
        client_hours = max(MIN_HOURS_PER_WEEK, p.needs[channel].sample(needs_rng))
        staff_hours = client_hours
    client = Client(
        p.next_id,
        channel,
        p.payer[channel],
        client_hours,
        staff_hours,
        start=p.env.now,
    )
    p.next_id += 1
    return client, package_days
