"""Streamlit pieces shared by the pages: the plan editor, run controls and result panels.

Only drawing and widgets: figures come from :mod:`dashboard.charts`, numbers and words from
:mod:`sim` (``sim.plan_figures``, ``sim.report``). Every widget has a ``key``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard import state as S
from dashboard.fields import FieldSpec, groups_for, help_text, source_comments
from sim import formatting, plan_figures, plan_verdict, report
from sim.scenario import Scenario
from sim.scenario_file import annotated_toml
from sim.validation import ScenarioError


def page_setup(title: str) -> None:
    """Wide layout and the browser tab's title; every page calls it, as a page may be opened
    directly by its URL without the app's main script."""
    st.set_page_config(page_title=f"{title} · microcare-sim", layout="wide")
    st.html(NARROW_SCREEN_CSS)


#: On a narrow screen (a phone, 400 px) a row of tabs would scroll sideways and hide the last
#: ones (the Plan's "Costs", "Start-up support", "Run"): let them wrap onto more lines.
NARROW_SCREEN_CSS = """<style>
.stTabs [role="tablist"] { flex-wrap: wrap; overflow-x: visible; column-gap: 1rem; }
</style>"""


# --- formatting ----------------------------------------------------------------------------


def _missing(value: float | None) -> bool:
    return value is None or value != value  # None or NaN


def pct(value: float | None) -> str:
    return "n/a" if _missing(value) else report.pct(value)


def years(month: int) -> str:
    if month % 12 == 0:
        n = month // 12
        return f"{n} year{'s' if n != 1 else ''}"
    return f"{month} months"


def ci(entry: dict[str, Any], fmt: Callable[[Any], str] = pct) -> str:
    lower, upper = entry.get("lower"), entry.get("upper")
    if lower is None or upper is None:
        return "no interval (too few futures)"
    return f"95% CI {fmt(lower)} to {fmt(upper)}"


# --- choosing a scenario -------------------------------------------------------------------


def scenario_source() -> None:
    """Pick a ready-made scenario, upload one, or paste TOML; problems shown as messages."""
    state = st.session_state
    options = S.scenario_files()
    if S.UPLOADED in state:
        options = [*options, S.UPLOAD_CHOICE]
    if state.get(S.CHOICE) not in options:
        state[S.CHOICE] = options[0]

    def title(choice: str) -> str:
        if choice == S.UPLOAD_CHOICE:
            return f"Uploaded: {state[S.UPLOADED][0]}"
        return S.scenario_title(choice)

    left, right = st.columns([3, 2])
    with left:
        st.selectbox(
            "Start from a scenario",
            options,
            format_func=title,
            key=S.CHOICE,
            on_change=S.on_choose_file,
            args=(state,),
            help="Ready-made scenarios from the scenarios/ folder; each value in them names "
            "its source. Choosing one starts the edits again from it.",
        )
    with right:
        st.file_uploader(
            f"…or upload a scenario file (TOML, up to {S.MAX_UPLOAD_MB} MB)",
            type=["toml", "txt"],
            max_upload_size=S.MAX_UPLOAD_MB,
            key=S.UPLOAD,
            on_change=S.on_upload,
            args=(state,),
            help="A scenario file like those in scenarios/; settings left out take the "
            "model's defaults. Your current edits stay if the file has problems.",
        )
    with st.expander("…or paste a scenario (TOML)", key="plan.paste_expander"):
        st.text_area(
            "Scenario TOML",
            key=S.PASTE,
            height=160,
            placeholder="[business]\nstart_cash = 12000.0\n[channels.self_funder]\n"
            "price_per_hour = 28.0",
        )
        st.button("Use this scenario", key="plan.paste_apply", on_click=S.on_paste, args=(state,))
    problems = state.get(S.UPLOAD_PROBLEMS) or []
    if problems:
        count = len(problems)
        st.error(
            f"That scenario cannot be used ({count} problem{'s' if count != 1 else ''}); "
            "nothing was changed:\n\n" + S.describe_problems(problems),
            icon="⚠️",
        )
    st.caption(f"Editing: **{state[S.BASE_NAME]}**")


# --- the editor ----------------------------------------------------------------------------


def _widget(spec: FieldSpec, help_line: str) -> None:
    if spec.kind == "float":
        st.number_input(
            spec.label,
            step=float(spec.step or 1.0),
            format=spec.fmt,
            key=spec.key,
            help=help_line,
        )
    elif spec.kind == "int":
        st.number_input(
            spec.label,
            step=int(spec.step or 1),
            format="%d",
            key=spec.key,
            help=help_line,
        )
    elif spec.kind == "bool":
        st.checkbox(spec.label, key=spec.key, help=help_line)
    elif spec.kind == "choice":
        st.selectbox(
            spec.label,
            spec.options,
            key=spec.key,
            help=help_line,
            format_func=formatting.code_label,
        )
    else:
        st.text_input(spec.label, key=spec.key, help=help_line)


def plan_editor() -> tuple[Scenario | None, list[tuple[str, str]], dict[str, str]]:
    """The settings in tabs grouped as the scenario is, each with unit and source.

    Returns:
        The edited scenario (None if it has problems), its problems, and a label per path.
    """
    state = st.session_state
    base = S.base_data(state)
    groups = groups_for(base)
    fields = [f for g in groups for f in g.fields]
    S.current_values(state, fields)
    S.seed_widgets(state, fields)
    scenario, problems = S.edited_scenario(state)
    by_path: dict[str, list[str]] = {}
    for path, message in problems:
        by_path.setdefault(path, []).append(message)
    comments = source_comments(state[S.BASE_TOML])
    labels = {f.path: f"{g.title} › {f.label}" for g in groups for f in g.fields}
    tabs = st.tabs([g.title for g in groups], key="plan.tabs")
    for group, tab in zip(groups, tabs, strict=True):
        with tab:
            for message in by_path.get(group.key, []):
                st.error(message, icon="⚠️")
            columns = st.columns(3)
            for i, spec in enumerate(group.fields):
                with columns[i % 3]:
                    _widget(spec, help_text(spec, base, comments))
                    for message in by_path.get(spec.path, []):
                        st.error(message, icon="⚠️")
    for message in by_path.get("scenario", []):
        st.error(message, icon="⚠️")
    return scenario, problems, labels


# --- running -------------------------------------------------------------------------------


def run_controls(
    scenario: Scenario | None, problems: list[tuple[str, str]], labels: dict[str, str]
) -> tuple[Any, dict[str, Any]] | None:
    """Replications and the Run button; runs (with progress) and remembers the run."""
    state = st.session_state
    reps_problem = S.check_whole(state.get(S.REPS), *S.PLAN_REPS_RANGE)
    if reps_problem:
        problems = [*problems, (S.REPS, reps_problem)]
        labels = {**labels, S.REPS: "Replications"}
    if problems:
        st.error(
            "The plan cannot run until these are fixed:\n\n"
            + S.describe_problems(problems, labels),
            icon="⚠️",
        )
    ready = scenario is not None and not reps_problem
    left, right = st.columns([1, 3], vertical_alignment="bottom")
    with left:
        st.number_input(  # no min/max: a typed value outside them would be dropped unseen
            "Replications (simulated futures)",
            step=100,
            key=S.REPS,
            help="More futures give narrower intervals and take longer (500 take a few "
            f"seconds); {S.PLAN_REPS_RANGE[0]:,} to {S.PLAN_REPS_RANGE[1]:,}. The seed is in "
            "the Run tab above.",
        )
    with right:
        clicked = st.button("Run", key="plan.run", type="primary", disabled=not ready)
    if clicked and ready and scenario is not None:
        state[S.LAST_RUN] = (scenario.to_toml(), int(state[S.REPS]), int(scenario.run.seed))
    run_key: tuple[str, int, int] | None = state.get(S.LAST_RUN)
    if run_key is None:
        st.info("Set up the plan above, then press **Run**.")
        return None
    try:
        results, summary = S.run_plan(*run_key)
    except Exception as exc:  # the user sees a message, never a traceback
        del state[S.LAST_RUN]
        st.error(S.run_failed(exc), icon="⚠️")
        return None
    if scenario is None or scenario.to_toml() != run_key[0] or int(state[S.REPS]) != run_key[1]:
        st.warning("The plan has changed since these results: press **Run** to update them.")
    return results, summary


# --- results -------------------------------------------------------------------------------


def headline(results: Any, summary: dict[str, Any]) -> dict[str, Any]:
    """The verdict first (does this plan survive, and why), then the headline figures as
    metrics, and the paragraph that says what they mean."""
    figures = plan_figures.plan_figures(summary, results.runs)
    said = plan_verdict.plan_verdict(results, summary, figures)
    st.subheader("Verdict")
    st.info(f"{said.headline}\n\n{said.reason}" if said.reason else said.headline)
    st.subheader("What the simulated futures say")
    columns = st.columns(len(figures["survival"]))
    for column, entry in zip(columns, figures["survival"], strict=True):
        with column:
            st.metric(
                f"Still trading after {years(entry['month'])}",
                pct(entry["estimate"]),
                help=f"Share of {figures['replications']:,} simulated futures; {ci(entry)}.",
                border=True,
            )
            st.caption(ci(entry))
    a, b = st.columns(2)
    c, d = st.columns(2)  # two by two: four in a row cut their labels on a laptop
    breakeven = figures["breakeven"]
    with a:
        st.metric(
            "Median month it starts covering its costs",
            f"month {breakeven['median']:.0f}" if breakeven["median"] is not None else "never",
            help="From this month on the rolling 3-month result (income earned − costs, "
            "owner's minimum drawings included) stays at or above zero, in half the futures.",
            border=True,
        )
        st.caption(f"{pct(breakeven['share'])} of futures get there")
    with b:
        timing = said.figures["timing"]
        st.metric(
            "Median month of failure (among failures)",
            "none failed" if timing is None else f"month {timing['median']}",
            help="Half the futures that fail have failed by this month; the quartiles say "
            "when the first and the last quarter of the failures came.",
            border=True,
        )
        st.caption(
            "none of the futures failed"
            if timing is None
            else f"quartiles: months {timing['q1']} to {timing['q3']}; "
            f"{timing['n_failed']:,} of {figures['replications']:,} futures fail"
        )
    with c:
        cause = figures["cause"]
        st.metric(
            "Most common cause of failure",
            "no failures" if cause is None else formatting.code_label(cause["cause"]),
            help="insolvency = cash below the overdraft limit at a month end; owner gave up = "
            "too many months below their minimum drawings.",
            border=True,
        )
        st.caption(
            "none of the futures failed"
            if cause is None
            else f"{pct(cause['share'])} of {cause['n_failed']:,} failures"
        )
    with d:
        cost, price = figures["cost_per_hour"], figures["price_per_hour"]
        st.metric(
            "Cost per delivered hour (pooled)",
            report.pounds(cost["mean"]),
            delta=None
            if cost["mean"] is None or price["mean"] is None
            else f"{report.pounds(price['mean'] - cost['mean'])} per hour after all costs",
            delta_color="normal",
            help="Pooled over all futures: all costs (owner's minimum drawings included) ÷ all "
            "hours delivered. Below it, the pooled income per hour minus this cost — "
            "after every cost, unlike the contribution per hour below, which is before the "
            "monthly costs. The Start-up support page's per-hour rows are averages of each "
            "future's own figure instead.",
            border=True,
        )
        average = report.pounds(price["mean"])
        st.caption(f"vs income {average} per hour, pooled ({ci(cost, report.pounds)})")
    st.info(report.plan_paragraph(summary, figures, results.scenario.business.name))
    facts = report.breakeven_rows(summary.get("breakeven_facts"))
    if facts:
        with st.expander("What it takes to cover the costs each month", key="plan.facts"):
            st.table(pd.DataFrame(facts, columns=["", "Value"]).set_index(""))
    return figures


def plan_charts(results: Any) -> None:
    pairs = [charts.PLAN_CHARTS[i : i + 2] for i in range(0, len(charts.PLAN_CHARTS), 2)]
    for pair in pairs:
        columns = st.columns(2)
        for column, (name, chart) in zip(columns, pair, strict=True):
            with column:
                st.plotly_chart(
                    chart(results), key=f"plan.chart.{name}", config={"displaylogo": False}
                )


def downloads(results: Any, scenario: Scenario | None) -> None:
    chosen = scenario if scenario is not None else results.scenario
    a, b, c = st.columns(3)
    with a:
        st.download_button(
            "Download the scenario (TOML)",
            data=lambda: annotated_toml(chosen, st.session_state.get(S.BASE_TOML)),
            file_name="scenario.toml",
            mime="application/toml",
            key="plan.download_toml",
            help="The plan as edited, to keep, share or upload again: the settings you did "
            "not change keep their file's comments (sources), a changed one says its old value.",
        )
    with b:
        st.download_button(
            "Download the results by month (CSV)",
            data=lambda: results.monthly.to_csv(index=False),
            file_name="results_monthly.csv",
            mime="text/csv",
            key="plan.download_monthly",
            help="One row per simulated future (rep) and month traded.",
        )
    with c:
        st.download_button(
            "Download one row per future (CSV)",
            data=lambda: results.runs.to_csv(index=False),
            file_name="results_runs.csv",
            mime="text/csv",
            key="plan.download_runs",
            help="Failed?, failure month and cause, break-even month, final cash, …",
        )


# --- shared by the comparison pages --------------------------------------------------------


def compare_button(
    prefix: str,
    ready: bool,
    hint: str,
    variants: Callable[[], dict[str, Scenario]],
    reps: int,
    seed: int,
    context: Any = None,
) -> tuple[Any, Any]:
    """A Compare button: on a click, build the variants and run them on common random numbers
    (cached); until the next click, keep showing that comparison.

    ``context`` is remembered with the run (e.g. the options a table of it needs), so what
    is shown always belongs to the comparison on screen. Returns (comparison, context), or
    (None, None) when there is nothing to show.
    """
    state = st.session_state
    last_key = f"{prefix}.last_run"
    valid = inputs_ok(prefix)
    clicked = st.button(
        "Compare", key=f"{prefix}.run", type="primary", disabled=not (ready and valid)
    )
    if not ready:
        st.info(hint)
    ready = ready and valid
    if clicked and ready:
        try:
            built = variants()
        except ScenarioError as exc:
            st.error("These settings cannot be used:\n\n" + S.describe_problems(exc.problems))
            return None, None
        run_key = (tuple(v.to_toml() for v in built.values()), tuple(built), reps, seed)
        state[last_key] = (run_key, context)
    last = state.get(last_key)
    if last is None:
        return None, None
    run_key, context = last
    comparison = S.compare_or_error(run_key)
    if comparison is None:
        del state[last_key]
        return None, None
    return comparison, context


INPUT_PROBLEMS = "ui.input_problems"  # widget key -> (label, problem), see checked_number


def checked_number(
    label: str,
    key: str,
    *,
    low: float | None = None,
    high: float | None = None,
    **kwargs: Any,
) -> Any:
    """A number input with its allowed range checked here, not by the widget.

    Given min_value/max_value, Streamlit clamps a value typed outside them (the browser
    keeps the old one), so a run would use a number the user did not type. Here the typed
    value is kept, the problem shown under the field and remembered under the widget key,
    so that :func:`inputs_ok` can hold back the page's buttons until it is fixed.
    """
    value = st.number_input(label, key=key, **kwargs)
    problems = st.session_state.setdefault(INPUT_PROBLEMS, {})
    problem = _out_of_range(value, low, high)
    if problem is None:
        problems.pop(key, None)
    else:
        problems[key] = (label, problem)
        st.error(problem, icon="⚠️")
    return value


def _out_of_range(value: Any, low: float | None, high: float | None) -> str | None:
    if value is None or value != value:
        return "a number is needed here"
    if low is not None and high is not None and not low <= value <= high:
        return f"must be from {low:,g} to {high:,g}, got {value:,g}"
    if low is not None and value < low:
        return f"must be at least {low:,g}, got {value:,g}"
    if high is not None and value > high:
        return f"must be at most {high:,g}, got {value:,g}"
    return None


def input_problems(prefix: str) -> list[tuple[str, str]]:
    """(label, problem) of the checked inputs of a page (widget keys ``<prefix>.*``)."""
    problems = st.session_state.get(INPUT_PROBLEMS, {})
    return [entry for key, entry in problems.items() if key.startswith(f"{prefix}.")]


def inputs_ok(prefix: str) -> bool:
    """True when no checked input of the page is out of range; else says what to fix."""
    problems = input_problems(prefix)
    if problems:
        st.error(
            "Fix these first:\n\n"
            + "\n".join(f"- **{label}**: {problem}" for label, problem in problems),
            icon="⚠️",
        )
    return not problems


def run_settings(prefix: str, scenario: Scenario, default_reps: int) -> tuple[int, int, int]:
    """Months, replications and seed for a comparison page (keys ``<prefix>.months`` ...)."""
    a, b, c = st.columns(3)
    with a:
        months = checked_number(
            "Months to simulate",
            f"{prefix}.months",
            low=12,
            high=240,
            value=int(scenario.run.months),
            step=12,
            persist_state="session",
            help="From 12 to 240. Survival is compared at 3 years (or at the horizon if shorter).",
        )
    with b:
        reps = checked_number(
            "Replications per scenario",
            f"{prefix}.reps",
            low=10,
            high=5000,
            value=default_reps,
            step=50,
            persist_state="session",
            help="From 10 to 5,000. Every scenario runs the same simulated futures (common "
            "random numbers), so differences are sharp with fewer.",
        )
    with c:
        seed = checked_number(
            "Seed",
            f"{prefix}.seed",
            low=0,
            value=int(scenario.run.seed),
            step=1,
            persist_state="session",
            help="Any whole number from 0: the same seed gives the same futures.",
        )
    return int(months), int(reps), int(seed)
