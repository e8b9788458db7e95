"""Property-based: random valid scenarios within the documented bounds never crash, always
reconcile, and never show negative clients, staff, hours or referrals."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.scenario import CHANNELS
from tests.test_model_accounts import assert_reconciles

money = st.floats(min_value=0, max_value=50_000, allow_nan=False)
rate = st.floats(min_value=0, max_value=15, allow_nan=False)
price = st.floats(min_value=0, max_value=60, allow_nan=False)
distribution = st.one_of(
    st.floats(min_value=0, max_value=40),
    st.builds(lambda m: {"kind": "exponential", "mean": m}, st.floats(0.1, 30)),
    st.builds(
        lambda m, s: {"kind": "lognormal", "mean": m, "sd": s},
        st.floats(0.1, 30),
        st.floats(0.1, 20),
    ),
    st.builds(
        lambda m, s: {"kind": "gamma", "mean": m, "sd": s}, st.floats(0.1, 30), st.floats(0.1, 20)
    ),
    st.builds(
        lambda lo, w: {"kind": "uniform", "low": lo, "high": lo + w},
        st.floats(0, 20),
        st.floats(0.1, 20),
    ),
    st.builds(
        lambda lo, a, b: {"kind": "triangular", "low": lo, "mode": lo + a, "high": lo + a + b},
        st.floats(0, 20),
        st.floats(0, 10),
        st.floats(0.1, 10),
    ),
)


def _mean(dist: float | dict) -> float:
    if not isinstance(dist, dict):
        return dist
    if dist["kind"] in ("uniform", "triangular"):
        ends = [dist["low"], dist.get("mode"), dist["high"]]
        return sum(v for v in ends if v is not None) / (3 if "mode" in dist else 2)
    return dist["mean"]


# clients need at least half an hour a week and packages last at least a week (validation)
hours = distribution.filter(lambda d: _mean(d) >= 0.5)
package = distribution.filter(lambda d: _mean(d) >= 0.25)

overrides = st.fixed_dictionaries(
    {
        "business.start_cash": money,
        "business.overdraft": st.floats(0, 10_000),
        "business.staff_ceiling": st.integers(0, 8),
        "owner.care_hours_per_week": st.floats(0, 50),
        "owner.min_drawings_per_month": st.floats(0, 3000),
        "owner.months_below_min_before_exit": st.integers(1, 12),
        "policy.decides": st.booleans(),
        "staff.initial_staff": st.integers(0, 4),
        "staff.wage_per_hour": st.floats(5, 25),
        "staff.contract": st.sampled_from(["zero_hours", "contracted"]),
        "staff.contracted_hours_per_week": st.floats(0, 30),
        "staff.turnover_per_year": st.floats(0, 0.9),
        "staff.sickness_days_per_year": st.floats(0, 40),
        "staff.time_to_hire_days": distribution,
        "clients.hours_per_week": hours,
        "clients.package_months": package,
        "clients.visit_minutes": st.floats(15, 120),
        "clients.leave_per_missed_share": st.floats(0, 1),
        "clients.leave_per_discontinuity": st.floats(0, 1),
        "clients.waiting_list_places": st.integers(0, 5),
        "council.framework": st.sampled_from(["none", "closed", "open", "spot"]),
        "council.allocation": st.sampled_from(
            ["first_to_respond", "equal_share", "past_performance"]
        ),
        "council.payment_lag_days": distribution,
        "channels.local_authority.referrals_per_month": st.floats(0, 40),
        "channels.self_funder.referrals_per_month": rate,
        "channels.self_funder.price_per_hour": price,
        "channels.self_funder.bad_debt_share": st.floats(0, 1),
        "channels.self_funder.invoice_cycle": st.sampled_from(["weekly", "four_weekly", "monthly"]),
        "channels.word_of_mouth.referrals_per_client_per_month": st.floats(0, 1),
        "support.grant_amount": money,
        "support.loan_amount": money,
        "support.loan_term_months": st.integers(1, 60),
        "support.coordinator.months": st.integers(0, 24),
        "support.coordinator.extra_referrals_per_month": rate,
        "business.service": st.sampled_from(["home_care", "home_support", "day_activities"]),
        "run.months": st.integers(1, 30),
        "run.seed": st.integers(0, 2**32),
    }
)


@given(overrides, st.integers(0, 3))
def test_random_valid_scenarios_run_reconcile_and_stay_non_negative(changes, replication):
    if changes["business.service"] != "home_care":
        changes["business.regulated"] = False
    if changes["staff.contracted_hours_per_week"] > 35:
        changes["staff.contracted_hours_per_week"] = 35
    scenario = sim.Scenario().with_overrides(changes)
    run = sim.simulate(scenario, replication)
    monthly = run.monthly
    assert 1 <= len(monthly) <= scenario.run.months
    assert monthly["month"].tolist() == list(range(1, len(monthly) + 1))
    assert_reconciles(monthly)
    counts = ["clients", "staff", "hours_delivered", "hours_missed", "waiting", "hires", "leavers"]
    counts += [f"{kind}_{c}" for kind in ("referrals", "accepted", "declined") for c in CHANNELS]
    assert (monthly[counts].to_numpy() >= -1e-9).all()
    by_payer = monthly[
        ["clients_self_funder", "clients_direct_payment", "clients_local_authority"]
    ].sum(axis=1)
    assert (by_payer == monthly["clients"]).all()
    continuity = monthly["continuity"].dropna()
    assert ((continuity >= -1e-9) & (continuity <= 1 + 1e-9)).all()
    for c in CHANNELS:
        decided = (monthly[f"accepted_{c}"] + monthly[f"declined_{c}"]).cumsum()
        assert (decided <= monthly[f"referrals_{c}"].cumsum()).all()
    assert (
        monthly["staff"] <= max(scenario.business.staff_ceiling, scenario.staff.initial_staff)
    ).all()
    outcome = run.outcome
    # the outcome agrees with the months traded: a run stops early only when it fails
    assert outcome.failed == (len(monthly) < scenario.run.months or not monthly["trading"].all())
    assert (outcome.failure_month is None) == (not outcome.failed)
    if outcome.failed:
        assert outcome.failure_month == len(monthly)
        assert outcome.failure_cause in {"insolvency", "owner_exit"}
    # final cash from the start cash and every month's receipts and payments (the ledger)
    flows = scenario.business.start_cash + monthly["receipts"].sum() - monthly["payments"].sum()
    assert monthly["cash_open"].iloc[0] == pytest.approx(scenario.business.start_cash, abs=0.005)
    assert outcome.final_cash == pytest.approx(flows, abs=0.005 * len(monthly) + 1e-6)
    if outcome.failure_cause == "insolvency":
        assert monthly["cash_close"].iloc[-1] < -scenario.business.overdraft
    elif scenario.failure.insolvency:  # never below the overdraft at a month end otherwise
        assert (monthly["cash_close"] >= -scenario.business.overdraft - 0.005).all()
    if outcome.failure_cause == "owner_exit":  # N lean months in a row, the last one included
        # a fixed patience here (a whole number of months): the owner bears that many
        lean = math.ceil(scenario.owner.months_below_min_before_exit.mean)
        drawn = monthly["drawings"].iloc[-lean:]
        assert len(drawn) == lean
        assert (drawn < scenario.owner.min_drawings_per_month - 0.005).all()
    assert np.isfinite(monthly["cash_close"]).all()


def test_hypothesis_is_derandomised_unless_fuzzing():
    """CI runs the same examples every time (tests/conftest.py registers the profiles)."""
    if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci":
        assert settings.default.derandomize
        assert settings.default.database is None
        assert settings.default.max_examples == 60
