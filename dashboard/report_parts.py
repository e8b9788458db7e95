"""The dashboard's share of the take-away report: its charts and the About page's words.

``microcare report`` and the Plan page's download both build the report with these, so the
page shows the same survival curve, cash fan and tornado as the dashboard, and the same
assumptions and limits as the About page (kept in one place: :mod:`dashboard.about`). No
Streamlit here: the command line imports this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dashboard import about, charts
from sim.report_doc import TOP_ASSUMPTIONS, ReportParts
from sim.takeaway import Source, report_files
from sim.whatif import PARAM_LABELS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["build_report", "report_parts"]


def report_parts(results: Any, tornado: pd.DataFrame | None) -> ReportParts:
    """The report's figures (survival, cash fan, the top of the tornado) and notes."""
    figures = {"survival": charts.survival_curve(results), "cash": charts.cash_fan(results)}
    if tornado is not None and not tornado.empty:
        top = tornado.head(TOP_ASSUMPTIONS)
        top.attrs = dict(tornado.attrs)
        figures["tornado"] = charts.tornado(top, PARAM_LABELS)
    notes = {"assumptions": about.ASSUMPTIONS, "limits": about.LIMITS}
    return ReportParts(figures=figures, notes=notes)


def build_report(
    results: Any, tornado: pd.DataFrame | None, tornado_reps: int, source: Source
) -> dict[str, bytes]:
    """The take-away files (see :func:`sim.takeaway.report_files`) with the dashboard's
    charts and words."""
    return report_files(results, tornado, tornado_reps, report_parts(results, tornado), source)
