"""The dashboard's Plan page under streamlit's AppTest: it runs, a Run shows the headline
figures, a much higher price moves them the right way, bad uploads and impossible values
give messages and never a traceback, edits survive, results are cached.

Runs are kept short (24 months, 40 replications) by setting the page's own inputs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import sim
from dashboard import state as S
from dashboard.pages_index import page_files

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
PLAN = "pages/1_Plan.py"
TIMEOUT = 120
MONTHS = 24
REPS = 40
PRIVATE_PRICES = [
    f"channels.{c}.price_per_hour"
    for c in ("self_funder", "direct_payment", "professional", "word_of_mouth")
]


def field(name: str) -> str:
    return f"plan.field.{name}"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    st.cache_data.clear()


def open_page(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    if page is not None:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


def short_plan() -> AppTest:
    at = open_page(PLAN)
    at.number_input(key=field("run.months")).set_value(MONTHS)
    at.number_input(key=S.REPS).set_value(REPS)
    return at.run()


def click_run(at: AppTest) -> AppTest:
    at.button(key="plan.run").click().run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def percent(text: str) -> float:
    return float(text.rstrip("%")) / 100


def pounds(text: str) -> float:
    return float(re.sub(r"[£,]", "", text))


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


# --- every page ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page", [None, *[f"pages/{p.name}" for p in page_files()]], ids=lambda p: p or "home"
)
def test_every_page_runs_without_exception(page: str | None) -> None:
    at = open_page(page)
    assert not at.exception
    assert at.title, "each page has a title"


def test_every_widget_has_a_key() -> None:
    at = open_page(PLAN)
    widgets = [
        *at.number_input,
        *at.selectbox,
        *at.checkbox,
        *at.text_input,
        *at.button,
        *at.text_area,
        *at.file_uploader,
    ]
    assert widgets
    for widget in widgets:
        assert widget.key, f"{widget.type} {getattr(widget, 'label', '')!r} has no key"


# --- running -------------------------------------------------------------------------------


def test_run_shows_the_headline_figures_charts_and_downloads() -> None:
    at = click_run(short_plan())
    shown = metrics(at)
    for label in (
        "Still trading after 1 year",
        "Still trading after 2 years",
        "Median month it starts covering its costs",
        "Median month of failure (among failures)",
        "Most common cause of failure",
        "Cost per delivered hour (pooled)",
    ):
        assert label in shown, f"{label} missing from {list(shown)}"
    # The same plan, replications and seed run here without the dashboard: the shares shown
    # are the runs still trading at months 12 and 24, rounded to whole percent.
    plan = sim.load_scenario(ROOT / "scenarios" / "home_care_self_funders.toml")
    plan = plan.with_overrides({"run.months": MONTHS})
    toml_text, reps, seed = at.session_state[S.LAST_RUN]
    assert sim.loads_scenario(toml_text) == plan and (reps, seed) == (REPS, plan.run.seed)
    runs = sim.run(plan, reps=REPS, seed=plan.run.seed, workers=1).runs
    failed = runs["failed"].to_numpy(bool)
    when = runs["failure_month"].to_numpy(float, na_value=float("nan"))
    for label, month in (("Still trading after 1 year", 12), ("Still trading after 2 years", 24)):
        alive = (~(failed & (when <= month))).sum()
        assert shown[label] == f"{100 * alive / REPS:.0f}%", label
    assert failed.any() and not failed.all()  # a share that could be shown wrongly
    captions = " ".join(c.value for c in at.caption)
    assert "95% CI" in captions and "vs income" in captions
    assert at.info[0].value.startswith("This plan")  # the verdict comes first
    paragraph = at.info[1].value
    assert f"In {REPS} simulated futures" in paragraph and "main risk" in paragraph.lower()
    assert len(at.get("plotly_chart")) == 6
    facts = at.expander(key="plan.facts")
    assert facts.label == "What it takes to cover the costs each month"
    assert "Reached on average" in facts.table[0].value.index.str.cat()
    assert {b.key for b in at.get("download_button")} >= {
        "plan.download_toml",
        "plan.download_monthly",
        "plan.download_runs",
    }


def margin(at: AppTest) -> float:
    """Average price minus cost per delivered hour, from the cost metric's delta."""
    delta = next(m.delta for m in at.metric if m.label == "Cost per delivered hour (pooled)")
    return pounds(delta.split()[0])


def test_a_much_higher_price_raises_survival_and_the_margin() -> None:
    at = click_run(short_plan())
    before, margin_before = metrics(at), margin(at)
    for path in PRIVATE_PRICES:
        at.number_input(key=field(path)).set_value(45.0)
    click_run(at)
    after, margin_after = metrics(at), margin(at)
    assert not at.warning, "the results on show are for the new prices"
    # same seed, so the same simulated futures: only the price differs
    survival = "Still trading after 2 years"
    assert percent(after[survival]) > percent(before[survival])
    for label in ("Still trading after 1 year", survival):
        assert percent(after[label]) >= percent(before[label])
    assert margin_after > margin_before + 10


def test_results_are_cached_across_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = S.experiment.run

    def counting(*args, **kwargs):
        calls.append(kwargs.get("reps"))
        return real(*args, **kwargs)

    monkeypatch.setattr(S.experiment, "run", counting)
    at = click_run(short_plan())
    assert calls == [REPS]
    at.switch_page("pages/9_About_the_model.py").run()
    at.switch_page(PLAN).run()
    assert not at.exception
    assert "Still trading after 2 years" in metrics(at)
    assert calls == [REPS], "switching pages must not run the model again"


def test_a_run_that_fails_shows_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("worker died")

    monkeypatch.setattr(S.experiment, "run", broken)
    at = click_run(short_plan())
    assert "simulation stopped with an error" in errors(at) and "worker died" in errors(at)
    assert S.LAST_RUN not in at.session_state
    assert not at.metric


# --- edits and validation ------------------------------------------------------------------


def test_edits_survive_a_visit_to_another_page() -> None:
    at = open_page(PLAN)
    at.number_input(key=field("business.start_cash")).set_value(12345.0).run()
    at.switch_page("pages/9_About_the_model.py").run()
    at.switch_page(PLAN).run()
    assert at.number_input(key=field("business.start_cash")).value == 12345.0


def test_an_impossible_value_is_shown_next_to_its_field_and_blocks_run() -> None:
    at = open_page(PLAN)
    at.number_input(key=field("owner.care_hours_per_week")).set_value(90.0).run()
    assert not at.exception
    assert "must be <= 70, got 90" in errors(at)
    assert "Owner › Owner's care hours" in errors(at)
    assert at.button(key="plan.run").disabled
    at.number_input(key=field("owner.care_hours_per_week")).set_value(30.0).run()
    assert not at.error and not at.button(key="plan.run").disabled


def test_a_rule_across_fields_is_explained() -> None:
    at = open_page(PLAN)
    at.selectbox(key=field("business.service")).set_value("home_care")
    at.checkbox(key=field("business.regulated")).uncheck().run()
    assert not at.exception
    assert "must be regulated" in errors(at)


@pytest.mark.parametrize(
    ("name", "typed", "message"),
    [
        ("channels.self_funder.price_per_hour", -5.0, "must be >= 0, got -5.0"),
        ("business.start_cash", -1.0, "must be >= 0, got -1.0"),
        ("run.months", 0, "must be >= 1, got 0"),
        ("support.loan_term_months", 0, "must be >= 1, got 0"),
    ],
)
def test_a_typed_value_outside_its_range_is_kept_listed_and_blocks_run(
    name: str, typed: float, message: str
) -> None:
    # Widgets used to carry min_value: Streamlit clamped the typed value (the browser kept
    # the old one), so the run silently used a value the user had not typed.
    at = open_page(PLAN)
    at.number_input(key=field(name)).set_value(typed).run()
    assert not at.exception
    assert at.number_input(key=field(name)).value == typed  # kept, not clamped
    assert message in errors(at)
    assert "cannot run until these are fixed" in errors(at)
    assert at.button(key="plan.run").disabled
    at.switch_page("pages/9_About_the_model.py").run()
    at.switch_page(PLAN).run()
    assert at.number_input(key=field(name)).value == typed  # still there after a visit
    assert at.button(key="plan.run").disabled


def test_replications_outside_their_range_are_kept_and_block_run() -> None:
    at = open_page(PLAN)
    at.number_input(key=S.REPS).set_value(5).run()
    assert at.number_input(key=S.REPS).value == 5
    assert "Replications**: must be from 10 to 20,000, got 5" in errors(at)
    assert at.button(key="plan.run").disabled
    at.number_input(key=S.REPS).set_value(50).run()
    assert not at.error and not at.button(key="plan.run").disabled


BAD_FILES = {
    "syntax": (b"[business\nstart_cash = 1", "syntax error"),
    "value": (b"[staff]\nwage_per_hour = -12.0\n", "staff.wage_per_hour"),
    "misspelt": (b"[staff]\nwage_per_hr = 12.0\n", "did you mean 'wage_per_hour'"),
    "binary": (b"\xff\xfe\x00\x81garbage", "not a text (UTF-8) file"),
    "deeply nested": (b"x = " + b"[" * 100_000 + b"]" * 100_000, "too deeply"),
    "utf-16": ("[business]\nname = 'x'\n".encode("utf-16"), "looks like UTF-16"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_upload_shows_an_error_and_keeps_the_edits(name: str) -> None:
    data, expected = BAD_FILES[name]
    at = open_page(PLAN)
    at.number_input(key=field("business.start_cash")).set_value(12345.0).run()
    at.file_uploader(key=S.UPLOAD).set_value((f"{name}.toml", data, "application/toml")).run()
    assert not at.exception
    assert "cannot be used" in errors(at) and expected in errors(at)
    assert at.number_input(key=field("business.start_cash")).value == 12345.0
    assert at.session_state[S.BASE_NAME] == "home_care_self_funders.toml"


def test_bad_pasted_toml_shows_an_error() -> None:
    at = open_page(PLAN)
    at.text_area(key=S.PASTE).input("[owner]\ncare_hours_per_week = 'lots'\n")
    at.button(key="plan.paste_apply").click().run()
    assert not at.exception
    assert "**owner.care_hours_per_week**: must be a number, got 'lots'" in errors(at)


def test_a_good_upload_becomes_the_plan() -> None:
    at = open_page(PLAN)
    text = b'[business]\nname = "My plan"\nstart_cash = 12000.0\n'
    at.file_uploader(key=S.UPLOAD).set_value(("mine.toml", text, "application/toml")).run()
    assert not at.exception and not at.error
    assert at.number_input(key=field("business.start_cash")).value == 12000.0
    assert at.text_input(key=field("business.name")).value == "My plan"
    assert at.selectbox(key=S.CHOICE).value == S.UPLOAD_CHOICE


def test_an_upload_with_a_byte_order_mark_is_accepted() -> None:
    at = open_page(PLAN)
    text = '\ufeff[business]\nname = "BOM plan"\nstart_cash = 9000.0\n'.encode()
    at.file_uploader(key=S.UPLOAD).set_value(("bom.toml", text, "application/toml")).run()
    assert not at.exception and not at.error
    assert at.text_input(key=field("business.name")).value == "BOM plan"


def test_choosing_another_scenario_loads_it() -> None:
    at = open_page(PLAN)
    at.selectbox(key=S.CHOICE).set_value("day_activities.toml").run()
    assert not at.exception
    assert at.selectbox(key=field("business.service")).value == "day_activities"
    keys = {w.key for w in at.number_input}
    assert field("day_activities.price_per_attendance") in keys
    assert field("costs.fixed_monthly.venue_hire") in keys


def test_help_cites_the_source_of_each_default() -> None:
    at = open_page(PLAN)
    wage = at.number_input(key=field("staff.wage_per_hour"))
    assert "Skills for Care" in wage.help and "£/h" in wage.help
    assert "12.6" in wage.help


def test_a_run_that_stops_blames_the_settings_only_when_they_are_at_fault() -> None:
    """As on the command line: the user's mistake in its own words, a bug as a bug."""
    from dashboard.state import run_failed
    from sim.errors import InputError
    from sim.validation import ScenarioError

    too_big = run_failed(InputError("reps: 10,000,000 replications would need about 2 TiB"))
    assert too_big.startswith("These settings cannot be used: reps:")
    assert "report" not in too_big
    bad = run_failed(ScenarioError([("council.rate_per_hour", "must be <= 1,000, got 5000")]))
    assert "council.rate_per_hour" in bad and "report" not in bad
    bug = run_failed(RuntimeError("boom"))
    assert "report it" in bug and "RuntimeError: boom" in bug
