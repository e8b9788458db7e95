"""Referrals: who is referred, by which channel, when (mechanisms 1, 2 and 6).

Referrals come by five channels (self-funders, direct payments, professionals, word of mouth
and the council). Rates are piecewise constant: they are worked out at the start of each week
from the state then (clients, satisfaction, support periods, framework membership), and
arrivals within the week are a Poisson process at that rate, drawn ahead as timed events so
that each referral happens at its exact time. The council's referrals reach this provider only
in its share under the council's brokerage: the framework (none, closed with re-tenders, open
after an application delay, or spot) and the allocation rule (equal share, first to respond,
past performance). Each referral brings its needs and package length, drawn from its
channel's own streams; whether it is taken on is :mod:`sim.model.acceptance`'s business.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import simpy

from sim.model.acceptance import offer
from sim.model.clock import DAYS_PER_MONTH, WEEK
from sim.model.entities import Client
from sim.scenario import CHANNELS, Scenario

if TYPE_CHECKING:
    from sim.model.provider import Provider

LA = "local_authority"
ARRIVALS = tuple(f"arrivals_{c}" for c in CHANNELS)
MIN_HOURS_PER_WEEK = 0.5  # a package is at least half an hour a week


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


def schedule_arrivals(p: Provider) -> None:
    """Draw the coming week's referrals per channel at this week's rates."""
    council = p.sc.council
    if council.framework != "none":
        continuity = None
        if council.allocation == "past_performance":
            delivered = sum(d for _, d in p.recent)
            if delivered > 0:
                continuity = sum(r for r, _ in p.recent) / delivered
        p.la_share = council_share(p.sc, p.on_list, p.sc.owner.admin_hours_per_week, continuity)
    rates = monthly_rates(p.sc, p.month, len(p.clients), p.satisfaction, p.la_share)
    env = p.env
    for index, channel in enumerate(CHANNELS):
        per_day = rates[channel] / DAYS_PER_MONTH
        if per_day <= 0:
            continue
        made = p.arrivals[index]
        if made is None:

            def arrive_now(_ev: simpy.Event, c: str = channel, i: int = index) -> None:
                arrive(p, c, i)

            made = p.arrivals[index] = (p.streams[ARRIVALS[index]], arrive_now)
        stream, callback = made
        t = stream.exponential() / per_day
        while t < WEEK:
            env.timeout(t).callbacks.append(callback)
            t += stream.exponential() / per_day


def arrive(p: Provider, channel: str, index: int) -> None:
    """A referral by ``channel`` (``CHANNELS[index]``): count it and offer it to the business."""
    if p.failed:
        return
    p.m_referrals[index] += 1
    client, package_days = draw_client(p, channel)
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


def update_framework(p: Provider, month: int) -> None:
    """At a month's start: on an open framework once the application delay is over; on a
    closed one, won or lost at each re-tender."""
    council = p.sc.council
    if council.framework == "open":
        p.on_list = month > council.application_delay_months
    elif council.framework == "closed":
        since = month - council.first_retender_month
        if since >= 0 and since % council.retender_every_months == 0:
            won = p.streams["council"].uniform() < council.tender_win_probability
            p.on_list = won
