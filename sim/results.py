"""Statistics on stacked replication tables: survival, break-even, cash bands, comparisons.

Every figure a user sees is a Monte Carlo estimate, so each one here comes with an
interval or a band. The functions are pure: they take the ``runs`` table (one row per
replication) and/or the ``monthly`` panel (replication x month) and return new tables or
plain values; nothing is cached or mutated. ``scipy.stats`` is imported lazily, only when
a t interval is needed, because importing it costs about a second.

The tables may be DataFrames or mappings of column name to numpy array (a
:class:`sim.tables.Table`, months that never came as NaN): :func:`summarise` reads them as
arrays, so the command line's summary never imports pandas; the functions that return
tables import it when called.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from statistics import NormalDist
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

#: A table read column by column: a DataFrame or a mapping of names to numpy arrays.
Columns: TypeAlias = "Mapping[str, Any] | pd.DataFrame"

__all__ = [
    "breakeven_by",
    "broke_even_by",
    "cash_quantiles",
    "declined_by_channel",
    "failure_causes",
    "final_cash_quantiles",
    "mean_with_ci",
    "median_failure_month",
    "median_with_ci",
    "month_values",
    "paired_difference",
    "paired_median_difference",
    "ratio_with_ci",
    "share_of_months_not_covering_costs",
    "still_trading",
    "summarise",
    "summary_months",
    "survival_at",
    "survival_curve",
    "unpaired_difference",
    "wilson_interval",
]

CONFIDENCE = 0.95
SUMMARY_MONTHS = (12, 24, 36, 60)


# --- proportions ---------------------------------------------------------------------------


def wilson_interval(
    successes: Any, n: Any, confidence: float = CONFIDENCE
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion (vectorised).

    Wilson rather than the normal (Wald) interval because survival shares are often near
    0 or 1, where Wald collapses to zero width or leaves [0, 1].

    Args:
        successes: Count(s) of successes.
        n: Number(s) of trials; where 0 the interval is NaN.
        confidence: Two-sided coverage.

    Returns:
        Arrays ``(lower, upper)`` within [0, 1] (NaN where ``n`` is 0).
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    # Exact ends: at k = 0 or k = n the formula gives 0 or 1 only up to rounding.
    lower = np.where((k == 0) & (n > 0), 0.0, np.clip(centre - half, 0.0, 1.0))
    upper = np.where((k == n) & (n > 0), 1.0, np.clip(centre + half, 0.0, 1.0))
    return lower, upper


def month_values(column: Any) -> np.ndarray:
    """Months as floats with NaN for 'never', whatever the column's dtype (Int64, object, or
    already a float array with NaN)."""
    if isinstance(column, np.ndarray) and column.dtype.kind == "f":
        return column.astype(float)
    import pandas as pd

    return pd.to_numeric(column, errors="coerce").astype(float).to_numpy()


def _failure_months(runs: Columns) -> np.ndarray:
    """Failure month per replication, NaN where it did not fail."""
    failed = np.asarray(runs["failed"]).astype(bool)
    months = month_values(runs["failure_month"])
    if np.isnan(months[failed]).any():
        raise ValueError("runs: a failed replication has no failure_month")
    return np.where(failed, months, np.nan)


def _proportions(hits: Sequence[int], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Estimate and Wilson interval per month, from counts of 'successes' per month."""
    hits_arr = np.asarray(hits, dtype=float)
    lower, upper = wilson_interval(hits_arr, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = hits_arr / n
    return estimate, lower, upper


def _proportion_table(months: Iterable[int], hits: Sequence[int], n: int) -> pd.DataFrame:
    """Estimate and Wilson interval per month, as a table (see :func:`_proportion_records`)."""
    import pandas as pd

    estimate, lower, upper = _proportions(hits, n)
    return pd.DataFrame(
        {"month": list(months), "estimate": estimate, "lower": lower, "upper": upper, "n": n}
    )


def _proportion_records(months: Sequence[int], hits: Sequence[int], n: int) -> list[dict[str, Any]]:
    """The rows of :func:`_proportion_table` as plain values (month, estimate, lower, upper,
    n), without building the table."""
    estimate, lower, upper = _proportions(hits, n)
    return [
        {
            "month": int(month),
            "estimate": float(estimate[i]),
            "lower": float(lower[i]),
            "upper": float(upper[i]),
            "n": int(n),
        }
        for i, month in enumerate(months)
    ]


def summary_months(months: Iterable[int], horizon: int) -> list[int]:
    """Cap requested months at the horizon and drop repeats, keeping their order.

    A run cannot say anything about month 60 when it stops at 36, so 60 becomes 36.
    """
    capped: list[int] = []
    for month in months:
        if month < 0:
            raise ValueError(f"months must be >= 0, got {month}")
        month = min(int(month), horizon)
        if month not in capped:
            capped.append(month)
    return capped


# --- survival and break-even ---------------------------------------------------------------


def survival_curve(runs: Columns, horizon: int) -> pd.DataFrame:
    """Share of replications still trading at the end of each month 0..horizon.

    A business that fails in month m is not trading at month m. Every replication is
    followed to the horizon, so there is no censoring and a binomial share is exact.

    Returns:
        Columns ``month``, ``survival``, ``lower``, ``upper`` (95% Wilson), ``n``.
    """
    fail = _failure_months(runs)
    months = np.arange(horizon + 1)
    failed_by = (fail[None, :] <= months[:, None]).sum(axis=1)
    n = _rows(runs)
    table = _proportion_table(months, n - failed_by, n)
    return table.rename(columns={"estimate": "survival"})


def _alive(runs: Columns, month: int) -> np.ndarray:
    """True where a replication is still trading at the end of ``month``."""
    return ~(_failure_months(runs) <= month)


def _by_rep(values: np.ndarray, runs: Columns) -> pd.Series:
    import pandas as pd

    return pd.Series(values, index=pd.Index(np.asarray(runs["rep"]), name="rep"))


def still_trading(runs: Columns, month: int) -> pd.Series:
    """1.0 where a replication is still trading at the end of ``month``, else 0.0, by ``rep``.

    The one survival indicator: a business that fails in month m is not trading at month m.
    Its mean is the share still trading; paired over ``rep`` it compares scenarios.
    """
    return _by_rep(_alive(runs, month).astype(float), runs)


def _survival_counts(runs: Columns, months: Sequence[int]) -> list[int]:
    return [int(np.count_nonzero(_alive(runs, m))) for m in months]


def survival_at(runs: Columns, months: Iterable[int], horizon: int) -> pd.DataFrame:
    """Survival (with 95% Wilson CI) at selected months, capped at the horizon.

    Returns:
        Columns ``month``, ``estimate``, ``lower``, ``upper``, ``n``.
    """
    chosen = summary_months(months, horizon)
    return _proportion_table(chosen, _survival_counts(runs, chosen), _rows(runs))


def _broke_even(runs: Columns, month: int) -> np.ndarray:
    """True where a replication had started covering its costs by ``month``."""
    return month_values(runs["breakeven_month"]) <= month


def broke_even_by(runs: Columns, month: int) -> pd.Series:
    """1.0 where a replication had started covering its costs by ``month``, else 0.0, by
    ``rep`` (it counts even if the business later failed)."""
    return _by_rep(_broke_even(runs, month).astype(float), runs)


def _breakeven_counts(runs: Columns, months: Sequence[int]) -> list[int]:
    return [int(np.count_nonzero(_broke_even(runs, m))) for m in months]


def breakeven_by(runs: Columns, months: Iterable[int], horizon: int) -> pd.DataFrame:
    """Chance of having reached break-even by each month (``breakeven_month <= m``).

    Replications that later fail still count once they broke even: the question is how
    soon the business covers its costs, not whether it lasts.

    Returns:
        Columns ``month``, ``estimate``, ``lower``, ``upper`` (95% Wilson), ``n``.
    """
    chosen = summary_months(months, horizon)
    return _proportion_table(chosen, _breakeven_counts(runs, chosen), _rows(runs))


def _rows(table: Columns) -> int:
    """Rows of a table (a DataFrame or a mapping of equal-length columns)."""
    if isinstance(table, Mapping):  # a DataFrame is not one
        first = next(iter(table), None)
        return 0 if first is None else len(table[first])
    return len(table)


def month_quartiles(months: np.ndarray) -> dict[str, int]:
    """Lower quartile, median and upper quartile as months that happened (the smallest month
    by which at least a quarter, a half, three quarters of these failures had come)."""
    q1, q2, q3 = np.quantile(months, [0.25, 0.5, 0.75], method="inverted_cdf")
    return {"q1": int(q1), "median": int(q2), "q3": int(q3)}


def median_failure_month(runs: Columns) -> dict[str, float | int | None]:
    """Median month of failure among replications that fail, and how many failed.

    This is conditional on failing (how quickly failures happen), not the median
    survival time of all replications, which may not exist if fewer than half fail.

    Returns:
        ``{"median": float | None, "n_failed": int}``.
    """
    fail = _failure_months(runs)
    fail = fail[~np.isnan(fail)]
    median = float(np.median(fail)) if fail.size else None
    return {"median": median, "n_failed": int(fail.size)}


def _cause(value: Any) -> str:
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    return "unknown" if missing else str(value)


def failure_causes(runs: Columns) -> dict[str, Any]:
    """Most common failure cause and each cause's share of the failures.

    Ties for the most common cause are broken alphabetically so the answer is stable.

    Returns:
        ``{"most_common": str | None, "shares": {cause: share}, "counts": {cause: n}}``.
    """
    failed = np.asarray(runs["failed"]).astype(bool)
    causes = np.asarray(runs["failure_cause"], dtype=object)[failed]
    tally = Counter(_cause(value) for value in causes)
    counts = sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))
    total = sum(n for _, n in counts)
    return {
        "most_common": counts[0][0] if counts else None,
        "shares": {cause: n / total for cause, n in counts},
        "counts": {cause: int(n) for cause, n in counts},
    }


# --- monthly panel -------------------------------------------------------------------------


WEEKLY_COSTS = ("cost_wages", "cost_oncosts", "cost_mileage", "cost_bought_cover")
WEEKS_PER_MONTH = 365.25 / 12 / 7  # 4.35: the weeks in an average month


def by_days(monthly: pd.DataFrame) -> pd.DataFrame:
    """Each month's income earned, costs and operating result with the amounts that accrue
    week by week (care income; wages, on-costs, mileage and bought-in cover) spread over the
    month's days: scaled from the month's 4 or 5 weekly settlements to 4.35 weeks.

    The model settles care weekly and closes the books monthly, so a month with five
    settlements books a quarter more care than one with four; by days, a month is a month and
    a steady business shows a flat line. Monthly costs (overheads, fees, the owner's minimum
    drawings) are as booked. Columns ``month``, ``income``, ``costs``, ``result``.
    """
    import pandas as pd  # here: the CLI's summary never needs it

    scale = WEEKS_PER_MONTH / monthly["weeks_settled"].to_numpy(float)
    weekly_costs = sum(monthly[c].to_numpy(float) for c in WEEKLY_COSTS)
    income = monthly["income_earned"].to_numpy(float) * scale
    costs = monthly["costs"].to_numpy(float) + weekly_costs * (scale - 1.0)
    return pd.DataFrame(
        {
            "month": monthly["month"].to_numpy(),
            "income": income,
            "costs": costs,
            "result": income - costs,
        },
        index=monthly.index,
    )


def share_of_months_not_covering_costs(monthly: Columns) -> float:
    """Share of all trading months (all rows, all replications) with an operating loss.

    Pooled over rows rather than averaged per replication, so a replication that trades
    longer weighs more, as its months do in reality. NaN when there are no rows.
    """
    result = np.asarray(monthly["operating_result"])
    if result.size == 0:
        return math.nan
    return float((result < 0).mean())


def _quantile_label(q: float) -> str:
    return f"p{q * 100:g}"


def cash_quantiles(
    monthly: pd.DataFrame, quantiles: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 0.9)
) -> pd.DataFrame:
    """Quantiles of closing cash per month over the replications still present that month.

    Failed replications drop out after their failure month rather than counting as zero,
    so late bands describe survivors; ``n`` says how many there are.

    Returns:
        Columns ``month``, ``n`` and one ``p<q>`` column per quantile (``p10``, ``p50``, ...).
    """
    import pandas as pd

    labels = [_quantile_label(q) for q in quantiles]
    if monthly.empty:
        return pd.DataFrame(columns=["month", "n", *labels])
    grouped = monthly.groupby("month")["cash_close"]
    table = grouped.quantile(np.asarray(quantiles, dtype=float)).unstack()
    table.columns = labels
    table.insert(0, "n", grouped.size())
    return table.reset_index()


def final_cash_quantiles(
    runs: Columns, quantiles: Sequence[float] = (0.1, 0.5, 0.9)
) -> dict[str, float]:
    """Quantiles of cash at the end of each replication (at failure or at the horizon)."""
    values = np.asarray(runs["final_cash"], dtype=float)
    if values.size == 0:
        return {_quantile_label(q): math.nan for q in quantiles}
    return {_quantile_label(q): float(np.quantile(values, q)) for q in quantiles}


def _declined_rows(monthly: Columns) -> list[dict[str, Any]]:
    """The rows of :func:`declined_by_channel` as plain values."""
    names = [str(c) for c in monthly]
    channels = [c.removeprefix("referrals_") for c in names if c.startswith("referrals_")]
    rows = []
    for channel in channels:
        totals = {
            k: int(np.asarray(monthly[f"{k}_{channel}"]).sum())
            for k in ("referrals", "accepted", "declined")
        }
        share = totals["declined"] / totals["referrals"] if totals["referrals"] else math.nan
        rows.append({"channel": channel, **totals, "share_declined": share})
    return rows


def declined_by_channel(monthly: Columns) -> pd.DataFrame:
    """Referrals, acceptances and declines per channel, with the pooled share declined.

    The share is pooled (all declined / all referrals), not averaged per replication,
    because per-replication shares over-weight replications with few referrals.

    Returns:
        Columns ``channel``, ``referrals``, ``accepted``, ``declined``, ``share_declined``
        (NaN where a channel had no referrals).
    """
    import pandas as pd

    columns = ["channel", "referrals", "accepted", "declined", "share_declined"]
    return pd.DataFrame(_declined_rows(monthly), columns=columns)


# --- means and comparisons -----------------------------------------------------------------


# Two-sided 95% t critical values for 1..30 degrees of freedom (standard tables).
_T95 = (
    12.7062047,
    4.3026527,
    3.1824463,
    2.7764451,
    2.5705818,
    2.4469119,
    2.3646243,
    2.3060041,
    2.2621572,
    2.2281389,
    2.2009852,
    2.1788128,
    2.1603687,
    2.1447867,
    2.1314495,
    2.1199053,
    2.1098156,
    2.1009220,
    2.0930241,
    2.0859634,
    2.0796138,
    2.0738731,
    2.0686576,
    2.0638986,
    2.0595386,
    2.0555294,
    2.0518305,
    2.0484071,
    2.0452296,
    2.0422725,
)


def _t_quantile(df: float, confidence: float = CONFIDENCE) -> float:
    """Two-sided t critical value.

    For 95% without scipy (importing scipy.stats costs ~0.6 s, a tenth of a whole
    command): a table up to 30 degrees of freedom, then the Cornish-Fisher expansion
    around the normal quantile, within 1e-5 of the exact value there.
    """
    if confidence == 0.95 and df >= 1 and float(df).is_integer():
        if df <= len(_T95):
            return _T95[int(df) - 1]
        z = 1.959963984540054
        return (
            z
            + (z**3 + z) / (4 * df)
            + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
        )
    from scipy import stats

    return float(stats.t.ppf(0.5 + confidence / 2, df))


def _interval(mean: float, se: float, df: float, n: int) -> dict[str, float | int]:
    """Mean +- t * se; zero width when se is 0 (avoids 0 * inf and NaN df)."""
    half = 0.0 if se == 0 else _t_quantile(df) * se
    return {"mean": mean, "lower": mean - half, "upper": mean + half, "n": n}


def _clean(values: Any) -> np.ndarray:
    """Values as a float array without NaN (undefined per-replication figures)."""
    arr = np.asarray(values, dtype=float)
    return arr[~np.isnan(arr)]


def mean_with_ci(values: Any) -> dict[str, float | int]:
    """Mean over replications with a 95% t interval, ignoring NaN values.

    The t distribution keeps the interval honest for small numbers of replications.
    With fewer than two values the interval is NaN (and the mean too when there are none).

    Returns:
        ``{"mean", "lower", "upper", "n"}``.
    """
    x = _clean(values)
    if x.size < 2:
        mean = float(x[0]) if x.size else math.nan
        return {"mean": mean, "lower": math.nan, "upper": math.nan, "n": int(x.size)}
    se = float(x.std(ddof=1)) / math.sqrt(x.size)
    return _interval(float(x.mean()), se, x.size - 1, int(x.size))


def ratio_with_ci(numerator: Any, denominator: Any) -> dict[str, float | int]:
    """Pooled ratio sum(x) / sum(y) over replications, with a 95% CI (ratio estimator).

    Why pooled: the mean of per-replication ratios (e.g. cost per hour) is dominated by
    replications that failed early with few hours; the pooled ratio is the cost of an
    average delivered hour, which is what a price must cover.
    """
    x = np.asarray(numerator, dtype=float)
    y = np.asarray(denominator, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    n = int(len(x))
    if n == 0 or y.sum() <= 0:
        return {"mean": math.nan, "lower": math.nan, "upper": math.nan, "n": n}
    ratio = float(x.sum() / y.sum())
    if n < 2:
        return {"mean": ratio, "lower": math.nan, "upper": math.nan, "n": n}
    residual = x - ratio * y
    se = float(np.sqrt(np.sum(residual**2) / (n * (n - 1))) / y.mean())
    return _interval(ratio, se, n - 1, n)


BOOTSTRAP_RESAMPLES = 2000


def _bootstrap_medians(columns: list[np.ndarray]) -> np.ndarray:
    """Medians of each column over the same bootstrap resamples of replications (a fixed
    generator, so the interval is reproducible)."""
    n = len(columns[0])
    picks = np.random.default_rng(0).integers(0, n, size=(BOOTSTRAP_RESAMPLES, n))
    return np.stack([np.median(c[picks], axis=1) for c in columns])


def median_with_ci(values: Any) -> dict[str, float | int]:
    """Median with a 95% percentile-bootstrap interval (for skewed figures such as cash)."""
    x = _clean(values)
    n = int(len(x))
    if n == 0:
        return {"mean": math.nan, "lower": math.nan, "upper": math.nan, "n": 0}
    if n < 2:
        return {"mean": float(x[0]), "lower": math.nan, "upper": math.nan, "n": n}
    (medians,) = _bootstrap_medians([x])
    lower, upper = np.quantile(medians, [0.025, 0.975])
    return {"mean": float(np.median(x)), "lower": float(lower), "upper": float(upper), "n": n}


def paired_median_difference(a: pd.Series, b: pd.Series) -> dict[str, float | int]:
    """Difference of medians (b - a) with a 95% paired bootstrap interval: replications are
    resampled together, so common random numbers narrow it as they do for means."""
    if not a.index.equals(b.index):
        raise ValueError("paired values must cover the same replications")
    keep = ~(np.isnan(a.to_numpy(float)) | np.isnan(b.to_numpy(float)))
    x, y = a.to_numpy(float)[keep], b.to_numpy(float)[keep]
    n = int(len(x))
    if n < 2:
        return {"mean": math.nan, "lower": math.nan, "upper": math.nan, "n": n}
    ma, mb = _bootstrap_medians([x, y])
    lower, upper = np.quantile(mb - ma, [0.025, 0.975])
    estimate = float(np.median(y) - np.median(x))
    return {"mean": estimate, "lower": float(lower), "upper": float(upper), "n": n}


def paired_difference(a: pd.Series, b: pd.Series) -> dict[str, float | int]:
    """Mean of ``b - a`` per replication with a 95% t interval.

    With common random numbers replication i of both scenarios shares its random
    streams, so the per-replication differences cancel most of the noise and the
    interval is much narrower than an unpaired one. Pairs are matched by index (``rep``);
    pairs where either value is NaN are dropped.

    Returns:
        ``{"mean", "lower", "upper", "n"}``.
    """
    if set(a.index) != set(b.index):
        raise ValueError("paired_difference: a and b must cover the same replications")
    return mean_with_ci(b - a)


def unpaired_difference(a: Any, b: Any) -> dict[str, float | int]:
    """Difference of means ``mean(b) - mean(a)`` with a 95% Welch interval.

    For independent samples; shown next to :func:`paired_difference` to make the gain
    from common random numbers visible. NaN interval if either side has fewer than 2.

    Returns:
        ``{"mean", "lower", "upper", "n"}`` where ``n`` is the smaller sample size.
    """
    x, y = _clean(a), _clean(b)
    n = int(min(x.size, y.size))
    mean = float(y.mean() - x.mean()) if n else math.nan
    if n < 2:
        return {"mean": mean, "lower": math.nan, "upper": math.nan, "n": n}
    vx, vy = x.var(ddof=1) / x.size, y.var(ddof=1) / y.size
    se = math.sqrt(vx + vy)
    df = (vx + vy) ** 2 / (vx**2 / (x.size - 1) + vy**2 / (y.size - 1)) if se else math.inf
    return _interval(mean, se, df, n)


# --- summary -------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Convert numpy scalars and NaN to JSON-friendly Python values (NaN -> None)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def summarise(runs: Columns, monthly: Columns, horizon: int) -> dict[str, Any]:
    """Headline figures of one scenario, as plain JSON-serialisable values.

    Everything the CLI and dashboard show as a summary is computed here so that the two
    agree. Undefined figures (no failures, no delivered hours) are ``None``. The tables are
    read as arrays (no pandas needed): the same numbers as :func:`survival_at`,
    :func:`breakeven_by` and :func:`declined_by_channel` give as tables.
    """
    months = summary_months(SUMMARY_MONTHS, horizon)
    n = _rows(runs)
    declined = {
        row["channel"]: {k: v for k, v in row.items() if k != "channel"}
        for row in _declined_rows(monthly)
    }
    summary = {
        "replications": n,
        "horizon": horizon,
        "survival": _proportion_records(months, _survival_counts(runs, months), n),
        "median_failure_month": median_failure_month(runs),
        "breakeven_by": _proportion_records(months, _breakeven_counts(runs, months), n),
        "share_months_not_covering_costs": share_of_months_not_covering_costs(monthly),
        "final_cash": final_cash_quantiles(runs),
        "continuity": mean_with_ci(runs["continuity"]),
        "carers_per_client": mean_with_ci(runs["carers_per_client"]),
        "cost_per_hour": ratio_with_ci(runs["costs"], runs["hours_delivered"]),
        "price_per_hour": ratio_with_ci(runs["income_earned"], runs["hours_delivered"]),
        "declined_by_channel": declined,
        "failure_causes": failure_causes(runs),
    }
    if "owner_hours" in runs:  # runs tables from simulations have it
        summary["owner_pay_per_hour"] = ratio_with_ci(runs["drawings"], runs["owner_hours"])
    return _plain(summary)
