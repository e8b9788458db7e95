"""The Plan page offers the take-away report after a run (AppTest), made by the same
functions as ``microcare report``: the files it offers hold the run's verdict and rows."""

from __future__ import annotations

import html
import io

import openpyxl
import pytest
import streamlit as st

import sim
from dashboard import report_ui
from dashboard import state as S
from sim import cashflow as cf
from sim import report
from sim.plan_figures import plan_figures
from sim.workbook import sheet_rows
from tests.test_dashboard import click_run, short_plan

KEYS = {f"plan.report.{name}" for name in ("report.html", "cashflow.xlsx", "scenario.toml")}


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    st.cache_data.clear()
    monkeypatch.setattr(report_ui, "DASHBOARD_TORNADO_REPS", 3)  # a tornado in seconds


def test_the_report_is_offered_after_a_run() -> None:
    at = short_plan()
    assert "plan.report.prepare" not in {b.key for b in at.button}  # no run, no report
    at = click_run(at)
    assert not KEYS & {b.key for b in at.get("download_button")}  # not made until asked
    at.button(key="plan.report.prepare").click().run()
    assert not at.exception, at.exception
    assert {b.key for b in at.get("download_button")} >= KEYS
    assert not at.error

    # the files offered are those of the run on show
    (run, source), files = at.session_state[report_ui.FILES]
    assert run == at.session_state[S.LAST_RUN]
    assert source.text == at.session_state[S.BASE_TOML]
    results, summary = S.run_plan(*run)
    page = files["report.html"].decode("utf-8")
    figures = plan_figures(summary, results.runs)
    verdict = report.plan_paragraph(summary, figures, results.scenario.business.name)
    assert html.escape(verdict) in page
    book = openpyxl.load_workbook(io.BytesIO(files["cashflow.xlsx"]))
    rows = sheet_rows(book["P50"])
    p50 = cf.forecast(results, 0.5)
    assert rows[cf.CLOSING] == pytest.approx(p50.monthly.loc[cf.CLOSING].tolist(), abs=0.005)
    saved = files["scenario.toml"].decode("utf-8")
    assert sim.loads_scenario(saved) == results.scenario
    # it keeps the comments of the file the plan came from, and marks the horizon changed
    base = at.session_state[S.BASE_TOML]
    start_cash = next(x for x in base.splitlines() if x.startswith("start_cash ="))
    assert start_cash in saved.splitlines()
    lines = saved.splitlines()
    run = next(i for i, x in enumerate(lines) if x.startswith("[run]"))
    months = next(x for x in lines[run:] if x.startswith("months ="))
    old = sim.loads_scenario(base).run.months
    assert months.startswith(f"months = {results.horizon} ") and f"# was {old}" in months
