"""The 2026 money rules (issue 10, item 5), each against a hand calculation.

- Statutory Sick Pay (from 6 April 2026): a sick share of the week pays that share of the
  lower of £123.25 and 80% of average weekly earnings (the pay of the worker's regular
  hours), from the first day and with no lower earnings limit; contracted hours are then
  guaranteed for the days not off sick;
- the Employment Allowance removes employer NI for a business of under 5 staff (its renewal
  each tax year until used up: tests/test_mechanisms.py);
- the CQC fee grows with the people supported, never below its minimum;
- an unregulated service registers for VAT once its last 12 months' turnover passes the
  threshold (from the first day of the second month after) and then owes VAT on its income;
- a regulated start-up takes nobody on until CQC registration;
- the owner's own care miles are paid at the owner's rate, apart from the staff's.

Every expected figure is worked out in the comments from the rules, never from a run.
"""

from __future__ import annotations

import pytest

import sim
from sim.model.clock import DAYS_PER_MONTH
from sim.model.delivery import settle_week
from sim.model.ledger import pence
from sim.model.money import annual_fees_due, cqc_fee, weekly_pay
from tests.conftest import NO_REFERRALS
from tests.test_week import be_sick, enrol, provider

# Wage 12.00 + 12.5% holiday = 13.50 a paid hour; no travel, so a care hour is a paid hour;
# no NI threshold and no pension, so NI is 10% of gross; nobody else works.
PAY = {
    "staff.wage_per_hour": 12.0,
    "staff.holiday_accrual_rate": 0.125,
    "staff.travel_minutes_per_visit": 0.0,
    "staff.miles_per_visit": 0.0,
    "staff.max_hours_per_week": 30.0,
    "staff.employer_ni_rate": 0.1,
    "staff.ni_threshold_per_year": 0.0,
    "staff.employment_allowance_per_year": 0.0,
    "staff.pension_rate": 0.0,
    "staff.sick_pay_per_week": 123.25,
    "staff.sick_pay_earnings_share": 0.8,
    "owner.care_hours_per_week": 0.0,
    "owner.extra_cover_hours_per_week": 0.0,
}


def sick_week(contract: str, sick_pay: str) -> tuple[float, float, float, float]:
    """Two employees, Ann with a 20-hour client, Bob with a 5-hour one; Ann is off 2 of 5
    days (0.4), Bob the whole week. Returns (wages, NI, pension, mileage) of the week."""
    p = provider(
        {**PAY, "staff.initial_staff": 2, "staff.contract": contract, "staff.sick_pay": sick_pay}
    )
    owner, ann, bob = p.workers
    enrol(p, ann, "self_funder", 20.0)
    enrol(p, bob, "self_funder", 5.0)
    be_sick(owner, 0.0)
    be_sick(ann, 0.4)  # 30 x 0.6 = 18 h available
    be_sick(bob, 1.0)  # none
    settle_week(p.clients, p.workers, p.owner, 0.0)
    assert (ann.worked, bob.worked) == (18.0, 0.0)
    return weekly_pay(p)


def test_statutory_sick_pay_for_sick_zero_hours_workers():
    # Ann: worked 18 h -> 18 x 13.50 = 243.00. Her usual week is 20 h -> 270.00; 80% is
    #   216.00, above the cap, so SSP = 0.4 x 123.25 = 49.30.       Gross 292.30.
    # Bob: worked 0. His usual week is 5 h -> 67.50; 80% is 54.00, under the cap (there is no
    #   lower earnings limit), so SSP = 1.0 x 54.00 = 54.00.         Gross 54.00.
    # Wages 346.30, NI 10% = 34.63.
    wages, ni, pension, mileage = sick_week("zero_hours", "statutory")
    assert (wages, ni, pension, mileage) == pytest.approx((346.30, 34.63, 0.0, 0.0), abs=1e-9)
    # Without sick pay, zero-hours staff are paid for the hours they work: Ann 243.00, Bob 0.
    wages, ni, _, _ = sick_week("zero_hours", "contract")
    assert (wages, ni) == pytest.approx((243.0, 24.30), abs=1e-9)


def test_statutory_sick_pay_for_sick_contracted_workers():
    # Contracted for 16 h a week, guaranteed only for the days not off sick:
    # Ann: paid max(18, 16 x 0.6 = 9.6) = 18 h -> 243.00; usual max(20, 16) = 20 h -> 270.00,
    #   80% = 216.00 > cap: SSP 0.4 x 123.25 = 49.30.               Gross 292.30.
    # Bob: paid max(0, 16 x 0) = 0; usual max(5, 16) = 16 h -> 216.00, 80% = 172.80 > cap:
    #   SSP 1.0 x 123.25 = 123.25.                                  Gross 123.25.
    # Wages 415.55, NI 41.555.
    wages, ni, _, _ = sick_week("contracted", "statutory")
    assert (wages, ni) == pytest.approx((415.55, 41.555), abs=1e-9)
    # Under "contract" the guarantee holds through sickness: Ann max(18, 16) = 18 h -> 243.00,
    # Bob 16 h -> 216.00: 459.00.
    wages, ni, _, _ = sick_week("contracted", "contract")
    assert (wages, ni) == pytest.approx((459.0, 45.90), abs=1e-9)


def test_sick_pay_is_paid_in_a_week_whose_hours_are_all_covered():
    """A week in which the sick worker still gives all their clients' hours is otherwise a
    quiet week, settled from amounts saved from the last quiet week: sick pay must still be
    paid, and only that week. One zero-hours employee with a 5-hour client: weeks 1 and 3
    pay 5 x 13.50 = 67.50; in week 2 a 3-day spell (0.6 of the week) leaves 30 x 0.4 = 12 h,
    enough for 5, and adds SSP 0.6 x min(123.25, 0.8 x 67.50 = 54.00) = 32.40: 99.90."""
    p = provider({**PAY, "staff.initial_staff": 1, "staff.sickness_spell_days": 3.0})
    ann = p.workers[1]
    enrol(p, ann, "self_funder", 5.0)
    ann.next_sick_week = p.next_sick_week = 2
    paid = []
    for week in (1, 2, 3):
        before = p.m_payroll["wages"]
        p.settle(week)
        paid.append(p.m_payroll["wages"] - before)
        assert ann.sick == (0.6 if week == 2 else 0.0)
    assert paid == pytest.approx([67.50, 99.90, 67.50], abs=1e-9)


def test_employment_allowance_removes_employer_ni_under_five_staff(base):
    """Four employees contracted for 30 h at the default wage (floor £12.71) with no work:
    gross 30 x 12.71 x 1.1207 = 427.3229 a week each, NI (427.3229 - 5000/52) x 0.15 =
    49.6753 each: 4 x 49.6753 x 52 = £10,332.5 a year, under the £10,500 allowance: no
    employer NI is paid all year. Without the allowance it is all paid."""
    settings = {
        **NO_REFERRALS,
        "staff.initial_staff": 4,
        "staff.turnover_per_year": 0.0,
        "staff.sickness_days_per_year": 0.0,
        "staff.contract": "contracted",
        "staff.contracted_hours_per_week": 30.0,
        "staff.pension_rate": 0.0,
        "failure.insolvency": False,
        "failure.owner_exit": False,
        "run.months": 12,
    }
    assert base.staff.employment_allowance_per_year == 10_500.0
    weekly = 4 * (30 * 12.71 * 1.1207 - 5000 / 52) * 0.15
    year = sim.simulate(base.with_overrides(settings), 0).monthly
    assert year["cost_oncosts"].sum() == 0.0
    assert year["cost_wages"].sum() > 0
    settings["staff.employment_allowance_per_year"] = 0.0
    year = sim.simulate(base.with_overrides(settings), 0).monthly
    assert year["cost_oncosts"].sum() == pytest.approx(52 * weekly, abs=0.01 * 12)


@pytest.mark.parametrize(
    ("people", "fee"),
    [(0, 284.80), (1, 284.80), (3, 376.40), (15, 926.00), (40, 2071.00)],
)
def test_cqc_fee_grows_with_the_people_supported(people: int, fee: float):
    # £239 + £45.80 a person, never below £284.80: 3 -> 239 + 137.40 = 376.40;
    # 15 -> 239 + 687 = 926 (the CQC's own example); 40 -> 239 + 1832 = 2071.
    p = provider({"business.regulated": True, "costs.annual_fees": {}})
    for _ in range(people):
        enrol(p, None, "self_funder", 1.0)
    assert cqc_fee(p) == pytest.approx(fee, abs=1e-9)
    assert annual_fees_due(p) == pence(fee)
    unregulated = provider({"costs.annual_fees": {"insurance": 1200.0}})
    for _ in range(people):
        enrol(unregulated, None, "self_funder", 1.0)
    assert annual_fees_due(unregulated) == pence(1200.0)  # no CQC fee


# One client of 30 h a week, delivered by the owner, at £30 an hour: £900 earned a week.
OWNER_ONLY = {
    **NO_REFERRALS,
    "business.service": "home_support",
    "business.regulated": False,
    "business.staff_ceiling": 0,
    "business.start_cash": 1e6,
    "business.vat_threshold_per_year": 10_000.0,
    "owner.care_hours_per_week": 30.0,
    "owner.sickness_days_per_year": 0.0,
    "owner.holiday_weeks_per_year": 0.0,
    "owner.mileage_rate_per_mile": 0.0,
    "clients.hours_per_week": 30.0,
    "clients.package_months": 1000.0,
    "channels.self_funder.referrals_per_month": 100.0,  # the first arrives within hours
    "channels.self_funder.price_per_hour": 30.0,
    "channels.self_funder.bad_debt_share": 0.0,
    "staff.miles_per_visit": 0.0,
    "uplifts.price_per_year": 0.0,
    "failure.insolvency": False,
    "failure.owner_exit": False,
    "shocks.enabled": False,  # no large client leaving or owner illness in the hand figures
    "run.months": 12,
}


def weeks_in(month: int) -> int:
    """Weekly settlements in ``month``: floor(m x 30.4375 / 7) by the close of month m."""
    return int(month * DAYS_PER_MONTH // 7) - int((month - 1) * DAYS_PER_MONTH // 7)


@pytest.mark.parametrize("added", [False, True])
def test_vat_after_the_threshold(added: bool):
    # Weeks by month: 4, 4, 5, 4, 4, 5, 4, 4, 5, 4, 4, 5 -> £3,600, 3,600, 4,500, ...
    # Turnover passes £10,000 at the close of month 3 (3,600 + 3,600 + 4,500 = 11,700):
    # registered from the first day of month 5. Then, absorbing VAT, £900 a week billed holds
    # 900 / 1.2 = 750 of income and 150 of VAT; adding it, 900 of income and 180 of VAT.
    # VAT of months 5-7 is paid at the close of month 8, of months 8-10 at month 11.
    sc = sim.Scenario().with_overrides({**OWNER_ONLY, "business.vat_added_to_price": added})
    monthly = sim.simulate(sc, 0).monthly
    weeks = [weeks_in(m) for m in range(1, 13)]
    assert weeks == [4, 4, 5, 4, 4, 5, 4, 4, 5, 4, 4, 5]
    income_a_week, vat_a_week = (900.0, 180.0) if added else (750.0, 150.0)
    registered = [m >= 5 for m in range(1, 13)]
    assert monthly["vat_registered"].tolist() == registered
    income = [w * (income_a_week if r else 900.0) for w, r in zip(weeks, registered, strict=True)]
    vat = [w * vat_a_week if r else 0.0 for w, r in zip(weeks, registered, strict=True)]
    assert monthly["income_earned"].tolist() == pytest.approx(income, abs=0.01)
    assert monthly["vat_charged"].tolist() == pytest.approx(vat, abs=0.01)
    paid = [0.0] * 12
    paid[7] = sum(vat[4:7])  # month 8
    paid[10] = sum(vat[7:10])  # month 11
    assert monthly["vat_paid"].tolist() == pytest.approx(paid, abs=0.01)
    # CQC-registered care is exempt, whatever its turnover
    regulated = sim.simulate(sc.with_overrides({"business.regulated": True}), 0).monthly
    assert not regulated["vat_registered"].any() and regulated["vat_charged"].sum() == 0.0


def test_no_income_until_cqc_registration():
    # Registered after 3 months: nobody is taken on in months 1-3 (no referral reaches the
    # business, the council's included), while its costs run. Referral rates are set at each
    # weekly settlement, so the first client arrives within hours of month 4's first one
    # (day 98) and is served at days 105, 112 and 119: 3 weeks of 30 h.
    sc = sim.Scenario().with_overrides(
        {
            **OWNER_ONLY,
            "business.regulated": True,
            "business.regulation_admin_hours_per_week": 0.0,
            "business.registration_months": 3,
            "council.framework": "open",
            "council.application_delay_months": 0,
            "channels.local_authority.referrals_per_month": 50.0,
            "run.months": 5,
        }
    )
    monthly = sim.simulate(sc, 0).monthly
    referrals = monthly.filter(like="referrals_").sum(axis=1)
    assert referrals.tolist()[:3] == [0, 0, 0] and referrals.iloc[3] > 0
    assert monthly["income_earned"].tolist()[:3] == [0.0, 0.0, 0.0]
    assert (monthly["costs"].iloc[:3] > 0).all()
    assert monthly["hours_delivered"].iloc[3] == pytest.approx((weeks_in(4) - 1) * 30.0)
    # with no wait, month 1 delivers its 4 weeks
    now = sim.simulate(sc.with_overrides({"business.registration_months": 0}), 0).monthly
    assert now["hours_delivered"].iloc[0] == pytest.approx(4 * 30.0)


@pytest.mark.parametrize("rate", [0.0, 0.25, 0.45])
def test_owner_mileage_at_the_owner_rate(rate: float):
    # The owner drives 2 miles a 60-minute visit: 30 care hours = 60 miles a week, paid at
    # the owner's rate; no employee, so no staff mileage. Month 1 has 4 weeks: 240 miles.
    sc = sim.Scenario().with_overrides(
        {
            **OWNER_ONLY,
            "staff.miles_per_visit": 2.0,
            "staff.mileage_rate_per_mile": 0.45,
            "owner.mileage_rate_per_mile": rate,
            "run.months": 1,
        }
    )
    first = sim.simulate(sc, 0).monthly.iloc[0]
    assert first["cost_mileage"] == pytest.approx(240 * rate, abs=0.005)
