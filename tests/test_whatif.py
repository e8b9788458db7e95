"""Sensitivity and goal-seeking: checked where the answer is known."""

from __future__ import annotations

import pytest

import sim
from sim.validation import ScenarioError
from sim.whatif import Target, base_value, goal_seek, sensitivity, with_value
from tests.conftest import CLIENTS, DRAWINGS, FIXED, HOURS, MONTHS, WEEKS


def test_goal_seek_finds_the_closed_form_break_even_price(deterministic):
    # income = weeks x clients x hours x price; costs = months x (overheads + drawings)
    expected = MONTHS * (FIXED + DRAWINGS) / (WEEKS * CLIENTS * HOURS)
    answer = goal_seek(
        deterministic,
        "channels.self_funder.price_per_hour",
        "operating_result>=0",
        bounds=(10.0, 30.0),
        reps=4,
        tolerance=0.01,
        workers=1,
    )
    assert answer.reachable
    assert answer.direction == "at least"
    assert answer.value == pytest.approx(expected, abs=0.011)
    assert answer.value >= expected - 1e-9  # the reported value meets the target


def test_goal_seek_says_when_the_target_is_out_of_reach(deterministic):
    answer = goal_seek(
        deterministic,
        "channels.self_funder.price_per_hour",
        "operating_result>=0",
        bounds=(5.0, 10.0),
        reps=2,
        workers=1,
    )
    assert not answer.reachable
    assert answer.value is None
    assert "not reachable" in answer.message
    assert len(answer.curve) >= 3


def test_goal_seek_for_a_falling_metric_reports_at_most(deterministic):
    # the higher the rent, the lower the result: the largest rent that still breaks even
    scenario = deterministic.with_overrides({"channels.self_funder.price_per_hour": 20.0})
    answer = goal_seek(
        scenario,
        "costs.fixed_monthly",
        "operating_result>=0",
        bounds=(100.0, 2000.0),
        reps=2,
        tolerance=1.0,
        workers=1,
    )
    expected = WEEKS * CLIENTS * HOURS * 20.0 / MONTHS - DRAWINGS
    assert answer.direction == "at most"
    assert answer.value == pytest.approx(expected, abs=1.5)


@pytest.mark.parametrize(
    ("metric", "label"),
    [("final_cash", "final cash (£)"), ("final_cash_p50", "final cash (£) (median)")],
)
def test_unused_parameter_has_exactly_zero_effect_and_price_effects_oppose(metric, label):
    scenario = sim.load_scenario("scenarios/home_care_self_funders.toml").with_overrides(
        {"run.months": 24}
    )
    table = sensitivity(
        scenario,
        params=["council.rate_per_hour", "channels.self_funder.price_per_hour"],
        reps=30,
        metric=metric,
        workers=1,
    ).set_index("param")
    assert table.attrs["metric_label"] == label
    council = table.loc["council.rate_per_hour"]
    for column in (
        "low_effect",
        "low_lower",
        "low_upper",
        "high_effect",
        "high_lower",
        "high_upper",
        "swing",
    ):
        assert council[column] == 0.0
    price = table.loc["channels.self_funder.price_per_hour"]
    assert price["low_lower"] <= price["low_effect"] < 0 < price["high_effect"]
    assert price["high_effect"] <= price["high_upper"]
    assert table.index[0] == "channels.self_funder.price_per_hour"  # sorted by swing


def test_parameters_scale_numbers_distributions_and_tables(base):
    assert base_value(base, "staff.wage_per_hour") == base.staff.wage_per_hour
    assert base_value(base, "clients.hours_per_week") == pytest.approx(6.0)
    doubled = with_value(base, "clients.hours_per_week", 12.0)
    assert doubled.clients.hours_per_week.mean == pytest.approx(12.0)
    assert doubled.clients.hours_per_week.kind == base.clients.hours_per_week.kind
    total = sum(base.costs.fixed_monthly.values())
    scaled = with_value(base, "costs.fixed_monthly", 2 * total)
    assert sum(scaled.costs.fixed_monthly.values()) == pytest.approx(2 * total)
    assert base_value(base, "staff.wage_per_hour") == 12.60  # unchanged original


@pytest.mark.parametrize(
    ("param", "problem"),
    [
        ("staff.wage", "unknown parameter"),
        ("business.regulated", "switch"),
        ("business.service", "not a number"),
    ],
)
def test_bad_parameters_are_named(base, param, problem):
    with pytest.raises(ScenarioError) as err:
        sensitivity(base, params=[param], reps=2, workers=1)
    assert any(path == param and problem in message for path, message in err.value.problems)


@pytest.mark.parametrize("text", ["survival36>=0.8x", "survival_36 => 0.8", "", "0.8"])
def test_bad_targets_are_rejected(text):
    with pytest.raises(ScenarioError):
        Target.parse(text)


def test_unknown_metric_is_rejected_before_running(base):
    with pytest.raises(ScenarioError) as err:
        goal_seek(base, "staff.wage_per_hour", "happiness>=1", reps=2, workers=1)
    assert "unknown metric" in str(err.value)
