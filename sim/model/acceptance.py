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
as continuity only after ``clients.new_carer_settling_weeks`` weeks with the client.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from sim.model.entities import EPS, Client, Worker
from sim.scenario import CHANNELS

if TYPE_CHECKING:
    from sim.model.provider import Provider


def offer(p: Provider, client: Client, package_days: float, index: int) -> None:
    """A new referral (of channel ``CHANNELS[index]``): take it on, put it on the waiting list,
    or decline it."""
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


def reassign(p: Provider) -> None:
    """Give clients who lost their regular carer a new one, where someone has room."""
    if not p.orphans:
        return
    for client in p.clients:
        if client.carer is None:
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
