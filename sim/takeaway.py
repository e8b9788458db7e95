"""The take-away files of a plan: cashflow.xlsx, report.html and the scenario, as bytes.

One function for both front ends, so the command line (``microcare report``) and the
dashboard's download give the same files for the same run. The heavy modules are imported
when the files are made, so the command line starts as fast without them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from sim.experiment import Results
    from sim.report_doc import ReportParts
    from sim.scenario import Scenario

__all__ = ["FILES", "TORNADO_DELTA", "TORNADO_REPS", "Source", "report_files", "what_must_be_true"]

TORNADO_REPS = 200  # replications per variant of the report's tornado: a quick estimate
TORNADO_DELTA = 0.2  # each assumption moved down and up by this share
FILES = ("cashflow.xlsx", "report.html", "scenario.toml")


@dataclass(frozen=True)
class Source:
    """The scenario file a plan came from: its text (None when there is none, e.g. a plan
    built in code) and its name, for the sources of its settings."""

    text: str | None = None
    name: str = ""


def what_must_be_true(
    scenario: Scenario,
    reps: int = TORNADO_REPS,
    seed: int | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """The report's tornado: the default parameters moved by ``TORNADO_DELTA``."""
    from sim.whatif import sensitivity

    return sensitivity(
        scenario,
        delta=TORNADO_DELTA,
        reps=reps,
        seed=seed,
        workers=workers,
        progress=progress,
        scheduler=scheduler,
    )


def report_files(
    results: Results,
    tornado: pd.DataFrame | None,
    tornado_reps: int,
    parts: ReportParts,
    source: Source,
    summary: dict[str, Any] | None = None,
) -> dict[str, bytes]:
    """``FILES`` by name: the forecast workbook, the report page and the scenario as run
    (with the comments of its file, changed values marked with the old ones)."""
    from sim.cashflow import forecasts
    from sim.report_doc import report_html
    from sim.scenario_file import annotated_toml, setting_sources
    from sim.workbook import cashflow_workbook

    summary = results.summary() if summary is None else summary
    pair = forecasts(results)
    settings = setting_sources(results.scenario, source.text, source.name)
    page = report_html(
        results,
        summary,
        pair,
        settings,
        tornado,
        tornado_reps,
        parts,
        source_name=source.name,
        tornado_delta=TORNADO_DELTA,
    )
    return {
        "cashflow.xlsx": cashflow_workbook(results, pair, settings, source.name),
        "report.html": page.encode("utf-8"),
        "scenario.toml": annotated_toml(results.scenario, source.text).encode("utf-8"),
    }
