"""Words for numbers: the summary of a set of replications as labelled rows and sentences.

Shared by the command line and the dashboard so both say the same thing the same way.
"""

from __future__ import annotations

from typing import Any


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def money(value: float | None) -> str:
    if value is None:
        return "n/a"
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.0f}"


def _interval(entry: dict[str, Any], fmt=pct) -> str:  # noqa: ANN001 - a formatter
    estimate = entry.get("estimate", entry.get("mean"))
    lower, upper = entry.get("lower"), entry.get("upper")
    if lower is None or upper is None:
        return fmt(estimate)
    return f"{fmt(estimate)}  ({fmt(lower)} to {fmt(upper)})"


def _years(month: int) -> str:
    return (
        f"{month // 12} year{'s' if month != 12 else ''}"
        if month % 12 == 0
        else (f"{month} months")
    )


def summary_rows(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) rows of a summary from :func:`sim.results.summarise`, with 95% CIs."""
    rows: list[tuple[str, str]] = []
    for entry in summary["survival"]:
        rows.append((f"Still trading after {_years(entry['month'])}", _interval(entry)))
    failure = summary["median_failure_month"]
    rows.append(
        (
            "Median month of failure (among failures)",
            "none failed"
            if failure["median"] is None
            else f"month {failure['median']:g} "
            f"({failure['n_failed']} of {summary['replications']})",
        )
    )
    causes = summary["failure_causes"]
    if causes["most_common"]:
        shares = ", ".join(f"{c.replace('_', ' ')} {pct(s)}" for c, s in causes["shares"].items())
        rows.append(("Causes of failure", shares))
    for entry in summary["breakeven_by"]:
        rows.append((f"Covering its costs by month {entry['month']}", _interval(entry)))
    rows.append(("Months not covering costs", pct(summary["share_months_not_covering_costs"])))
    cash = summary["final_cash"]
    rows.append(
        (
            "Cash at the end (P10 / P50 / P90)",
            f"{money(cash['p10'])} / {money(cash['p50'])} / {money(cash['p90'])}",
        )
    )
    rows.append(("Continuity of care (hours by regular carer)", _interval(summary["continuity"])))
    rows.append(("Cost per delivered hour", _interval(summary["cost_per_hour"], _pounds)))
    rows.append(("Income per delivered hour", _interval(summary["price_per_hour"], _pounds)))
    for channel, entry in summary["declined_by_channel"].items():
        if entry["referrals"]:
            rows.append(
                (
                    f"Referrals declined: {channel.replace('_', ' ')}",
                    f"{pct(entry['share_declined'])} of {entry['referrals']:,}",
                )
            )
    return rows


def _pounds(value: float | None) -> str:
    return "n/a" if value is None else f"£{value:,.2f}"


def headline(summary: dict[str, Any]) -> str:
    """One plain sentence on survival, using the longest summary month up to 3 years."""
    entries = summary["survival"]
    choice = max(
        (e for e in entries if e["month"] <= 36), key=lambda e: e["month"], default=entries[-1]
    )
    return (
        f"The chance this business is still trading after {_years(choice['month'])} is "
        f"{pct(choice['estimate'])} (95% CI {pct(choice['lower'])} to {pct(choice['upper'])}), "
        f"from {summary['replications']:,} simulated futures."
    )
