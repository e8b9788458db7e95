"""The Plan page's verdict (:mod:`sim.plan_verdict`) on small real runs: a plan whose start
cash does not cover its first month gets the start-cash explanation with figures worked out
again here from the runs and the monthly panel; the default plan's verdict states the same
survival as the page's metrics, and the Plan page shows it first with the failure month.
"""

from __future__ import annotations

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import sim
from dashboard import state as S
from sim import plan_figures, plan_verdict, report
from sim.formatting import pct, pounds
from sim.scenario import DEFAULT_SCENARIO
from tests.test_dashboard import click_run, field, metrics, open_page

REPS = 40


def verdict(overrides: dict[str, object]) -> tuple[report.Verdict, sim.Results]:
    plan = sim.load_scenario(DEFAULT_SCENARIO).with_overrides(overrides)
    results = sim.run(plan, reps=REPS, seed=11, workers=1)
    summary = results.summary()
    figures = plan_figures.plan_figures(summary, results.runs)
    return plan_verdict.plan_verdict(results, summary, figures), results


# £5,000 in the bank and £4,000 of start-up costs: what is left does not pay the first
# month's overheads, the year's fees and the owner's drawings, before any client can pay.
SHORT_OF_CASH = {"business.start_cash": 5000.0, "costs.startup_costs": 4000.0, "run.months": 36}


def test_a_plan_whose_start_cash_runs_out_in_month_1_is_told_so_and_how_much_it_needs() -> None:
    said, results = verdict(SHORT_OF_CASH)
    runs = results.runs
    failed = runs["failed"].to_numpy(bool)
    months = runs["failure_month"].astype(float).to_numpy()
    assert failed.mean() >= 0.9 and (months[failed] == 1).mean() >= 0.9  # the premise
    text = said.text
    assert "too few clients" not in text and "too little work" not in text
    assert "start cash does not cover" in text
    # the figures, worked out again from the monthly panel of the futures that ran out of
    # cash by month 6 (all of them here)
    early = failed & (runs["failure_cause"].astype(str).to_numpy() == "insolvency")
    early &= months <= 6
    rows = results.monthly[results.monthly["rep"].isin(runs["rep"][early])]
    per_rep = rows.groupby("rep")
    paid = per_rep["payments"].sum().median()
    received = per_rep["receipts"].sum().median()
    lowest = per_rep["cash_close"].min().to_numpy()
    shortfall = float(np.median(-lowest))  # no overdraft in this plan
    assert f"has paid out {pounds(paid, 0)}" in text
    assert f"taken in {pounds(received, 0)}" in text
    assert f"{pounds(4000.0, 0)} of start-up costs" in text
    assert f"at least {pounds(shortfall, 0)} more start cash" in text
    assert f"{pounds(5000.0 + shortfall, 0)} in all" in text
    assert "fail in month 1" in said.headline
    alive = (~(failed & (months <= 36))).mean()
    assert f"{pct(alive)} (95% CI" in said.headline


def test_a_plan_that_fails_later_for_want_of_work_names_the_hours_it_lacks() -> None:
    # a low price: the failures come later, from trading, not from the start cash
    said, results = verdict({"channels.self_funder.price_per_hour": 20.0, "run.months": 36})
    timing = said.figures["timing"]
    failed = results.runs["failed"].to_numpy(bool)
    months = results.runs["failure_month"].astype(float).to_numpy()[failed]
    q1, median, q3 = np.quantile(months, [0.25, 0.5, 0.75], method="inverted_cdf")
    assert (timing["q1"], timing["median"], timing["q3"]) == (q1, median, q3)
    assert f"half fail by month {median:.0f}" in said.headline
    assert f"between months {q1:.0f} and {q3:.0f}" in said.headline
    assert "start cash does not cover" not in said.text
    facts = results.summary()["breakeven_facts"]
    assert f"the price would need to be {pounds(facts['price_needed_at_reached_load'])}" in (
        said.reason
    )


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    st.cache_data.clear()


def run_plan(overrides: dict[str, float]) -> AppTest:
    at = open_page("pages/1_Plan.py")
    for path, value in overrides.items():
        at.number_input(key=field(path)).set_value(value)
    at.number_input(key=S.REPS).set_value(REPS)
    return click_run(at.run())


def test_the_plan_page_shows_the_verdict_first_with_the_metrics_figures() -> None:
    at = run_plan({"run.months": 36})
    shown = metrics(at)
    said = at.info[0].value
    survival = shown["Still trading after 3 years"]
    # the verdict's share and interval are the metric's and its caption's (3 years: the
    # last caption under the survival metrics, at 1 and 3 years)
    ci_3 = [c.value for c in at.caption if c.value.startswith("95% CI")][-1]
    assert f"{survival} ({ci_3})" in said
    failure = shown["Median month of failure (among failures)"]
    if failure != "none failed":
        assert f"half fail by {failure}" in said or f"fail in {failure}" in said


def test_the_plan_page_explains_a_start_cash_failure() -> None:
    at = run_plan(SHORT_OF_CASH)
    said = at.info[0].value
    assert "start cash does not cover" in said and "too few clients" not in said
    assert metrics(at)["Median month of failure (among failures)"] == "month 1"
    assert "too few clients" not in at.info[1].value  # nor does the paragraph blame clients


def test_a_plan_that_never_fails_says_so_and_gives_no_reason() -> None:
    said, results = verdict(
        {
            "failure.insolvency": False,
            "failure.owner_exit": False,
            "shocks.owner_illness_per_year": 0.0,
            "run.months": 24,
        }
    )
    assert not results.runs["failed"].any()  # the premise
    assert said.headline.startswith("This plan survives in most simulated futures: 100% (95% CI")
    assert said.headline.endswith("None of them failed within 2 years.")
    assert said.reason == "" and said.figures["timing"] is None
