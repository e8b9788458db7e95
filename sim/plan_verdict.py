"""The Plan page's verdict: does this plan survive, and why — one or two plain sentences
generated from the replications, with their uncertainty.

The headline is the chance of still trading at 3 years (or the horizon) with its 95% CI, the
same entry the page's metrics show, and when the failures come (median failure month and the
quartiles). The reason is the mechanism the results show, not a canned story:

- most failures are insolvency in the first months: the start cash does not cover what goes
  out (start-up costs, the year's fees paid up front, overheads, pay, drawings) before
  clients' invoices are paid; the cash each failing future was short of at its lowest point
  says how much more start cash it needed just to get past that month;
- insolvency later, or the owner giving up: too little work for the margin per hour to cover
  the monthly costs (hours a week reached against needed, and the price that would cover
  costs at the load reached, from :func:`sim.breakeven.breakeven_facts`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.formatting import pct, pounds
from sim.report import EARLY_MONTHS, Verdict, _years, cause_words
from sim.results import month_quartiles

__all__ = ["EARLY_MONTHS", "early_cash", "failure_timing", "plan_verdict"]


def failure_timing(runs: pd.DataFrame) -> dict[str, Any] | None:
    """When the failing futures fail: count, share of all, quartiles of the failure month;
    None when none failed."""
    failed = runs["failed"].to_numpy(bool)
    if not failed.any():
        return None
    months = runs["failure_month"].astype(float).to_numpy()[failed]
    return {"n_failed": int(failed.sum()), "share": float(failed.mean()), **month_quartiles(months)}


def early_cash(results: Any, horizon: int = EARLY_MONTHS) -> dict[str, Any] | None:
    """What the futures that run out of cash by month ``horizon`` paid out and took in up to
    their failure, and how far their cash fell below the overdraft limit (medians over
    them; the shortfall also at its 90th percentile). None when none did."""
    runs = results.runs
    month = runs["failure_month"].astype(float).to_numpy()
    early = (
        runs["failed"].to_numpy(bool)
        & (runs["failure_cause"].astype(str).to_numpy() == "insolvency")
        & (month <= horizon)
    )
    if not early.any():
        return None
    reps = runs["rep"].to_numpy()[early]
    rows = results.monthly[results.monthly["rep"].isin(reps)]
    by_rep = rows.groupby("rep").agg(
        paid=("payments", "sum"),
        received=("receipts", "sum"),
        startup=("cost_startup", "sum"),
        lowest=("cash_close", "min"),
    )
    overdraft = float(results.scenario.business.overdraft)
    shortfall = -overdraft - by_rep["lowest"].to_numpy(float)
    return {
        "n": int(early.sum()),
        "timing": month_quartiles(month[early]),
        "start_cash": float(results.scenario.business.start_cash),
        "overdraft": overdraft,
        "paid": float(by_rep["paid"].median()),
        "received": float(by_rep["received"].median()),
        "startup": float(by_rep["startup"].median()),
        "lowest": float(by_rep["lowest"].median()),
        "shortfall": float(np.median(shortfall)),
        "shortfall_p90": float(np.quantile(shortfall, 0.9, method="inverted_cdf")),
    }


def _headline(entry: dict[str, Any], reps: int, horizon: int, timing: dict[str, Any] | None) -> str:
    at = _years(entry["month"])
    estimate, lower, upper = entry["estimate"], entry["lower"], entry["upper"]
    if lower >= 0.5:
        judged = "This plan survives in most simulated futures"
    elif upper < 0.5:
        judged = "This plan fails in most simulated futures"
    else:
        judged = "This plan is about as likely to fail as to survive"
    text = (
        f"{judged}: {pct(estimate)} (95% CI {pct(lower)} to {pct(upper)}) of {reps:,} are "
        f"still trading after {at}."
    )
    if timing is None:
        return text + f" None of them failed within {_years(horizon)}."
    failed = (
        f"{timing['n_failed']:,} that fail within {_years(horizon)} ({pct(timing['share'])} of all)"
    )
    if timing["q1"] == timing["q3"]:
        return text + f" The {failed} fail in month {timing['median']}."
    return text + (
        f" Of the {failed}, half fail by month {timing['median']}, the middle half between "
        f"months {timing['q1']} and {timing['q3']}."
    )


def _start_cash_reason(cash: dict[str, Any], failed: int) -> str:
    t = cash["timing"]
    when = (
        f"all in month {t['median']}"
        if t["q1"] == t["q3"]
        else f"half of them by month {t['median']}, the middle half in months {t['q1']} to "
        f"{t['q3']}"
    )
    share = cash["n"] / failed
    need = cash["start_cash"] + cash["shortfall"]
    need_p90 = cash["start_cash"] + cash["shortfall_p90"]
    limit = (
        "below zero (no overdraft)"
        if cash["overdraft"] == 0
        else f"below the overdraft limit of {pounds(cash['overdraft'], 0)}"
    )
    return (
        f"Why: {pct(share)} of the failures run out of cash within the first {EARLY_MONTHS} "
        f"months ({when}), before the business has had time to trade. The "
        f"{pounds(cash['start_cash'], 0)} start cash does not cover what goes out before "
        f"clients' invoices are paid: by then it has paid out "
        f"{pounds(cash['paid'], 0)} ({pounds(cash['startup'], 0)} of start-up costs; the rest "
        f"overheads, the year's fees paid up front, pay and the owner's drawings) and taken in "
        f"{pounds(cash['received'], 0)} (medians over these futures), so its cash falls "
        f"{limit}. It needs at least {pounds(cash['shortfall'], 0)} more start cash, "
        f"{pounds(need, 0)} in all, just to get past that point in half of these futures "
        f"({pounds(need_p90, 0)} in 9 in 10); the What must be true page's goal-seek on "
        "start-up cash finds the amount for a survival target."
    )


def _trade_reason(cause: str, share: float, facts: dict[str, Any] | None) -> str:
    text = f"Why: {pct(share)} of the failures are {cause_words(cause)}"
    if cause == "owner_illness" or not facts or facts.get("hours_per_week_reached") is None:
        return text + "."
    reached = facts["hours_per_week_reached"]
    needed = facts["hours_per_week_needed"]
    digits = 1 if needed is not None and round(reached) == round(needed) else 0
    if needed is None:
        return (
            text + f": each delivered hour costs more than it earns "
            f"({pounds(facts['price_per_hour'])} earned against "
            f"{pounds(facts['variable_cost_per_hour'])} of pay, on-costs and mileage), so no "
            "amount of work covers the monthly costs."
        )
    price = facts["price_needed_at_reached_load"]
    hours, need = f"{reached:.{digits}f}", f"{needed:.{digits}f}"
    if reached >= needed:
        return (
            text + f", although on average the business delivers {hours} hours a week, more "
            f"than the {need} it needs to cover its costs: the failures are the futures where "
            "work comes late or goes."
        )
    return (
        text + f": too little work. On average it delivers {hours} hours a week, against "
        f"{need} needed to cover {pounds(facts['fixed_costs_per_month'], 0)} a month of "
        f"overheads, fees and the owner's minimum drawings at "
        f"{pounds(facts['margin_per_hour'])} contribution per hour; at the load it reaches, the "
        f"price would need to be {pounds(price)} an hour (it earns "
        f"{pounds(facts['price_per_hour'])})."
    )


def plan_verdict(results: Any, summary: dict[str, Any], figures: dict[str, Any]) -> Verdict:
    """The verdict on a plan from its results, summary and
    :func:`sim.plan_figures.plan_figures` (whose survival entry at 3 years, or the last, it
    states, so it agrees with the page's metrics)."""
    survival = figures["survival"]
    entry = max((e for e in survival if e["month"] <= 36), key=lambda e: e["month"])
    timing = failure_timing(results.runs)
    headline = _headline(entry, figures["replications"], figures["horizon"], timing)
    found: dict[str, Any] = {"survival": entry, "timing": timing}
    if timing is None:
        return Verdict(headline, "", found)
    cash = early_cash(results)
    found["early_cash"] = cash
    if cash is not None and 2 * cash["n"] >= timing["n_failed"]:
        return Verdict(headline, _start_cash_reason(cash, timing["n_failed"]), found)
    cause = figures["cause"]
    reason = _trade_reason(cause["cause"], cause["share"], summary.get("breakeven_facts"))
    return Verdict(headline, reason, found)
