"""End to end in a real browser: `streamlit run` on a free port, Debian's Chromium driven by
Playwright clicks Run on the Plan page, the survival chart appears, a screenshot is saved.

Chromium comes from `apt-get install -y chromium` (.ci/run installs it; Playwright cannot
download browsers here). In CI (env CI set) a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT_S = 60
RUN_TIMEOUT_S = 120


def _require_browser() -> None:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (install it with: apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install -e '.[test]')")
    if not missing:
        return
    message = "browser test needs " + " and ".join(missing)
    if os.environ.get("CI"):
        pytest.fail(message + " — .ci/run installs Chromium before `make test`", pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"streamlit exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"streamlit not healthy after {START_TIMEOUT_S} s:\n{log.read_text()}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    _require_browser()
    port = _free_port()
    log = tmp_path / "streamlit.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(APP),
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_plan_page_runs_in_a_real_browser(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "plan_page.png"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(server, wait_until="domcontentloaded")
            page.get_by_role("link", name="Plan").first.click()
            run = page.get_by_role("button", name="Run", exact=True)
            expect(run).to_be_enabled(timeout=30_000)
            started = time.monotonic()
            run.click()
            survival = page.locator(".js-plotly-plot").filter(
                has_text="Chance the business is still trading"
            )
            expect(survival).to_be_visible(timeout=RUN_TIMEOUT_S * 1000)
            seconds = time.monotonic() - started
            expect(page.get_by_text("Still trading after 1 year", exact=True)).to_be_visible()
            # every chart of the Plan page is drawn, and no error box or traceback shows
            expect(page.locator(".js-plotly-plot")).to_have_count(6, timeout=30_000)
            assert page.locator("[data-testid='stException']").count() == 0
            # Streamlit scrolls inside its own container, so show the whole page in a tall
            # window for the picture, and let plotly redraw at that size
            page.set_viewport_size({"width": 1400, "height": 3600})
            page.wait_for_timeout(1500)
            page.screenshot(path=str(shot), full_page=True)
            assert not errors, f"JavaScript errors on the page: {errors}"
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
    print(f"Plan page: Run to survival chart in {seconds:.1f} s (500 replications)")


PAGES = {  # URL path -> its title's first words
    "": "Will this care micro-enterprise",
    "Plan": "Plan: will this business",
    "Start-up_support": "Start-up support",
    "Referral_policy": "Referral policy",
    "What_must_be_true": "What must be true",
    "About_the_model": "About the model",
}
WIDTHS = (1400, 400)
PLAN_TABS = ("Business", "Costs", "Start-up support", "Run")


def _fits(page: Any, locator: Any, width: int, wait_ms: int = 15_000) -> bool:
    """The element lies within the window's width, once the page has laid it out (a loaded
    machine may draw the tabs in one row before the style that wraps them applies)."""
    from playwright.sync_api import expect

    expect(locator).to_be_visible(timeout=30_000)
    for _ in range(wait_ms // 250):
        box = locator.bounding_box()
        if box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width:
            return True
        page.wait_for_timeout(250)
    return False


def _shot(page: Any, name: str, width: int) -> Path:
    """The whole page: Streamlit scrolls inside its own container, so a tall window."""
    page.set_viewport_size({"width": width, "height": 3000})
    page.wait_for_timeout(1000)
    path = ARTIFACTS / f"{name or 'Home'}_{width}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": 1000})
    return path


def test_every_page_at_1400_and_400_px(server: str) -> None:
    """Every page opens at a desktop and a phone width with no error and no Deploy button;
    at 400 px the Plan's tabs wrap so the last ones can still be clicked; at 1400 px a
    support comparison's table shows its key columns. Screenshots go to tests/artifacts/."""
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    shots = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 1000})
                errors: list[str] = []
                page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
                for path, title in PAGES.items():
                    page.goto(f"{server}/{path}", wait_until="domcontentloaded")
                    heading = page.get_by_role("heading", level=1).filter(has_text=title)
                    expect(heading.first).to_be_visible(timeout=30_000)
                    assert page.get_by_role("button", name="Deploy").count() == 0
                    assert page.locator("[data-testid='stException']").count() == 0
                    if path == "Plan":
                        expect(page.get_by_text("1MB per file")).to_be_visible()
                        for name in PLAN_TABS:
                            tab = page.get_by_role("tab", name=name, exact=True)
                            assert _fits(page, tab, width), f"tab {name} off screen at {width}"
                    shots.append(_shot(page, path, width))
                assert not errors, f"JavaScript errors at {width} px: {errors}"
                page.close()
            # the comparisons at 1400 px: their tables show every column without scrolling
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for path, said in (
                ("Start-up_support", "per 100 supported"),
                ("Referral_policy", "keeps the most providers trading"),
            ):
                page.goto(f"{server}/{path}", wait_until="domcontentloaded")
                for label, value in (
                    ("Months to simulate", "36"),
                    ("Replications per scenario", "20"),
                ):
                    field = page.get_by_role("spinbutton", name=label)
                    field.fill(value)
                    field.press("Enter")
                    page.wait_for_timeout(800)
                page.get_by_role("button", name="Compare", exact=True).click()
                expect(page.get_by_text(said).first).to_be_visible(timeout=RUN_TIMEOUT_S * 1000)
                table = page.locator("[data-testid='stDataFrame']").first
                expect(table).to_be_visible()
                page.wait_for_timeout(1000)
                assert _fits(page, table, 1400)
                hidden = table.evaluate(
                    "t => { const s = t.querySelector('.dvn-scroller');"
                    " return s ? s.scrollWidth - s.clientWidth : -1; }"
                )
                shots.append(_shot(page, f"{path}_compared", 1400))
                assert hidden == 0, f"{path}: {hidden} px of the table hidden at 1400 px"
            page.close()
        finally:
            browser.close()
    for shot in shots:
        assert shot.stat().st_size > 5_000, shot
