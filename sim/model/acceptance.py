"""Taking clients on, the waiting list, and packages ending.

A referral is taken on only if one carer has room for the whole package in their regular
hours (and, for day activities, the sessions have places): a small business cannot split a
new client between carers and still promise continuity. Otherwise the referral waits, first
come first served, while the waiting list has places and its patience lasts, or it is
declined; a decline for want of staff (not of places), like a waiting list, tells the owner
to hire (:mod:`sim.model.staff`). A package ends at the end of its drawn length or when the
client leaves dissatisfied (decided in :mod:`sim.model.delivery`); its carer's hours are freed
and the waiting list is served again.
Clients whose carer left are given a new regular carer where someone has room: the change
(counted when the old carer left) is a break the client feels, and the new carer's hours count
as continuity only after ``clients.new_carer_settling_weeks`` weeks with the client. If the
leaving opened a vacancy (the rest of the staff would be busier than the hiring threshold),
the round waits for the replacement, covered ad hoc meanwhile, and the replacement takes it.

Before that, the owner decides whether they want the work at all (``[policy]``, each decision
switchable off, all of them with ``policy.decides = false``): a price below their minimum,
council work that would eat the hours kept for self-funders or exceed the council's largest
share, a new client when free cash would not cover the next weeks of wages, or one beyond the
target size is refused. A refusal is a decline (counted by channel and by reason) that neither
waits nor tells the owner to hire: an extra source of work cannot hurt an owner who may say no.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from sim.model.brokerage import LA
from sim.model.clock import WEEKS_PER_YEAR
from sim.model.entities import EPS, Client, Worker
from sim.model.ledger import pence
from sim.scenario import CHANNELS

if TYPE_CHECKING:
    from sim.model.provider import Provider


# why the owner refused a referral, in the order the decisions are checked
REFUSALS = ("price", "reserve", "council_share", "target", "cash")


def offer(p: Provider, client: Client, package_days: float, index: int) -> None:
    """A new referral (of channel ``CHANNELS[index]``): refuse it, take it on, put it on the
    waiting list, or decline it."""
    if refused(p, client, index):
        return
    if accept(p, client, package_days):
        p.m_accepted[index] += 1
        return
    if len(p.waiting) < p.sc.clients.waiting_list_places:
        deadline = p.env.now + p.sc.clients.waiting_patience_days
        p.waiting.append((client, package_days, deadline))
        return
    p.m_declined[index] += 1
    if not p.places_full:
        p.declined_since_check += 1  # short of staff, not of places: worth hiring
        p.steady = False


def refused(p: Provider, client: Client, index: int) -> bool:
    """The owner turns the referral down (counted as declined, and by reason)."""
    reason = refusal(p, client)
    if reason is None:
        return False
    p.m_declined[index] += 1
    p.m_refused[reason] += 1
    return True


def refusal(p: Provider, client: Client) -> str | None:
    """Why the owner would turn ``client`` down today (one of :data:`REFUSALS`), or None.

    The minimum price is at start prices and rises with the wage (it stands for the owner's
    cost of an hour). Council work may neither take the hours kept for self-funders nor more
    than its largest share of the staff's care hours. A new client needs free cash (cash less
    the month's pay not yet paid) for ``cash_cover_weeks`` of the staff's wages with the
    client's hours added (if a carer other than the owner would take them).
    """
    policy = p.sc.policy
    if not policy.decides:
        return None
    if not p.day_service and p.price[client.channel] < policy.min_price_per_hour * (
        p.wage / start_wage(p)
    ):
        return "price"
    hours = client.staff_hours
    if client.channel == LA:
        capacity = sum(w.capacity for w in p.workers)
        free = capacity - sum(w.committed for w in p.workers) - hours
        if free < policy.self_funder_reserve_hours_per_week - EPS:
            return "reserve"
        council = p.hours_by_channel[LA] + client.client_hours
        if council > policy.max_council_share * capacity + EPS:
            return "council_share"
    target = policy.target_hours_per_week
    if target > 0 and sum(c.client_hours for c in p.clients) + client.client_hours > target + EPS:
        return "target"
    if 0 < policy.target_clients <= len(p.clients):
        return "target"
    if policy.cash_cover_weeks > 0:
        carer = best_carer(p, hours)
        extra = hours if carer is None or not carer.is_owner else 0.0
        wages = weekly_wages(p, extra) * policy.cash_cover_weeks
        if free_cash(p) < pence(wages):
            return "cash"
    return None


def start_wage(p: Provider) -> float:
    """The wage at the start, before any uplift (what the minimum price is set against)."""
    return max(p.sc.staff.wage_per_hour, p.sc.uplifts.wage_floor_per_hour)


def weekly_wages(p: Provider, extra_hours: float = 0.0) -> float:
    """£ a week of the employees' pay (holiday accrual included) for their committed care
    hours plus ``extra_hours``, with travel, or their contracted hours if more."""
    travel = 1.0 + p.travel_per_hour
    paid = extra_hours * travel
    for worker in p.workers:
        if not worker.is_owner:
            paid += max(worker.committed * travel, worker.contracted)
    return paid * p.wage * (1.0 + p.sc.staff.holiday_accrual_rate)


def free_cash(p: Provider) -> int:
    """Pence in the bank less the month's pay, on-costs and mileage not yet paid."""
    return p.ledger.cash - pence(sum(p.m_payroll.values()))


def monthly_wage(p: Provider, hours_per_week: float) -> float:
    """£ a month of one employee's pay (holiday accrual included) for ``hours_per_week``."""
    weekly = hours_per_week * p.wage * (1.0 + p.sc.staff.holiday_accrual_rate)
    return weekly * WEEKS_PER_YEAR / 12


def accept(p: Provider, client: Client, package_days: float) -> bool:
    """Take the client on if a carer has room for the whole package (and, for day
    activities, there are places)."""
    if p.day_service:
        da = p.sc.day_activities
        booked = sum(c.client_hours for c in p.clients) / da.session_hours
        places = da.sessions_per_week * da.places_per_session
        p.places_full = booked + client.client_hours / da.session_hours > places + EPS
        if p.places_full:
            return False
    carer = best_carer(p, client.staff_hours)
    if carer is None:
        return False
    carer.assign(client)
    client.start = p.env.now
    p.clients.append(client)
    p.changed()
    p.hours_by_channel[client.channel] += client.client_hours
    p.env.timeout(package_days).callbacks.append(
        lambda _ev: end_package(p, client, dissatisfied=False)
    )
    return True


def best_carer(p: Provider, hours: float) -> Worker | None:
    """The worker (owner included) with the most free regular hours, if they fit ``hours``."""
    best = None
    for worker in p.workers:
        if worker.free + EPS >= hours and (best is None or worker.free > best.free):
            best = worker
    return best


def end_package(p: Provider, client: Client, dissatisfied: bool) -> None:
    """The client leaves (package over, or ``dissatisfied``); serve the waiting list."""
    if not client.active or p.failed:
        return
    client.active = False
    if client.carer is not None:
        client.carer.release(client)
    else:
        p.orphans -= 1
    p.clients.remove(client)
    p.changed()
    remaining = p.hours_by_channel[client.channel] - client.client_hours
    if not any(c.channel == client.channel for c in p.clients):
        remaining = 0.0  # no float residue once a channel has no clients
    p.hours_by_channel[client.channel] = remaining
    p.m_ended += 1
    p.m_dissatisfied += dissatisfied
    if client.seen:  # the people they saw this month, until they left
        p.m_carers_seen += len(client.seen)
        p.m_clients_seen += 1
    fill_from_waiting(p)


def fill_from_waiting(p: Provider) -> None:
    """Take waiting referrals, first come first served, while there is room."""
    now = p.env.now
    while p.waiting:
        client, package_days, deadline = p.waiting[0]
        if deadline < now:
            p.waiting.popleft()
            p.m_declined[CHANNELS.index(client.channel)] += 1
            continue
        if refused(p, client, CHANNELS.index(client.channel)):
            p.waiting.popleft()  # the owner no longer wants it (cash, target, shares)
            continue
        if not accept(p, client, package_days):
            return
        p.waiting.popleft()
        p.m_accepted[CHANNELS.index(client.channel)] += 1


def purge_waiting(p: Provider) -> None:
    """Decline the waiting referrals whose patience has run out."""
    now = p.env.now
    kept: deque[tuple[Client, float, float]] = deque()
    for entry in p.waiting:
        if entry[2] < now:
            p.m_declined[CHANNELS.index(entry[0].channel)] += 1
        else:
            kept.append(entry)
    p.waiting = kept


def reassign(p: Provider, replacement: Worker | None = None) -> None:
    """Give clients who lost their regular carer a new one, where someone has room.

    While a vacancy is open the round is kept for the replacement (covered ad hoc meanwhile,
    as the owner of a small agency does until the new carer starts); the ``replacement``,
    once hired, takes the clients that fit in their hours, the others go to whoever has room.
    """
    if not p.orphans or p.vacancy_open:
        return
    for client in p.clients:
        if client.carer is None:
            if replacement is not None and replacement.free + EPS >= client.staff_hours:
                carer: Worker | None = replacement
            else:
                carer = best_carer(p, client.staff_hours)
            if carer is not None:
                carer.assign(client)
                p.orphans -= 1
                settle_in(p, client)
                p.changed()


def settle_in(p: Provider, client: Client) -> None:
    """A new regular carer after a change: their first weeks with the client (from the next
    settlement) are not yet continuity."""
    weeks = p.sc.clients.new_carer_settling_weeks
    if weeks > 0:
        client.settled_week = p.week + 1 + weeks
        p.settling.append(client)
