"""An exact trace: one employee, one client, nothing random that matters. Every pound of the
first months is worked out by hand from the scenario and must match to the penny."""

from __future__ import annotations

import pytest

import sim
from tests.conftest import NO_REFERRALS

WAGE, HOURS, PRICE = 12.60, 20.0, 27.0
WEEKS_IN_MONTH_1 = 4  # settlements on days 7, 14, 21, 28 (month 1 ends on day 30.44)


@pytest.fixture
def one_of_each() -> sim.Scenario:
    return sim.Scenario().with_overrides(
        {
            **NO_REFERRALS,
            "business.service": "home_support",
            "business.regulated": False,
            "business.staff_ceiling": 1,
            "business.start_cash": 10_000.0,
            "owner.care_hours_per_week": 0.0,
            "owner.extra_cover_hours_per_week": 0.0,
            "owner.sickness_days_per_year": 0.0,
            "owner.holiday_weeks_per_year": 0.0,
            "owner.min_drawings_per_month": 0.0,
            "staff.initial_staff": 1,
            "staff.contract": "contracted",
            "staff.contracted_hours_per_week": 16.0,
            "staff.max_hours_per_week": 35.0,
            "staff.wage_per_hour": WAGE,
            "uplifts.wage_floor_per_hour": 0.0,  # the pay rules are this trace's own:
            "staff.employment_allowance_per_year": 0.0,  # no floor, every pound of NI paid
            "staff.sickness_days_per_year": 0.0,
            "staff.holiday_weeks_per_year": 0.0,
            "staff.turnover_per_year": 0.0,
            "staff.travel_minutes_per_visit": 0.0,
            "staff.miles_per_visit": 2.0,
            "clients.visit_minutes": 60.0,
            "clients.hours_per_week": HOURS,  # one such client fills the employee's 35 hours
            "clients.package_months": 1000.0,
            "channels.self_funder.referrals_per_month": 100.0,  # the first arrives within hours
            "channels.self_funder.price_per_hour": PRICE,
            "channels.self_funder.invoice_cycle": "four_weekly",
            "channels.self_funder.payment_lag_days": 14.0,
            "channels.self_funder.bad_debt_share": 0.0,
            "costs.fixed_monthly": {"rent": 300.0},
            "costs.annual_fees": {"insurance": 1200.0},
            "costs.marketing_per_month": 0.0,
            "costs.startup_costs": 500.0,
            "failure.insolvency": False,
            "failure.owner_exit": False,
            "shocks.enabled": False,  # no later shocks (sim.model.shocks)
            "run.months": 3,
        }
    )


def test_first_months_match_hand_calculation(one_of_each):
    monthly = sim.simulate(one_of_each, 0).monthly.set_index("month")
    first = monthly.loc[1]
    assert first["clients"] == 1 and first["staff"] == 1
    assert first["declined_self_funder"] == first["referrals_self_funder"] - 1

    weekly_gross = HOURS * WAGE * 1.1207  # rolled-up holiday pay, 12.07%
    weekly_ni = (weekly_gross - 5000 / 52) * 0.15  # employer NI above £5,000 a year
    weekly_pension = (weekly_gross - 6240 / 52) * 0.03  # earnings above £6,240 a year
    weeks = WEEKS_IN_MONTH_1
    assert first["hours_delivered"] == pytest.approx(weeks * HOURS)
    assert first["income_earned"] == round(weeks * HOURS * PRICE, 2)
    assert first["cost_wages"] == round(weeks * weekly_gross, 2)
    assert first["cost_oncosts"] == round(weeks * weekly_ni, 2) + round(weeks * weekly_pension, 2)
    assert first["cost_mileage"] == round(weeks * HOURS * 2.0 * 0.45, 2)
    assert first["cost_overheads"] == round(300 + 1200 / 12, 2)
    assert first["cost_startup"] == 500.0
    # cash: nothing received yet (billed on day 28, paid 14 days later), everything paid
    assert first["receipts"] == 0.0
    paid = first["cost_wages"] + first["cost_oncosts"] + first["cost_mileage"] + 300 + 1200 + 500
    assert first["payments"] == pytest.approx(paid, abs=0.005)
    assert first["cash_close"] == pytest.approx(10_000 - paid, abs=0.005)
    # the four weeks billed on day 28 arrive on day 42, in month 2
    assert monthly.loc[2, "receipts_from_clients"] == round(4 * HOURS * PRICE, 2)
    assert monthly.loc[2, "owed_to_business"] == pytest.approx(
        monthly.loc[2, "income_earned"]
        + monthly.loc[1, "income_earned"]
        - monthly.loc[2, "receipts_from_clients"],
        abs=0.01,
    )
    assert monthly["continuity"].tolist() == [1.0, 1.0, 1.0]


def test_contracted_hours_are_paid_when_there_is_less_work(one_of_each):
    idle = one_of_each.with_overrides({"channels.self_funder.referrals_per_month": 0.0})
    first = sim.simulate(idle, 0).monthly.iloc[0]
    assert first["hours_delivered"] == 0
    assert first["cost_wages"] == round(WEEKS_IN_MONTH_1 * 16.0 * WAGE * 1.1207, 2)
    zero_hours = idle.with_overrides({"staff.contract": "zero_hours"})
    assert sim.simulate(zero_hours, 0).monthly.iloc[0]["cost_wages"] == 0.0
