"""What every page shows after running its default, read as a user reads it: no figure in
scientific notation (1.174e+04) and no raw code (``survival_36``, ``home_care``,
``zero_hours``, ``none``, ``four_weekly``, …) in any text, metric, table cell, drop-down
option or chart title, axis, legend or annotation. Runs are kept small."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from sim.formatting import CODE_LABELS, SCIENTIFIC
from tests.test_dashboard_pages import page

#: Codes that must never be shown as they are: those with an underscore anywhere in text,
#: and every code as a whole drop-down option or table cell (``none`` is a plain word too).
CODES = sorted(CODE_LABELS)
SNAKE = re.compile(
    r"(?<!\w)(?:survival|breakeven)_\d+\b|(?<!\w)(?:"
    + "|".join(re.escape(c) for c in CODES if "_" in c)
    + r")(?!\w|\.toml)"
)
CHART_TEXT = ("text", "name", "hovertext")  # chart strings a user reads


def _chart_strings(spec: Any, key: str = "") -> Iterator[str]:
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k in (*CHART_TEXT, "data", "layout", "title", "annotations") or k.endswith("axis"):
                yield from _chart_strings(v, k)
    elif isinstance(spec, list):
        for v in spec:
            yield from _chart_strings(v, key)
    elif isinstance(spec, str) and key in (*CHART_TEXT, "title", "layout", "data", "annotations"):
        yield spec


def shown(at: AppTest) -> Iterator[tuple[str, str]]:
    """(where, text) of everything on the page a user reads."""
    for kind in (
        "title",
        "header",
        "subheader",
        "caption",
        "markdown",
        "info",
        "success",
        "warning",
        "error",
    ):
        for element in getattr(at, kind):
            yield kind, str(element.value)
    for metric in at.metric:
        yield "metric", f"{metric.label} {metric.value} {metric.delta or ''}"
    for kind in ("selectbox", "multiselect", "radio"):
        for widget in getattr(at, kind):
            for option in widget.options:
                yield f"{kind} option", str(option)
    for kind in ("dataframe", "table"):
        for element in getattr(at, kind):
            frame = element.value
            if isinstance(frame, pd.DataFrame):
                yield f"{kind} header", " ".join(map(str, frame.columns))
                yield f"{kind} index", " ".join(map(str, frame.index))
                for cell in frame.astype(str).to_numpy().ravel():
                    yield f"{kind} cell", cell
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        for text in _chart_strings(spec):
            yield "chart", text


def problems(at: AppTest) -> list[str]:
    found = []
    texts = list(shown(at))
    assert len(texts) > 20, texts  # the page was read
    for where, text in texts:
        if SCIENTIFIC.search(text):
            found.append(f"scientific notation in {where}: {text!r}")
        match = SNAKE.search(text)
        if match:
            found.append(f"raw code {match.group()!r} in {where}: {text!r}")
        if where.endswith(("option", "cell")) and text in CODES:
            found.append(f"raw code {text!r} as a {where}")
    return found


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    st.cache_data.clear()


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def test_the_checks_catch_what_they_look_for() -> None:
    assert SCIENTIFIC.search("at least 1.174e+04") and SCIENTIFIC.search("2E-05")
    assert not SCIENTIFIC.search("£11,740 and 5 hours")
    for text in ("survival_36", "by home_care", "zero_hours.", "(four_weekly)", "owner_exit"):
        assert SNAKE.search(text), text
    assert not SNAKE.search("home_care_self_funders.toml")  # a file name, not a code


def test_plan_page_after_a_run() -> None:
    at = page("pages/1_Plan.py")
    at.number_input(key="plan.reps").set_value(40)
    at = click(at.run(), "plan.run")
    # the council section's drop-downs are on the page, in its tabs
    assert not problems(at), "\n".join(problems(at))


def test_start_up_support_page_after_a_comparison() -> None:
    at = page("pages/2_Start-up_support.py")
    at.number_input(key="support.reps").set_value(20)
    at = click(at.run(), "support.run")
    assert not problems(at), "\n".join(problems(at))


def test_referral_policy_page_after_a_comparison() -> None:
    at = page("pages/3_Referral_policy.py")
    at.number_input(key="policy.reps").set_value(20)
    at = click(at.run(), "policy.run")
    assert not problems(at), "\n".join(problems(at))


def test_what_must_be_true_page_after_the_tornado_and_the_goal_seek() -> None:
    at = page("pages/4_What_must_be_true.py")
    at.number_input(key="whatif.reps").set_value(10)
    at = click(at.run(), "whatif.tornado.run")
    at = click(at, "whatif.goal.run")
    assert at.info and "percentage points" in at.info[0].value
    assert not problems(at), "\n".join(problems(at))


def test_about_page() -> None:
    at = page("pages/9_About_the_model.py")
    assert not problems(at), "\n".join(problems(at))
