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
    """With no income the business fails, and by insolvency or owner exit, never by luck."""
    run = sim.simulate(base.with_overrides(NO_REFERRALS), 0)
    assert run.outcome.failed
    assert run.outcome.failure_cause in {"insolvency", "owner_exit"}
    assert run.outcome.failure_month == len(run.monthly)
    assert not run.monthly["trading"].iloc[-1]
    assert run.monthly["trading"].iloc[:-1].all()


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
    overrides = {"failure.insolvency": failures_on, "failure.owner_exit": failures_on}
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
            "failure.insolvency": False,
            "failure.owner_exit": False,
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


def test_staff_shortfall_raises_turnover(base):
    """Mechanism 4: staff offered few hours leave more often."""
    common = {
        "business.start_cash": 1e7,
        "staff.initial_staff": 4,
        "business.staff_ceiling": 4,
        "staff.hire_when_utilisation_above": 1.0,
    }
    quiet = base.with_overrides({**common, **NO_REFERRALS})
    busy = base.with_overrides({**common, "channels.self_funder.referrals_per_month": 8.0})

    def leaving_rate(scenario: sim.Scenario) -> float:
        """Leavers per staff-month: exposure differs, so compare rates, not counts."""
        runs = [sim.simulate(scenario, r).monthly for r in range(20)]
        return sum(m["leavers"].sum() for m in runs) / sum(m["staff"].sum() for m in runs)

    # turnover 25% a year is about 0.024 a month; with no hours at all it is 3 times that
    assert leaving_rate(quiet) > 2 * leaving_rate(busy)
