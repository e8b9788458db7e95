"""Widgets of the What must be true page: a tornado of the plan's assumptions and a
goal-seek for one of them. Computation is in :mod:`sim.whatif`; runs are cached here."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import charts, ui
from dashboard import state as S
from sim import whatif
from sim.scenario import Scenario, loads_scenario

SENSITIVITY = "whatif.last_sensitivity"
GOAL = "whatif.last_goal"


def _label(param: str) -> str:
    return whatif.PARAM_LABELS.get(param, param)


def metric_choices(months: int) -> list[str]:
    """The measures that exist for this horizon: survival at a month beyond it was never
    simulated, so it is not offered (it used to be measured at the horizon instead)."""
    choices = []
    for metric in whatif.METRIC_LABELS:
        kind, _, month = metric.rpartition("_")
        if kind == "survival" and month.isdigit() and int(month) > months:
            continue
        choices.append(metric)
    return choices


def _metric_choice(key: str, months: int) -> str:
    return st.selectbox(
        "Measure",
        metric_choices(months),
        format_func=whatif.METRIC_LABELS.__getitem__,
        key=key,
        help="Survival is at the end of that month; only months within the horizon "
        f"({months} months) are offered.",
    )


@st.cache_data(show_spinner=False, max_entries=8)
def run_sensitivity(
    toml: str, params: tuple[str, ...], delta: float, metric: str, reps: int, seed: int
) -> pd.DataFrame:
    """Cached by scenario, parameters, delta, metric, replications and seed."""
    bar, update = S._progress_bar("Simulating…")
    table = whatif.sensitivity(
        loads_scenario(toml),
        params=list(params),
        delta=delta,
        reps=reps,
        seed=seed,
        metric=metric,
        progress=update,
    )
    bar.empty()
    return table


@st.cache_data(show_spinner=False, max_entries=8)
def run_goal_seek(
    toml: str, param: str, target: str, bounds: tuple[float, float], reps: int, seed: int
) -> whatif.GoalSeek:
    """Cached by scenario, parameter, target, bounds, replications and seed."""
    bar, update = S._progress_bar("Simulating…")
    answer = whatif.goal_seek(
        loads_scenario(toml), param, target, bounds=bounds, reps=reps, seed=seed, progress=update
    )
    bar.empty()
    return answer


def _remembered(key: str, run: Any) -> Any:
    """Run the remembered request (cached), or show why it cannot be run."""
    last = st.session_state.get(key)
    if last is None:
        return None
    try:
        return run(*last)
    except Exception as exc:  # the user sees a message, never a traceback
        st.error(S.run_failed(exc), icon="⚠️")
    del st.session_state[key]
    return None


def sensitivity_section(plan: Scenario, months: int, reps: int, seed: int) -> None:
    st.subheader("Which assumption matters most?")
    st.caption(
        "Each assumption is moved down and up in turn, everything else as in the plan, on the "
        "same simulated futures, and the change in the measure is shown with its 95% CI."
    )
    a, b = st.columns(2)
    with a:
        metric = _metric_choice("whatif.tornado.metric", months)
    with b:
        delta = st.slider(
            "Move each assumption by",
            0.05,
            0.5,
            0.2,
            0.05,
            format="%.2f",
            key="whatif.tornado.delta",
            help="As a share: 0.2 = down 20% and up 20%.",
        )
    params = st.multiselect(
        "Assumptions",
        list(whatif.DEFAULT_PARAMS),
        # at 0 in the plan, moving by a share changes nothing: not offered as a default
        default=[p for p in whatif.DEFAULT_PARAMS if whatif.base_value(plan, p) != 0],
        format_func=_label,
        key="whatif.tornado.params",
    )
    valid = ui.inputs_ok("whatif")
    if st.button(
        "Run the tornado",
        key="whatif.tornado.run",
        type="primary",
        disabled=not (params and valid),
    ):
        toml = plan.with_overrides({"run.months": months}).to_toml()
        st.session_state[SENSITIVITY] = (toml, tuple(params), float(delta), metric, reps, seed)
    table = _remembered(SENSITIVITY, run_sensitivity)
    if table is None:
        return
    st.info(whatif.sensitivity_words(table))
    st.plotly_chart(charts.tornado(table, whatif.PARAM_LABELS), key="whatif.chart.tornado")
    skipped = table.attrs.get("skipped") or []
    if skipped:
        st.caption(
            "Left out, as they are 0 in this plan (a share of 0 is 0): "
            + ", ".join(_label(p) for p in skipped)
        )


def goal_section(plan: Scenario, months: int, reps: int, seed: int) -> None:
    st.subheader("What would it take?")
    st.caption(
        "The smallest (or largest) value of one assumption that reaches a target, found on "
        "the same simulated futures for every value tried, with its uncertainty."
    )
    a, b, c = st.columns(3)
    with a:
        param = st.selectbox(
            "Assumption to change",
            list(whatif.PARAM_LABELS),
            format_func=_label,
            key="whatif.goal.param",
        )
    with b:
        metric = _metric_choice("whatif.goal.metric", months)
    with c:
        op = st.selectbox(
            "Target",
            [">=", "<="],
            key="whatif.goal.op",
            format_func={">=": "at least", "<=": "at most"}.__getitem__,
        )
    base = whatif.base_value(plan, param)
    default_target = 0.8 if metric.startswith("survival") else 0.0
    d, e, f = st.columns(3)
    with d:
        value = st.number_input(
            "Target value",
            value=default_target,
            key=f"whatif.goal.value.{metric}",
            help="A share (0 to 1) for chances; £ or months otherwise.",
        )
    low_default, high_default = (base * 0.5, base * 1.5) if base else (0.0, 10000.0)
    with e:
        low = st.number_input(
            "Search from", value=float(low_default), key=f"whatif.goal.low.{param}"
        )
    with f:
        high = st.number_input(
            "Search to", value=float(high_default), key=f"whatif.goal.high.{param}"
        )
    st.caption(f"In the plan now: {_label(param)} = {whatif.param_value(param, base)}.")
    valid = ui.inputs_ok("whatif")
    if st.button("Find it", key="whatif.goal.run", type="primary", disabled=not valid):
        toml = plan.with_overrides({"run.months": months}).to_toml()
        target = f"{metric}{op}{value}"
        st.session_state[GOAL] = (toml, param, target, (float(low), float(high)), reps, seed)
    answer = _remembered(GOAL, run_goal_seek)
    if answer is None:
        return
    if answer.reachable and answer.value is not None:
        st.success(whatif.goal_words(answer))
    else:
        st.warning(whatif.goal_words(answer))
    st.plotly_chart(charts.goal_curve(answer, _label(answer.param)), key="whatif.chart.goal")
