"""Later shocks: events at drawn times that can end a business in its second to fifth year.

Without them a business that came through its first year had little left to fear: survival
was a first-year cliff and then flat, where real start-ups keep failing (ONS: 95% / 63% / 45%
of businesses trading after 1 / 3 / 5 years). Four shocks, each a Poisson process at its
annual rate (``[shocks]``), drawn from its own stream and settled at the weekly settlement
it falls in (before the week's delivery):

- a key worker leaves: the employee with the most regular hours goes (to a rival, or to set
  up alone) and each of their clients follows them with a chance; the rest lose their
  regular carer and need cover until someone has room;
- a poor inspection (regulated services only): a "requires improvement" or "inadequate"
  rating cuts the provider's referrals, its own channels' and the council's, to a share of
  their rate for some months;
- a large client leaves: the client with the most hours ends suddenly (hospital, a care
  home, family taking over);
- the owner falls ill for a long spell (weeks drawn): they give no care and no admin, so
  their clients need cover or are missed and new referrals go unanswered (declined); some
  owners never come back, and the business closes at the month's end after the spell.

Each shock that happens calls ``p.changed()``; the week of the next one, and the week an
inspection's cut or an illness ends, is ``p.next_shock_week``, which the provider counts in
``next_event_week``, so steady weeks stop where a shock falls.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.model.acceptance import end_package
from sim.model.clock import DAYS_PER_MONTH, WEEK, settlement
from sim.model.entities import Worker
from sim.model.failure import fail

if TYPE_CHECKING:
    from sim.model.provider import Provider

SHOCKS = ("key_worker", "poor_inspection", "large_client", "owner_illness")
STREAMS = tuple(f"shock_{name}" for name in SHOCKS)
DAYS_PER_YEAR = 365.25


class Shocks:
    """A provider's shocks: when each happens next (in weeks from day 0, a continuous time
    settled at the settlement it falls in), and the cut or illness going on."""

    __slots__ = ("p", "per_week", "next_time", "cut_until", "ill_until")

    def __init__(self, p: Provider) -> None:
        self.p = p
        sh = p.sc.shocks
        rates = (
            sh.key_worker_per_year,
            sh.poor_inspection_per_year if p.sc.business.regulated else 0.0,
            sh.large_client_per_year,
            sh.owner_illness_per_year,
        )
        on = sh.enabled
        self.per_week = [rate * WEEK / DAYS_PER_YEAR if on else 0.0 for rate in rates]
        self.next_time = [math.inf] * len(SHOCKS)
        self.cut_until = 0  # referrals are cut until this settlement
        self.ill_until = 0  # the owner is ill until this settlement
        for index, rate in enumerate(self.per_week):
            if rate > 0:
                self._draw(index, 0.0)
        self.update_due()

    def _draw(self, index: int, after: float) -> None:
        """The next time of shock ``index`` after ``after`` (weeks): exponential gaps."""
        gap = self.p.streams[STREAMS[index]].exponential() / self.per_week[index]
        self.next_time[index] = after + gap

    def update_due(self) -> None:
        """The next settlement at which a shock falls or a cut or an illness ends."""
        due = min((settlement(t) for t in self.next_time), default=math.inf)
        for until in (self.cut_until, self.ill_until):
            if until:
                due = min(due, until)
        self.p.next_shock_week = due

    def settle(self, week: int) -> None:
        """The shocks falling in settlement ``week`` (in SHOCKS order, each as often as it
        fell), the end of a cut or an illness, and this week's part of an illness."""
        p = self.p
        if self.cut_until and week >= self.cut_until:
            self.cut_until = 0
            set_referral_share(p, 1.0)
        if self.ill_until and week >= self.ill_until:
            self.ill_until = 0
            if p.owner_not_back:
                p.closing = True  # still away; the business closes at the month's end
            else:
                p.owner_away = False
                p.changed()
        for index in range(len(SHOCKS)):
            while settlement(self.next_time[index]) <= week:
                if STRIKE[index](p, week):
                    p.m_shocks[index] += 1  # counted for the monthly record
                self._draw(index, self.next_time[index])
        if p.owner_away:
            p.owner.sick = 1.0  # no care this week, nor extra cover hours
            p.anyone_sick = True  # the next settlement looks at everyone's sickness again
        self.update_due()


def set_referral_share(p: Provider, share: float) -> None:
    """Referrals (own channels and the council's) come at ``share`` of their rate."""
    p.referral_share = share
    p.area.brokerage.stale = True
    p.changed()


def key_worker_leaves(p: Provider, week: int) -> bool:
    """The employee with the most regular hours leaves; each of their clients goes with them
    at the scenario's chance, the others need a new regular carer. False: no employee."""
    employees = p.workers[1:]
    if not employees:
        return False
    leaver: Worker = max(employees, key=lambda w: w.committed)  # the first of equals
    follow = p.sc.shocks.key_worker_clients_follow_share
    uniform = p.streams["shock_key_worker"].uniform
    clients = list(leaver.clients)
    p.workers.remove(leaver)
    p.orphans += len(clients)
    for client in clients:
        leaver.release(client)
    p.m_leavers += 1
    p.changed()
    for client in clients:
        if uniform() < follow:
            end_package(p, client, dissatisfied=False)
    return True


def poor_inspection(p: Provider, week: int) -> bool:
    """A poor rating: referrals cut to the scenario's share for its months (a second poor
    rating during a cut starts the months again)."""
    sh = p.sc.shocks
    weeks = math.ceil(sh.poor_inspection_months * DAYS_PER_MONTH / WEEK)
    p.shocks.cut_until = week + weeks
    p.shocks.update_due()
    set_referral_share(p, sh.poor_inspection_referral_share)
    return True


def large_client_leaves(p: Provider, week: int) -> bool:
    """The client with the most hours (the first of equals) ends now. False: no client."""
    if not p.clients:
        return False
    client = max(p.clients, key=lambda c: c.client_hours)
    end_package(p, client, dissatisfied=False)
    return True


def owner_falls_ill(p: Provider, week: int) -> bool:
    """The owner is ill from this settlement for the drawn number of weeks (at least 1; a
    new spell during one runs on from whichever ends later), and may not come back: then the
    business closes at the month close after the spell ends (:func:`close_if_owner_gone`)."""
    sh = p.sc.shocks
    stream = p.streams["shock_owner_illness"]
    weeks = sh.owner_illness_weeks.sample(stream.rng)
    p.owner_not_back = p.owner_not_back or stream.uniform() < sh.owner_illness_no_return_share
    until = week + max(1, round(weeks))
    p.shocks.ill_until = max(p.shocks.ill_until, until)
    p.shocks.update_due()
    p.owner_away = True
    p.changed()
    return True


def close_if_owner_gone(p: Provider, month: int) -> None:
    """At the month close: an owner who did not come back from a long illness closes the
    business (if nothing else ended it first)."""
    if p.closing and not p.failed:
        fail(p, month, "owner_illness")


STRIKE = (key_worker_leaves, poor_inspection, large_client_leaves, owner_falls_ill)
