"""`microcare report`: the spreadsheet's rows reconcile and are the results', the page holds
the verdict and its charts and loads nothing from the network; bad input is one line."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import sim
from sim import cashflow as cf
from sim import report
from sim.cli import app
from sim.plan_figures import plan_figures
from sim.plan_verdict import plan_verdict
from sim.scenario import DEFAULT_SCENARIO
from sim.workbook import sheet_rows

REPS, MONTHS, SEED, TORNADO = 12, 30, 3, 3
ARGS = ["--reps", str(REPS), "--months", str(MONTHS), "--seed", str(SEED), "--workers", "1"]
SETS = ["--set", "support.loan_amount=4000", "--set", "support.loan_month=2"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "out"
    result = CliRunner().invoke(
        app, ["report", *ARGS, *SETS, "--tornado-reps", str(TORNADO), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    return out


@pytest.fixture(scope="module")
def results() -> sim.Results:
    """The same run, again, to check the files against."""
    scenario = sim.load_scenario(DEFAULT_SCENARIO).with_overrides(
        {"run.months": MONTHS, "support.loan_amount": 4000.0, "support.loan_month": 2}
    )
    return sim.run(scenario, reps=REPS, seed=SEED, workers=1)


def _book(folder: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO((folder / "cashflow.xlsx").read_bytes()))


def _rep_of(sheet: openpyxl.worksheet.worksheet.Worksheet) -> int:
    notes = " ".join(str(sheet.cell(row=r, column=1).value) for r in range(1, 5))
    found = re.search(r"replication (\d+)", notes)
    assert found, notes
    return int(found.group(1))


def test_files_are_written(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == [
        "cashflow.xlsx",
        "report.html",
        "scenario.toml",
    ]
    assert _book(folder).sheetnames == ["P50", "P10", "yearly", "Assumptions"]


@pytest.mark.parametrize("label", ["P50", "P10"])
def test_sheet_rows_reconcile_and_are_the_results(
    folder: Path, results: sim.Results, label: str
) -> None:
    sheet = _book(folder)[label]
    rows = sheet_rows(sheet)
    months = len(rows[cf.CLOSING])
    assert 1 <= months <= 24
    for m in range(months):
        total = rows[cf.OPENING][m] + rows[cf.TOTAL_RECEIPTS][m] - rows[cf.TOTAL_PAYMENTS][m]
        assert total == pytest.approx(rows[cf.CLOSING][m], abs=0.005)
        payments = sum(rows[r][m] for r in cf.PAYMENT_COLUMNS)
        assert payments == pytest.approx(rows[cf.TOTAL_PAYMENTS][m], abs=0.005)
        receipts = sum(rows[r][m] for r in cf.RECEIPT_ROWS)
        assert receipts == pytest.approx(rows[cf.TOTAL_RECEIPTS][m], abs=0.005)
    rep = _rep_of(sheet)
    record = results.monthly[results.monthly["rep"] == rep].iloc[:months]
    for row, column in [
        (cf.OPENING, "cash_open"),
        (cf.TOTAL_RECEIPTS, "receipts"),
        (cf.TOTAL_PAYMENTS, "payments"),
        (cf.CLOSING, "cash_close"),
    ]:
        assert rows[row] == pytest.approx(record[column].astype(float).tolist(), abs=0.005)
    assert rows["Owner's drawings"] == pytest.approx(
        record["drawings"].astype(float).tolist(), abs=0.03
    )
    assert rows[cf.LOAN] == [4000.0 if m == 2 else 0.0 for m in range(1, months + 1)]
    # the stated percentile: the P50 has as many futures worse as better (nearest rank)
    order = cf.futures_in_order(results, min(24, MONTHS)).tolist()
    assert order.index(rep) == round((REPS - 1) * (0.5 if label == "P50" else 0.1) + 1e-9)


def test_yearly_and_assumptions(folder: Path, results: sim.Results) -> None:
    book = _book(folder)
    yearly = sheet_rows(book["yearly"])
    assert len(yearly[cf.CLOSING]) >= 1
    settings = {
        row[0]: row[1:]
        for row in book["Assumptions"].iter_rows(min_row=6, values_only=True)
        if row[0]
    }
    assert len(settings) > 100
    text = DEFAULT_SCENARIO.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("wage_per_hour ="))
    assert settings["staff.wage_per_hour"][1] == line.split("#", 1)[1].strip()
    assert settings["support.loan_amount"][0] == "4000.0"
    assert settings["support.loan_amount"][1].startswith("changed from 0.0 in")


def test_html_holds_the_verdict_and_charts_and_loads_nothing(
    folder: Path, results: sim.Results
) -> None:
    page = (folder / "report.html").read_text(encoding="utf-8")
    summary = results.summary()
    figures = plan_figures(summary, results.runs)
    paragraph = report.plan_paragraph(summary, figures, results.scenario.business.name)
    answer = plan_verdict(results, summary, figures)  # the Plan page's verdict, with its why
    assert answer.headline.startswith("This plan") and answer.reason
    assert html.escape(answer.text) in page
    assert html.escape(paragraph) in page
    assert page.count('class="plotly-graph-div"') == 3  # survival, cash fan, tornado
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts and not [s for s in scripts if "src=" in s]  # plotly.js is inline
    assert not re.search(r"<(link|img|iframe)\b[^>]*(href|src)=[\"']?https?:", page)
    assert len(page) > 1_000_000  # the plotly.js bundle itself
    assert f"from {TORNADO} simulated futures each" in page  # the tornado's reps are said
    assert "@page { size: A4" in page
    assert "The model&#x27;s limits" in page


def test_saved_scenario_reproduces_the_run(folder: Path, results: sim.Results) -> None:
    saved = sim.load_scenario(folder / "scenario.toml")
    assert saved == results.scenario
    assert "# was 0.0; " in (folder / "scenario.toml").read_text(encoding="utf-8")


def test_bad_input_is_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["report", *ARGS])
    assert missing.exit_code == 2 and "--out is required" in missing.output
    bad = runner.invoke(app, ["report", "no_such_plan.toml", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "no such file" in bad.output
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    full = runner.invoke(app, ["report", *ARGS, "--out", str(tmp_path / "full")])
    assert full.exit_code == 2 and "already holds files" in full.output
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"
    for result in (missing, bad, full):
        assert "Traceback" not in result.output
