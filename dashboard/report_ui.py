"""The Plan page's take-away report: after a run, the same files as ``microcare report``.

A would-be entrepreneur applying for a loan needs the cash-flow forecast in the lender's
layout, and a coordinator wants one page to discuss; both are made by the same functions as
on the command line (:func:`dashboard.report_parts.build_report`). The report's tornado runs
more simulations, so it is prepared on request, with a progress bar, and kept for the run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard import state as S
from dashboard.report_parts import build_report
from sim.takeaway import Source, what_must_be_true

__all__ = ["DASHBOARD_TORNADO_REPS", "report_downloads"]

DASHBOARD_TORNADO_REPS = 100  # fewer than the command line's: a person is waiting
PREPARED = "plan.report.prepared"  # the run (S.LAST_RUN) whose report was asked for
FILES = "plan.report.files"  # ((run, source), the files made for them)
MIME = {
    "report.html": "text/html",
    "cashflow.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "scenario.toml": "application/toml",
}
LABELS = {
    "report.html": "Download the report (HTML, prints to A4)",
    "cashflow.xlsx": "Download the cash-flow forecast (Excel)",
    "scenario.toml": "Download the scenario with its sources (TOML)",
}
HELP = {
    "report.html": "One page that works offline: verdict, survival, cash, break-even, what "
    "must be true, key assumptions and the model's limits.",
    "cashflow.xlsx": "The lender's layout for months 1-24, a median (P50) and a pessimistic "
    "(P10) future, a yearly summary to month 60 and every assumption with its source.",
    "scenario.toml": "The plan as run, keeping the comments of the file it came from; a "
    "changed value says what it was.",
}


def report_files(
    results: Any,
    source: Source,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, bytes]:
    """The take-away files of a run: its tornado at ``DASHBOARD_TORNADO_REPS``, then the
    same files as ``microcare report``."""
    tornado = what_must_be_true(
        results.scenario, reps=DASHBOARD_TORNADO_REPS, workers=None, progress=progress
    )
    return build_report(results, tornado, DASHBOARD_TORNADO_REPS, source)


def report_downloads() -> None:
    """The report section under the results of the run on show (``S.LAST_RUN``)."""
    state = st.session_state
    run_key: tuple[str, int, int] | None = state.get(S.LAST_RUN)
    if run_key is None:
        return
    st.subheader("Take away: report and cash-flow forecast")
    st.caption(
        "The same files as `microcare report`: a cash-flow forecast in the layout lenders "
        "use and a one-page report to discuss or print. 'What must be true' simulates each "
        f"main assumption moved by 20% ({DASHBOARD_TORNADO_REPS} futures each): it takes a "
        "little longer."
    )
    if st.button("Prepare the report", key="plan.report.prepare"):
        state[PREPARED] = run_key
    if state.get(PREPARED) != run_key:
        return
    source = Source(state.get(S.BASE_TOML), str(state.get(S.BASE_NAME, "")))
    made = state.get(FILES)
    if made is None or made[0] != (run_key, source):
        # kept in the session, not st.cache_data: a cached function may not update a
        # progress bar drawn outside it
        bar = st.progress(0.0, text="What must be true: simulating each assumption moved…")

        def update(done: int, total: int) -> None:
            bar.progress(done / total, text=f"What must be true: {done:,} of {total:,} futures")

        try:
            results, _ = S.run_plan(*run_key)  # the run on show: cached
            state[FILES] = ((run_key, source), report_files(results, source, update))
        except Exception as exc:  # a message, never a traceback
            st.error(S.run_failed(exc), icon="⚠️")
            return
        finally:
            bar.empty()
    files: dict[str, bytes] = state[FILES][1]
    columns = st.columns(len(files))
    for column, (name, data) in zip(columns, files.items(), strict=True):
        with column:
            st.download_button(
                LABELS.get(name, name),
                data=data,
                file_name=name,
                mime=MIME.get(name, "application/octet-stream"),
                key=f"plan.report.{name}",
                help=HELP.get(name),
            )
