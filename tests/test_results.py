"""Tests for sim.results on small hand-built tables whose answers are known exactly."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sim import results as r

CHANNELS = ("self_funder", "direct_payment", "professional", "word_of_mouth", "local_authority")


def make_runs(failure_months: list[int | None], **extra: list) -> pd.DataFrame:
    """One row per replication; None in failure_months means it survived."""
    n = len(failure_months)
    data = {
        "rep": list(range(n)),
        "failed": [m is not None for m in failure_months],
        "failure_month": pd.array(failure_months, dtype="Int64"),
        "failure_cause": ["insolvency" if m is not None else None for m in failure_months],
        "breakeven_month": [None] * n,
        "final_cash": [0.0] * n,
        "continuity": [0.9] * n,
        "carers_per_client": [1.2] * n,
        "cost_per_hour": [25.0] * n,
        "price_per_hour": [27.0] * n,
        "costs": [2500.0] * n,
        "income_earned": [2700.0] * n,
        "hours_delivered": [100.0] * n,
        "months": [36] * n,
    }
    data.update(extra)
    return pd.DataFrame(data)


@pytest.fixture
def ten_runs() -> pd.DataFrame:
    """10 replications, 3 of which fail: at months 5, 5 and 8."""
    return make_runs([5, 5, 8] + [None] * 7)


def make_monthly(rows: list[dict]) -> pd.DataFrame:
    """Monthly panel rows with zeroed referral columns unless given."""
    base = {f"{k}_{c}": 0 for c in CHANNELS for k in ("referrals", "accepted", "declined")}
    return pd.DataFrame([{**base, **row} for row in rows])


# --- Wilson and survival -------------------------------------------------------------------


def test_wilson_interval_matches_hand_computation() -> None:
    # p = 0.7, z = 1.95996: centre = 0.64459, half-width = 0.24771.
    lower, upper = r.wilson_interval(7, 10)
    assert lower == pytest.approx(0.39678, abs=1e-5)
    assert upper == pytest.approx(0.89221, abs=1e-5)


def test_wilson_interval_stays_in_unit_range_at_the_extremes() -> None:
    lower, upper = r.wilson_interval(np.array([0, 10]), 10)
    assert lower[0] == 0.0 and upper[0] == pytest.approx(0.27753, abs=1e-5)
    assert upper[1] == 1.0 and lower[1] == pytest.approx(0.72247, abs=1e-5)
    assert np.isnan(r.wilson_interval(0, 0)).all()  # no trials: no interval, not [0, 1]


def test_survival_curve_steps_down_in_the_failure_month(ten_runs: pd.DataFrame) -> None:
    curve = r.survival_curve(ten_runs, horizon=12)
    assert curve["month"].tolist() == list(range(13))
    expected = [1.0] * 5 + [0.8] * 3 + [0.7] * 5
    assert curve["survival"].tolist() == pytest.approx(expected)
    assert (curve["n"] == 10).all()


def test_survival_curve_interval_is_wilson(ten_runs: pd.DataFrame) -> None:
    curve = r.survival_curve(ten_runs, horizon=12).set_index("month")
    assert curve.loc[8, "lower"] == pytest.approx(0.397, abs=5e-4)
    assert curve.loc[8, "upper"] == pytest.approx(0.892, abs=5e-4)
    assert curve.loc[0, "upper"] == 1.0 and curve.loc[0, "lower"] < 1.0


def test_survival_curve_rejects_failure_without_month() -> None:
    runs = make_runs([None, None])
    runs.loc[0, "failed"] = True
    with pytest.raises(ValueError, match="failure_month"):
        r.survival_curve(runs, horizon=6)


def test_survival_at_caps_months_at_horizon_and_deduplicates(ten_runs: pd.DataFrame) -> None:
    table = r.survival_at(ten_runs, [4, 5, 24, 60], horizon=24)
    assert table["month"].tolist() == [4, 5, 24]
    assert table["estimate"].tolist() == pytest.approx([1.0, 0.8, 0.7])
    assert table.loc[2, "lower"] == pytest.approx(0.397, abs=5e-4)


def test_survival_at_rejects_negative_months(ten_runs: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=">= 0"):
        r.survival_at(ten_runs, [-1], horizon=12)


def test_breakeven_by_counts_months_up_to_and_including(ten_runs: pd.DataFrame) -> None:
    runs = ten_runs.assign(breakeven_month=[3, 6, 6, 10, None, None, None, None, None, None])
    table = r.breakeven_by(runs, [2, 3, 6, 12], horizon=9)
    assert table["month"].tolist() == [2, 3, 6, 9]
    assert table["estimate"].tolist() == pytest.approx([0.0, 0.1, 0.3, 0.3])
    lower, upper = r.wilson_interval(3, 10)
    assert table.loc[2, "lower"] == pytest.approx(float(lower))


def test_median_failure_month_is_among_failures_only(ten_runs: pd.DataFrame) -> None:
    assert r.median_failure_month(ten_runs) == {"median": 5.0, "n_failed": 3}
    assert r.median_failure_month(make_runs([5, 8, None])) == {"median": 6.5, "n_failed": 2}
    assert r.median_failure_month(make_runs([None, None])) == {"median": None, "n_failed": 0}


def test_failure_causes_shares_and_stable_tie_break() -> None:
    runs = make_runs([3, 4, 5, None])
    runs["failure_cause"] = ["owner_exit", "insolvency", "owner_exit", None]
    causes = r.failure_causes(runs)
    assert causes["most_common"] == "owner_exit"
    assert causes["shares"] == pytest.approx({"owner_exit": 2 / 3, "insolvency": 1 / 3})
    runs["failure_cause"] = ["owner_exit", "insolvency", None, None]
    runs.loc[2, "failed"] = False
    assert r.failure_causes(runs)["most_common"] == "insolvency"  # tie -> alphabetical
    assert r.failure_causes(make_runs([None]))["most_common"] is None


# --- monthly panel -------------------------------------------------------------------------


def test_share_of_months_not_covering_costs_pools_all_rows() -> None:
    monthly = make_monthly(
        [
            {"rep": 0, "month": 1, "operating_result": -10.0},
            {"rep": 0, "month": 2, "operating_result": 0.0},  # break-even is not a loss
            {"rep": 0, "month": 3, "operating_result": 5.0},
            {"rep": 1, "month": 1, "operating_result": -1.0},
        ]
    )
    assert r.share_of_months_not_covering_costs(monthly) == pytest.approx(0.5)
    assert math.isnan(r.share_of_months_not_covering_costs(monthly.iloc[0:0]))


def test_cash_quantiles_use_only_replications_present_that_month() -> None:
    # rep 0 fails in month 1; month 2 must not count it as zero cash.
    monthly = make_monthly(
        [
            {"rep": 0, "month": 1, "cash_close": 0.0},
            {"rep": 1, "month": 1, "cash_close": 10.0},
            {"rep": 2, "month": 1, "cash_close": 20.0},
            {"rep": 1, "month": 2, "cash_close": 10.0},
            {"rep": 2, "month": 2, "cash_close": 30.0},
        ]
    )
    table = r.cash_quantiles(monthly, quantiles=(0.1, 0.5)).set_index("month")
    assert list(table.columns) == ["n", "p10", "p50"]
    assert table.loc[1, "n"] == 3 and table.loc[2, "n"] == 2
    assert table.loc[1, "p50"] == pytest.approx(10.0)
    assert table.loc[2, "p50"] == pytest.approx(20.0)
    assert table.loc[2, "p10"] == pytest.approx(12.0)  # linear interpolation 10 + 0.1 * 20


def test_final_cash_quantiles() -> None:
    runs = make_runs([None] * 11, final_cash=[float(x) for x in range(0, 110, 10)])
    assert r.final_cash_quantiles(runs) == pytest.approx({"p10": 10.0, "p50": 50.0, "p90": 90.0})


def test_declined_by_channel_is_pooled_not_averaged() -> None:
    monthly = make_monthly(
        [
            {
                "rep": 0,
                "month": 1,
                "referrals_professional": 10,
                "accepted_professional": 9,
                "declined_professional": 1,
            },
            {
                "rep": 1,
                "month": 1,
                "referrals_professional": 1,
                "accepted_professional": 0,
                "declined_professional": 1,
            },
        ]
    )
    table = r.declined_by_channel(monthly).set_index("channel")
    assert list(table.index) == list(CHANNELS)
    row = table.loc["professional"]
    assert (row["referrals"], row["accepted"], row["declined"]) == (11, 9, 2)
    assert row["share_declined"] == pytest.approx(2 / 11)  # per-rep mean would be 0.55
    assert math.isnan(table.loc["self_funder", "share_declined"])


# --- means and differences -----------------------------------------------------------------


def test_mean_with_ci_uses_t_for_small_samples() -> None:
    # mean 2, sd 1, se 1/sqrt(3), t(0.975, df=2) = 4.302653
    ci = r.mean_with_ci([1.0, 2.0, 3.0, np.nan])
    assert ci["n"] == 3 and ci["mean"] == pytest.approx(2.0)
    half = 4.302653 / math.sqrt(3)
    assert (ci["lower"], ci["upper"]) == pytest.approx((2 - half, 2 + half), abs=1e-5)


def test_mean_with_ci_too_few_values_gives_nan_interval() -> None:
    one = r.mean_with_ci([4.0])
    assert one["mean"] == 4.0 and math.isnan(one["lower"]) and math.isnan(one["upper"])
    none = r.mean_with_ci([])
    assert none["n"] == 0 and math.isnan(none["mean"])


def test_paired_difference_of_identical_series_is_exactly_zero() -> None:
    a = pd.Series([3.0, 7.5, -2.0, 11.0])
    assert r.paired_difference(a, a.copy()) == {"mean": 0.0, "lower": 0.0, "upper": 0.0, "n": 4}


def test_paired_difference_is_b_minus_a_matched_by_index() -> None:
    a = pd.Series([1.0, 2.0, 3.0], index=[0, 1, 2])
    b = pd.Series([5.0, 3.0, 4.0], index=[2, 0, 1])  # same reps, other order: b - a = 2
    ci = r.paired_difference(a, b)
    assert (ci["mean"], ci["lower"], ci["upper"]) == pytest.approx((2.0, 2.0, 2.0))


def test_paired_difference_requires_the_same_replications() -> None:
    with pytest.raises(ValueError, match="same replications"):
        r.paired_difference(pd.Series([1.0, 2.0]), pd.Series([1.0, 2.0], index=[1, 2]))


def test_paired_interval_narrower_than_unpaired_when_correlated() -> None:
    rng = np.random.default_rng(1)
    common = rng.normal(0, 10, size=50)  # shared noise, as under common random numbers
    a = pd.Series(common + rng.normal(0, 1, size=50))
    b = pd.Series(common + 1 + rng.normal(0, 1, size=50))
    paired, unpaired = r.paired_difference(a, b), r.unpaired_difference(a, b)
    assert paired["mean"] == pytest.approx(unpaired["mean"])
    assert paired["upper"] - paired["lower"] < 0.3 * (unpaired["upper"] - unpaired["lower"])
    assert paired["lower"] > 0 > unpaired["lower"]


def test_unpaired_difference_matches_welch() -> None:
    # Hand: se = sqrt(1/3 + 20/3/4) = sqrt(2), Welch df = 4.0755, t = 2.7564 -> half 3.898.
    ci = r.unpaired_difference([1.0, 2.0, 3.0], [2.0, 4.0, 6.0, 8.0])
    assert ci["mean"] == pytest.approx(3.0)
    assert (ci["lower"], ci["upper"]) == pytest.approx((3 - 3.898, 3 + 3.898), abs=1e-3)


@pytest.mark.parametrize("module", ["sim.results", "sim"])
def test_importing_results_does_not_import_scipy(module: str) -> None:
    """scipy.stats costs ~0.9 s to import: neither sim nor sim.results may pull it in. A fresh
    interpreter, so nothing imported by the test session can hide the import."""
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith('scipy')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_command_line_reads_a_scenario_without_pandas_or_the_model() -> None:
    """`microcare validate` starts in well under a second because the CLI imports pandas and
    the model only for commands that simulate (see sim/__init__.py)."""
    code = (
        "import sys, sim.cli; "
        "print([m for m in ('pandas', 'simpy', 'sim.model', 'sim.experiment') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- summary -------------------------------------------------------------------------------


def test_summarise_is_json_serialisable_with_the_headline_keys(ten_runs: pd.DataFrame) -> None:
    runs = ten_runs.assign(continuity=[np.nan] + [0.8] * 9)
    monthly = make_monthly(
        [
            {
                "rep": 0,
                "month": 1,
                "cash_close": 5.0,
                "operating_result": -1.0,
                "referrals_professional": 4,
                "declined_professional": 1,
            },
            {"rep": 1, "month": 1, "cash_close": 7.0, "operating_result": 2.0},
        ]
    )
    summary = r.summarise(runs, monthly, horizon=30)
    json.dumps(summary, allow_nan=False)  # NaN must have become None
    assert set(summary) == {
        "replications",
        "horizon",
        "survival",
        "median_failure_month",
        "breakeven_by",
        "share_months_not_covering_costs",
        "final_cash",
        "continuity",
        "carers_per_client",
        "cost_per_hour",
        "price_per_hour",
        "declined_by_channel",
        "failure_causes",
    }
    assert [row["month"] for row in summary["survival"]] == [12, 24, 30]
    assert summary["survival"][0]["estimate"] == pytest.approx(0.7)
    assert summary["median_failure_month"] == {"median": 5.0, "n_failed": 3}
    assert summary["breakeven_by"][0]["estimate"] == 0.0
    assert summary["share_months_not_covering_costs"] == pytest.approx(0.5)
    assert summary["continuity"]["n"] == 9 and summary["continuity"]["mean"] == pytest.approx(0.8)
    assert summary["declined_by_channel"]["professional"]["share_declined"] == 0.25
    assert summary["declined_by_channel"]["self_funder"]["share_declined"] is None
    assert summary["failure_causes"]["shares"] == {"insolvency": 1.0}
    assert type(summary["replications"]) is int


def test_ratio_with_ci_pools_rather_than_averages():
    # two replications: 100 h at £20 and 1 h at £200. The pooled cost of an hour is
    # (2000 + 200) / 101, not the mean of 20 and 200.
    result = r.ratio_with_ci([2000.0, 200.0], [100.0, 1.0])
    assert result["mean"] == pytest.approx(2200 / 101)
    assert result["lower"] < result["mean"] < result["upper"]
    same = r.ratio_with_ci([10.0, 20.0, 30.0], [1.0, 2.0, 3.0])
    assert same["mean"] == pytest.approx(10.0)
    assert same["lower"] == same["upper"] == pytest.approx(10.0)  # no spread around it
    assert math.isnan(r.ratio_with_ci([1.0], [0.0])["mean"])


@pytest.mark.parametrize("df", [1, 2, 5, 29, 30, 31, 45, 100, 999, 10_000])
def test_t_quantile_without_scipy_matches_scipy(df: int) -> None:
    from scipy import stats

    assert r._t_quantile(df) == pytest.approx(stats.t.ppf(0.975, df), abs=1e-4)


def test_median_with_ci_and_paired_median_difference() -> None:
    values = pd.Series(np.arange(101, dtype=float))
    ci = r.median_with_ci(values)
    assert ci["mean"] == 50.0 and ci["lower"] < 50.0 < ci["upper"]
    assert r.median_with_ci(values) == ci  # a fixed bootstrap generator: reproducible
    same = r.paired_median_difference(values, values)
    assert same["mean"] == same["lower"] == same["upper"] == 0.0
    shifted = r.paired_median_difference(values, values + 7.0)
    assert shifted["mean"] == shifted["lower"] == shifted["upper"] == 7.0
    with pytest.raises(ValueError):
        r.paired_median_difference(values, values.iloc[:50])


def test_the_public_names_are_the_lazily_imported_ones() -> None:
    """sim.__all__ and the lazy-import table name the same objects, each importable."""
    import sim

    assert sorted(sim.__all__) == sorted(sim._WHERE)
    for name in sim.__all__:
        assert getattr(sim, name) is not None
    with pytest.raises(AttributeError):
        _ = sim.no_such_name
