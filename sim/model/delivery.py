"""Weekly care delivery and continuity: who gave each client's hours, and what came of it
(mechanism 3).

Settled once a week for all clients rather than one event per visit, which keeps the model
fast while still measuring continuity: each client's hours go first to their regular carer,
then to another employee with spare hours (cover), then to the owner (owner cover, using
spare care hours and then extra hours), and whatever is left is missed. Continuity is the
share of hours given by the client's regular carer once they know the client: after a change
of regular carer (a leaver) the new carer's first ``clients.new_carer_settling_weeks`` weeks
do not count, since continuity means a carer who knows the person and their routine (the
Birmingham study's "same worker visiting the same person"), not a name on the rota. Each
client's carers this month (the people who gave them any hours) are counted too. The
delivered hours earn income (accrued here, billed in :mod:`sim.model.money`), the week's
continuity sets satisfaction (which drives word of mouth and the council's past-performance
allocation), and clients may leave dissatisfied, more often the more hours were missed or not
given by a settled regular carer. Hours missed while the regular carer is on holiday are still
missed (no care, no income) but were planned with the client, so they are no reason to leave
(an assumption: a sole trader's clients know their weeks off and arrange for them).

Most weeks nobody is short of hours and nobody is settling in with a new carer:
:func:`quiet_week` then books the same postings and counts from running totals by channel
instead of visiting every client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.acceptance import end_package
from sim.model.entities import EPS, Client, Worker
from sim.model.money import add_pay, weekly_pay
from sim.scenario import CHANNELS

BOUGHT_IN = -1  # the other provider's carer, counted as one more person a client saw

if TYPE_CHECKING:
    from sim.model.provider import Provider


def settle_week(
    clients: list[Client],
    workers: list[Worker],
    owner: Worker,
    owner_extra: float,
    buy_holiday_cover: bool = False,
) -> None:
    """Share out the week's available hours, in staff hours.

    On entry ``worker.available`` holds this week's hours (capacity less sickness); the owner
    may also work ``owner_extra`` hours beyond that for cover. With ``buy_holiday_cover``,
    what nobody in the business can give of a client whose regular carer is on holiday is
    bought from another provider (``bought``), since planned personal care cannot stop for a
    week. On return each client's ``regular``, ``cover``, ``owner_cover`` and ``bought`` and
    each worker's ``worked`` are this week's.
    """
    for worker in workers:
        worker.worked = 0.0
    short: list[tuple[Client, float]] = []
    for client in clients:
        need = client.staff_hours
        carer = client.carer
        client.cover = client.owner_cover = client.bought = 0.0
        give = 0.0
        if carer is not None and carer.available > EPS:
            give = need if carer.available >= need else carer.available
            carer.available -= give
            carer.worked += give
            need -= give
            client.seen.add(carer.id)
        client.regular = give
        if need > EPS:
            short.append((client, need))
    if not short:
        return
    owner.available += owner_extra
    employees = [w for w in workers if not w.is_owner]
    for client, need in short:
        carer = client.carer
        for worker in sorted(employees, key=lambda w: -w.available):
            if need <= EPS:
                break
            if worker is carer or worker.available <= EPS:
                continue
            give = min(need, worker.available)
            worker.available -= give
            worker.worked += give
            client.cover += give
            need -= give
            client.seen.add(worker.id)
        if need > EPS and owner.available > EPS:
            give = min(need, owner.available)
            owner.available -= give
            owner.worked += give
            client.seen.add(owner.id)
            need -= give
            if carer is owner:
                client.regular += give
            else:
                client.owner_cover += give
        if need > EPS and buy_holiday_cover and carer is not None and carer.holiday:
            client.bought = need
            client.seen.add(BOUGHT_IN)


def client_hour_price(p: Provider, channel: str) -> float:
    """Today's price of one client hour by ``channel`` (day activities: per attendance hour)."""
    if p.day_service:
        return p.price_per_attendance / p.sc.day_activities.session_hours
    return p.price[channel]


def everyone_covered(p: Provider) -> bool:
    """True in the usual week: every client has a regular carer who can give all their
    hours. Then nothing is missed or covered and the week needs no per-client work."""
    for worker in p.workers:
        if worker.committed > worker.available + EPS:
            return False
    return all(client.carer is not None for client in p.clients)


def quiet_week(p: Provider) -> None:
    """The shortcut of settle_week + earn_and_keep for a week with every hour given by
    the regular carer: the same postings and counts from running totals by channel.

    Nothing in such a week depends on the week but the state, so its pay and earnings are
    worked out once and reused until the state changes (``p.changed()`` forgets them).
    """
    week = p.quiet
    if week is None:
        week = p.quiet = quiet_amounts(p)
    if not p.seen_fresh:  # each client saw their regular carer (sets: once is enough)
        for client in p.clients:
            client.seen.add(client.carer.id)  # type: ignore[union-attr]  # quiet: all have one
        p.seen_fresh = True
    pay, earnings, total = week
    add_pay(p, *pay)
    p.m_owner_hours += p.owner.committed + p.owner_admin  # every hour given as planned
    accrued = p.accrued
    payer_hours = p.m_payer_hours
    for channel, payer, hours, amount in earnings:
        accrued[channel] += amount
        payer_hours[payer] += hours
    m_hours = p.m_hours
    m_hours["delivered"] += total
    m_hours["regular"] += total
    m_hours["continuity"] += total
    if total > 0:
        p.satisfaction = 1.0
        p.recent.append((total, total))


QuietWeek = tuple[tuple[float, float, float, float], list[tuple[str, str, float, float]], float]


def quiet_amounts(p: Provider) -> QuietWeek:
    """A quiet week's pay (as :func:`sim.model.money.weekly_pay`), its earnings by channel
    (channel, payer, client hours, pounds) and its client hours."""
    for worker in p.workers:
        worker.worked = worker.committed
    earnings = []
    total = 0.0
    for channel, hours in p.hours_by_channel.items():
        if hours > 0:
            total += hours
            earnings.append(
                (channel, p.payer[channel], hours, hours * client_hour_price(p, channel))
            )
    return weekly_pay(p), earnings, total


def earn_and_keep(p: Provider) -> None:
    """Accrue income for delivered hours, count hours and continuity, and let clients
    leave when visits were missed or not given by a settled regular carer (mechanism 3)."""
    cl = p.sc.clients
    per_missed = cl.leave_per_missed_share
    per_stranger = cl.leave_per_discontinuity
    uniform = p.streams["dissatisfaction"].uniform
    earned = dict.fromkeys(CHANNELS, 0.0)
    prices = {c: client_hour_price(p, c) for c in CHANNELS}
    delivered_total = regular_total = cover_total = owner_total = need_total = 0.0
    bought_total = 0.0
    continuity_total = 0.0
    week = p.week
    leaving = []
    for client in p.clients:
        staff_hours = client.staff_hours
        delivered = client.regular + client.cover + client.owner_cover + client.bought
        scale = client.client_hours / staff_hours
        earned[client.channel] += delivered * scale * prices[client.channel]
        delivered_total += delivered * scale
        p.m_payer_hours[client.payer] += delivered * scale
        regular_total += client.regular * scale
        known = client.regular if week >= client.settled_week else 0.0
        continuity_total += known * scale
        cover_total += client.cover * scale
        owner_total += client.owner_cover * scale
        bought_total += client.bought * scale
        need_total += client.client_hours
        carer = client.carer
        if carer is not None and carer.holiday:
            missed_share = 0.0  # planned with the client: missed, but no reason to leave
        else:
            missed_share = max(0.0, 1.0 - delivered / staff_hours)
        stranger_share = 1.0 - known / delivered if delivered > 0 else 1.0
        if uniform() < per_missed * missed_share + per_stranger * stranger_share:
            leaving.append(client)
    for channel, amount in earned.items():
        p.accrued[channel] += amount
    hours = p.m_hours
    hours["delivered"] += delivered_total
    hours["missed"] += need_total - delivered_total
    hours["regular"] += regular_total
    hours["cover"] += cover_total
    hours["owner_cover"] += owner_total
    if bought_total:
        hours["bought_cover"] += bought_total
        p.m_payroll["bought_cover"] += bought_total * p.cover_price
    hours["continuity"] += continuity_total
    if need_total > 0:
        p.satisfaction = continuity_total / need_total
        p.recent.append((continuity_total, delivered_total))
    for client in leaving:
        end_package(p, client, dissatisfied=True)
