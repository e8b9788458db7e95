"""One replication of one scenario: ``simulate(scenario, replication) -> Run``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.errors import require_whole
from sim.model.area import Area
from sim.model.record import CASH_CLOSE, OPERATING_RESULT, MonthlyRecord, monthly_frame
from sim.scenario import MAX_SEED, Scenario, checked

if TYPE_CHECKING:
    import pandas as pd

BREAKEVEN_WINDOW = 3  # months in the rolling operating result


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one replication ended."""

    failed: bool
    failure_month: int | None
    failure_cause: str | None
    breakeven_month: int | None
    final_cash: float


@dataclass(frozen=True, slots=True)
class Run:
    """One replication: a row per month traded (up to and including a failure) and its end."""

    monthly: pd.DataFrame
    outcome: Outcome


def simulate(scenario: Scenario, replication: int = 0) -> Run:
    """Simulate one replication; same scenario, seed and replication give identical results."""
    scenario = checked(scenario)
    require_whole("replication", replication, 0, high=MAX_SEED)
    book, outcome = replicate(scenario, int(replication))
    return Run(monthly=monthly_frame(book.values, book.bands), outcome=outcome)


def replicate(scenario: Scenario, replication: int = 0) -> tuple[MonthlyRecord, Outcome]:
    """One replication as its monthly record (arrays) and its outcome: what :func:`simulate`
    returns before the DataFrame, so that many replications can share one DataFrame build."""
    area = Area(scenario, replication)
    area.run()
    provider = area.providers[0]
    book = provider.monthly
    values = book.values
    outcome = Outcome(
        failed=provider.failed,
        failure_month=provider.failure_month,
        failure_cause=provider.failure_cause,
        breakeven_month=breakeven_month(values[:, OPERATING_RESULT].tolist()),
        final_cash=float(values[-1, CASH_CLOSE]),
    )
    return book, outcome


def breakeven_month(operating_results: list[float], window: int = BREAKEVEN_WINDOW) -> int | None:
    """First month (1-based) from which the rolling ``window``-month result stays >= 0.

    Months before a full window use what there is so far. None when the last rolling
    result is negative (the business never settled into covering its costs).
    """
    rolling = []
    for i in range(len(operating_results)):
        rolling.append(sum(operating_results[max(0, i - window + 1) : i + 1]))
    answer = None
    for i in range(len(rolling) - 1, -1, -1):
        if rolling[i] < 0:
            break
        answer = i + 1
    return answer
