"""Staff: sickness, leaving and hiring (mechanism 4), and the owner's own care hours.

Checked once a week at the settlement. Each worker, the owner included, may start a sickness
spell (a weekly chance set so that the days lost a year average the scenario's figure; a spell
never carries into the next week) and works that much less that week. Employees leave at a
weekly hazard from the annual turnover rate, raised when they are offered fewer hours than
they want; their clients lose their regular carer. A vacancy opens when referrals were
declined for want of staff, someone is waiting, or the staff are busier than the hiring
threshold, within the staff ceiling; the hire arrives after a random time to hire, at a
recruitment cost, and takes on carer-less and waiting clients.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.model.acceptance import fill_from_waiting, reassign
from sim.model.clock import WEEKS_PER_YEAR
from sim.model.entities import Worker
from sim.model.ledger import CASH, pence
from sim.model.referrals import active
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
    return worker


def draw_sickness(p: Provider) -> None:
    """This week's sickness of each worker, and so their available hours."""
    stream = p.streams["sickness"]
    spell = p.sc.staff.sickness_spell_days
    for worker in p.workers:
        chance = p.sick_chance_owner if worker.is_owner else p.sick_chance_staff
        if stream.uniform() < chance:
            worker.sick = min(1.0, spell.sample(stream.rng) / 5.0)
        else:
            worker.sick = 0.0
        worker.available = worker.capacity * (1.0 - worker.sick)


def staff_leave(p: Provider) -> None:
    """Staff leave more often when offered fewer hours than they want (mechanism 4)."""
    factor = p.sc.staff.turnover_shortfall_factor
    travel = 1.0 + p.travel_per_hour
    base = p.turnover_hazard
    uniform = p.streams["turnover"].uniform
    for worker in p.workers[1:]:  # the owner is always first and never leaves
        offered = max(worker.committed * travel, worker.contracted)
        shortfall = max(0.0, worker.desired - offered) / worker.desired
        hazard = base * (1.0 + factor * shortfall)
        if uniform() < -math.expm1(-hazard):
            p.workers.remove(worker)
            for client in list(worker.clients):
                worker.release(client)
            p.m_leavers += 1


def consider_hiring(p: Provider) -> None:
    """Open a vacancy when demand outgrows capacity, within the staff ceiling."""
    st = p.sc.staff
    employees = len(p.workers) - 1
    pressure = p.declined_since_check > 0 or bool(p.waiting)
    p.declined_since_check = 0
    if p.vacancy_open or employees >= p.sc.business.staff_ceiling:
        return
    capacity = sum(w.capacity for w in p.workers)
    committed = sum(c.staff_hours for c in p.clients)
    if pressure or committed >= st.hire_when_utilisation_above * capacity:
        p.vacancy_open = True
        days = st.time_to_hire_days.sample(p.streams["hiring"].rng)
        p.env.timeout(days).callbacks.append(lambda _ev: hire(p))


def hire(p: Provider) -> None:
    """The vacancy is filled: pay the recruitment cost and give the new employee clients."""
    p.vacancy_open = False
    if p.failed or len(p.workers) - 1 >= p.sc.business.staff_ceiling:
        return
    p.ledger.post("expense:recruitment", CASH, pence(p.sc.staff.recruitment_cost))
    p.workers.append(new_employee(p))
    p.m_hires += 1
    reassign(p)
    fill_from_waiting(p)
