"""Sensitivity and goal-seeking: checked where the answer is known."""

from __future__ import annotations

import pytest

import sim
from sim.errors import InputError
from sim.validation import ScenarioError
from sim.whatif import Target, base_value, goal_seek, metric_values, sensitivity, with_value
from tests.conftest import CLIENTS, DRAWINGS, FIXED, HOURS, MONTHS, ROOT, WEEKS


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


def test_parameters_scale_numbers_distributions_and_tables():
    # Expected values are the literals in the scenario file, or worked out from them by hand.
    plan = sim.load_scenario("scenarios/home_care_self_funders.toml")
    assert base_value(plan, "staff.wage_per_hour") == 12.71  # wage_per_hour = 12.71
    # hours_per_week = {kind = "lognormal", mean = 5.5, sd = 4.0}: its mean
    assert base_value(plan, "clients.hours_per_week") == pytest.approx(5.5)
    # [costs.fixed_monthly] phone_and_software 90 + accountant 80 + office 0: the total
    assert base_value(plan, "costs.fixed_monthly") == pytest.approx(170.0)
    # a triangular's mean is (low + mode + high) / 3 = (2 + 3 + 10) / 3 = 5; a bare number
    # is a fixed distribution whose mean is that number
    triangular = plan.with_overrides(
        {"clients.hours_per_week": {"kind": "triangular", "low": 2.0, "mode": 3.0, "high": 10.0}}
    )
    assert base_value(triangular, "clients.hours_per_week") == pytest.approx(5.0)
    assert base_value(
        plan.with_overrides({"clients.hours_per_week": 7.0}), "clients.hours_per_week"
    ) == pytest.approx(7.0)

    # a distribution is scaled with its shape kept: mean 5.5 -> 12, sd 4.0 -> 4.0 x 12 / 5.5
    doubled = with_value(plan, "clients.hours_per_week", 12.0)
    assert doubled.clients.hours_per_week.kind == "lognormal"
    assert doubled.clients.hours_per_week.mean == pytest.approx(12.0)
    assert doubled.clients.hours_per_week.sd == pytest.approx(4.0 * 12.0 / 5.5)
    # a triangular: every point x 12 / 5 = 2.4
    stretched = with_value(triangular, "clients.hours_per_week", 12.0).clients.hours_per_week
    assert (stretched.low, stretched.mode, stretched.high) == pytest.approx((4.8, 7.2, 24.0))
    # a table is scaled item by item so that its total is the new value: 170 -> 340
    scaled = with_value(plan, "costs.fixed_monthly", 340.0)
    assert scaled.costs.fixed_monthly == pytest.approx(
        {"phone_and_software": 180.0, "accountant": 160.0, "office": 0.0}
    )
    assert with_value(plan, "staff.wage_per_hour", 13.5).staff.wage_per_hour == 13.5
    assert base_value(plan, "staff.wage_per_hour") == 12.71  # the original is unchanged


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
    with pytest.raises(InputError, match="^target: "):
        Target.parse(text)


def test_unknown_metric_is_rejected_before_running(base):
    with pytest.raises(InputError) as err:
        goal_seek(base, "staff.wage_per_hour", "happiness>=1", reps=2, workers=1)
    assert "unknown metric" in str(err.value)


# --- odd questions get a clear error naming the argument, never a relabelled answer -------
# Each call below would simulate if the check were missing; ``no_simulation`` makes that a
# failure, so these tests also prove the checks come before any run.

PRICE = "channels.self_funder.price_per_hour"


@pytest.fixture
def short() -> sim.Scenario:
    return sim.Scenario().with_overrides({"run.months": 24})


@pytest.fixture
def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("simulated although the input was bad")

    monkeypatch.setattr("sim.whatif.compare", refuse)


def _seek(scenario: sim.Scenario, **kwargs: object) -> object:
    options = {"param": PRICE, "target": "survival_12>=0.5", "reps": 2, "workers": 1}
    return goal_seek(scenario, **{**options, **kwargs})


def _tornado(scenario: sim.Scenario, **kwargs: object) -> object:
    options = {"params": [PRICE], "reps": 2, "workers": 1, "metric": "final_cash"}
    return sensitivity(scenario, **{**options, **kwargs})


NAN, INF = float("nan"), float("inf")
GOAL_SEEK_ERRORS = {
    "month beyond horizon": (
        {"target": "survival_999>=0.5"},
        "target: survival_999: month 999 is beyond the horizon of 24 months",
    ),
    "breakeven month beyond horizon": (
        {"target": "breakeven_25>=0.5"},
        "target: breakeven_25: month 25 is beyond",
    ),
    "median beyond horizon": ({"target": "survival_36_p50>=0.5"}, "target: survival_36_p50"),
    "month zero": ({"target": "survival_0>=0.5"}, "target: survival_0: months are counted"),
    "share above one": ({"target": "survival_12>=80"}, "target: survival_12 is a share"),
    "infinite target": (
        {"target": "final_cash>=1e999"},
        "target: the value must be a finite number",
    ),
    "malformed number": ({"target": "final_cash>=1.2.3"}, "target: expected METRIC OP VALUE"),
    "not a condition": ({"target": "x"}, "target: expected METRIC OP VALUE"),
    "target not text": ({"target": 0.8}, "target: expected text"),
    "tolerance nan": ({"tolerance": NAN}, "tolerance: must be a finite number > 0, got nan"),
    "tolerance inf": ({"tolerance": INF}, "tolerance: must be a finite number > 0, got inf"),
    "tolerance negative": ({"tolerance": -1.0}, "tolerance: must be a finite number > 0"),
    "tolerance zero": ({"tolerance": 0.0}, "tolerance: must be a finite number > 0"),
    "bounds inf": ({"bounds": (0.0, INF)}, "bounds: bounds must be finite numbers"),
    "bounds nan": ({"bounds": (NAN, 30.0)}, "bounds: bounds must be finite numbers"),
    "bounds reversed": ({"bounds": (30.0, 10.0)}, "bounds: need low < high, got 30, 10"),
    "bounds equal": ({"bounds": (20.0, 20.0)}, "bounds: need low < high"),
    "bounds one number": ({"bounds": (20.0,)}, "bounds: expected two numbers"),
    "bounds a bare number": ({"bounds": 20.0}, "bounds: expected two numbers"),
    "bounds a price cannot take": (
        {"bounds": (-10.0, 30.0)},
        f"bounds: {PRICE} cannot be -10 (must be >= 0",
    ),
    "run.seed": ({"param": "run.seed"}, "run.seed: not a model assumption"),
    "run.months": ({"param": "run.months"}, "run.months: not a model assumption"),
    "a section": ({"param": "costs"}, "costs: is a section, not a number"),
    "zero with default bounds": (
        {"param": "support.grant_amount"},
        "bounds: support.grant_amount is 0 in this scenario",
    ),
    "reps zero": ({"reps": 0}, "reps: must be a whole number >= 2"),
    "reps fraction": ({"reps": 2.5}, "reps: must be a whole number"),
    "seed fraction": ({"seed": 1.5}, "seed: must be a whole number >= 0 or None, got 1.5"),
    "seed negative": ({"seed": -1}, "seed: must be a whole number >= 0"),
    "workers zero": ({"workers": 0}, "workers: must be a whole number >= 1"),
    "grid too small": ({"grid": 2}, "grid: must be a whole number >= 3"),
    "whole-number bounds too narrow": (
        {"param": "business.staff_ceiling", "bounds": (2.2, 2.8)},
        "bounds: business.staff_ceiling is a whole number",
    ),
}


@pytest.mark.parametrize("case", GOAL_SEEK_ERRORS, ids=str)
def test_goal_seek_rejects_odd_questions_by_name(short, no_simulation, case):
    kwargs, expected = GOAL_SEEK_ERRORS[case]
    with pytest.raises(InputError) as err:
        _seek(short, **kwargs)
    assert expected in str(err.value)


SENSITIVITY_ERRORS = {
    "delta nan": ({"delta": NAN}, "delta: must be a share between 0 and 1"),
    "delta inf": ({"delta": INF}, "delta: must be a share between 0 and 1"),
    "delta zero": ({"delta": 0.0}, "delta: must be a share between 0 and 1"),
    "delta negative": ({"delta": -0.2}, "delta: must be a share between 0 and 1"),
    "delta one": ({"delta": 1.0}, "delta: must be a share between 0 and 1"),
    "delta two": ({"delta": 2.0}, "delta: must be a share between 0 and 1 (0.2 = 20%), got 2.0"),
    "delta beyond a limit": (
        {"params": ["staff.hire_when_utilisation_above"]},
        "delta: staff.hire_when_utilisation_above cannot be 1.02 (must be <= 1",
    ),
    "metric unknown": ({"metric": "nope"}, "metric: unknown metric 'nope'"),
    "metric not text": ({"metric": 36}, "metric: must be a metric's name"),
    "metric beyond horizon": ({"metric": "survival_36"}, "metric: survival_36: month 36 is"),
    "run.seed": ({"params": ["run.seed"]}, "run.seed: not a model assumption"),
    "run.start_month_of_year": (
        {"params": ["run.start_month_of_year"]},
        "run.start_month_of_year: not a model assumption",
    ),
    "unknown": ({"params": ["nope"]}, "nope: unknown parameter"),
    "empty name": ({"params": [""]}, "param: give a parameter's dotted path"),
    "twice": ({"params": [PRICE, PRICE]}, f"{PRICE}: given twice"),
    "zero by name": (
        {"params": ["support.grant_amount"]},
        "support.grant_amount: is 0 in this scenario",
    ),
    "values for another": (
        {"values": {"staff.wage_per_hour": (10.0, 14.0)}},
        "values: given for 'staff.wage_per_hour'",
    ),
    "values not finite": ({"values": {PRICE: (20.0, INF)}}, "values: " + PRICE),
    "values one number": ({"values": {PRICE: 20.0}}, "values: " + PRICE),
    "values impossible": ({"values": {PRICE: (-1.0, 30.0)}}, f"values: {PRICE} cannot be -1"),
    "reps one": ({"reps": 1}, "reps: must be a whole number >= 2"),
    "reps text": ({"reps": "20"}, "reps: must be a whole number"),
    "seed bool": ({"seed": True}, "seed: must be a whole number"),
}


@pytest.mark.parametrize("case", SENSITIVITY_ERRORS, ids=str)
def test_sensitivity_rejects_odd_questions_by_name(short, no_simulation, case):
    kwargs, expected = SENSITIVITY_ERRORS[case]
    with pytest.raises(InputError) as err:
        _tornado(short, **kwargs)
    assert expected in str(err.value)


def test_a_non_scenario_is_named(no_simulation):
    with pytest.raises(InputError, match="^scenario: expected a sim.Scenario"):
        sensitivity({"run": {}}, reps=2)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="^scenario: expected a sim.Scenario"):
        goal_seek("plan.toml", PRICE, "survival_12>=0.5", reps=2)  # type: ignore[arg-type]


def test_a_target_built_in_code_is_checked_too():
    with pytest.raises(InputError, match="^target: unknown comparison"):
        Target("survival_12", "=>", 0.5)
    with pytest.raises(InputError, match="^target: the value must be a finite number"):
        Target("final_cash", ">=", float("nan"))


def test_metric_values_refuse_a_month_that_was_not_simulated(short):
    results = sim.run(short, reps=60, workers=1)
    runs = results.runs
    failed = runs["failed"].to_numpy(bool)
    when = runs["failure_month"].to_numpy(float, na_value=float("nan"))
    # failures before and after month 12 (this seed gives both): survival at month m is 1 in
    # a replication unless it failed in month m or earlier
    assert (when[failed] <= 12).any() and (when[failed] > 12).any() and not failed.all()
    for month in (8, 12, 24):  # the horizon itself is fine
        values = metric_values(results, f"survival_{month}")
        expected = [0.0 if f and w <= month else 1.0 for f, w in zip(failed, when, strict=True)]
        assert list(values.index) == list(runs["rep"]) and list(values) == expected, month
    with pytest.raises(InputError, match="month 25 is beyond the horizon of 24 months"):
        metric_values(results, "survival_25")


def test_the_default_metric_is_named_by_the_month_it_measures(short):
    table = sensitivity(short, params=[PRICE], reps=3, workers=1)
    assert table.attrs["metric"] == "survival_24"  # 3 years is beyond a 24-month horizon


def test_default_parameters_at_zero_are_skipped_and_named(short):
    zero = short.with_overrides({"channels.direct_payment.referrals_per_month": 0.0})
    table = sensitivity(zero, reps=2, workers=1, metric="final_cash")
    assert "channels.direct_payment.referrals_per_month" not in set(table["param"])
    assert table.attrs["skipped"] == ["channels.direct_payment.referrals_per_month"]


def test_a_whole_number_parameter_reports_the_values_it_ran(short):
    six = short.with_overrides({"business.staff_ceiling": 6})
    table = sensitivity(
        six, params=["business.staff_ceiling"], reps=2, workers=1, metric="final_cash"
    )
    row = table.iloc[0]
    assert (row["low_value"], row["high_value"]) == (5.0, 7.0)  # 6 -/+ 20%, rounded


def test_a_single_parameter_given_as_text_is_one_parameter(short):
    table = sensitivity(short, params=PRICE, reps=2, workers=1, metric="final_cash")
    assert list(table["param"]) == [PRICE]


def test_goal_seek_on_a_whole_number_parameter_answers_a_value_it_ran(short):
    # It used to bisect to a fraction (say 4.3) that was run as 4 and reported as 4.3.
    # joining the open framework later spares an owner who takes everything the squeeze
    late = sim.load_scenario(ROOT / "scenarios" / "home_care_open_framework.toml")
    late = late.with_overrides({"run.months": 24, "policy.decides": False})
    answer = goal_seek(
        late,
        "council.application_delay_months",
        "survival_24>=0.6",
        bounds=(1, 24),
        reps=30,
        workers=1,
    )
    assert answer.reachable and answer.value is not None
    assert float(answer.value).is_integer()
    assert all(float(v).is_integer() for v in answer.curve["value"])
    curve = answer.curve.set_index("value")["mean"]
    assert curve[answer.value] >= 0.6 > curve[answer.value - 1]  # the boundary, exactly
