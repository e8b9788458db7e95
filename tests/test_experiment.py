"""Replications and comparisons: reproducible whatever the execution, honest intervals,
exact answers where the model is deterministic, and the gain from common random numbers."""

from __future__ import annotations

import math
import pickle
import time

import numpy as np
import pandas as pd
import pytest

import sim
from sim import experiment
from sim.results import unpaired_difference
from tests.conftest import NO_REFERRALS

SHORT = {"run.months": 24}

# A lean start-up: few referrals, so about half the replications are still trading at
# month 24. Most failures come early, which also keeps the replications cheap. (24 rather
# than 36 months: the 11,000 replications of the coverage test took 34-73 s at 36 months on
# a 2-core machine, depending on its load; 24 months costs about a fifth less and the curve
# is nearly flat after month 24 anyway.)
LEAN = {
    "run.months": 24,
    "channels.self_funder.referrals_per_month": 0.3,
    "channels.direct_payment.referrals_per_month": 0.1,
    "channels.professional.referrals_per_month": 0.1,
}


@pytest.fixture(scope="module")
def short() -> sim.Scenario:
    return sim.Scenario().with_overrides(SHORT)


@pytest.fixture(scope="module")
def serial(short: sim.Scenario) -> experiment.Results:
    """40 replications run in this process: the reference for the parallel runs."""
    return experiment.run(short, reps=40, seed=11, workers=1)


def assert_same(a: experiment.Results, b: experiment.Results) -> None:
    pd.testing.assert_frame_equal(a.monthly, b.monthly)
    pd.testing.assert_frame_equal(a.runs, b.runs)


# --- reproducible whatever runs the replications -------------------------------------------


def test_process_pool_gives_identical_results(
    short: sim.Scenario, serial: experiment.Results, monkeypatch: pytest.MonkeyPatch
) -> None:
    pools = []

    class CountingPool(experiment.ProcessPoolExecutor):
        def __init__(self, *args: object, **kwargs: object) -> None:
            pools.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(experiment, "ProcessPoolExecutor", CountingPool)
    parallel = experiment.run(short, reps=40, seed=11, workers=2)
    assert len(pools) == 1, "workers=2 must really use worker processes"
    assert_same(serial, parallel)


def test_dask_cluster_gives_identical_results(
    short: sim.Scenario, serial: experiment.Results
) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        on_dask = experiment.run(short, reps=40, seed=11, scheduler=cluster.scheduler_address)
        assert "microcare-chunk" in cluster.scheduler.task_prefixes  # ran on the cluster
    assert_same(serial, on_dask)


def test_seed_is_stored_in_the_scenario_and_reproduces(
    short: sim.Scenario, serial: experiment.Results
) -> None:
    assert serial.seed == serial.scenario.run.seed == 11
    assert short.run.seed != 11  # the caller's scenario is left as it was
    again = experiment.run(serial.scenario, reps=40, workers=1)
    assert_same(serial, again)
    other = experiment.run(short, reps=40, seed=12, workers=1)
    assert not other.runs["final_cash"].equals(serial.runs["final_cash"])


def test_monthly_panel_is_stacked_compact_and_reconciles(serial: experiment.Results) -> None:
    monthly = serial.monthly
    assert monthly.columns[0] == "rep"
    assert monthly.index.equals(pd.RangeIndex(len(monthly)))
    key = monthly["rep"].astype(int) * 1000 + monthly["month"].astype(int)
    assert key.is_monotonic_increasing and key.is_unique
    assert sorted(monthly["rep"].unique()) == list(range(40))
    for column in ("cash_open", "receipts", "payments", "cash_close"):
        assert monthly[column].dtype == np.float64
    assert monthly["month"].dtype == np.int16
    assert monthly["clients"].dtype == np.int32
    assert monthly["income_earned"].dtype == np.float32
    assert isinstance(monthly["size_band"].dtype, pd.CategoricalDtype)
    gap = monthly["cash_open"] + monthly["receipts"] - monthly["payments"] - monthly["cash_close"]
    assert gap.abs().max() < 0.005  # to the penny


def test_memory_of_10000_replications_of_60_months_fits_in_1_gib(
    serial: experiment.Results,
) -> None:
    per_row = serial.monthly.memory_usage(deep=True).sum() / len(serial.monthly)
    projected = per_row * 10_000 * 60
    # Half the budget: assembling the panel briefly holds the chunks and the result.
    assert projected < 512 * 2**20, f"{projected / 2**20:.0f} MiB"


def test_runs_table_agrees_with_single_replications(
    short: sim.Scenario, serial: experiment.Results
) -> None:
    runs = serial.runs.set_index("rep")
    assert serial.runs.columns.tolist() == list(experiment.RUN_COLUMNS)
    assert runs["failed"].any() and not runs["failed"].all()  # both kinds are checked
    for rep in range(serial.reps):
        one = sim.simulate(serial.scenario, replication=rep)
        m, row = one.monthly, runs.loc[rep]
        hours = m["hours_delivered"].sum()
        assert row["failed"] == one.outcome.failed
        assert (pd.isna(row["failure_month"]) and one.outcome.failure_month is None) or (
            row["failure_month"] == one.outcome.failure_month
        )
        assert row["final_cash"] == one.outcome.final_cash
        assert row["months_traded"] == len(m)
        assert row["peak_clients"] == m["clients"].max()
        assert row["mean_clients"] == pytest.approx(m["clients"].mean())
        assert row["income_earned"] == pytest.approx(m["income_earned"].sum())
        declined = m[[c for c in m if c.startswith("declined_")]].to_numpy().sum()
        assert row["declined"] == declined
        if hours > 0:
            assert row["continuity"] == pytest.approx(m["hours_continuity"].sum() / hours)
            assert row["carers_per_client"] == pytest.approx(m["carers_per_client"].mean())
            assert row["cost_per_hour"] == pytest.approx(m["costs"].sum() / hours)
            assert row["price_per_hour"] == pytest.approx(m["income_earned"].sum() / hours)
        else:
            assert math.isnan(row["continuity"]) and math.isnan(row["cost_per_hour"])
        assert row["months"] == short.run.months


# --- a deterministic business fails when its cash runs out ----------------------------------


def test_fixed_costs_only_fail_exactly_when_cash_runs_out() -> None:
    start_cash, rent = 2000.0, 300.0
    scenario = sim.Scenario().with_overrides(
        {
            **NO_REFERRALS,
            "run.months": 12,
            "owner.min_drawings_per_month": 0.0,
            "failure.owner_exit": False,
            "business.start_cash": start_cash,
            "business.service": "home_support",
            "business.regulated": False,
            "costs.startup_costs": 0.0,
            "costs.fixed_monthly": {"rent": rent},
            "costs.annual_fees": {},
            "costs.marketing_per_month": 0.0,
            "uplifts.overheads_per_year": 0.0,
        }
    )
    # Cash at the close of month m is start_cash - rent * m; insolvent when it is below 0.
    month = next(m for m in range(1, 100) if start_cash - rent * m < 0)
    assert month == 7
    results = experiment.run(scenario, reps=20, workers=1)
    runs = results.runs
    assert runs["failed"].all()
    assert (runs["failure_month"] == month).all()
    assert (runs["failure_cause"] == "insolvency").all()
    assert runs["final_cash"].tolist() == pytest.approx([start_cash - rent * month] * 20)
    curve = results.survival_curve()
    assert curve.columns.tolist() == ["month", "survival", "lower", "upper", "n"]
    assert curve["month"].tolist() == list(range(13))
    expected = [1.0 if m < month else 0.0 for m in range(13)]
    assert curve["survival"].tolist() == expected
    survival = {row["month"]: row for row in results.summary()["survival"]}
    assert survival[12]["estimate"] == 0.0 and survival[12]["upper"] < 0.2


# --- intervals are honest -----------------------------------------------------------------


@pytest.mark.slow
def test_survival_interval_from_200_replications_covers_a_precise_estimate() -> None:
    """95% intervals from 30 independent 200-replication runs should contain the survival
    at the horizon estimated from 5,000 replications about 28.5 times; fewer than 25 has
    probability below 1% for an honest interval."""
    scenario = sim.Scenario().with_overrides(LEAN)
    month = scenario.run.months
    precise = experiment.run(scenario, reps=5000, seed=1).survival_curve()
    reference = float(precise.set_index("month").loc[month, "survival"])
    assert 0.2 < reference < 0.8
    covered, estimates = 0, set()
    for seed in range(1001, 1031):
        curve = experiment.run(scenario, reps=200, seed=seed).survival_curve()
        at = curve.set_index("month").loc[month]
        covered += bool(at["lower"] <= reference <= at["upper"])
        estimates.add(float(at["survival"]))
    assert len(estimates) > 5, "the seeds must give independent runs"
    assert covered >= 25


# --- comparisons under common random numbers ----------------------------------------------


def test_identical_scenarios_differ_by_exactly_zero(short: sim.Scenario) -> None:
    comparison = experiment.compare([short, short], reps=30, workers=2)
    assert comparison.names == ["A care micro-enterprise", "A care micro-enterprise (2)"]
    table = comparison.table().set_index("metric")
    assert table.index.tolist() == [
        "survival_12",
        "survival_24",
        "breakeven_24",
        "final_cash",
        "continuity",
        "carers_per_client",
        "mean_clients",
        "cost_per_hour",
        "price_per_hour",
        "declined",
    ]
    diff = "A care micro-enterprise (2) - A care micro-enterprise"
    for column in (diff, f"{diff} lower", f"{diff} upper"):
        assert (table[column] == 0.0).all(), column
    assert table.loc["survival_24", "A care micro-enterprise"] == pytest.approx(
        comparison.results[0].summary()["survival"][1]["estimate"]
    )


def test_compare_runs_each_scenario_as_run_does_with_one_seed(short: sim.Scenario) -> None:
    other = short.with_overrides({"run.seed": 999, "business.name": "Other"})
    comparison = experiment.compare([short, other], reps=12, seed=5, workers=1)
    assert comparison.names == ["A care micro-enterprise", "Other"]
    assert [r.seed for r in comparison.results] == [5, 5]
    assert_same(comparison.results[0], experiment.run(short, reps=12, seed=5, workers=1))
    with pytest.raises(ValueError, match="horizon"):
        experiment.compare([short, short.with_overrides({"run.months": 12})], reps=4)


def test_paired_interval_is_much_narrower_than_unpaired_for_a_grant() -> None:
    # an owner who takes only their minimum, with cash enough for every hire they want: the
    # grant stays in the bank and changes no decision
    base = sim.Scenario().with_overrides(
        {**SHORT, "business.start_cash": 30000.0, "owner.profit_share_drawn": 0.0}
    )
    grant = base.with_overrides({"support.grant_amount": 1000.0})
    comparison = experiment.compare([base, grant], reps=80, workers=2, names=["none", "grant"])
    row = comparison.table().set_index("metric").loc["final_cash"]
    paired_width = row["grant - none upper"] - row["grant - none lower"]
    unpaired = unpaired_difference(
        comparison.results[0].runs["final_cash"], comparison.results[1].runs["final_cash"]
    )
    assert unpaired["mean"] == pytest.approx(row["grant - none"])
    assert row["grant - none lower"] > 0  # a grant leaves more cash
    assert paired_width < (unpaired["upper"] - unpaired["lower"]) / 5


# --- progress and errors ------------------------------------------------------------------


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_counts_up_to_the_total(short: sim.Scenario, workers: int) -> None:
    calls: list[tuple[int, int]] = []
    experiment.run(short, reps=30, workers=workers, progress=lambda d, n: calls.append((d, n)))
    done = [d for d, _ in calls]
    assert len(calls) > 1
    assert all(b > a for a, b in zip(done, done[1:], strict=False))
    assert {n for _, n in calls} == {30}
    assert calls[-1] == (30, 30)


def test_progress_of_a_comparison_counts_every_scenario(short: sim.Scenario) -> None:
    calls: list[tuple[int, int]] = []
    experiment.compare(
        [short, short], reps=8, workers=1, progress=lambda d, n: calls.append((d, n))
    )
    assert calls[-1] == (16, 16)


def test_unreachable_scheduler_fails_quickly_naming_the_address(short: sim.Scenario) -> None:
    address = "tcp://127.0.0.1:1"
    start = time.perf_counter()
    with pytest.raises(ConnectionError, match="127.0.0.1:1"):
        experiment.run(short, reps=4, scheduler=address)
    assert time.perf_counter() - start < 10
    with pytest.raises(ValueError, match="not-an-address"):
        experiment.run(short, reps=4, scheduler="not-an-address")


@pytest.mark.parametrize(
    ("reps", "workers"), [(0, None), (-3, None), (1.5, None), (10, 0), (10, True)]
)
def test_bad_reps_or_workers_are_rejected(
    short: sim.Scenario, reps: object, workers: object
) -> None:
    with pytest.raises(ValueError, match="reps|workers"):
        experiment.run(short, reps=reps, workers=workers)  # type: ignore[arg-type]


def test_results_survive_pickling_for_caches(serial: experiment.Results) -> None:
    """Streamlit's st.cache_data and Dask move Results by pickling them."""
    again = pickle.loads(pickle.dumps(serial))
    assert_same(serial, again)
    assert again.scenario == serial.scenario
