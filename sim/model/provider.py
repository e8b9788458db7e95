"""One care micro-enterprise: its people, its clients, its money, its decisions.

A provider lives in an :class:`~sim.model.area.Area`, which holds the simpy environment and
the clock and makes the council's referrals. Time is in days. Three kinds of event drive a
provider: referral arrivals and package ends (at their exact times), a weekly settlement (care
delivery, pay, satisfaction, sickness, holidays and leavers falling in the week, hiring) and a
month close (invoice payments fallen due, bills, owner drawings, failure checks, the monthly
record), the last two called by the area for each of its providers in turn.
``Provider`` holds the state and runs those steps in order; each mechanism is a module of plain
functions taking the provider:

- :mod:`sim.model.referrals`: the provider's own referrals by channel, and each one's needs
- :mod:`sim.model.brokerage`: the council's referrals, its allocation rule and tenders
- :mod:`sim.model.acceptance`: taking clients on, the waiting list, packages ending
- :mod:`sim.model.delivery`: the week's delivery, continuity, clients leaving dissatisfied
- :mod:`sim.model.staff`: sickness, holidays, staff leaving, hiring, the owner's care hours
- :mod:`sim.model.money`: pay, income, invoices, fees, loans, drawings (via the ledger)
- :mod:`sim.model.failure`: insolvency and the owner giving up
- :mod:`sim.model.shocks`: later shocks (a key worker, an inspection, a large client, the
  owner's illness)
- :mod:`sim.model.record`: the monthly record
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

import numpy as np

from sim.model.acceptance import REFUSALS, fill_from_waiting, purge_waiting, reassign
from sim.model.brokerage import LA, update_framework
from sim.model.clock import WEEKS_PER_YEAR
from sim.model.delivery import QuietWeek, earn_and_keep, everyone_covered, quiet_week, settle_week
from sim.model.entities import EPS, Client, Worker
from sim.model.failure import draw_patience, fail, insolvent, lean_month
from sim.model.ledger import CASH, Ledger, pence
from sim.model.money import (
    bill_week,
    check_vat,
    close_books,
    draw,
    open_month,
    pay_staff,
    settle_payments,
)
from sim.model.record import MonthlyRecord, record
from sim.model.referrals import Arrivals, arrive
from sim.model.shocks import SHOCKS, Shocks, close_if_owner_gone
from sim.model.staff import (
    consider_hiring,
    draw_holidays,
    draw_sickness,
    new_employee,
    new_worker,
    owner_capacity,
    staff_leave,
    weekly_chance,
)
from sim.model.streams import Streams
from sim.scenario import CHANNELS, PAYERS, Scenario

if TYPE_CHECKING:
    from sim.model.area import Area

CONTINUITY_MEMORY_WEEKS = 13  # the council's view of past performance: last quarter
STEADY_WEEKS = True  # book steady weeks' pay and earnings only (False: every step, for tests)


def off(worker: Worker) -> float:
    """The share of this week a worker is away: all of it on holiday, else their sickness."""
    return 1.0 if worker.holiday else worker.sick


class Provider:
    """The state of one provider in one replication, and its weekly and monthly steps."""

    def __init__(self, area: Area, scenario: Scenario, seed: np.random.SeedSequence) -> None:
        sc = self.sc = scenario
        self.area = area
        self.env = area.env
        self.streams = Streams(seed)
        self.ledger = Ledger()
        self.day_service = sc.business.service == "day_activities"
        self._init_prices_and_terms()
        self.week = 0  # the last weekly settlement
        self.quiet: QuietWeek | None = None  # a quiet week's amounts, until the state changes
        self.anyone_sick = False
        self.owner_admin = scenario.owner.admin_hours_per_week  # h/week of office work
        # months whose start may change referral rates with no client coming or going: the
        # start and end of support periods, the end of the wait for CQC registration
        support, business = scenario.support, scenario.business
        self.rate_months = {
            support.coordinator.start_month,
            support.coordinator.start_month + support.coordinator.months,
            support.introduction.start_month,
            support.introduction.start_month + support.introduction.months,
        }
        if business.regulated:
            self.rate_months.add(business.registration_months + 1)
        self.next_sick_week = math.inf  # the soonest week any worker's next spell starts
        self.anyone_on_holiday = False
        self.next_holiday_week = math.inf  # the soonest week any worker's next holiday falls in
        self.settling: list[Client] = []  # clients whose new regular carer is settling in
        self.seen_fresh = False  # quiet weeks' carers are in the clients' ``seen`` sets
        self.orphans = 0  # clients without a regular carer
        self.hiring_stale = True  # clients, staff or hours changed since the last hiring check
        # a steady provider repeats its last settlement until ``next_event_week`` (see settle)
        self.steady = False
        self.next_event_week = 0.0
        self.changes = 0  # calls of changed(), to tell whether a settlement changed anything
        self._init_people()
        self.referral_share = 1.0  # share of referrals still coming (cut by a poor inspection)
        self.owner_away = False  # the owner is ill: no care, no admin (sim.model.shocks)
        self.owner_not_back = False  # ... and will not come back from this illness
        self.closing = False  # the illness is over and the owner did not come back
        self.next_shock_week = math.inf
        self.shocks = Shocks(self)
        self.waiting: deque[tuple[Client, float, float]] = deque()
        self.month = 1
        self.on_list = sc.council.framework == "closed" and sc.council.on_framework_at_start
        self.la_share = 0.0  # share of the council's referrals offered here (the brokerage's)
        self.satisfaction = 1.0
        self.recent: deque[tuple[float, float]] = deque(maxlen=CONTINUITY_MEMORY_WEEKS)
        self.arrivals = Arrivals(self)
        self.vacancy_open = False
        self.declined_since_check = 0
        self.places_full = False  # the last refusal was for want of places, not staff
        self.below_min_months = 0
        self.patience = draw_patience(self)  # lean months in a row the owner bears
        self.allowance_left = sc.staff.employment_allowance_per_year
        self.statutory_sick_pay = sc.staff.sick_pay == "statutory"
        self.turnover: deque[int] = deque(maxlen=12)  # pence of income, the last 12 months
        self.vat_from_month: int | None = None  # the month VAT registration takes effect
        self.vat_registered = False
        self.vat_quarter_due = 0  # pence of the last VAT quarter, paid at the next close
        self.annual_fee_step = 0
        self.loan_balance = 0
        self.loan_payment = 0
        self.monthly = MonthlyRecord(area.sc.run.months)
        # invoice payments not yet posted: (due day, invoicing order, account, pence billed,
        # pence paid); posted at the month close (money.settle_payments)
        self.payments_due: list[tuple[float, int, str, int, int]] = []
        self.payment_seq = 0
        self.before_close = 1  # payments invoiced before this are due before the month close
        self.failed = False
        self.failure_month: int | None = None
        self.failure_cause: str | None = None
        self.reset_month_counters()

    # ------------------------------------------------------------------ set-up
    def _init_prices_and_terms(self) -> None:
        sc = self.sc
        ch = sc.channels
        council = sc.council
        self.price = {c: getattr(ch, c).price_per_hour for c in CHANNELS if c != LA}
        self.price[LA] = council.rate_per_hour
        self.price_per_attendance = sc.day_activities.price_per_attendance
        self.payer = {c: getattr(ch, c).payer for c in CHANNELS if c != LA}
        self.payer[LA] = LA
        self.terms = {
            c: (
                getattr(ch, c).invoice_cycle,
                getattr(ch, c).payment_lag_days,
                getattr(ch, c).bad_debt_share,
            )
            for c in CHANNELS
            if c != LA
        }
        self.terms[LA] = (council.invoice_cycle, council.payment_lag_days, council.bad_debt_share)
        # the channels invoiced in most weeks, and in every fourth week (in CHANNELS order)
        cycles = {c: self.terms[c][0] for c in CHANNELS}
        self.billed_weekly = tuple(c for c in CHANNELS if cycles[c] == "weekly")
        self.billed_fourth_week = tuple(
            c for c in CHANNELS if cycles[c] in ("weekly", "four_weekly")
        )
        self.needs = {
            c: getattr(ch, c).hours_per_week or sc.clients.hours_per_week for c in CHANNELS
        }
        floor = sc.uplifts.wage_floor_per_hour
        self.wage_floor = floor
        self.wage = max(sc.staff.wage_per_hour, floor)  # never below the legal minimum
        self.overhead_factor = 1.0
        self.cover_price = sc.business.holiday_cover_price_per_hour  # £ a client hour
        self.min_drawings = sc.owner.min_drawings_per_month  # £ a month, rises yearly
        self.fixed_monthly = sum(sc.costs.fixed_monthly.values())  # £ a month, at start prices
        # £ a year at start prices, the CQC fee apart (it follows the clients: money.cqc_fee)
        self.annual_fees = sum(sc.costs.annual_fees.values())
        visit = sc.clients.visit_minutes
        if self.day_service:
            self.travel_per_hour = 0.0
            self.miles_per_hour = 0.0
        else:
            self.travel_per_hour = sc.staff.travel_minutes_per_visit / visit
            self.miles_per_hour = 60.0 / visit * sc.staff.miles_per_visit

    def _init_people(self) -> None:
        sc = self.sc
        spell = sc.staff.sickness_spell_days.mean_capped(5.0)  # days lost in a spell's week
        self.sick_chance_staff = weekly_chance(sc.staff.sickness_days_per_year, spell)
        self.sick_chance_owner = weekly_chance(sc.owner.sickness_days_per_year, spell)
        self.turnover_hazard = -math.log1p(-sc.staff.turnover_per_year) / WEEKS_PER_YEAR
        self.owner = new_worker(self, Worker(0, True, capacity=owner_capacity(sc, 1)))
        self.workers: list[Worker] = [self.owner]
        self.clients: list[Client] = []
        self.hours_by_channel = dict.fromkeys(CHANNELS, 0.0)  # client h/week, running totals
        self.accrued = dict.fromkeys(CHANNELS, 0.0)  # £ earned, not yet posted
        self.next_id = 1
        for _ in range(sc.staff.initial_staff):
            self.workers.append(new_employee(self))

    def reset_month_counters(self) -> None:
        """Zero what the monthly record counts (at the start and after each record)."""
        n = len(CHANNELS)
        self.m_referrals = [0] * n
        self.m_accepted = [0] * n
        self.m_declined = [0] * n
        self.m_hours = {
            "delivered": 0.0,
            "missed": 0.0,
            "regular": 0.0,
            "cover": 0.0,
            "owner_cover": 0.0,
            "bought_cover": 0.0,  # holiday hours bought from another provider
            "continuity": 0.0,  # given by a settled regular carer
        }
        self.m_carer_changes = 0
        self.m_weeks = 0  # weekly settlements this month
        self.m_carers_seen = 0  # people seen, summed over the clients who saw anyone
        self.m_clients_seen = 0
        self.m_hires = 0
        self.m_leavers = 0
        self.m_ended = 0
        self.m_dissatisfied = 0
        self.m_refused = dict.fromkeys(REFUSALS, 0)  # referrals the owner chose to refuse
        self.m_client_receipts = 0
        self.m_owner_hours = 0.0  # the owner's care and admin hours worked this month
        self.m_payer_hours = dict.fromkeys(PAYERS, 0.0)  # client hours delivered, by payer
        self.m_payroll = dict.fromkeys(
            ("wages", "employer_ni", "pension", "mileage", "bought_cover"), 0.0
        )
        self.m_vat_paid = 0  # pence paid to HMRC this month
        self.m_shocks = [0] * len(SHOCKS)

    def changed(self) -> None:
        """Clients, staff, hours or prices changed: forget the quiet week's amounts and look
        at hiring again."""
        self.quiet = None
        self.seen_fresh = False
        self.hiring_stale = True
        self.steady = False
        self.changes += 1

    def referred(self, channel: str) -> None:
        """A referral by ``channel`` reaches this provider."""
        arrive(self, channel)

    # ------------------------------------------------------------------ running
    def start(self) -> None:
        """Day 0: the start cash, the start-up costs, the first month and the first
        referrals."""
        sc = self.sc
        self.ledger.post(CASH, "equity:capital", pence(sc.business.start_cash))
        self.ledger.close_month()  # start cash is the opening balance, not a receipt
        self.cash_open = self.ledger.cash
        self.ledger.post("expense:startup", CASH, pence(sc.costs.startup_costs))
        self.profit_kept = -pence(sc.costs.startup_costs)  # profit not yet drawn, in pence
        self.month_start(1)
        self.arrivals.update()

    def settle(self, week: int) -> None:
        """The weekly settlement, in this order, then the coming week's referral rates.

        A steady week (nothing changed since the last settlement, which was quiet, and no
        sickness spell or leaver falls in this one) would repeat that settlement step by step:
        only its pay, earnings and bills are booked. A test runs both ways and compares.
        """
        if self.failed:
            return
        self.week = week
        self.m_weeks += 1
        if STEADY_WEEKS and self.steady and week < self.next_event_week and not self.waiting:
            quiet_week(self)
            bill_week(self, week)
            return
        changes = self.changes
        draw_sickness(self, week)
        draw_holidays(self, week)
        if self.settling:
            self.settling = [c for c in self.settling if c.active and c.settled_week > week]
        if week >= self.next_shock_week or self.owner_away:
            self.shocks.settle(week)
        workers = self.workers
        quiet = not (self.anyone_sick or self.anyone_on_holiday or self.orphans or self.settling)
        if quiet:
            for worker in workers:
                if worker.committed > worker.capacity + EPS:
                    quiet = False
                    break
        if not quiet:
            for worker in workers:
                worker.available = worker.capacity * (1.0 - off(worker))
            quiet = not self.settling and everyone_covered(self)
        if quiet and not (self.anyone_sick and self.statutory_sick_pay):
            quiet_week(self)
        else:  # (a quiet week's saved pay has no sick pay: a sick week is settled in full)
            owner_extra = self.sc.owner.extra_cover_hours_per_week * (1.0 - off(self.owner))
            buy = self.cover_price > 0  # 0: a holiday week nobody covers is missed
            settle_week(self.clients, self.workers, self.owner, owner_extra, buy)
            self.m_owner_hours += self.owner.worked + self.owner_admin * (1.0 - off(self.owner))
            pay_staff(self)
            earn_and_keep(self)
        staff_leave(self, week)
        if self.orphans:
            consider_hiring(self)  # a leaver's round waits for a replacement, if one is sought
        reassign(self)
        if self.waiting:
            fill_from_waiting(self)
            purge_waiting(self)
        consider_hiring(self)
        bill_week(self, week)
        self.arrivals.update()
        self.steady = (
            quiet
            and changes == self.changes
            and not self.anyone_sick
            and not self.anyone_on_holiday
            and not self.waiting
        )
        if self.steady:
            leaving = min((w.leave_week for w in workers[1:]), default=math.inf)
            self.next_event_week = min(
                self.next_sick_week, self.next_holiday_week, leaving, self.next_shock_week
            )

    def month_start(self, month: int) -> None:
        """A new month: uplifts, a new tax year, grants and loans, the owner's hours and the
        council's list."""
        self.month = month
        if open_month(self, month):
            self.changed()  # new wages and prices
        capacity = owner_capacity(self.sc, month)
        if capacity != self.owner.capacity:
            self.owner.capacity = capacity
            self.changed()
        business = self.sc.business
        if (
            business.regulated
            and business.registration_months
            and (month == business.registration_months + 1)
        ):
            self.area.brokerage.stale = True  # registered: the council may offer work now
        update_framework(self, month)
        self.arrivals.state = None  # support periods start and end with months
        if month in self.rate_months:
            self.steady = False  # a support period or the registration wait starts or ends

    def close(self, month: int) -> None:
        """The month close: the payments that fell due, the bills, then the failure check or
        the owner's drawings, then the record."""
        settle_payments(self, self.env.now, self.before_close)
        income, op_costs = close_books(self, month)
        check_vat(self, month, income)
        min_draw = pence(self.min_drawings)
        if insolvent(self):
            fail(self, month, "insolvency")
        else:
            lean_month(self, month, draw(self, min_draw, income - op_costs, op_costs) < min_draw)
        close_if_owner_gone(self, month)
        record(self, month, income, op_costs + min_draw)

    def stop(self) -> None:
        """The provider's last month is closed: post the payments due at this very time
        (their events would still have run after the close)."""
        settle_payments(self, self.env.now, self.payment_seq + 1)
