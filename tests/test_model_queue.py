"""The model reduces to a textbook loss system (M/G/c/c) when everything but referrals,
packages and a fixed capacity is switched off: blocking matches Erlang B and the mean number
of clients matches Little's law, L = lambda * (1 - B) * W."""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from tests.conftest import NO_REFERRALS

HOURS = 5.0
PLACES = 5  # the owner has hours for exactly five clients
RATE = 2.0  # referrals a month
STAY = 2.5  # months, so the offered load is 5 Erlangs
WARMUP = 15  # months: about 5 mean stays before blocking settles
MONTHS = 135
REPS = 40


def erlang_b(c: int, load: float) -> float:
    """Erlang's loss formula by the stable recursion B(k) = a B(k-1) / (k + a B(k-1))."""
    b = 1.0
    for k in range(1, c + 1):
        b = load * b / (k + load * b)
    return b


def loss_system(stay) -> sim.Scenario:
    return sim.Scenario().with_overrides(
        {
            **NO_REFERRALS,
            "business.service": "home_support",
            "business.regulated": False,
            "business.staff_ceiling": 0,
            "owner.care_hours_per_week": HOURS * PLACES,
            "owner.sickness_days_per_year": 0.0,
            "owner.holiday_weeks_per_year": 0.0,  # an Erlang loss system's servers never rest
            "clients.hours_per_week": HOURS,
            "clients.package_months": stay,
            "clients.leave_per_missed_share": 0.0,
            "clients.leave_per_discontinuity": 0.0,
            "channels.self_funder.referrals_per_month": RATE,
            "failure.insolvency": False,
            "failure.owner_exit": False,
            "shocks.enabled": False,  # no later shocks (sim.model.shocks)
            "policy.decides": False,  # the owner takes every referral that fits
            "run.months": MONTHS,
        }
    )


@pytest.mark.parametrize(
    "stay",
    [
        {"kind": "exponential", "mean": STAY},
        {"kind": "lognormal", "mean": STAY, "sd": 1.5},  # Erlang B is insensitive to the shape
    ],
    ids=["exponential", "lognormal"],
)
def test_blocking_matches_erlang_b_and_littles_law(stay):
    scenario = loss_system(stay)
    referrals, declined, mean_clients = [], [], []
    for rep in range(REPS):
        monthly = sim.simulate(scenario, rep).monthly
        steady = monthly[monthly["month"] > WARMUP]
        assert steady["staff"].max() == 0
        assert steady["clients"].max() <= PLACES
        referrals.append(steady["referrals_self_funder"].sum())
        declined.append(steady["declined_self_funder"].sum())
        mean_clients.append(steady["clients"].mean())
    referrals, declined = np.array(referrals), np.array(declined)
    blocking = declined.sum() / referrals.sum()  # pooled, not averaged per replication
    expected = erlang_b(PLACES, RATE * STAY)
    # tolerance: 4 standard errors of the pooled ratio, estimated across the independent
    # replications (ratio estimator); about 0.012 here, against B = 0.285
    per_rep = declined / referrals
    se = np.std(per_rep - blocking, ddof=1) / math.sqrt(REPS)
    print(f"blocking {blocking:.4f} vs Erlang B {expected:.4f} (se {se:.4f})")
    assert abs(blocking - expected) < 4 * se + 1e-3, (blocking, expected, se)

    little = RATE * (1 - expected) * STAY
    mean_l = float(np.mean(mean_clients))
    se_l = np.std(mean_clients, ddof=1) / math.sqrt(REPS)
    print(f"mean clients {mean_l:.3f} vs Little {little:.3f} (se {se_l:.3f})")
    assert abs(mean_l - little) < 4 * se_l + 0.02, (mean_l, little, se_l)


def test_erlang_b_formula_known_values():
    # textbook values: B(1, 1) = 0.5; B(5, 5) = 0.28487
    assert erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang_b(5, 5.0) == pytest.approx(0.28487, abs=1e-5)
