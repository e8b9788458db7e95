"""Chart functions: each returns a plotly figure with the expected traces, drawn from the
numbers in a small Results, and leaves the Results as it was."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import sim
from dashboard import charts
from sim import council, experiment, support

REPS = 16
LEAN = {  # few referrals, so some futures fail within the short horizon
    "run.months": 18,
    "channels.self_funder.referrals_per_month": 0.2,
    "channels.direct_payment.referrals_per_month": 0.05,
}


@pytest.fixture(scope="module")
def results() -> experiment.Results:
    return experiment.run(sim.Scenario().with_overrides(LEAN), reps=REPS, seed=5, workers=1)


@pytest.fixture(scope="module")
def comparison() -> experiment.Comparison:
    base = sim.Scenario().with_overrides({**LEAN, "run.months": 12})
    variants = support.support_variants(base, ["grant", "introduction"])
    return experiment.compare(
        list(variants.values()), reps=REPS, seed=5, workers=1, names=list(variants)
    )


def names(fig: go.Figure) -> list[str]:
    return [trace.name for trace in fig.data]


def test_the_small_results_have_failures(results: experiment.Results) -> None:
    assert 0 < results.runs["failed"].sum() < REPS


def test_cash_fan(results: experiment.Results) -> None:
    fig = charts.cash_fan(results)
    n_failed = int(results.runs["failed"].sum())
    assert names(fig) == [
        "P10–P90 (lower)",
        "P10–P90",
        "P25–P75 (lower)",
        "P25–P75",
        "Median",
        "Overdraft limit",
        f"Failures ({n_failed})",
    ]
    bands = results.cash_bands()
    traces = {t.name: t for t in fig.data}
    np.testing.assert_allclose(traces["Median"].y, bands["p50"])
    np.testing.assert_allclose(traces["P10–P90"].y, bands["p90"])
    assert traces["P10–P90 (lower)"].fill is None and traces["P10–P90"].fill == "tonexty"
    assert set(traces["Overdraft limit"].y) == {-results.scenario.business.overdraft}
    failures = traces[f"Failures ({n_failed})"]
    assert len(failures.x) == n_failed
    months = results.runs.loc[results.runs["failed"], "failure_month"].astype(float)
    assert np.all(np.abs(np.asarray(failures.x) - months.to_numpy()) <= 0.25)


def test_survival_curve(results: experiment.Results) -> None:
    fig = charts.survival_curve(results)
    assert names(fig) == ["95% interval (lower)", "95% interval", "Still trading"]
    line = fig.data[-1]
    assert list(line.x) == list(range(results.horizon + 1))
    assert line.y[0] == 1.0 and np.all(np.diff(line.y) <= 0)
    assert np.all(np.asarray(fig.data[0].y) <= line.y) and np.all(fig.data[1].y >= line.y)
    assert fig.layout.yaxis.tickformat == ".0%"


def test_income_vs_costs_marks_the_months_not_covering_costs(
    results: experiment.Results,
) -> None:
    fig = charts.income_vs_costs(results)
    assert names(fig) == ["Income earned", "Costs", "Not covering costs"]
    # by days: the weekly amounts of each row scaled from its weekly settlements to 4.35 weeks
    m = results.monthly
    scale = (365.25 / 12 / 7) / m["weeks_settled"]
    weekly = m[["cost_wages", "cost_oncosts", "cost_mileage", "cost_bought_cover"]].sum(axis=1)
    days = pd.DataFrame(
        {
            "month": m["month"],
            "income": m["income_earned"] * scale,
            "costs": m["costs"] + weekly * (scale - 1),
        }
    )
    means = days.groupby("month")[["income", "costs"]].mean()
    np.testing.assert_allclose(fig.data[0].y, means["income"], rtol=1e-5)
    np.testing.assert_allclose(fig.data[1].y, means["costs"], rtol=1e-5)
    short = means.index[means["income"] < means["costs"]]
    assert list(fig.data[2].x) == list(short)
    assert len(short) > 0, "a start-up does not cover its costs in its first month"


def test_clients_by_payer(results: experiment.Results) -> None:
    fig = charts.clients_by_payer(results)
    assert names(fig) == ["Self-funders", "Direct payments", "Council-funded"]
    assert all(trace.stackgroup == "clients" for trace in fig.data)
    total = sum(np.asarray(trace.y) for trace in fig.data)
    np.testing.assert_allclose(total, results.monthly.groupby("month")["clients"].mean(), rtol=1e-6)


def test_staff_and_continuity(results: experiment.Results) -> None:
    fig = charts.staff_and_continuity(results)
    assert names(fig) == ["Employees", "Continuity of care", "Carers per client"]
    assert fig.data[1].yaxis == "y2" and fig.data[2].yaxis == "y"
    # independently: each month's mean over the futures trading of staff, and of the share
    # of hours given by a settled regular carer (months with no hours delivered left out)
    monthly = results.monthly
    delivered = monthly["hours_delivered"].astype(float)
    share = (monthly["hours_continuity"] / delivered).where(delivered > 0)
    expected = share.groupby(monthly["month"]).mean()
    np.testing.assert_array_equal(np.asarray(fig.data[1].x), expected.index)
    np.testing.assert_allclose(np.asarray(fig.data[1].y, dtype=float), expected, rtol=1e-6)
    staff = monthly.groupby("month")["staff"].mean()
    np.testing.assert_allclose(np.asarray(fig.data[0].y, dtype=float), staff, rtol=1e-6)
    assert expected.notna().any() and 0 < expected.min() < 1, "continuity below 1 in some month"
    carers = monthly.groupby("month")["carers_per_client"].mean()  # NaN months left out
    np.testing.assert_allclose(np.asarray(fig.data[2].y, dtype=float), carers, rtol=1e-6)


def test_referrals_by_channel(results: experiment.Results) -> None:
    fig = charts.referrals_by_channel(results)
    assert names(fig) == ["Accepted", "Declined"]
    assert "Council" not in fig.data[0].x, "channels with no referrals are left out"
    monthly = results.monthly
    accepted = sum(
        monthly[f"accepted_{c}"].sum()
        for c in ("self_funder", "direct_payment", "professional", "word_of_mouth")
    )
    assert sum(fig.data[0].y) == pytest.approx(accepted / REPS)


def test_plan_charts_leave_the_results_unchanged(results: experiment.Results) -> None:
    monthly, runs = results.monthly.copy(), results.runs.copy()
    for _, chart in charts.PLAN_CHARTS:
        assert isinstance(chart(results), go.Figure)
    pd.testing.assert_frame_equal(results.monthly, monthly)
    pd.testing.assert_frame_equal(results.runs, runs)


def test_survival_comparison(comparison: experiment.Comparison) -> None:
    fig = charts.survival_comparison(comparison.names, comparison.results)
    lines = [t for t in fig.data if t.showlegend is not False and t.fill is None]
    assert [t.name for t in lines] == comparison.names
    bands = [t for t in fig.data if t.fill == "tonexty"]
    assert len(bands) == len(comparison.names)


def test_support_effects(comparison: experiment.Comparison) -> None:
    table = support.support_table(comparison.names, comparison.results, ["grant", "introduction"])
    fig = charts.support_effects(table)
    assert names(fig) == ["Extra businesses trading"]
    assert list(fig.data[0].y) == list(table["support"])
    np.testing.assert_allclose(fig.data[0].x, table["extra_per_100"])


def test_policy_measures(comparison: experiment.Comparison) -> None:
    table = council.policy_table(comparison.names, comparison.results)
    fig = charts.policy_measures(table)
    assert len(fig.data) == 4 * len(table)  # four panels, one bar per policy in each
    legend = [t.name for t in fig.data if t.showlegend]
    assert legend == comparison.names


def test_tornado_has_a_bar_each_way_per_parameter_largest_on_top():
    from sim.whatif import sensitivity

    scenario = sim.Scenario().with_overrides(LEAN)
    table = sensitivity(
        scenario,
        params=["channels.self_funder.price_per_hour", "council.rate_per_hour"],
        reps=REPS,
        metric="final_cash",
        workers=1,
    )
    fig = charts.tornado(table, {"council.rate_per_hour": "council rate"})
    assert names(fig) == ["parameter lower", "parameter higher"]
    low, high = fig.data
    # plotly draws the first category at the bottom: the largest swing is last
    assert list(high.y) == ["council rate", "channels.self_funder.price_per_hour"]
    assert high.x[-1] > 0 > low.x[-1]
    assert high.x[0] == low.x[0] == 0.0  # an unused parameter has no effect


def test_goal_curve_shows_band_estimate_target_and_answer():
    from sim.whatif import goal_seek

    scenario = sim.Scenario().with_overrides(LEAN)
    answer = goal_seek(
        scenario,
        "channels.self_funder.price_per_hour",
        "final_cash>=3000",
        bounds=(5.0, 60.0),
        reps=REPS,
        workers=1,
    )
    assert answer.reachable and answer.value is not None
    fig = charts.goal_curve(answer, "price")
    assert names(fig) == ["95% CI (lower)", "95% CI", "estimate"]
    assert list(fig.data[2].x) == list(answer.curve["value"])
    shapes = [s.type for s in fig.layout.shapes]
    assert shapes.count("line") == 2  # the target and the answer
    assert fig.layout.xaxis.title.text == "price"


def test_tornado_of_a_share_is_drawn_in_percentage_points() -> None:
    # a made-up table: the chart only scales what the sensitivity measured
    table = pd.DataFrame(
        {
            "param": ["business.start_cash"],
            "low_value": [7200.0],
            "high_value": [10800.0],
            "low_effect": [-0.031],
            "low_lower": [-0.05],
            "low_upper": [-0.012],
            "high_effect": [0.02],
            "high_lower": [0.004],
            "high_upper": [0.036],
        }
    )
    table.attrs["metric"] = "survival_36"
    fig = charts.tornado(table)
    low, high = fig.data
    assert list(low.x) == pytest.approx([-3.1]) and list(high.x) == pytest.approx([2.0])
    assert list(high.error_x.array) == pytest.approx([3.6 - 2.0])
    assert fig.layout.xaxis.title.text == (
        "change in the chance still trading at 3 years (percentage points)"
    )
