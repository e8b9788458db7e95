"""One care micro-enterprise as simpy processes: the owner of its state and its clock.

Time is in days. Three kinds of event drive the model: referral arrivals and package ends
(at their exact times), a weekly settlement (care delivery, pay, satisfaction, turnover,
hiring), and a month close (invoice payments fallen due, bills, owner drawings, failure
checks, the monthly record).
``Provider`` holds the state and runs those processes in order; each mechanism is a module of
plain functions taking the provider:

- :mod:`sim.model.referrals`: referrals by channel, the council's brokerage and tenders
- :mod:`sim.model.acceptance`: taking clients on, the waiting list, packages ending
- :mod:`sim.model.delivery`: the week's delivery, continuity, clients leaving dissatisfied
- :mod:`sim.model.staff`: sickness, staff leaving, hiring, the owner's care hours
- :mod:`sim.model.money`: pay, income, invoices, fees, loans, drawings (via the ledger)
- :mod:`sim.model.failure`: insolvency and the owner giving up
- :mod:`sim.model.record`: the monthly record
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

import simpy

from sim.model.acceptance import fill_from_waiting, purge_waiting, reassign
from sim.model.clock import DAYS_PER_MONTH, WEEK, WEEKS_PER_YEAR
from sim.model.delivery import earn_and_keep, everyone_covered, quiet_week, settle_week
from sim.model.entities import Client, Worker
from sim.model.failure import fail, insolvent, lean_month
from sim.model.ledger import CASH, Ledger, pence
from sim.model.money import (
    bill_week,
    close_books,
    draw,
    open_month,
    pay_staff,
    settle_payments,
)
from sim.model.record import MonthlyRecord, record
from sim.model.referrals import LA, schedule_arrivals, update_framework
from sim.model.staff import (
    consider_hiring,
    draw_sickness,
    new_employee,
    owner_capacity,
    staff_leave,
    weekly_chance,
)
from sim.model.streams import Stream, Streams
from sim.scenario import CHANNELS, PAYERS, Scenario

CONTINUITY_MEMORY_WEEKS = 13  # the council's view of past performance: last quarter


class Provider:
    """The state and processes of one replication of one scenario."""

    def __init__(self, scenario: Scenario, replication: int) -> None:
        sc = self.sc = scenario
        self.env = simpy.Environment()
        self.streams = Streams(sc.run.seed, replication)
        self.ledger = Ledger()
        # each channel's arrival stream and arrival callback, made on first use
        self.arrivals: list[tuple[Stream, Callable[[simpy.Event], None]] | None] = [None] * len(
            CHANNELS
        )
        self.day_service = sc.business.service == "day_activities"
        self._init_prices_and_terms()
        self._init_people()
        self.waiting: deque[tuple[Client, float, float]] = deque()
        self.month = 1
        self.on_list = sc.council.framework == "closed" and sc.council.on_framework_at_start
        self.la_share = 0.0
        self.satisfaction = 1.0
        self.recent: deque[tuple[float, float]] = deque(maxlen=CONTINUITY_MEMORY_WEEKS)
        self.vacancy_open = False
        self.declined_since_check = 0
        self.places_full = False  # the last refusal was for want of places, not staff
        self.below_min_months = 0
        self.allowance_left = sc.staff.employment_allowance_per_year
        self.annual_fee_step = 0
        self.loan_balance = 0
        self.loan_payment = 0
        self.monthly = MonthlyRecord(sc.run.months)
        # invoice payments not yet posted: (due day, invoicing order, account, pence billed,
        # pence paid); posted at the month close (money.settle_payments)
        self.payments_due: list[tuple[float, int, str, int, int]] = []
        self.payment_seq = 0
        self.failed = False
        self.failure_month: int | None = None
        self.failure_cause: str | None = None
        self.done = self.env.event()
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
        visit = sc.clients.visit_minutes
        if self.day_service:
            self.travel_per_hour = 0.0
            self.miles_per_hour = 0.0
        else:
            self.travel_per_hour = sc.staff.travel_minutes_per_visit / visit
            self.miles_per_hour = 60.0 / visit * sc.staff.miles_per_visit

    def _init_people(self) -> None:
        sc = self.sc
        self.owner = Worker(0, True, capacity=owner_capacity(sc, 1))
        self.workers: list[Worker] = [self.owner]
        self.clients: list[Client] = []
        self.hours_by_channel = dict.fromkeys(CHANNELS, 0.0)  # client h/week, running totals
        self.accrued = dict.fromkeys(CHANNELS, 0.0)  # £ earned, not yet posted
        self.next_id = 1
        for _ in range(sc.staff.initial_staff):
            self.workers.append(new_employee(self))
        spell = sc.staff.sickness_spell_days.mean_capped(5.0)  # days lost in a spell's week
        self.sick_chance_staff = weekly_chance(sc.staff.sickness_days_per_year, spell)
        self.sick_chance_owner = weekly_chance(sc.owner.sickness_days_per_year, spell)
        self.turnover_hazard = -math.log1p(-sc.staff.turnover_per_year) / WEEKS_PER_YEAR

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
        }
        self.m_hires = 0
        self.m_leavers = 0
        self.m_ended = 0
        self.m_dissatisfied = 0
        self.m_client_receipts = 0
        self.m_payer_hours = dict.fromkeys(PAYERS, 0.0)  # client hours delivered, by payer
        self.m_payroll = dict.fromkeys(("wages", "employer_ni", "pension", "mileage"), 0.0)

    # ------------------------------------------------------------------ running
    def run(self) -> None:
        sc = self.sc
        self.ledger.post(CASH, "equity:capital", pence(sc.business.start_cash))
        self.ledger.close_month()  # start cash is the opening balance, not a receipt
        self.cash_open = self.ledger.cash
        self.ledger.post("expense:startup", CASH, pence(sc.costs.startup_costs))
        self._month_start(1)
        # the week and the month close are timeouts that schedule their successor from their
        # callback (what a simpy process does, without a generator to resume each time)
        self.week = 0
        schedule_arrivals(self)
        self.env.timeout(WEEK).callbacks.append(self._on_week)
        self._schedule_close(1)
        self.env.run(until=self.done)

    def _on_week(self, _ev: simpy.Event) -> None:
        """The weekly settlement, then the coming week's referrals and the next week."""
        self.week += 1
        self._settle(self.week)
        schedule_arrivals(self)
        self.env.timeout(WEEK).callbacks.append(self._on_week)

    def _schedule_close(self, month: int) -> None:
        env = self.env
        env.timeout(month * DAYS_PER_MONTH - env.now).callbacks.append(self._on_close)
        # payments due at the close's very time were events before it if invoiced first
        self.before_close = self.payment_seq + 1

    def _on_close(self, _ev: simpy.Event) -> None:
        """A month close: the payments that fell due, the close, then the next month."""
        month = self.month
        now = self.env.now
        settle_payments(self, now, self.before_close)
        self._close_month(month)
        if self.failed or month == self.sc.run.months:
            self.done.succeed()
            # simpy would still run the payments due at this very time
            settle_payments(self, now, self.payment_seq + 1)
            return
        self._month_start(month + 1)
        self._schedule_close(month + 1)

    def _settle(self, week: int) -> None:
        """The weekly settlement, in this order."""
        if self.failed:
            return
        draw_sickness(self)
        if everyone_covered(self):
            quiet_week(self)
        else:
            owner_extra = self.sc.owner.extra_cover_hours_per_week * (1.0 - self.owner.sick)
            settle_week(self.clients, self.workers, self.owner, owner_extra)
            pay_staff(self)
            earn_and_keep(self)
        staff_leave(self)
        reassign(self)
        fill_from_waiting(self)
        purge_waiting(self)
        consider_hiring(self)
        bill_week(self, week)

    def _month_start(self, month: int) -> None:
        self.month = month
        open_month(self, month)
        self.owner.capacity = owner_capacity(self.sc, month)
        update_framework(self, month)

    def _close_month(self, month: int) -> None:
        """The month close: bills, then the failure check or the owner's drawings, then
        the record."""
        income, op_costs = close_books(self, month)
        min_draw = pence(self.sc.owner.min_drawings_per_month)
        if insolvent(self):
            fail(self, month, "insolvency")
        else:
            lean_month(self, month, draw(self, month, min_draw) < min_draw)
        record(self, month, income, op_costs + min_draw)
