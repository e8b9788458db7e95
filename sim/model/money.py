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
VAT = "liability:vat"


def pay_staff(p: Provider) -> None:
    """Add the week's pay, employer NI, pension and mileage (from each worker's ``worked``
    hours) to the month's payroll, which is paid (and posted to the ledger) at the month
    close."""
    add_pay(p, *weekly_pay(p))


def weekly_pay(p: Provider) -> tuple[float, float, float, float]:
    """The week's wages (sick pay included), employer NI (before the Employment Allowance),
    pension and mileage in pounds, from each worker's ``worked`` hours and ``sick`` share.

    Statutory Sick Pay (from 6 April 2026) is due from the first day off, with no lower
    earnings limit: a sick share of a week pays that share of the lower of the weekly cap
    and a share of average weekly earnings, here the pay of the worker's regular hours (their
    committed or contracted hours, whichever is more) at today's wage: it is earnings for NI
    and pension, not hours worked, so no holiday accrues on it. Contracted hours are then
    guaranteed for the days not off sick. The owner is no employee: no wage and no sick pay;
    their own care miles are paid at the owner's mileage rate (0 when they bear their car
    costs themself), apart from the staff's mileage payments.
    """
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
    statutory = p.statutory_sick_pay
    owner_miles = 0.0
    for worker in p.workers:
        worked = worker.worked
        if worker.is_owner:
            owner_miles = worked * miles_per_hour
            continue
        miles += worked * miles_per_hour
        sick = worker.sick
        if statutory and sick > 0.0:
            usual = max(worker.committed * travel, worker.contracted) * wage * holiday
            sick_pay = sick * min(st.sick_pay_per_week, st.sick_pay_earnings_share * usual)
            paid_hours = max(worked * travel, worker.contracted * (1.0 - sick))
            gross = paid_hours * wage * holiday + sick_pay
        else:
            gross = max(worked * travel, worker.contracted) * wage * holiday
        wages += gross
        ni += max(0.0, gross - ni_threshold) * ni_rate
        if gross * WEEKS_PER_YEAR >= trigger:
            pension += max(0.0, gross - pension_lower) * pension_rate  # never negative
    mileage = miles * st.mileage_rate_per_mile + owner_miles * p.sc.owner.mileage_rate_per_mile
    return wages, ni, pension, mileage


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
    pounds and posted in pence when billed or at the month close). Once VAT-registered,
    what the client is billed holds VAT: on top of the price, or out of it (``vat_split``)."""
    amount = p.accrued[channel]
    if amount:
        if p.vat_registered:
            billed, income = vat_split(p, amount)
            p.ledger.post(UNBILLED[channel], INCOME[channel], income)
            p.ledger.post(UNBILLED[channel], VAT, billed - income)
        else:
            p.ledger.post(UNBILLED[channel], INCOME[channel], pence(amount))
        p.accrued[channel] = 0.0


def vat_split(p: Provider, amount: float) -> tuple[int, int]:
    """Pence billed and pence of income (billed less VAT) for ``amount`` pounds earned at
    list prices: with VAT added to the price clients pay the list price plus VAT; without,
    they pay the list price and the business keeps it less the VAT it holds."""
    rate = p.sc.business.vat_rate
    if p.sc.business.vat_added_to_price:
        return pence(amount * (1.0 + rate)), pence(amount)
    return pence(amount), pence(amount / (1.0 + rate))


def check_vat(p: Provider, month: int, income: int) -> None:
    """At a month close of an unregulated service (CQC-registered care is VAT-exempt):
    register for VAT when taxable turnover over the last 12 months passes the threshold
    (HMRC: registered from the first day of the second month after), and pay the VAT of
    each quarter since registration at the close of the month after it ends."""
    business = p.sc.business
    if business.regulated or business.vat_rate <= 0:
        return
    if p.vat_from_month is None:
        p.turnover.append(income)
        if sum(p.turnover) > pence(business.vat_threshold_per_year):
            p.vat_from_month = month + 2
        return
    months = month - p.vat_from_month + 1  # months registered, this one included
    if months <= 0:
        return
    if months % 3 == 1 and p.vat_quarter_due:
        p.ledger.post(VAT, CASH, p.vat_quarter_due)  # last quarter's return
        p.m_vat_paid = p.vat_quarter_due
        p.vat_quarter_due = 0
    if months % 3 == 0:
        p.vat_quarter_due = -p.ledger.balance(VAT)  # this quarter's, paid next month


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
    if month == p.vat_from_month:
        p.vat_registered = True  # income is booked at the month close: none is pending
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
    """The yearly rises: wage floor, wage, prices, council rate, overheads and what the owner
    needs to live on."""
    up = p.sc.uplifts
    p.wage_floor *= 1 + up.wage_floor_per_year
    p.wage = max(p.wage * (1 + up.wage_per_year), p.wage_floor)
    for channel in p.price:
        rise = up.council_rate_per_year if channel == LA else up.price_per_year
        p.price[channel] *= 1 + rise
    p.price_per_attendance *= 1 + up.price_per_year
    p.cover_price *= 1 + up.price_per_year  # another provider's price rises like ours
    p.overhead_factor *= 1 + up.overheads_per_year
    p.min_drawings *= 1 + up.min_drawings_per_year


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
    return pence((p.annual_fees + cqc_fee(p)) * p.overhead_factor)


def cqc_fee(p: Provider) -> float:
    """£/year of CQC fee at starting prices, 0 when unregulated. The community social care
    scheme (from 2018/19) charges a location in proportion to the people it supports, with a
    minimum: here a fixed part plus a part per client when the fee is set."""
    business = p.sc.business
    if not business.regulated:
        return 0.0
    fee = business.regulation_fee_per_year + business.regulation_fee_per_person * len(p.clients)
    return max(business.regulation_fee_minimum, fee)


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


def draw(p: Provider, min_draw: int, result: int, op_costs: int) -> int:
    """The owner's drawings: up to their minimum from cash above a reserve and what they set
    aside for next year's annual fees (a twelfth a month); then, from profit not yet drawn
    (never from the start cash, a grant or a loan), a share of whatever cash is left above a
    buffer of ``buffer_months_of_costs`` months of this month's operating costs.

    Owners of small firms live on what the business makes: they do not let profits pile
    up, so a business that has done well carries a buffer of a few months of costs, not
    years of profit, into the shocks of later years. ``result`` is the month's operating
    result (pence). Returns pence drawn: a lean month (less than the minimum) counts towards
    the owner giving up (:mod:`sim.model.failure`)."""
    owner = p.sc.owner
    set_aside = annual_fees_due(p) * ((p.month - 1) % 12) // 12
    vat_held = -p.ledger.balance(VAT)  # collected for HMRC, not the owner's
    available = p.ledger.cash - pence(owner.cash_reserve) - set_aside - vat_held
    drawn = max(0, min(min_draw, available))
    p.profit_kept += result - drawn
    surplus = available - drawn - round(owner.buffer_months_of_costs * op_costs)
    extra = min(round(owner.profit_share_drawn * surplus), p.profit_kept)
    if extra > 0:
        drawn += extra
        p.profit_kept -= extra
    p.ledger.post("equity:drawings", CASH, drawn)
    return drawn
