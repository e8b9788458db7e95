"""Words for numbers: the summary of a set of replications as labelled rows and sentences.

Shared by the command line and the dashboard so both say the same thing the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Verdict:
    """A page's verdict: ``headline`` (the answer to the page's question) and ``reason`` (the
    mechanism behind it; empty when there is none to give), with the ``figures`` they state."""

    headline: str
    reason: str
    figures: dict[str, Any]

    @property
    def text(self) -> str:
        return f"{self.headline} {self.reason}".strip()


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def number(value: float | None) -> str:
    """A figure to two decimals; 'n/a' for None or NaN."""
    return "n/a" if value is None or value != value else f"{value:.2f}"


def pounds(value: float | None, decimals: int = 2) -> str:
    """An amount of money as text, e.g. '-£1,234.50'; 'n/a' for None or NaN."""
    if value is None or value != value:
        return "n/a"
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.{decimals}f}"


def _interval(entry: dict[str, Any], fmt: Callable[[float | None], str] = pct) -> str:
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
            f"{pounds(cash['p10'], 0)} / {pounds(cash['p50'], 0)} / {pounds(cash['p90'], 0)}",
        )
    )
    rows.append(
        ("Continuity of care (hours by a settled regular carer)", _interval(summary["continuity"]))
    )
    if "carers_per_client" in summary:
        rows.append(
            (
                "Carers per client (different people a month)",
                _interval(summary["carers_per_client"], number),
            )
        )
    if "owner_pay_per_hour" in summary:
        rows.append(
            (
                "Owner's drawings per hour they work (care and admin)",
                _interval(summary["owner_pay_per_hour"], pounds),
            )
        )
    rows.append(("Cost per delivered hour", _interval(summary["cost_per_hour"], pounds)))
    rows.append(("Income per delivered hour", _interval(summary["price_per_hour"], pounds)))
    rows += breakeven_rows(summary.get("breakeven_facts"))
    for channel, entry in summary["declined_by_channel"].items():
        if entry["referrals"]:
            rows.append(
                (
                    f"Referrals declined: {channel.replace('_', ' ')}",
                    f"{pct(entry['share_declined'])} of {entry['referrals']:,}",
                )
            )
    return rows


def breakeven_rows(facts: dict[str, Any] | None) -> list[tuple[str, str]]:
    """What a month needs to cover its costs, next to what the runs reached."""
    if not facts or facts.get("price_per_hour") is None:
        return []
    rows = [
        (
            "Costs to cover each month (overheads, fees, owner's minimum)",
            pounds(facts["fixed_costs_per_month"], 0),
        ),
        (
            "Contribution per delivered hour (income less pay, on-costs, mileage; pooled)",
            f"{pounds(facts['price_per_hour'])} - {pounds(facts['variable_cost_per_hour'])} = "
            f"{pounds(facts['margin_per_hour'])}",
        ),
    ]
    if facts["hours_per_week_needed"] is None:
        rows.append(("Hours a week to cover costs", "none: each hour costs more than it earns"))
    else:
        clients = facts["clients_needed"]
        rows.append(
            (
                "Needed to cover costs: hours a week (clients)",
                f"{facts['hours_per_week_needed']:.0f} h"
                + (f" ({clients:.1f} clients)" if clients is not None else ""),
            )
        )
    rows.append(
        (
            "Reached on average: hours a week (clients)",
            f"{facts['hours_per_week_reached']:.0f} h ({facts['clients_reached']:.1f} clients)",
        )
    )
    rows.append(
        (
            "Price per hour that covers costs at that load",
            pounds(facts["price_needed_at_reached_load"]),
        )
    )
    return rows


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


# --- a paragraph for the dashboard's Plan page ---------------------------------------------

CAUSE_WORDS = {
    "insolvency": "running out of cash (insolvency)",
    "owner_exit": "the owner giving up after too many months without their minimum drawings",
    "owner_illness": "the owner not coming back from a long illness",
}
HIGH_DECLINE_SHARE = 0.2  # above this share of referrals declined, capacity is named as a risk
#: Failures up to this month count as early: before a start-up has had time to find clients,
#: so what fails it is the cash it started with, not its trade.
EARLY_MONTHS = 6


def cause_words(cause: str | None) -> str:
    """A failure cause in plain words."""
    if cause is None:
        return "none"
    return CAUSE_WORDS.get(cause, cause.replace("_", " "))


def _when(month: float) -> str:
    if month <= 12:
        return "in the first year"
    if month <= 24:
        return "in the second year"
    return f"around month {month:.0f}"


def _declined_share(summary: dict[str, Any]) -> float | None:
    entries = summary["declined_by_channel"].values()
    referrals = sum(e["referrals"] for e in entries)
    declined = sum(e["declined"] for e in entries)
    return declined / referrals if referrals else None


def main_risk(summary: dict[str, Any], figures: dict[str, Any]) -> str:
    """One sentence naming the main risk to the business, from the summary and
    :func:`sim.plan_figures.plan_figures`."""
    final = figures["survival"][-1]
    cause = figures["cause"]
    failure = summary["median_failure_month"]
    if cause is None or final["estimate"] >= 0.95:
        declined = _declined_share(summary)
        if declined is not None and declined > HIGH_DECLINE_SHARE:
            return (
                f"The main risk is not failure but lost business: {pct(declined)} of referrals "
                "are turned away for lack of capacity."
            )
        if cause is None:
            return "No simulated future failed: the main risk is that the assumptions are wrong."
        return f"Failure is rare; when it happens it is mostly {cause_words(cause['cause'])}."
    when = _when(failure["median"]) if failure["median"] is not None else ""
    text = f"The main risk is {cause_words(cause['cause'])}"
    if when:
        text += f", mostly {when}"
    early = failure["median"] is not None and failure["median"] <= EARLY_MONTHS
    if cause["cause"] == "insolvency" and early:
        text += ", before the business has had time to trade: the start cash runs out first"
    elif cause["cause"] == "insolvency":
        text += ", while there are too few clients for income to cover wages, overheads and "
        text += "the owner's minimum drawings"
    text += f" ({pct(cause['share'])} of failures)."
    return text


def plan_paragraph(summary: dict[str, Any], figures: dict[str, Any], name: str = "") -> str:
    """What the numbers mean, in a few plain sentences that end with the main risk.

    Args:
        summary: From :meth:`sim.experiment.Results.summary`.
        figures: From :func:`sim.plan_figures.plan_figures`.
        name: The business's name, if it should be mentioned.
    """
    survival = figures["survival"]
    first, last = survival[0], survival[-1]
    who = f"“{name}”" if name else "this business"
    parts = [
        f"In {summary['replications']:,} simulated futures of {who}, {pct(first['estimate'])} "
        f"are still trading after {_years(first['month'])}"
        + (
            f" and {pct(last['estimate'])} after {_years(last['month'])}."
            if last is not first
            else "."
        )
    ]
    breakeven = figures["breakeven"]
    if breakeven["median"] is not None:
        parts.append(
            f"In half of them the business covers its costs from month "
            f"{breakeven['median']:.0f} on; {pct(breakeven['share'])} get there at some point."
        )
    else:
        parts.append(
            "Fewer than half of them ever settle into covering their costs "
            f"({pct(breakeven['share'])} do)."
        )
    cost, price = figures["cost_per_hour"]["mean"], figures["price_per_hour"]["mean"]
    if cost is not None and price is not None:
        relation = "more than" if cost > price else "less than"
        parts.append(
            f"Pooled over all the futures, a delivered hour costs {pounds(cost)} (including "
            f"the owner's minimum drawings), {relation} the {pounds(price)} it earns."
        )
    parts.append(main_risk(summary, figures))
    return " ".join(parts)


def _points_number(diff: float) -> float | int:
    """Percentage points to a whole number, or to one decimal when under a half but not 0
    (so a small difference whose interval excludes 0 is not written as 0)."""
    value = 100 * diff
    return round(value, 1) if 0 < abs(value) < 0.5 else round(value)


def points(diff: float) -> str:
    """A difference of two shares in words, without its sign: '7 percentage points'."""
    n = abs(_points_number(diff))
    return f"{n:g} percentage point{'s' if n != 1 else ''}"


def signed_points(diff: float) -> str:
    """A difference of two shares in percentage points with its sign: '+7', '-0.3', '0'."""
    n = _points_number(diff)
    return f"{n:+g}" if n else "0"
