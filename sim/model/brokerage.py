"""The council's brokerage: which provider is offered each council referral (mechanism 6).

The council's referrals are the area's: they arrive at the council's rate (a Poisson process
drawn from the area's own stream) and each is offered to one provider, chosen by the
allocation rule among the providers on the council's list:

- equal_share: every provider on the list alike;
- first_to_respond: whoever answers first; an owner answers only in their admin (office)
  hours, so their weight is the share of the council's office hours they cover;
- past_performance: weighted by continuity of care over the last quarter (a new provider is
  assumed to match the rivals);
- spot purchase (``framework = "spot"``): no list; a share ``spot_share`` of referrals is
  bought spot, equally among all providers.

The list has ``providers_on_list`` places: an area with fewer providers than that fills the
rest with abstract rivals (weight as the scenario says of competitors), who take their share
of referrals and are not modelled further. A provider is on the list from the start of a
closed framework (if ``on_framework_at_start``) and thereafter as its tenders go, or on an open
framework once its application delay is over. Weights are worked out once a week (at the
settlement), so a provider's share is piecewise constant by week.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from typing import TYPE_CHECKING

from sim.model.clock import DAYS_PER_MONTH
from sim.scenario import Scenario

if TYPE_CHECKING:
    import simpy

    from sim.model.area import Area
    from sim.model.provider import Provider

LA = "local_authority"


def own_weight(sc: Scenario, p: Provider) -> float:
    """A provider's weight in the allocation rule (0 when it cannot be offered work), cut
    after a poor inspection (``p.referral_share``, sim.model.shocks)."""
    return listed_weight(sc, p) * p.referral_share


def listed_weight(sc: Scenario, p: Provider) -> float:
    """A provider's weight in the allocation rule before any cut."""
    council = sc.council
    if p.failed or council.framework == "none":
        return 0.0
    if p.sc.business.regulated and p.month <= p.sc.business.registration_months:
        return 0.0  # not yet CQC-registered
    if council.framework == "spot":
        return 1.0
    if not p.on_list:
        return 0.0
    if council.allocation == "equal_share":
        return 1.0
    if council.allocation == "first_to_respond":
        return min(1.0, p.sc.owner.admin_hours_per_week / council.office_hours_per_week)
    delivered = sum(d for _, d in p.recent)
    if delivered <= 0:
        return council.competitor_continuity
    return sum(r for r, _ in p.recent) / delivered


def rival_weight(sc: Scenario) -> float:
    """The weight of one abstract rival on the list."""
    council = sc.council
    if council.framework == "spot" or council.allocation == "equal_share":
        return 1.0
    if council.allocation == "first_to_respond":
        return council.competitor_reachability
    return council.competitor_continuity


class Brokerage:
    """The council's referrals to an area and their allocation among its providers."""

    def __init__(self, area: Area) -> None:
        self.area = area
        self.sc = sc = area.sc
        council = sc.council
        rate = sc.channels.local_authority.referrals_per_month
        self.per_day = rate / DAYS_PER_MONTH if council.framework != "none" else 0.0
        self.arrivals = area.streams["council_arrivals"]
        self.choice = area.streams["council_allocation"]
        self.rivals = max(0, council.providers_on_list - len(area.providers))
        self.cumulative: list[float] = []  # the providers' weights, then the rivals', summed
        self.total = 0.0
        # weights change only with lists and failures, except under past performance, where
        # continuity moves them every week
        self.weekly = council.framework != "none" and (
            council.framework != "spot" and council.allocation == "past_performance"
        )
        self.stale = True
        # referrals made, and those that went to abstract rivals or to no one
        self.referrals = 0
        self.to_rivals = 0
        self.unplaced = 0

    def start(self) -> None:
        """Work out this week's weights and draw the first referral."""
        self.update()
        if self.per_day > 0:
            self._next()

    def update(self) -> None:
        """This week's weights, and each provider's share of the council's referrals (worked
        out again only when a list, a failure or, under past performance, continuity may
        have changed them)."""
        if not (self.stale or self.weekly):
            return
        self.stale = False
        sc = self.sc
        providers = self.area.providers
        weights = [own_weight(sc, p) for p in providers]
        weights.append(self.rivals * rival_weight(sc))
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]
        spot = sc.council.spot_share if sc.council.framework == "spot" else 1.0
        for p, weight in zip(providers, weights, strict=False):
            p.la_share = spot * weight / self.total if self.total > 0 else 0.0

    def _next(self) -> None:
        env = self.area.env
        env.timeout(self.arrivals.exponential() / self.per_day).callbacks.append(self._arrive)

    def _arrive(self, _ev: simpy.Event) -> None:
        """A council referral: offer it to the provider the allocation rule picks."""
        self._next()
        self.referrals += 1
        council = self.sc.council
        if council.framework == "spot" and self.choice.uniform() >= council.spot_share:
            self.to_rivals += 1  # bought from the framework's providers, not spot
            return
        if self.total <= 0:
            self.unplaced += 1
            return
        index = bisect_right(self.cumulative, self.choice.uniform() * self.total)
        providers = self.area.providers
        if index >= len(providers):
            self.to_rivals += 1
            return
        providers[index].referred(LA)


def update_framework(p: Provider, month: int) -> None:
    """At a month's start: on an open framework once the application delay is over; on a
    closed one, won or lost at each re-tender (from the provider's own stream)."""
    council = p.sc.council
    if council.framework == "open":
        on_list = month > council.application_delay_months
        if on_list != p.on_list:
            p.on_list = on_list
            p.area.brokerage.stale = True
    elif council.framework == "closed":
        since = month - council.first_retender_month
        if since >= 0 and since % council.retender_every_months == 0:
            p.on_list = p.streams["council"].uniform() < council.tender_win_probability
            p.area.brokerage.stale = True
