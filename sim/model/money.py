"""The business's money: pay, income, invoices, fees, loans and the owner's drawings.

Every movement is a posting in :mod:`sim.model.ledger` (in whole pence), so cash reconciles
to the penny; this module decides what is posted and when. Staff pay (wages with rolled-up
holiday pay, employer NI above its threshold less the Employment Allowance, pension above the
auto-enrolment trigger, mileage) is added up weekly and paid at the month close. Income is
accrued per delivered hour (in :mod:`sim.model.delivery`), billed on each payer's cycle
(weekly, four-weekly or monthly) and paid after a random lag less bad debt. At the month
close come overheads and marketing, a twelfth of the year's annual fees (paid up front),
loan repayments and the owner's drawings. Prices, wages (never below the rising wage floor),
the council rate and overheads rise once a year; a grant or loan arrives in its month.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from sim.model.brokerage import LA
from sim.model.clock import WEEKS_PER_YEAR
from sim.model.ledger import CASH, pence
from sim.scenario import CHANNELS

if TYPE_CHECKING:
    from sim.model.provider import Provider

UNBILLED = {c: f"unbilled:{c}" for c in CHANNELS}
INCOME = {c: f"income:{c}" for c in CHANNELS}
OWED_ACCOUNTS = (*UNBILLED.values(), *(f"receivable:{c}" for c in CHANNELS))


def pay_staff(p: Provider) -> None:
    """Add the week's pay, employer NI, pension and mileage (from each worker's ``worked``
    hours) to the month's payroll, which is paid (and posted to the ledger) at the month
    close."""
    add_pay(p, *weekly_pay(p))


def weekly_pay(p: Provider) -> tuple[float, float, float, float]:
    """The week's wages, employer NI (before the Employment Allowance), pension and mileage
    in pounds, from each worker's ``worked`` hours."""
    st = p.sc.staff
    wages = ni = pension = 0.0
    miles = 0.0
    miles_per_hour = p.miles_per_hour
    travel = 1.0 + p.travel_per_hour
    wage = p.wage
    holiday = 1.0 + st.holiday_accrual_rate
    ni_threshold = st.ni_threshold_per_year / WEEKS_PER_YEAR
    ni_rate = st.employer_ni_rate
    trigger = st.pension_trigger_per_year
    pension_lower = st.pension_lower_per_year / WEEKS_PER_YEAR
    pension_rate = st.pension_rate
    for worker in p.workers:
        worked = worker.worked
        miles += worked * miles_per_hour
        if worker.is_owner:
            continue
        paid_hours = max(worked * travel, worker.contracted)
        gross = paid_hours * wage * holiday
        wages += gross
        ni += max(0.0, gross - ni_threshold) * ni_rate
        if gross * WEEKS_PER_YEAR >= trigger:
            pension += max(0.0, gross - pension_lower) * pension_rate  # never negative
    return wages, ni, pension, miles * st.mileage_rate_per_mile


def add_pay(p: Provider, wages: float, ni: float, pension: float, mileage: float) -> None:
    """Add a week's pay to the month's payroll, the Employment Allowance taking what it can
    of the employer NI."""
    offset = min(ni, p.allowance_left)
    p.allowance_left -= offset
    payroll = p.m_payroll
    payroll["wages"] += wages
    payroll["employer_ni"] += ni - offset
    payroll["pension"] += pension
    payroll["mileage"] += mileage


def bill_week(p: Provider, week: int) -> None:
    """Invoice the channels billed weekly, and every fourth week those billed four-weekly."""
    for channel in p.billed_fourth_week if week % 4 == 0 else p.billed_weekly:
        invoice(p, channel)


def book_income(p: Provider, channel: str) -> None:
    """Post income earned since the last posting (weekly amounts are added up in
    pounds and posted in pence when billed or at the month close)."""
    amount = p.accrued[channel]
    if amount:
        p.ledger.post(UNBILLED[channel], INCOME[channel], pence(amount))
        p.accrued[channel] = 0.0


def invoice(p: Provider, channel: str) -> None:
    """Bill what was earned; the payer pays after its lag, less any bad debt."""
    unbilled = UNBILLED[channel]
    if not p.accrued[channel] and not p.ledger.balances.get(unbilled):
        return  # nothing earned since the last bill
    book_income(p, channel)
    amount = p.ledger.balance(unbilled)
    if amount <= 0:
        return
    _, lag, bad_share = p.terms[channel]
    receivable = f"receivable:{channel}"
    p.ledger.post(receivable, UNBILLED[channel], amount)
    paid = pence(amount * (1.0 - bad_share) / 100.0)
    days = lag.sample(p.streams["payment_lag"].rng)
    if days < 0:
        raise ValueError(f"Negative delay {days}")  # as simpy's timeout would
    p.payment_seq += 1
    heapq.heappush(p.payments_due, (p.env.now + days, p.payment_seq, receivable, amount, paid))


def settle_payments(p: Provider, until: float, before_seq: int) -> None:
    """Post the invoice payments due by ``until`` (those due exactly then only when
    invoiced before ``before_seq``), in due order, then invoicing order.

    Payments are not simpy events: nothing but the month close reads cash or what is owed,
    so the close posts the payments that fell due since the last one, in the order the events
    would have run. Cash, receipts and balances at every close are the same.
    """
    due = p.payments_due
    post = p.ledger.post
    while due and (due[0][0] < until or (due[0][0] == until and due[0][1] < before_seq)):
        _, _, receivable, amount, paid = heapq.heappop(due)
        post(CASH, receivable, paid)
        p.m_client_receipts += paid
        post("expense:bad_debt", receivable, amount - paid)


def open_month(p: Provider, month: int) -> bool:
    """A month's start: the yearly uplifts, a new tax year's Employment Allowance, and any
    grant or loan paid in this month. True when wages and prices rose."""
    sc = p.sc
    calendar = (sc.run.start_month_of_year - 1 + month - 1) % 12 + 1
    uplift = month > 1 and calendar == sc.uplifts.month_of_year
    if uplift:
        apply_uplifts(p)
    if calendar == 4:
        p.allowance_left = sc.staff.employment_allowance_per_year  # new tax year
    support = sc.support
    if month == support.grant_month:
        p.ledger.post(CASH, "equity:grant", pence(support.grant_amount))
    if month == support.loan_month and support.loan_amount > 0:
        p.loan_balance = pence(support.loan_amount)
        p.ledger.post(CASH, "liability:loan", p.loan_balance)
        r = support.loan_apr / 12
        n = support.loan_term_months
        payment = (
            support.loan_amount / n if r == 0 else support.loan_amount * r / (1 - (1 + r) ** -n)
        )
        p.loan_payment = pence(payment)
    return uplift


def apply_uplifts(p: Provider) -> None:
    """The yearly rises: wage floor, wage, prices, council rate and overheads."""
    up = p.sc.uplifts
    p.wage_floor *= 1 + up.wage_floor_per_year
    p.wage = max(p.wage * (1 + up.wage_per_year), p.wage_floor)
    for channel in p.price:
        rise = up.council_rate_per_year if channel == LA else up.price_per_year
        p.price[channel] *= 1 + rise
    p.price_per_attendance *= 1 + up.price_per_year
    p.overhead_factor *= 1 + up.overheads_per_year


def close_books(p: Provider, month: int) -> tuple[int, int]:
    """The month close's bills: income booked or invoiced, payroll, overheads, marketing,
    annual fees and loan repayment. Returns the month's income earned and operating costs
    (pence; start-up costs are not operating costs)."""
    sc = p.sc
    post = p.ledger.post
    for channel in CHANNELS:
        if p.terms[channel][0] == "monthly":
            invoice(p, channel)
        else:
            book_income(p, channel)
    for item, amount in p.m_payroll.items():
        post(f"expense:{item}", CASH, pence(amount))
    factor = p.overhead_factor
    post("expense:overheads", CASH, pence(p.fixed_monthly * factor))
    post("expense:marketing", CASH, pence(sc.costs.marketing_per_month * factor))
    annual_fees(p, month)
    repay_loan(p)
    moved = p.ledger.month
    income = op_costs = 0
    for account, amount in moved.items():
        kind = account[:7]
        if kind == "income:":
            income -= amount
        elif kind == "expense" and account != "expense:startup":
            op_costs += amount
    return income, op_costs


def annual_fees_due(p: Provider) -> int:
    """Pence of annual fees (insurance, CQC when regulated...) at today's prices."""
    return pence(p.annual_fees * p.overhead_factor)


def annual_fees(p: Provider, month: int) -> None:
    """Pay the year's fees up front every 12 months; spread them as a monthly cost."""
    sc = p.sc
    post = p.ledger.post
    if (month - 1) % 12 == 0:
        total = annual_fees_due(p)
        post("prepaid:annual_fees", CASH, total)
        p.annual_fee_step = total // 12
    share = p.annual_fee_step
    if month % 12 == 0 or month == sc.run.months:
        share = p.ledger.balance("prepaid:annual_fees")
    post("expense:annual_fees", "prepaid:annual_fees", share)


def repay_loan(p: Provider) -> None:
    """A month's loan interest (an operating cost) and principal (not one)."""
    if p.loan_balance <= 0 or p.month <= p.sc.support.loan_month:
        return
    interest = pence(p.loan_balance / 100 * p.sc.support.loan_apr / 12)
    principal = min(p.loan_balance, p.loan_payment - interest)
    p.ledger.post("expense:interest", CASH, interest)
    p.ledger.post("liability:loan", CASH, principal)
    p.loan_balance -= principal


def draw(p: Provider, month: int, min_draw: int) -> int:
    """The owner takes up to their minimum from cash above a reserve and what they set
    aside for next year's annual fees (a twelfth a month). Returns pence drawn: a lean month
    (less than the minimum) counts towards the owner giving up (:mod:`sim.model.failure`)."""
    owner = p.sc.owner
    set_aside = annual_fees_due(p) * ((month - 1) % 12) // 12
    available = p.ledger.cash - pence(owner.cash_reserve) - set_aside
    drawn = max(0, min(min_draw, available))
    p.ledger.post("equity:drawings", CASH, drawn)
    return drawn
