"""Referral rates by channel and the council's referral policy (mechanisms 1, 2 and 6).

Rates are piecewise constant: they are worked out at the start of each week from the state
then (clients, satisfaction, support periods, framework membership), and arrivals within the
week are a Poisson process at that rate.
"""

from __future__ import annotations

from sim.scenario import Scenario


def active(start_month: int, months: int, month: int) -> bool:
    """Is a support period that starts in ``start_month`` and lasts ``months`` on now?"""
    return start_month <= month < start_month + months


def monthly_rates(
    sc: Scenario,
    month: int,
    clients: int,
    satisfaction: float,
    la_share: float,
) -> dict[str, float]:
    """Referrals per month by channel.

    ``la_share`` is the share of the area's council referrals that reach this provider
    (0 when it is not on the council's list), from :func:`council_share`.
    """
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
    return {
        "self_funder": ch.self_funder.referrals_per_month,
        "direct_payment": ch.direct_payment.referrals_per_month,
        "professional": professional,
        "word_of_mouth": word_of_mouth,
        "local_authority": ch.local_authority.referrals_per_month * la_share,
    }


def council_share(
    sc: Scenario, on_list: bool, owner_admin_hours: float, recent_continuity: float | None
) -> float:
    """Share of the council's referrals offered to this provider under its allocation rule.

    - equal_share: 1/N of offers.
    - first_to_respond: offers go to whoever answers first; the owner can answer only in
      their admin (office) hours, rivals answer ``competitor_reachability`` of the time.
    - past_performance: offers weighted by continuity of care (rivals at
      ``competitor_continuity``; a new provider is assumed to match them).
    - spot: no list; a share ``spot_share`` of referrals is bought spot, equally shared.
    """
    council = sc.council
    n = council.providers_on_list
    if council.framework == "none":
        return 0.0
    if council.framework == "spot":
        return council.spot_share / n
    if not on_list:
        return 0.0
    if council.allocation == "equal_share":
        return 1.0 / n
    if council.allocation == "first_to_respond":
        mine = min(1.0, owner_admin_hours / council.office_hours_per_week)
        theirs = council.competitor_reachability
    else:
        theirs = council.competitor_continuity
        mine = theirs if recent_continuity is None else recent_continuity
    total = mine + (n - 1) * theirs
    return mine / total if total > 0 else 0.0
