"""End to end in Chromium: run the default plan on the Plan page, prepare the report, download
the spreadsheet and the page, and check them: openpyxl reads the lender's rows and they add
up; the page holds the run's verdict and draws its three charts offline. Screenshots of the
Plan page's report section and of the report are saved as test artifacts.

(Its own file, beside tests/test_browser.py whose server fixture it uses, so the two can
change apart.)
"""

from __future__ import annotations

import html
import io
import time
from pathlib import Path

import openpyxl
import pytest

import sim
from dashboard import state as S
from sim import cashflow as cf
from sim import report
from sim.plan_figures import plan_figures
from sim.scenario import DEFAULT_SCENARIO
from sim.workbook import sheet_rows
from tests.test_browser import (  # noqa: F401 - server is a fixture
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    RUN_TIMEOUT_S,
    server,
)

REPORT_TIMEOUT_S = 300  # the report's tornado: 31 variants of 100 futures on a shared machine


def _verdict() -> str:
    """The verdict of the run the page makes: the default plan, its replications and seed."""
    scenario = sim.load_scenario(DEFAULT_SCENARIO)
    results = sim.run(scenario, reps=S.DEFAULT_REPS, seed=scenario.run.seed)
    summary = results.summary()
    figures = plan_figures(summary, results.runs)
    return report.plan_paragraph(summary, figures, scenario.business.name)


def test_report_downloads_from_the_plan_page(server: str, tmp_path: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    files: dict[str, Path] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            page.goto(server, wait_until="domcontentloaded")
            page.get_by_role("link", name="Plan").first.click()
            run = page.get_by_role("button", name="Run", exact=True)
            expect(run).to_be_enabled(timeout=30_000)
            run.click()
            prepare = page.get_by_role("button", name="Prepare the report")
            expect(prepare).to_be_visible(timeout=RUN_TIMEOUT_S * 1000)
            started = time.monotonic()
            prepare.click()
            for name, label in (
                ("cashflow.xlsx", "Download the cash-flow forecast (Excel)"),
                ("report.html", "Download the report (HTML, prints to A4)"),
            ):
                button = page.get_by_role("button", name=label)
                expect(button).to_be_visible(timeout=REPORT_TIMEOUT_S * 1000)
                with page.expect_download(timeout=60_000) as download:
                    button.click()
                files[name] = tmp_path / name
                download.value.save_as(files[name])
            seconds = time.monotonic() - started
            section = page.get_by_text("Take away: report and cash-flow forecast")
            section.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "plan_report_downloads.png"))
            assert page.locator("[data-testid='stException']").count() == 0

            # the page works offline: nothing but the file itself is fetched
            fetched: list[str] = []
            offline = browser.new_page(viewport={"width": 1200, "height": 1600})
            offline.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith("file:")
                    else (fetched.append(route.request.url), route.abort())
                ),
            )
            offline.goto(files["report.html"].as_uri(), wait_until="load")
            expect(offline.locator(".js-plotly-plot")).to_have_count(3, timeout=30_000)
            offline.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
            assert not fetched, fetched
        finally:
            browser.close()
    print(f"report prepared and downloaded in {seconds:.1f} s")

    book = openpyxl.load_workbook(io.BytesIO(files["cashflow.xlsx"].read_bytes()))
    assert book.sheetnames == ["P50", "P10", "yearly", "Assumptions"]
    for label in ("P50", "P10"):
        rows = sheet_rows(book[label])
        for m in range(len(rows[cf.CLOSING])):
            flows = rows[cf.OPENING][m] + rows[cf.TOTAL_RECEIPTS][m] - rows[cf.TOTAL_PAYMENTS][m]
            assert flows == pytest.approx(rows[cf.CLOSING][m], abs=0.005), (label, m + 1)
    page_text = files["report.html"].read_text(encoding="utf-8")
    assert html.escape(_verdict()) in page_text
