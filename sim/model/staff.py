"""Staff: sickness, holidays, leaving and hiring (mechanism 4), and the owner's own care hours.

Sickness, holidays and leaving are events at drawn times, settled at the weekly settlement
they fall in. Each worker, the owner included, starts sickness spells a geometric number of
weeks apart (a weekly chance set so that the days lost a year average the scenario's figure; a
spell never carries into the next week) and works that much less that week. Each takes their
statutory holiday a whole week at a time, spread through the year: one week off at a uniformly
drawn time in each block of 52.18 / (weeks a year) weeks, so the weeks a year are exact on
average and never bunch; their clients need cover as in sickness. Employees are paid rolled-up
holiday pay on the hours they work (``staff.holiday_accrual_rate``), so a week off adds no pay:
a zero-hours employee on holiday is paid nothing that week (a contracted one is still paid
their contracted hours by :func:`sim.model.money.weekly_pay`, as in any week). Employees leave
at a weekly hazard from the annual turnover rate, raised when they are offered fewer hours
than they want: each draws the hazard they will run through before leaving, and the week they
leave is worked out again only when their hours change; their clients lose their regular
carer (a change of carer). A vacancy opens when referrals were declined for want of staff,
someone is waiting, or the staff are busier than the hiring threshold, within the staff
ceiling, and the owner wants to hire (not beyond their target size, and only with the cash
for a few months of the new wage); the hire arrives after a random time to hire, at a
recruitment cost, and takes on carer-less and waiting clients. A leaver prompts that decision
at once, before their round is given out: if a vacancy opens, the round waits for the
replacement (:func:`sim.model.acceptance.reassign`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.model.acceptance import fill_from_waiting, free_cash, monthly_wage, reassign
from sim.model.clock import WEEKS_PER_YEAR, settlement
from sim.model.entities import EPS, Worker
from sim.model.ledger import CASH, pence
from sim.model.referrals import active
from sim.model.streams import Stream
from sim.scenario import Scenario

if TYPE_CHECKING:
    from sim.model.provider import Provider


def weekly_chance(days_per_year: float, days_per_spell: float) -> float:
    """Chance a sickness spell starts in a given week, to give ``days_per_year`` on average.

    ``days_per_spell`` is the average a spell takes of its week, E[min(spell, 5)] (a spell
    never carries into the next week), not min(mean spell, 5), which is more whenever spells
    are random and would lose fewer days than asked. Capped at one spell a week.
    """
    if days_per_year <= 0 or days_per_spell <= 0:
        return 0.0
    return min(1.0, days_per_year / (WEEKS_PER_YEAR * days_per_spell))


def owner_capacity(sc: Scenario, month: int) -> float:
    """Owner's care hours: regulation paperwork takes some, a coordinator gives some back."""
    hours = sc.owner.care_hours_per_week
    paperwork = sc.business.regulation_admin_hours_per_week if sc.business.regulated else 0.0
    hours -= paperwork
    coord = sc.support.coordinator
    if active(coord.start_month, coord.months, month):
        hours += min(coord.admin_hours_saved_per_week, sc.owner.admin_hours_per_week + paperwork)
    return max(0.0, hours)


def new_worker(p: Provider, worker: Worker) -> Worker:
    """Draw when ``worker`` (new today) first falls sick and how much hazard of leaving
    they have to run through before they leave."""
    chance = p.sick_chance_owner if worker.is_owner else p.sick_chance_staff
    worker.next_sick_week = p.week + weeks_to_next(p.streams["sickness"], chance)
    p.next_sick_week = min(p.next_sick_week, worker.next_sick_week)
    worker.holiday_block = float(p.week)
    next_holiday(p, worker)
    p.next_holiday_week = min(p.next_holiday_week, worker.next_holiday_week)
    if not worker.is_owner:
        worker.hazard_left = p.streams["turnover"].exponential()
        worker.anchor_week = p.week
    return worker


def new_employee(p: Provider) -> Worker:
    """An employee on the scenario's terms; their capacity is care hours, travel excluded."""
    st = p.sc.staff
    worker = Worker(
        p.next_id,
        False,
        capacity=st.max_hours_per_week / (1.0 + p.travel_per_hour),
        desired=st.desired_hours_per_week,
        contracted=st.contracted_hours_per_week if st.contract == "contracted" else 0.0,
    )
    p.next_id += 1
    return new_worker(p, worker)


def weeks_to_next(stream: Stream, chance: float) -> float:
    """Weeks from now to the next week in which something of weekly ``chance`` happens: a
    geometric waiting time (1, 2, ...; infinite when ``chance`` is 0), the same process as a
    weekly check at that chance without a draw every week."""
    if chance <= 0.0:
        return math.inf
    if chance >= 1.0:
        return 1
    return settlement(math.log1p(-stream.uniform()) / math.log1p(-chance))


def draw_sickness(p: Provider, week: int) -> None:
    """Start the sickness spells falling in ``week`` (each worker's next spell was drawn as a
    geometric number of weeks ahead), end last week's, and draw the next ones.

    A spell's length is drawn when it starts; it takes that many working days of its week
    (at most 5) and never carries into the next week.
    """
    if not p.anyone_sick and week < p.next_sick_week:
        return
    stream = p.streams["sickness"]
    spell = p.sc.staff.sickness_spell_days
    anyone = False
    soonest = math.inf
    for worker in p.workers:
        if worker.next_sick_week <= week:
            worker.sick = min(1.0, spell.sample(stream.rng) / 5.0)
            chance = p.sick_chance_owner if worker.is_owner else p.sick_chance_staff
            worker.next_sick_week = week + weeks_to_next(stream, chance)
            anyone = anyone or worker.sick > 0.0
        else:
            worker.sick = 0.0
        soonest = min(soonest, worker.next_sick_week)
    p.anyone_sick = anyone
    p.next_sick_week = soonest


def holiday_gap(p: Provider, worker: Worker) -> float:
    """Weeks between the starts of a worker's holiday blocks (infinite with no holiday)."""
    sc = p.sc
    weeks = sc.owner.holiday_weeks_per_year if worker.is_owner else sc.staff.holiday_weeks_per_year
    return WEEKS_PER_YEAR / weeks if weeks > 0 else math.inf


def next_holiday(p: Provider, worker: Worker) -> None:
    """Draw the worker's next week off: a uniform time in their next block of
    ``holiday_gap`` weeks, the settlement after it (never the same week as the last)."""
    gap = holiday_gap(p, worker)
    if gap == math.inf:
        worker.next_holiday_week = math.inf
        return
    stream = p.streams["owner_holidays" if worker.is_owner else "holidays"]
    week = math.floor(worker.holiday_block + stream.uniform() * gap) + 1
    last = worker.next_holiday_week if worker.next_holiday_week < math.inf else -math.inf
    worker.next_holiday_week = max(week, last + 1)
    worker.holiday_block += gap


def draw_holidays(p: Provider, week: int) -> None:
    """Send on holiday the workers whose week off is ``week``, bring back last week's, and
    draw the next ones."""
    if not p.anyone_on_holiday and week < p.next_holiday_week:
        return
    anyone = False
    soonest = math.inf
    for worker in p.workers:
        if worker.next_holiday_week <= week:
            worker.holiday = True
            next_holiday(p, worker)
            anyone = True
        else:
            worker.holiday = False
        soonest = min(soonest, worker.next_holiday_week)
    p.anyone_on_holiday = anyone
    p.next_holiday_week = soonest


def staff_leave(p: Provider, week: int) -> None:
    """Employees whose hazard of leaving has run out leave at this settlement.

    The weekly hazard is the annual turnover rate's, raised when an employee is offered fewer
    hours than they want (mechanism 4). Each employee draws at hiring an exponential amount of
    hazard to run through and leaves in the week the hazard summed since then first exceeds
    it: the same as a weekly chance 1 - exp(-hazard) of leaving, without a draw every week.
    The hazard is worked out again only when the hours they are offered changed.
    """
    factor = p.sc.staff.turnover_shortfall_factor
    travel = 1.0 + p.travel_per_hour
    base = p.turnover_hazard
    leavers: list[Worker] = []
    for worker in p.workers[1:]:  # the owner is always first and never leaves
        if worker.offer_changed:
            worker.offer_changed = False
            offered = max(worker.committed * travel, worker.contracted)
            shortfall = max(0.0, worker.desired - offered) / worker.desired
            hazard = base * (1.0 + factor * shortfall)
            if hazard != worker.hazard:
                # the hazard run through in the weeks settled since the last change
                worker.hazard_left -= worker.hazard * (week - 1 - worker.anchor_week)
                worker.anchor_week = week - 1
                worker.hazard = hazard
                weeks = worker.hazard_left / hazard if hazard > 0 else math.inf
                worker.leave_week = worker.anchor_week + settlement(weeks)
        if worker.leave_week <= week:
            leavers.append(worker)
    for worker in leavers:
        p.workers.remove(worker)
        p.orphans += len(worker.clients)
        p.m_carer_changes += len(worker.clients)  # each client has lost their regular carer
        for client in list(worker.clients):
            worker.release(client)
        p.m_leavers += 1
        p.changed()


def consider_hiring(p: Provider) -> None:
    """Open a vacancy when demand outgrows capacity, within the staff ceiling."""
    st = p.sc.staff
    employees = len(p.workers) - 1
    pressure = p.declined_since_check > 0 or bool(p.waiting)
    p.declined_since_check = 0
    if p.vacancy_open or employees >= p.sc.business.staff_ceiling:
        return
    if not (pressure or p.hiring_stale):
        return  # nothing changed since the staff were last found busy enough
    p.hiring_stale = False
    capacity = sum(w.capacity for w in p.workers)
    committed = sum(c.staff_hours for c in p.clients)
    if pressure or committed >= st.hire_when_utilisation_above * capacity:
        if not wants_to_hire(p, capacity):
            return  # looked at again when clients, staff or hours change
        p.vacancy_open = True
        days = st.time_to_hire_days.sample(p.streams["hiring"].rng)
        p.env.timeout(days).callbacks.append(lambda _ev: hire(p))


def wants_to_hire(p: Provider, capacity: float) -> bool:
    """The owner's decision to open a vacancy the work calls for (``[policy]``): not once the
    staff's care hours already reach the target size, or the clients their target number,
    nor unless free cash covers ``hire_cash_months`` of the new employee's wage at the hours
    they want."""
    policy = p.sc.policy
    if not policy.decides:
        return True
    if 0 < policy.target_hours_per_week <= capacity + EPS:
        return False
    if 0 < policy.target_clients <= len(p.clients):
        return False
    wage = monthly_wage(p, p.sc.staff.desired_hours_per_week) * policy.hire_cash_months
    return free_cash(p) >= pence(wage)


def hire(p: Provider) -> None:
    """The vacancy is filled: pay the recruitment cost and give the new employee clients."""
    p.vacancy_open = False
    if p.failed or len(p.workers) - 1 >= p.sc.business.staff_ceiling:
        reassign(p)  # no replacement after all: the round goes to whoever has room
        return
    p.ledger.post("expense:recruitment", CASH, pence(p.sc.staff.recruitment_cost))
    employee = new_employee(p)
    p.workers.append(employee)
    p.m_hires += 1
    p.changed()
    reassign(p, employee)
    fill_from_waiting(p)
