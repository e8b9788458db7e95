"""The Plan's state across reruns and pages, reading uploads, and cached runs.

The functions that change state take the session state as a plain mapping, so they work the
same on ``st.session_state``, in callbacks and in tests. Widget values are copied into
``plan.values`` (a plain entry, not a widget's), because Streamlit forgets a widget's value
when its page is not shown; the widgets are re-seeded from there on the way back.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import MutableMapping, Sequence
from typing import Any

import scipy.stats  # noqa: F401 - here, so the first Run does not wait ~1 s to import it
import streamlit as st
from streamlit.runtime.state import SessionStateProxy

from dashboard.fields import FieldSpec, all_fields, value_at
from sim import experiment
from sim.errors import InputError
from sim.scenario import DEFAULT_SCENARIO, SCENARIO_DIR, Scenario, loads_scenario
from sim.validation import ScenarioError

# st.session_state, or a plain dict in callbacks' tests.
State = MutableMapping[str, Any] | SessionStateProxy
Problems = list[tuple[str, str]]

BASE_TOML = "plan.base_toml"  # text of the scenario the edits start from
BASE_NAME = "plan.base_name"  # where it came from (file name or upload)
VALUES = "plan.values"  # path -> edited value
LAST_RUN = "plan.last_run"  # (scenario TOML, reps, seed) of the results on show
REPS = "plan.reps"
CHOICE = "plan.scenario_file"
UPLOAD = "plan.upload"
UPLOAD_PROBLEMS = "plan.upload_problems"
UPLOADED = "plan.uploaded"  # (name, text) of the last good upload
UPLOAD_SEEN = "plan.upload_seen"  # file_id of the last upload handled
PASTE = "plan.paste_toml"
UPLOAD_CHOICE = "(uploaded file)"
MAX_UPLOAD_MB = 1  # the upload box's limit, as Streamlit counts a MB (1024 x 1024 bytes)
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
DEFAULT_REPS = 500
PLAN_REPS_RANGE = (10, 20_000)


# --- scenarios -----------------------------------------------------------------------------


def scenario_files() -> list[str]:
    """Ready-made scenario files, the default first."""
    names = sorted(p.name for p in SCENARIO_DIR.glob("*.toml"))
    default = DEFAULT_SCENARIO.name
    return [default, *[n for n in names if n != default]] if default in names else names


def scenario_title(file_name: str) -> str:
    """The business name inside a scenario file, for the picker."""
    try:
        data = tomllib.loads((SCENARIO_DIR / file_name).read_text(encoding="utf-8"))
        return f"{data['business']['name']} ({file_name})"
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return file_name


def read_upload(name: str, data: bytes) -> tuple[str | None, Problems]:
    """Check an uploaded scenario file: UTF-8 TOML that validates.

    Returns:
        ``(text, [])`` for a good file, ``(None, problems)`` otherwise; problems are
        ``(dotted path, message)`` pairs as in :class:`sim.validation.ScenarioError`.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        return None, [
            (
                "file",
                f"{name} is {len(data):,} bytes; a scenario is a small text file "
                f"(at most {MAX_UPLOAD_MB} MB)",
            )
        ]
    try:
        text = data.decode("utf-8-sig")  # a BOM (as some Windows editors write) is fine
    except UnicodeDecodeError:
        hint = " (it looks like UTF-16: save it as UTF-8)" if data[:2] in _UTF16_BOMS else ""
        return None, [("file", f"{name} is not a text (UTF-8) file{hint}; upload a .toml scenario")]
    try:
        loads_scenario(text, source=name)
    except ScenarioError as exc:
        return None, list(exc.problems)
    except RecursionError:  # tomllib recurses once per level of [ or {
        return None, [("toml", f"{name} nests lists or tables too deeply to read")]
    return text, []


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def set_base(state: State, text: str, name: str) -> Problems:
    """Start editing from the scenario in ``text``; on problems nothing changes."""
    try:
        loads_scenario(text, source=name)
    except ScenarioError as exc:
        return list(exc.problems)
    state[BASE_TOML] = text
    state[BASE_NAME] = name
    state[VALUES] = {}
    for key in [k for k in state if str(k).startswith("plan.field.")]:
        del state[key]
    return []


def init_plan(state: State) -> None:
    """Load the default scenario the first time."""
    if BASE_TOML not in state:
        set_base(state, DEFAULT_SCENARIO.read_text(encoding="utf-8"), DEFAULT_SCENARIO.name)
    state.setdefault(REPS, DEFAULT_REPS)
    state.setdefault(CHOICE, DEFAULT_SCENARIO.name)


def base_scenario(state: State) -> Scenario:
    return loads_scenario(state[BASE_TOML], source=state[BASE_NAME])


def base_data(state: State) -> dict[str, Any]:
    return base_scenario(state).to_dict()


# --- callbacks -----------------------------------------------------------------------------


def on_choose_file(state: State) -> None:
    """The scenario picker changed: start again from that file (or the upload)."""
    choice = state.get(CHOICE)
    if choice == UPLOAD_CHOICE and UPLOADED in state:
        name, text = state[UPLOADED]
        set_base(state, text, name)
    elif choice in scenario_files():
        set_base(state, (SCENARIO_DIR / choice).read_text(encoding="utf-8"), choice)
    state[UPLOAD_PROBLEMS] = []


def apply_upload(state: State, name: str, data: bytes) -> Problems:
    """Use an uploaded (or pasted) file if it is a good scenario; otherwise keep everything
    as it was and remember the problems to show them."""
    text, problems = read_upload(name, data)
    state[UPLOAD_PROBLEMS] = problems
    if text is None:
        return problems
    set_base(state, text, name)
    state[UPLOADED] = (name, text)
    state[CHOICE] = UPLOAD_CHOICE
    return []


def on_upload(state: State) -> None:
    uploaded = state.get(UPLOAD)
    if uploaded is None:
        return
    file_id = getattr(uploaded, "file_id", None)
    if file_id is not None and file_id == state.get(UPLOAD_SEEN):
        return
    state[UPLOAD_SEEN] = file_id
    apply_upload(state, uploaded.name, uploaded.getvalue())


def on_paste(state: State) -> None:
    text = state.get(PASTE) or ""
    apply_upload(state, "pasted TOML", text.encode("utf-8"))


# --- edits ---------------------------------------------------------------------------------


def current_values(state: State, fields: Sequence[FieldSpec]) -> dict[str, Any]:
    """Each field's value: the widget's if it has one, else the remembered edit, else the
    base scenario's. Remembers them, so edits survive a visit to another page."""
    base = base_data(state)
    values = state.setdefault(VALUES, {})
    for spec in fields:
        if spec.key in state:
            values[spec.path] = state[spec.key]
        elif spec.path not in values:
            values[spec.path] = _typed(spec, value_at(base, spec.path))
    return values


def seed_widgets(state: State, fields: Sequence[FieldSpec]) -> None:
    """Give widgets that Streamlit has forgotten their remembered values."""
    values = state.get(VALUES, {})
    for spec in fields:
        if spec.key not in state and spec.path in values:
            state[spec.key] = values[spec.path]


def edited_scenario(state: State) -> tuple[Scenario | None, Problems]:
    """The base scenario with the edits applied, or the problems that prevent it."""
    base = base_scenario(state)
    data = base.to_dict()
    values = state.get(VALUES, {})
    overrides = {}
    for spec in all_fields(data):
        if spec.path in values and values[spec.path] != value_at(data, spec.path):
            overrides[spec.path] = _typed(spec, values[spec.path])
    if not overrides:
        return base, []
    try:
        return base.with_overrides(overrides), []
    except ScenarioError as exc:
        return None, list(exc.problems)


def check_whole(value: Any, low: int, high: int) -> str | None:
    """Why a typed run setting (replications, months, seed) cannot be used, or None.

    Checked here rather than by the widget's min and max, which would silently keep the
    old value when a user types one outside them.
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value != int(value)
    ):
        return f"must be a whole number from {low:,} to {high:,}, got {value!r}"
    if not low <= value <= high:
        return f"must be from {low:,} to {high:,}, got {int(value):,}"
    return None


def _typed(spec: FieldSpec, value: Any) -> Any:
    if value is None:
        return value
    if spec.kind == "int":
        return int(value)
    if spec.kind == "float":
        return float(value)
    return value


def plan_scenario(state: State) -> Scenario:
    """The scenario of the Plan page as edited, else its base, else the default (for the
    other pages, which start from the entrepreneur's plan)."""
    if BASE_TOML not in state:
        return loads_scenario(DEFAULT_SCENARIO.read_text(encoding="utf-8"))
    scenario, _ = edited_scenario(state)
    return scenario if scenario is not None else base_scenario(state)


# --- cached runs ---------------------------------------------------------------------------


def _progress_bar(total_text: str) -> Any:
    bar = st.progress(0.0, text=total_text)

    def update(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Simulated {done:,} of {total:,} futures")

    return bar, update


@st.cache_data(show_spinner=False, max_entries=24)
def run_plan(toml_text: str, reps: int, seed: int) -> tuple[experiment.Results, dict[str, Any]]:
    """Replications of a scenario (given as TOML) and their summary, cached by scenario,
    replications and seed, so switching pages and back does not run them again.

    The progress bar is made and removed inside, so a cached call shows nothing.
    """
    scenario = loads_scenario(toml_text)
    bar, update = _progress_bar(f"Simulating {reps:,} futures…")
    results = experiment.run(scenario, reps=reps, seed=seed, workers=None, progress=update)
    summary = results.summary()
    bar.empty()
    return results, summary


@st.cache_data(show_spinner=False, max_entries=12)
def run_compare(
    toml_texts: tuple[str, ...], names: tuple[str, ...], reps: int, seed: int
) -> experiment.Comparison:
    """Scenarios on common random numbers, cached by their TOML, names, reps and seed."""
    scenarios = [loads_scenario(text) for text in toml_texts]
    bar, update = _progress_bar(f"Simulating {reps:,} futures of {len(scenarios)} scenarios…")
    comparison = experiment.compare(
        scenarios, reps=reps, seed=seed, workers=None, progress=update, names=list(names)
    )
    bar.empty()
    return comparison


def run_failed(exc: Exception) -> str:
    """What to tell the user when a run stops with an error: their input's problem (e.g. more
    replications than memory holds) in its own words, anything else as a bug to report, as
    the command line does (exit 2 against exit 1)."""
    if isinstance(exc, ScenarioError):
        return "These settings cannot be used:\n\n" + describe_problems(exc.problems)
    if isinstance(exc, InputError):  # e.g. an odd what-if question, too many replications
        return f"These settings cannot be used: {exc}"
    return (
        "The simulation stopped with an error, so there are no results to show. Please "
        "report it with the scenario (download it above) and this message: "
        f"{type(exc).__name__}: {exc}"
    )


def compare_or_error(
    last: tuple[tuple[str, ...], tuple[str, ...], int, int],
) -> experiment.Comparison | None:
    """:func:`run_compare` on a remembered run, or None after showing an error message."""
    try:
        return run_compare(*last)
    except Exception as exc:  # the user sees a message, never a traceback
        st.error(run_failed(exc), icon="⚠️")
        return None


def plan_for_comparison(state: State) -> tuple[Scenario, str | None]:
    """The Plan page's plan for the comparison pages, and a warning if its edits cannot be
    used (then its scenario before the edits is compared)."""
    if BASE_TOML in state:
        scenario, _ = edited_scenario(state)
        if scenario is None:
            note = (
                "The plan on the Plan page has problems to fix; until then the comparison "
                "uses it without your edits."
            )
            return base_scenario(state), note
    return plan_scenario(state), None


def describe_problems(problems: Problems, labels: dict[str, str] | None = None) -> str:
    """Problems as Markdown bullet points, with field labels where known."""
    labels = labels or {}
    lines = []
    for path, message in problems:
        where = labels.get(path, path)
        lines.append(f"- **{where}**: {message}")
    return "\n".join(lines)
