"""One care micro-enterprise as simpy processes: referrals, clients, staff, delivery, money.

Time is in days. Three kinds of event drive the model: referral arrivals and package ends
(at their exact times), a weekly settlement (care delivery, pay, satisfaction, turnover,
hiring), and a month close (bills, owner drawings, failure checks, the monthly record).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Generator
from typing import Any

import simpy

from sim.model.delivery import EPS, settle_week
from sim.model.entities import Client, Worker
from sim.model.ledger import CASH, Ledger, pence
from sim.model.referrals import active, council_share, monthly_rates
from sim.model.streams import Stream, Streams
from sim.scenario import CHANNELS, PAYERS, Scenario

DAYS_PER_MONTH = 365.25 / 12
WEEK = 7.0
WEEKS_PER_YEAR = 52.0
LA = "local_authority"
ARRIVALS = tuple(f"arrivals_{c}" for c in CHANNELS)
UNBILLED = {c: f"unbilled:{c}" for c in CHANNELS}
INCOME = {c: f"income:{c}" for c in CHANNELS}
OWED_ACCOUNTS = (*UNBILLED.values(), *(f"receivable:{c}" for c in CHANNELS))
COUNT_COLUMNS = tuple((f"referrals_{c}", f"accepted_{c}", f"declined_{c}") for c in CHANNELS)
MIN_HOURS_PER_WEEK = 0.5  # a package is at least half an hour a week
CONTINUITY_MEMORY_WEEKS = 13  # the council's view of past performance: last quarter


class Provider:
    """The state and processes of one replication of one scenario."""

    def __init__(self, scenario: Scenario, replication: int) -> None:
        sc = self.sc = scenario
        self.env = simpy.Environment()
        self.streams = Streams(sc.run.seed, replication)
        self.ledger = Ledger()
        self.arrival_streams: list[Stream | None] = [None] * len(CHANNELS)
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
        self.rows: list[dict[str, Any]] = []
        self.failed = False
        self.failure_month: int | None = None
        self.failure_cause: str | None = None
        self.done = self.env.event()
        self._reset_month_counters()

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
        self.owner = Worker(0, True, capacity=self._owner_capacity(1))
        self.workers: list[Worker] = [self.owner]
        self.clients: list[Client] = []
        self.hours_by_channel = dict.fromkeys(CHANNELS, 0.0)  # client h/week, running totals
        self.accrued = dict.fromkeys(CHANNELS, 0.0)  # £ earned, not yet posted
        self.next_id = 1
        for _ in range(sc.staff.initial_staff):
            self.workers.append(self._new_employee())
        spell = sc.staff.sickness_spell_days.mean_capped(5.0)  # days lost in a spell's week
        self.sick_chance_staff = _weekly_chance(sc.staff.sickness_days_per_year, spell)
        self.sick_chance_owner = _weekly_chance(sc.owner.sickness_days_per_year, spell)
        self.turnover_hazard = -math.log1p(-sc.staff.turnover_per_year) / WEEKS_PER_YEAR

    def _new_employee(self) -> Worker:
        st = self.sc.staff
        worker = Worker(
            self.next_id,
            False,
            capacity=st.max_hours_per_week / (1.0 + self.travel_per_hour),
            desired=st.desired_hours_per_week,
            contracted=st.contracted_hours_per_week if st.contract == "contracted" else 0.0,
        )
        self.next_id += 1
        return worker

    def _owner_capacity(self, month: int) -> float:
        """Owner's care hours: regulation paperwork takes some, a coordinator gives some back."""
        sc = self.sc
        hours = sc.owner.care_hours_per_week
        paperwork = sc.business.regulation_admin_hours_per_week if sc.business.regulated else 0.0
        hours -= paperwork
        coord = sc.support.coordinator
        if active(coord.start_month, coord.months, month):
            hours += min(
                coord.admin_hours_saved_per_week, sc.owner.admin_hours_per_week + paperwork
            )
        return max(0.0, hours)

    def _reset_month_counters(self) -> None:
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
        self.env.process(self._weekly())
        self.env.process(self._monthly())
        self.env.run(until=self.done)

    def _weekly(self) -> Generator[simpy.Event, Any, None]:  # a simpy process
        week = 0
        self._schedule_arrivals()
        while True:
            yield self.env.timeout(WEEK)
            week += 1
            self._settle(week)
            self._schedule_arrivals()

    def _monthly(self) -> Generator[simpy.Event, Any, None]:  # a simpy process
        horizon = self.sc.run.months
        for month in range(1, horizon + 1):
            yield self.env.timeout(month * DAYS_PER_MONTH - self.env.now)
            self._close_month(month)
            if self.failed or month == horizon:
                self.done.succeed()
                return
            self._month_start(month + 1)

    # ------------------------------------------------------------------ referrals
    def _schedule_arrivals(self) -> None:
        """Draw the coming week's referrals per channel at this week's rates."""
        council = self.sc.council
        if council.framework != "none":
            continuity = None
            if council.allocation == "past_performance":
                delivered = sum(d for _, d in self.recent)
                if delivered > 0:
                    continuity = sum(r for r, _ in self.recent) / delivered
            self.la_share = council_share(
                self.sc, self.on_list, self.sc.owner.admin_hours_per_week, continuity
            )
        rates = monthly_rates(
            self.sc, self.month, len(self.clients), self.satisfaction, self.la_share
        )
        env = self.env
        for index, channel in enumerate(CHANNELS):
            per_day = rates[channel] / DAYS_PER_MONTH
            if per_day <= 0:
                continue
            stream = self.arrival_streams[index]
            if stream is None:
                stream = self.arrival_streams[index] = self.streams[ARRIVALS[index]]

            def arrive(_ev: simpy.Event, c: str = channel, i: int = index) -> None:
                self._arrive(c, i)

            t = stream.exponential() / per_day
            while t < WEEK:
                env.timeout(t).callbacks.append(arrive)
                t += stream.exponential() / per_day

    def _arrive(self, channel: str, index: int) -> None:
        if self.failed:
            return
        self.m_referrals[index] += 1
        client, package_days = self._draw_client(channel)
        if self._accept(client, package_days):
            self.m_accepted[index] += 1
            return
        if len(self.waiting) < self.sc.clients.waiting_list_places:
            deadline = self.env.now + self.sc.clients.waiting_patience_days
            self.waiting.append((client, package_days, deadline))
            return
        self.m_declined[index] += 1
        if not self.places_full:
            self.declined_since_check += 1  # short of staff, not of places: worth hiring

    def _draw_client(self, channel: str) -> tuple[Client, float]:
        """Draw a referral's needs and package length from its channel's own streams."""
        sc = self.sc
        package_rng = self.streams[f"package_{channel}"].rng
        package_days = sc.clients.package_months.sample(package_rng) * DAYS_PER_MONTH
        needs_rng = self.streams[f"needs_{channel}"].rng
        if self.day_service:
            da = sc.day_activities
            attendances = max(
                1, min(da.sessions_per_week, round(da.attendances_per_week.sample(needs_rng)))
            )
            client_hours = attendances * da.session_hours
            staff_hours = client_hours / da.staff_ratio
        else:
            client_hours = max(MIN_HOURS_PER_WEEK, self.needs[channel].sample(needs_rng))
            staff_hours = client_hours
        client = Client(
            self.next_id,
            channel,
            self.payer[channel],
            client_hours,
            staff_hours,
            start=self.env.now,
        )
        self.next_id += 1
        return client, package_days

    def _accept(self, client: Client, package_days: float) -> bool:
        """Take the client on if a carer has room for the whole package (and, for day
        activities, there are places)."""
        if self.day_service:
            da = self.sc.day_activities
            booked = sum(c.client_hours for c in self.clients) / da.session_hours
            places = da.sessions_per_week * da.places_per_session
            self.places_full = booked + client.client_hours / da.session_hours > places + EPS
            if self.places_full:
                return False
        carer = self._best_carer(client.staff_hours)
        if carer is None:
            return False
        carer.assign(client)
        client.start = self.env.now
        self.clients.append(client)
        self.hours_by_channel[client.channel] += client.client_hours
        self.env.timeout(package_days).callbacks.append(
            lambda _ev: self._end_package(client, dissatisfied=False)
        )
        return True

    def _best_carer(self, hours: float) -> Worker | None:
        best = None
        for worker in self.workers:
            if worker.free + EPS >= hours and (best is None or worker.free > best.free):
                best = worker
        return best

    def _end_package(self, client: Client, dissatisfied: bool) -> None:
        if not client.active or self.failed:
            return
        client.active = False
        if client.carer is not None:
            client.carer.release(client)
        self.clients.remove(client)
        remaining = self.hours_by_channel[client.channel] - client.client_hours
        if not any(c.channel == client.channel for c in self.clients):
            remaining = 0.0  # no float residue once a channel has no clients
        self.hours_by_channel[client.channel] = remaining
        self.m_ended += 1
        self.m_dissatisfied += dissatisfied
        self._fill_from_waiting()

    def _fill_from_waiting(self) -> None:
        """Take waiting referrals, first come first served, while there is room."""
        now = self.env.now
        while self.waiting:
            client, package_days, deadline = self.waiting[0]
            if deadline < now:
                self.waiting.popleft()
                self.m_declined[CHANNELS.index(client.channel)] += 1
                continue
            if not self._accept(client, package_days):
                return
            self.waiting.popleft()
            self.m_accepted[CHANNELS.index(client.channel)] += 1

    # ------------------------------------------------------------------ the week
    def _settle(self, week: int) -> None:
        if self.failed:
            return
        sc = self.sc
        self._draw_sickness()
        if self._everyone_covered():
            self._quiet_week()
        else:
            owner_extra = sc.owner.extra_cover_hours_per_week * (1.0 - self.owner.sick)
            settle_week(self.clients, self.workers, self.owner, owner_extra)
            self._pay_staff()
            self._earn_and_keep()
        self._staff_leave()
        self._reassign()
        self._fill_from_waiting()
        self._purge_waiting()
        self._consider_hiring()
        for channel in CHANNELS:
            cycle = self.terms[channel][0]
            if cycle == "weekly" or (cycle == "four_weekly" and week % 4 == 0):
                self._invoice(channel)

    def _draw_sickness(self) -> None:
        stream = self.streams["sickness"]
        spell = self.sc.staff.sickness_spell_days
        for worker in self.workers:
            chance = self.sick_chance_owner if worker.is_owner else self.sick_chance_staff
            if stream.uniform() < chance:
                worker.sick = min(1.0, spell.sample(stream.rng) / 5.0)
            else:
                worker.sick = 0.0
            worker.available = worker.capacity * (1.0 - worker.sick)

    def _pay_staff(self) -> None:
        """Add the week's pay, employer NI, pension and mileage to the month's payroll,
        which is paid (and posted to the ledger) at the month close."""
        st = self.sc.staff
        wages = ni = pension = 0.0
        miles = 0.0
        for worker in self.workers:
            miles += worker.worked * self.miles_per_hour
            if worker.is_owner:
                continue
            paid_hours = max(worker.worked * (1.0 + self.travel_per_hour), worker.contracted)
            gross = paid_hours * self.wage * (1.0 + st.holiday_accrual_rate)
            wages += gross
            ni += max(0.0, gross - st.ni_threshold_per_year / WEEKS_PER_YEAR) * st.employer_ni_rate
            if gross * WEEKS_PER_YEAR >= st.pension_trigger_per_year:
                pension += (gross - st.pension_lower_per_year / WEEKS_PER_YEAR) * st.pension_rate
        offset = min(ni, self.allowance_left)
        self.allowance_left -= offset
        payroll = self.m_payroll
        payroll["wages"] += wages
        payroll["employer_ni"] += ni - offset
        payroll["pension"] += pension
        payroll["mileage"] += miles * st.mileage_rate_per_mile

    def _client_hour_price(self, channel: str) -> float:
        if self.day_service:
            return self.price_per_attendance / self.sc.day_activities.session_hours
        return self.price[channel]

    def _everyone_covered(self) -> bool:
        """True in the usual week: every client has a regular carer who can give all their
        hours. Then nothing is missed or covered and the week needs no per-client work."""
        for worker in self.workers:
            if worker.committed > worker.available + EPS:
                return False
        return all(client.carer is not None for client in self.clients)

    def _quiet_week(self) -> None:
        """The shortcut of settle_week + _earn_and_keep for a week with every hour given by
        the regular carer: the same postings and counts from running totals by channel."""
        for worker in self.workers:
            worker.worked = worker.committed
        self._pay_staff()
        total = 0.0
        for channel, hours in self.hours_by_channel.items():
            if hours > 0:
                total += hours
                amount = hours * self._client_hour_price(channel)
                self.accrued[channel] += amount
                self.m_payer_hours[self.payer[channel]] += hours
        self.m_hours["delivered"] += total
        self.m_hours["regular"] += total
        if total > 0:
            self.satisfaction = 1.0
            self.recent.append((total, total))

    def _earn_and_keep(self) -> None:
        """Accrue income for delivered hours, count hours and continuity, and let clients
        leave when visits were missed or came from strangers (mechanism 3)."""
        cl = self.sc.clients
        per_missed = cl.leave_per_missed_share
        per_stranger = cl.leave_per_discontinuity
        uniform = self.streams["dissatisfaction"].uniform
        earned = dict.fromkeys(CHANNELS, 0.0)
        prices = {c: self._client_hour_price(c) for c in CHANNELS}
        delivered_total = regular_total = cover_total = owner_total = need_total = 0.0
        leaving = []
        for client in self.clients:
            staff_hours = client.staff_hours
            delivered = client.regular + client.cover + client.owner_cover
            scale = client.client_hours / staff_hours
            earned[client.channel] += delivered * scale * prices[client.channel]
            delivered_total += delivered * scale
            self.m_payer_hours[client.payer] += delivered * scale
            regular_total += client.regular * scale
            cover_total += client.cover * scale
            owner_total += client.owner_cover * scale
            need_total += client.client_hours
            missed_share = max(0.0, 1.0 - delivered / staff_hours)
            stranger_share = 1.0 - client.regular / delivered if delivered > 0 else 1.0
            if uniform() < per_missed * missed_share + per_stranger * stranger_share:
                leaving.append(client)
        for channel, amount in earned.items():
            self.accrued[channel] += amount
        hours = self.m_hours
        hours["delivered"] += delivered_total
        hours["missed"] += need_total - delivered_total
        hours["regular"] += regular_total
        hours["cover"] += cover_total
        hours["owner_cover"] += owner_total
        if need_total > 0:
            self.satisfaction = regular_total / need_total
            self.recent.append((regular_total, delivered_total))
        for client in leaving:
            self._end_package(client, dissatisfied=True)

    def _staff_leave(self) -> None:
        """Staff leave more often when offered fewer hours than they want (mechanism 4)."""
        st = self.sc.staff
        stream = self.streams["turnover"]
        for worker in [w for w in self.workers if not w.is_owner]:
            offered = max(worker.committed * (1.0 + self.travel_per_hour), worker.contracted)
            shortfall = max(0.0, worker.desired - offered) / worker.desired
            hazard = self.turnover_hazard * (1.0 + st.turnover_shortfall_factor * shortfall)
            if stream.uniform() < -math.expm1(-hazard):
                self.workers.remove(worker)
                for client in list(worker.clients):
                    worker.release(client)
                self.m_leavers += 1

    def _reassign(self) -> None:
        """Give clients who lost their regular carer a new one, where someone has room."""
        for client in self.clients:
            if client.carer is None:
                carer = self._best_carer(client.staff_hours)
                if carer is not None:
                    carer.assign(client)

    def _purge_waiting(self) -> None:
        now = self.env.now
        kept: deque[tuple[Client, float, float]] = deque()
        for entry in self.waiting:
            if entry[2] < now:
                self.m_declined[CHANNELS.index(entry[0].channel)] += 1
            else:
                kept.append(entry)
        self.waiting = kept

    def _consider_hiring(self) -> None:
        """Open a vacancy when demand outgrows capacity, within the staff ceiling."""
        st = self.sc.staff
        employees = len(self.workers) - 1
        pressure = self.declined_since_check > 0 or bool(self.waiting)
        self.declined_since_check = 0
        if self.vacancy_open or employees >= self.sc.business.staff_ceiling:
            return
        capacity = sum(w.capacity for w in self.workers)
        committed = sum(c.staff_hours for c in self.clients)
        if pressure or committed >= st.hire_when_utilisation_above * capacity:
            self.vacancy_open = True
            days = st.time_to_hire_days.sample(self.streams["hiring"].rng)
            self.env.timeout(days).callbacks.append(lambda _ev: self._hire())

    def _hire(self) -> None:
        self.vacancy_open = False
        if self.failed or len(self.workers) - 1 >= self.sc.business.staff_ceiling:
            return
        self.ledger.post("expense:recruitment", CASH, pence(self.sc.staff.recruitment_cost))
        self.workers.append(self._new_employee())
        self.m_hires += 1
        self._reassign()
        self._fill_from_waiting()

    # ------------------------------------------------------------------ money
    def _book_income(self, channel: str) -> None:
        """Post income earned since the last posting (weekly amounts are added up in
        pounds and posted in pence when billed or at the month close)."""
        amount = self.accrued[channel]
        if amount:
            self.ledger.post(UNBILLED[channel], INCOME[channel], pence(amount))
            self.accrued[channel] = 0.0

    def _invoice(self, channel: str) -> None:
        """Bill what was earned; the payer pays after its lag, less any bad debt."""
        self._book_income(channel)
        amount = self.ledger.balance(UNBILLED[channel])
        if amount <= 0:
            return
        _, lag, bad_share = self.terms[channel]
        receivable = f"receivable:{channel}"
        self.ledger.post(receivable, UNBILLED[channel], amount)
        paid = pence(amount * (1.0 - bad_share) / 100.0)
        days = lag.sample(self.streams["payment_lag"].rng)

        def settle(_ev: simpy.Event) -> None:
            self.ledger.post(CASH, receivable, paid)
            self.m_client_receipts += paid
            self.ledger.post("expense:bad_debt", receivable, amount - paid)

        self.env.timeout(days).callbacks.append(settle)

    def _month_start(self, month: int) -> None:
        sc = self.sc
        self.month = month
        calendar = (sc.run.start_month_of_year - 1 + month - 1) % 12 + 1
        if month > 1 and calendar == sc.uplifts.month_of_year:
            self._apply_uplifts()
        if calendar == 4:
            self.allowance_left = sc.staff.employment_allowance_per_year  # new tax year
        support = sc.support
        if month == support.grant_month:
            self.ledger.post(CASH, "equity:grant", pence(support.grant_amount))
        if month == support.loan_month and support.loan_amount > 0:
            self.loan_balance = pence(support.loan_amount)
            self.ledger.post(CASH, "liability:loan", self.loan_balance)
            r = support.loan_apr / 12
            n = support.loan_term_months
            payment = (
                support.loan_amount / n if r == 0 else support.loan_amount * r / (1 - (1 + r) ** -n)
            )
            self.loan_payment = pence(payment)
        self.owner.capacity = self._owner_capacity(month)
        self._update_framework(month)

    def _update_framework(self, month: int) -> None:
        council = self.sc.council
        if council.framework == "open":
            self.on_list = month > council.application_delay_months
        elif council.framework == "closed":
            since = month - council.first_retender_month
            if since >= 0 and since % council.retender_every_months == 0:
                won = self.streams["council"].uniform() < council.tender_win_probability
                self.on_list = won

    def _apply_uplifts(self) -> None:
        up = self.sc.uplifts
        self.wage_floor *= 1 + up.wage_floor_per_year
        self.wage = max(self.wage * (1 + up.wage_per_year), self.wage_floor)
        for channel in self.price:
            rise = up.council_rate_per_year if channel == LA else up.price_per_year
            self.price[channel] *= 1 + rise
        self.price_per_attendance *= 1 + up.price_per_year
        self.overhead_factor *= 1 + up.overheads_per_year

    def _close_month(self, month: int) -> None:
        sc = self.sc
        post = self.ledger.post
        for channel in CHANNELS:
            if self.terms[channel][0] == "monthly":
                self._invoice(channel)
            else:
                self._book_income(channel)
        for item, amount in self.m_payroll.items():
            post(f"expense:{item}", CASH, pence(amount))
        factor = self.overhead_factor
        post("expense:overheads", CASH, pence(sum(sc.costs.fixed_monthly.values()) * factor))
        post("expense:marketing", CASH, pence(sc.costs.marketing_per_month * factor))
        self._annual_fees(month)
        self._repay_loan()
        moved = self.ledger.month
        income = -sum(v for k, v in moved.items() if k.startswith("income:"))
        op_costs = sum(
            v for k, v in moved.items() if k.startswith("expense:") and k != "expense:startup"
        )
        min_draw = pence(sc.owner.min_drawings_per_month)
        if sc.failure.insolvency and self.ledger.cash < -pence(sc.business.overdraft):
            self._fail(month, "insolvency")
        else:
            self._draw(month, min_draw)
        self._record(month, income, op_costs + min_draw)

    def _annual_fees_due(self) -> int:
        """Pence of annual fees (insurance, CQC when regulated...) at today's prices."""
        return pence(self.sc.annual_fees() * self.overhead_factor)

    def _annual_fees(self, month: int) -> None:
        """Pay the year's fees up front every 12 months; spread them as a monthly cost."""
        sc = self.sc
        post = self.ledger.post
        if (month - 1) % 12 == 0:
            total = self._annual_fees_due()
            post("prepaid:annual_fees", CASH, total)
            self.annual_fee_step = total // 12
        share = self.annual_fee_step
        if month % 12 == 0 or month == sc.run.months:
            share = self.ledger.balance("prepaid:annual_fees")
        post("expense:annual_fees", "prepaid:annual_fees", share)

    def _repay_loan(self) -> None:
        if self.loan_balance <= 0 or self.month <= self.sc.support.loan_month:
            return
        interest = pence(self.loan_balance / 100 * self.sc.support.loan_apr / 12)
        principal = min(self.loan_balance, self.loan_payment - interest)
        self.ledger.post("expense:interest", CASH, interest)
        self.ledger.post("liability:loan", CASH, principal)
        self.loan_balance -= principal

    def _draw(self, month: int, min_draw: int) -> None:
        """The owner takes up to their minimum from cash above a reserve and what they set
        aside for next year's annual fees (a twelfth a month); too many lean months and they
        give up (mechanism: owner exit)."""
        owner = self.sc.owner
        set_aside = self._annual_fees_due() * ((month - 1) % 12) // 12
        available = self.ledger.cash - pence(owner.cash_reserve) - set_aside
        drawn = max(0, min(min_draw, available))
        self.ledger.post("equity:drawings", CASH, drawn)
        if drawn < min_draw:
            self.below_min_months += 1
        else:
            self.below_min_months = 0
        if (
            self.sc.failure.owner_exit
            and self.below_min_months >= owner.months_below_min_before_exit
        ):
            self._fail(month, "owner_exit")

    def _fail(self, month: int, cause: str) -> None:
        self.failed = True
        self.failure_month = month
        self.failure_cause = cause

    # ------------------------------------------------------------------ records
    def _record(self, month: int, income: int, costs: int) -> None:
        ledger = self.ledger
        receipts = ledger.month_receipts
        payments = ledger.month_payments
        moved = ledger.close_month()

        def spent(*accounts: str) -> float:
            return sum(moved.get(f"expense:{a}", 0) for a in accounts) / 100

        employees = len(self.workers) - 1
        hours = self.m_hours
        income_by_payer = dict.fromkeys(PAYERS, 0)
        for channel in CHANNELS:
            income_by_payer[self.payer[channel]] -= moved.get(INCOME[channel], 0)
        by_payer = dict.fromkeys(PAYERS, 0)
        for client in self.clients:
            by_payer[client.payer] += 1
        owed = sum(ledger.balance(account) for account in OWED_ACCOUNTS)
        row: dict[str, Any] = {
            "month": month,
            "cash_open": self.cash_open / 100,
            "receipts": receipts / 100,
            "payments": payments / 100,
            "cash_close": ledger.cash / 100,
            "income_earned": income / 100,
            "costs": costs / 100,
            "operating_result": (income - costs) / 100,
            "receipts_from_clients": self.m_client_receipts / 100,
            "owed_to_business": owed / 100,
            "drawings": moved.get("equity:drawings", 0) / 100,
            "loan_outstanding": self.loan_balance / 100,
            "cost_wages": spent("wages"),
            "cost_oncosts": spent("employer_ni", "pension"),
            "cost_mileage": spent("mileage"),
            "cost_recruitment": spent("recruitment"),
            "cost_overheads": spent("overheads", "marketing", "annual_fees"),
            "cost_interest": spent("interest"),
            "cost_bad_debt": spent("bad_debt"),
            "cost_startup": spent("startup"),
            "clients": len(self.clients),
            **{f"clients_{p}": n for p, n in by_payer.items()},
            "waiting": len(self.waiting),
            "staff": employees,
            "hires": self.m_hires,
            "leavers": self.m_leavers,
            "packages_ended": self.m_ended,
            "left_dissatisfied": self.m_dissatisfied,
            "hours_delivered": hours["delivered"],
            "hours_missed": hours["missed"],
            "hours_regular": hours["regular"],
            "hours_cover": hours["cover"],
            "hours_owner_cover": hours["owner_cover"],
            **{f"hours_{p}": h for p, h in self.m_payer_hours.items()},
            **{f"income_{p}": income_by_payer[p] / 100 for p in PAYERS},
            "continuity": hours["regular"] / hours["delivered"]
            if hours["delivered"] > 0
            else math.nan,
            "on_council_list": bool(self.la_share > 0),
            "size_band": size_band(employees + 1),
            "trading": not self.failed,
        }
        for i, (referrals, accepted, declined) in enumerate(COUNT_COLUMNS):
            row[referrals] = self.m_referrals[i]
            row[accepted] = self.m_accepted[i]
            row[declined] = self.m_declined[i]
        self.rows.append(row)
        self.cash_open = ledger.cash
        self._reset_month_counters()


def size_band(headcount: int) -> str:
    """Size band by headcount, owner included: micro is fewer than 5 staff."""
    if headcount < 5:
        return "micro"
    if headcount < 50:
        return "small"
    return "medium"


def _weekly_chance(days_per_year: float, days_per_spell: float) -> float:
    """Chance a sickness spell starts in a given week, to give ``days_per_year`` on average.

    ``days_per_spell`` is the average a spell takes of its week, E[min(spell, 5)] (a spell
    never carries into the next week), not min(mean spell, 5), which is more whenever spells
    are random and would lose fewer days than asked. Capped at one spell a week.
    """
    if days_per_year <= 0 or days_per_spell <= 0:
        return 0.0
    return min(1.0, days_per_year / (WEEKS_PER_YEAR * days_per_spell))
