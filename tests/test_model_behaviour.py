"""Extreme values, directions of effect under common random numbers, and reproducibility."""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from tests.conftest import NO_REFERRALS

SEEDS = range(5)


def test_no_referrals_means_no_clients_and_no_income(base):
    scenario = base.with_overrides(
        {**NO_REFERRALS, "failure.insolvency": False, "failure.owner_exit": False}
    )
    for rep in SEEDS:
        monthly = sim.simulate(scenario, rep).monthly
        assert len(monthly) == scenario.run.months
        assert monthly["clients"].sum() == 0
        assert monthly["income_earned"].sum() == 0
        assert monthly["hours_delivered"].sum() == 0
        referral_columns = [c for c in monthly if c.startswith("referrals_")]
        assert monthly[referral_columns].to_numpy().sum() == 0


def test_no_referrals_fails_when_cash_runs_out(base):
    """With no income the cash path is deterministic, so the month the cash runs out is
    worked out by hand (the settings it uses are pinned below, the rest are the defaults).

    Start cash 8000, start-up costs 2500. Each month: phone 90 + accountant 80 + marketing 50
    = 220. Month 1 also prepays the year's fees, insurance 1200 + CQC 926 = 2126. The owner
    draws up to 1200 from cash above the 500 reserve and the fees set aside for next year
    (2126 x (m - 1) / 12 in pence, rounded down: 0, 177.16, 354.33, 531.50, ...).
      m1: 8000 - 2500 - 220 - 2126 = 3154.00, draws 1200          -> 1954.00
      m2: 1954 - 220 = 1734.00, draws 1734 - 500 - 177.16 = 1056.84 -> 677.16 (lean 1)
      m3: 457.16, nothing above reserve + set-aside                  (lean 2)
      m4: 237.16 (lean 3), m5: 17.16 (lean 4),
      m6: -202.84 < 0 (overdraft 0): insolvent in month 6, before the 6th lean month.
    """
    pinned = {
        "business.start_cash": 8000.0,
        "costs.startup_costs": 2500.0,
        "costs.fixed_monthly": {"phone_and_software": 90.0, "accountant": 80.0},
        "costs.marketing_per_month": 50.0,
        "costs.annual_fees": {"insurance": 1200.0},
        "business.regulation_fee_per_year": 926.0,
        "owner.min_drawings_per_month": 1200.0,
        "owner.cash_reserve": 500.0,
        "owner.months_below_min_before_exit": 6,
    }
    run = sim.simulate(base.with_overrides({**NO_REFERRALS, **pinned}), 0)
    monthly = run.monthly
    assert run.outcome.failed
    assert run.outcome.failure_cause == "insolvency"
    assert run.outcome.failure_month == 6
    assert monthly["cash_close"].tolist() == pytest.approx(
        [1954.00, 677.16, 457.16, 237.16, 17.16, -202.84], abs=0.005
    )
    assert monthly["drawings"].tolist() == pytest.approx([1200, 1056.84, 0, 0, 0, 0], abs=0.005)
    assert monthly["trading"].tolist() == [True] * 5 + [False]
    assert run.outcome.final_cash == pytest.approx(-202.84, abs=0.005)


def test_huge_start_cash_is_never_insolvent(base):
    scenario = base.with_overrides({"business.start_cash": 1e9})
    for rep in SEEDS:
        run = sim.simulate(scenario, rep)
        assert not run.outcome.failed
        assert run.monthly["cash_close"].min() > 0


def test_owner_alone_never_takes_more_clients_than_their_hours_allow(base):
    # regulated: 22 care hours less 3 of paperwork leave 19 h, room for four 4-hour clients
    scenario = base.with_overrides(
        {
            "business.staff_ceiling": 0,
            "owner.care_hours_per_week": 22.0,
            "clients.hours_per_week": 4.0,
            "channels.self_funder.referrals_per_month": 6.0,
            "failure.insolvency": False,
            "failure.owner_exit": False,
        }
    )
    for rep in SEEDS:
        monthly = sim.simulate(scenario, rep).monthly
        assert monthly["staff"].max() == 0
        assert monthly["clients"].max() == 4
        assert monthly["declined_self_funder"].sum() > 0


@pytest.mark.parametrize("failures_on", [False, True])
def test_higher_price_never_lowers_final_cash(base, failures_on):
    # the owner's decisions off: they would refuse the lowest price and take clients by cash
    overrides = {
        "failure.insolvency": failures_on,
        "failure.owner_exit": failures_on,
        "policy.decides": False,
    }
    low = base.with_overrides(overrides)
    for rep in SEEDS:
        cash = [
            sim.simulate(
                low.with_overrides(
                    {
                        f"channels.{c}.price_per_hour": price
                        for c in ("self_funder", "direct_payment", "professional", "word_of_mouth")
                    }
                ),
                rep,
            )
            for price in (22.0, 27.0, 32.0)
        ]
        if not failures_on:
            finals = [run.outcome.final_cash for run in cash]
            assert finals == sorted(finals), finals
            # same draws: the same clients, only the money differs
            assert cash[0].monthly["clients"].equals(cash[2].monthly["clients"])
        else:
            lasted = [len(run.monthly) for run in cash]
            assert lasted == sorted(lasted), lasted


def test_more_council_referrals_never_lower_hours_delivered(base):
    ample = base.with_overrides(
        {
            "council.framework": "open",
            "council.application_delay_months": 0,
            "business.staff_ceiling": 12,
            "staff.initial_staff": 12,
            "staff.turnover_per_year": 0.0,
            "staff.sickness_days_per_year": 0.0,
            "owner.sickness_days_per_year": 0.0,
            "staff.holiday_weeks_per_year": 0.0,  # nobody away: no hour is ever missed
            "owner.holiday_weeks_per_year": 0.0,
            "failure.insolvency": False,
            "failure.owner_exit": False,
            "policy.decides": False,  # the owner takes every referral that fits
        }
    )
    for rep in SEEDS:
        hours = []
        for rate in (0.0, 10.0, 20.0, 40.0):
            run = sim.simulate(
                ample.with_overrides({"channels.local_authority.referrals_per_month": rate}), rep
            )
            assert run.monthly["hours_missed"].sum() == pytest.approx(0.0, abs=1e-6)
            hours.append(run.monthly["hours_delivered"].sum())
        assert hours == sorted(hours), hours
        assert hours[-1] > hours[0]


def test_same_seed_same_frames_and_scenario_untouched(base):
    scenario = base.with_overrides(
        {"council.framework": "open", "channels.local_authority.referrals_per_month": 8.0}
    )
    before = scenario.model_dump()
    first = sim.simulate(scenario, 3)
    second = sim.simulate(scenario, 3)
    pd.testing.assert_frame_equal(first.monthly, second.monthly)
    assert first.outcome == second.outcome
    assert scenario.model_dump() == before


def test_replications_and_seeds_differ(base):
    a = sim.simulate(base, 0).monthly
    b = sim.simulate(base, 1).monthly
    c = sim.simulate(base.with_overrides({"run.seed": 7}), 0).monthly
    assert not a.equals(b)
    assert not a.equals(c)


def test_a_grant_leaves_other_processes_draws_alone(base):
    """Common random numbers: a grant changes cash, not who is referred or when."""
    plain = sim.simulate(base.with_overrides({"business.start_cash": 1e6}), 2).monthly
    granted = sim.simulate(
        base.with_overrides({"business.start_cash": 1e6, "support.grant_amount": 5000.0}), 2
    ).monthly
    referrals = [c for c in plain if c.startswith("referrals_")]
    pd.testing.assert_frame_equal(plain[referrals], granted[referrals])
    assert granted["cash_close"].iloc[-1] == pytest.approx(plain["cash_close"].iloc[-1] + 5000)


def test_day_activities_fill_places_not_hours(base):
    scenario = base.with_overrides(
        {
            "business.service": "day_activities",
            "business.regulated": False,
            "day_activities.sessions_per_week": 2,
            "day_activities.places_per_session": 3,
            "day_activities.attendances_per_week": 1.0,
            "channels.self_funder.referrals_per_month": 10.0,
            "uplifts.price_per_year": 0.0,
            "failure.insolvency": False,
            "failure.owner_exit": False,
        }
    )
    monthly = sim.simulate(scenario, 0).monthly
    assert monthly["clients"].max() == 6  # 2 sessions x 3 places, one attendance each
    # income is per attendance: 45 per 5-hour session
    per_hour = monthly["income_earned"].sum() / monthly["hours_delivered"].sum()
    assert per_hour == pytest.approx(45.0 / 5.0)


STAFF = 20  # workers per replication: each one an independent trial


def test_staff_shortfall_raises_turnover(base):
    """Mechanism 4: staff offered few hours leave more often.

    The weekly leaving hazard is h = -ln(1 - 0.25) / 52 x (1 + 2 x shortfall share). With no
    clients, a zero-hours worker is offered nothing (shortfall 1, hazard 3h); a worker
    contracted for the 25 hours they want has no shortfall (hazard h). Over the 52 weekly
    settlements before month 12 closes, a worker stays with probability exp(-52 x hazard):
    0.75 ** 3 = 0.421875 without hours, 0.75 with them. With no referrals nobody is hired.
    """
    common = {
        **NO_REFERRALS,
        "business.start_cash": 1e7,
        "staff.initial_staff": STAFF,
        "business.staff_ceiling": STAFF,
        "staff.hire_when_utilisation_above": 1.0,
        "staff.desired_hours_per_week": 25.0,
        "run.months": 12,
    }
    quiet = base.with_overrides({**common, "staff.contract": "zero_hours"})
    contracted = base.with_overrides(
        {**common, "staff.contract": "contracted", "staff.contracted_hours_per_week": 25.0}
    )
    reps = 100

    def stayed(scenario: sim.Scenario) -> float:
        """Share of the initial staff still in post at the end of month 12."""
        runs = [sim.simulate(scenario, r).monthly for r in range(reps)]
        assert all(m["hires"].sum() == 0 for m in runs)
        return sum(m["staff"].iloc[-1] for m in runs) / (STAFF * reps)

    for scenario, expected in ((quiet, 0.75**3), (contracted, 0.75)):
        se = (expected * (1 - expected) / (STAFF * reps)) ** 0.5  # 2000 independent workers
        assert stayed(scenario) == pytest.approx(expected, abs=4 * se)
