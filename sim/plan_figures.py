"""The Plan page's headline figures: survival at 1, 3 and 5 years with their intervals, when
the business starts covering its costs, the most common cause of failure, and cost and price
per delivered hour.

Pure functions of a summary (:func:`sim.results.summarise`) and the runs table, so the
dashboard only draws; the same numbers are available from Python.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from sim.results import month_values, survival_at

__all__ = ["median_breakeven_month", "plan_figures", "survival_month"]

THREE_YEARS = 36


def survival_month(horizon: int, month: int = THREE_YEARS) -> int:
    """``month`` capped at the horizon: a 24-month run says nothing about month 36."""
    return min(month, horizon)


def median_breakeven_month(runs: pd.DataFrame) -> dict[str, Any]:
    """Median month from which the business covers its costs, over all replications.

    A replication that never settles into covering its costs counts as "later than any
    month", so the median exists only when at least half of the replications break even.

    Returns:
        ``{"median": float | None, "share": share that broke even, "n": replications}``.
    """
    months = month_values(runs["breakeven_month"])
    n = months.size
    if n == 0:
        return {"median": None, "share": None, "n": 0}
    ordered = np.sort(np.where(np.isnan(months), np.inf, months))
    median = float(np.median(ordered))
    return {
        "median": median if math.isfinite(median) else None,
        "share": float(np.isfinite(ordered).mean()),
        "n": int(n),
    }


def plan_figures(summary: dict[str, Any], runs: pd.DataFrame) -> dict[str, Any]:
    """The headline figures of the Plan page, from a summary and the runs table.

    Returns:
        ``survival``: entries (month, estimate, lower, upper) at 1, 3 and 5 years capped at
        the horizon (repeats dropped); ``breakeven``: see :func:`median_breakeven_month`;
        ``cause``: most common failure cause and its share of failures (None if none failed);
        ``cost_per_hour`` and ``price_per_hour``: pooled over replications with a 95% CI
        (as the summary: all costs, owner's minimum drawings included, or all income, over
        all hours delivered).
    """
    horizon = summary["horizon"]
    table = survival_at(runs, (12, 36, 60), horizon)
    survival = [
        {
            "month": int(month),
            "estimate": float(estimate) if len(runs) else None,
            "lower": float(lower),
            "upper": float(upper),
        }
        for month, estimate, lower, upper in table[
            ["month", "estimate", "lower", "upper"]
        ].itertuples(index=False)
    ]
    causes = summary["failure_causes"]
    cause = None
    if causes["most_common"]:
        cause = {
            "cause": causes["most_common"],
            "share": causes["shares"][causes["most_common"]],
            "n_failed": summary["median_failure_month"]["n_failed"],
        }
    return {
        "replications": summary["replications"],
        "horizon": horizon,
        "survival": survival,
        "breakeven": median_breakeven_month(runs),
        "cause": cause,
        "cost_per_hour": summary["cost_per_hour"],
        "price_per_hour": summary["price_per_hour"],
    }
