"""Break-even facts against the closed form of a deterministic plan."""

from __future__ import annotations

import pytest

import sim
from sim.breakeven import WEEKS_PER_MONTH, breakeven_facts, fixed_costs_per_month
from tests.conftest import CLIENTS, DRAWINGS, FIXED, HOURS


def test_facts_of_a_deterministic_plan(deterministic):
    price = 20.0
    scenario = deterministic.with_overrides({"channels.self_funder.price_per_hour": price})
    results = sim.run(scenario, reps=3, workers=1)
    facts = results.summary()["breakeven_facts"]
    assert facts["fixed_costs_per_month"] == pytest.approx(FIXED + DRAWINGS)
    assert facts["variable_cost_per_hour"] == pytest.approx(0.0)  # the owner alone, no miles
    assert facts["price_per_hour"] == pytest.approx(price)
    needed = (FIXED + DRAWINGS) / price / WEEKS_PER_MONTH
    assert facts["hours_per_week_needed"] == pytest.approx(needed)
    assert facts["clients_needed"] == pytest.approx(needed / HOURS, rel=0.01)
    assert facts["clients_reached"] == pytest.approx(CLIENTS)
    # 104 weekly settlements in 24 months of 104.4 weeks: reached load is a shade under 20 h
    assert facts["hours_per_week_reached"] == pytest.approx(CLIENTS * HOURS, rel=0.01)
    assert facts["price_needed_at_reached_load"] == pytest.approx(
        (FIXED + DRAWINGS) / (CLIENTS * HOURS * WEEKS_PER_MONTH), rel=0.01
    )


def test_fixed_costs_count_the_regulation_fee_only_when_regulated(base):
    regulated = fixed_costs_per_month(base)
    unregulated = fixed_costs_per_month(
        base.with_overrides({"business.service": "home_support", "business.regulated": False})
    )
    assert regulated - unregulated == pytest.approx(base.business.regulation_fee_per_year / 12)


def test_no_margin_means_no_volume_covers_costs(deterministic):
    free = deterministic.with_overrides({"channels.self_funder.price_per_hour": 0.0})
    facts = breakeven_facts(free, sim.run(free, reps=2, workers=1).monthly)
    assert facts["hours_per_week_needed"] is None
    assert facts["clients_needed"] is None


def test_nothing_delivered_leaves_facts_undefined(deterministic):
    empty = deterministic.with_overrides({"channels.self_funder.referrals_per_month": 0.0})
    facts = breakeven_facts(empty, sim.run(empty, reps=2, workers=1).monthly)
    assert facts["price_per_hour"] is None
    assert facts["fixed_costs_per_month"] == pytest.approx(FIXED + DRAWINGS)
