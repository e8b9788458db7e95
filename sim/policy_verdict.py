"""The Referral policy page's verdict: which council policy keeps the most providers trading,
which the fewest, and why, in a few plain sentences.

Every figure comes from the compared results (the first policy is the reference), and the
mechanism named is the one the results show, not a canned story: a working-capital squeeze
(failures mostly insolvency while money owed to the business piles up behind the council's
payment terms), the owner giving up for want of work, or the owner turning work down. So the
words stay right when the model's numbers move. Mechanism figures are taken over the months
up to the month survival is compared at, since they explain survival at that month.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim.council import policy_table
from sim.report import Verdict, cause_words, pct, points, pounds, signed_points
from sim.results import (
    failure_causes,
    mean_with_ci,
    month_quartiles,
    paired_difference,
    still_trading,
)
from sim.scenario import Scenario

__all__ = [
    "REFUSAL_WORDS",
    "PolicyEvidence",
    "days_to_invoice",
    "policy_evidence",
    "policy_verdict",
]

#: Why the owner turned work down (the record's ``refused_<reason>`` columns), in words; the
#: cash reason names the owner's weeks of cover.
REFUSAL_WORDS = {
    "price": "priced below the owner's minimum",
    "reserve": "to keep hours free for self-funders",
    "council_share": "as council work had reached its largest share of the hours",
    "target": "as the business was at its target size",
    "cash": "without the cash for {weeks:g} weeks of wages",
}

#: How the council's invoices go out, in words.
CYCLE_WORDS = {
    "weekly": "every week",
    "four_weekly": "every 4 weeks",
    "monthly": "every month",
}


def days_to_invoice(cycle: str) -> float:
    """Average days from an hour of care to the invoice that bills it: half a billing period,
    as care is delivered evenly and billed in arrears at the end of each period."""
    period = {"weekly": 7.0, "four_weekly": 28.0, "monthly": 365.25 / 12}[cycle]
    return period / 2


@dataclass(frozen=True)
class PolicyEvidence:
    """What the results of one policy show about why its providers fail, up to ``month``.

    Means over replications come as ``{"mean", "lower", "upper", "n"}`` (95% t interval).
    """

    name: str
    month: int
    reps: int
    failures: int  # replications that failed by ``month``
    causes: dict[str, int]  # failures by cause, most common first
    failure_months: dict[str, dict[str, int]]  # cause -> quartiles of its failure months
    peak_owed: dict[str, float | int]  # £ owed to the business at its highest, per provider
    peak_council_clients: dict[str, float | int]  # council-funded clients at their most
    clients: dict[str, float | int]  # clients on the books, mean over months traded
    refused: dict[str, float | int]  # offers the owner turned down, per provider
    refused_reasons: dict[str, int]  # of those, by reason (pooled), most common first
    decides: bool  # the owner applies their rules (policy.decides)
    cash_cover_weeks: float  # weeks of wages the owner wants in cash before a new client
    council_on: bool  # the provider can get council work at all
    lag_days: float  # mean days from a council invoice to its payment
    cycle: str  # how often the council is invoiced
    start_cash: float  # £ the business started with
    per_rep: dict[str, pd.Series] = field(repr=False, default_factory=dict)  # by ``rep``


def _up_to(results: Any, month: int) -> pd.DataFrame:
    monthly = results.monthly
    return monthly[monthly["month"] <= month]


def _per_rep(rows: pd.DataFrame, column: str, how: str, reps: pd.Index) -> pd.Series:
    """One value per replication (``max``, ``sum`` or ``mean`` of its months), every rep."""
    values = rows.groupby("rep", sort=True)[column].agg(how).astype(float)
    return values.reindex(reps, fill_value=0.0)


def policy_evidence(name: str, results: Any, month: int) -> PolicyEvidence:
    """The mechanism figures of one policy's results, up to ``month``."""
    scenario: Scenario = results.scenario
    runs = results.runs
    reps = pd.Index(runs["rep"].to_numpy(), name="rep")
    failure_month = runs["failure_month"].astype(float).to_numpy()
    failed_by = runs["failed"].to_numpy(bool) & (failure_month <= month)
    failed_runs = runs[failed_by]
    causes = failure_causes(failed_runs) if len(failed_runs) else {"counts": {}}
    by_cause = failed_runs["failure_cause"].astype(str).to_numpy()
    months = failure_month[failed_by]
    rows = _up_to(results, month)
    refused_columns = [c for c in rows.columns if c.startswith("refused_")]
    per_rep = {
        "peak_owed": _per_rep(rows, "owed_to_business", "max", reps),
        "peak_council_clients": _per_rep(rows, "clients_local_authority", "max", reps),
        "clients": _per_rep(rows, "clients", "mean", reps),
        "refused": rows[["rep", *refused_columns]]
        .groupby("rep", sort=True)
        .sum()
        .sum(axis=1)
        .astype(float)
        .reindex(reps, fill_value=0.0),
    }
    reasons = {c.removeprefix("refused_"): int(rows[c].sum()) for c in refused_columns}
    council = scenario.council
    return PolicyEvidence(
        name=name,
        month=month,
        reps=len(runs),
        failures=int(failed_by.sum()),
        causes=dict(causes["counts"]),
        failure_months={c: month_quartiles(months[by_cause == c]) for c in causes["counts"]},
        peak_owed=mean_with_ci(per_rep["peak_owed"]),
        peak_council_clients=mean_with_ci(per_rep["peak_council_clients"]),
        clients=mean_with_ci(per_rep["clients"]),
        refused=mean_with_ci(per_rep["refused"]),
        refused_reasons=dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        decides=scenario.policy.decides,
        cash_cover_weeks=scenario.policy.cash_cover_weeks,
        council_on=council.framework != "none",
        lag_days=float(council.payment_lag_days.mean),
        cycle=council.invoice_cycle,
        start_cash=scenario.business.start_cash,
        per_rep=per_rep,
    )


# --- words ---------------------------------------------------------------------------------


def _q(name: str) -> str:
    """A policy's name in a sentence: quoted, as names hold commas."""
    return f"“{name}”"


def _survival(row: pd.Series) -> str:
    return (
        f"{pct(row['survival'])} (95% CI {pct(row['survival_lower'])} to "
        f"{pct(row['survival_upper'])})"
    )


def _significant(diff: dict[str, Any]) -> bool:
    """The 95% CI excludes 0 (a degenerate interval of an exact 0 does not)."""
    return bool(diff["lower"] > 0 or diff["upper"] < 0)


def _interval_points(diff: dict[str, Any]) -> str:
    return f"95% CI {signed_points(diff['lower'])} to {signed_points(diff['upper'])}"


def _against_reference(diff: dict[str, Any], reference: str, noise: str) -> str:
    """', 7 percentage points more than the reference, X (95% CI +3 to +11)' or the same
    saying it is within the noise."""
    more = "more" if diff["mean"] > 0 else "fewer"
    if round(100 * diff["mean"]) == 0:
        size = "the same share as"
    else:
        size = f"{points(diff['mean'])} {more} than"
    text = f", {size} the reference, {reference} ({_interval_points(diff)})"
    if not _significant(diff):
        text += f", a difference within {noise}"
    return text


Format = str | Callable[[float], str]  # a format string for one number, or a function


def _number(value: float, fmt: Format) -> str:
    return fmt(value) if callable(fmt) else fmt.format(value)


def _one(value: dict[str, Any], fmt: Format = "{:.1f}") -> str:
    return _number(value["mean"], fmt)


def _with_ci(value: dict[str, Any], fmt: Format = "{:.1f}") -> str:
    """'7.4 (95% CI 6.9 to 7.9)': a mean over replications with its interval."""
    if value["lower"] != value["lower"]:  # NaN: too few replications for an interval
        return _one(value, fmt)
    return (
        f"{_one(value, fmt)} (95% CI {_number(value['lower'], fmt)} to "
        f"{_number(value['upper'], fmt)})"
    )


def _money(value: dict[str, Any]) -> str:
    return _with_ci(value, lambda v: pounds(v, 0))


def _cause_share(ev: PolicyEvidence, cause: str) -> str:
    share = ev.causes[cause] / ev.failures
    return (
        f"under {_q(ev.name)}, {pct(share)} of the {ev.failures:,} failures by month {ev.month} "
        f"(of {ev.reps:,} simulated futures) are {cause_words(cause)}"
    )


def _when(ev: PolicyEvidence, cause: str, what: str) -> str:
    q = ev.failure_months[cause]
    if ev.causes[cause] == 1:
        return f"{what} in month {q['median']}."
    if q["q1"] == q["q3"]:
        return f"{what} mostly in month {q['median']}."
    return (
        f"{what} mostly in months {q['q1']} to {q['q3']} (the middle half of these failures; "
        f"half by month {q['median']})."
    )


def _terms(ev: PolicyEvidence) -> str:
    return (
        f"the council is invoiced {CYCLE_WORDS[ev.cycle]} in arrears and pays on average "
        f"{ev.lag_days:.0f} days after each invoice, about "
        f"{ev.lag_days + days_to_invoice(ev.cycle):.0f} days after the care is delivered"
    )


def _clients_compared(low: PolicyEvidence, high: PolicyEvidence) -> str:
    return (
        f"{_with_ci(low.clients)} clients on the books on average (each future's mean over "
        f"its months traded) against {_one(high.clients)} under {_q(high.name)}"
    )


def _squeeze(low: PolicyEvidence, high: PolicyEvidence) -> str:
    grows = (
        "grows with its council clients"
        if low.peak_council_clients["mean"] > high.peak_council_clients["mean"]
        else "builds up while invoices wait"
    )
    beyond = (
        f", more than the {pounds(low.start_cash, 0)} it started with"
        if low.peak_owed["lower"] > low.start_cash
        else ""
    )
    if not high.council_on:
        other = (
            f"{pounds(high.peak_owed['mean'], 0)} under {_q(high.name)}, which takes no "
            "council work"
        )
    else:
        other = (
            f"{pounds(high.peak_owed['mean'], 0)} and {_one(high.peak_council_clients)} under "
            f"{_q(high.name)}"
        )
        if (high.lag_days, high.cycle) != (low.lag_days, low.cycle):
            other += f", where {_terms(high)}"
    return (
        f"{_cause_share(low, 'insolvency')}: a working-capital squeeze. Cash is tied up in "
        f"council invoices: {_terms(low)}, while wages are paid every month, so the money owed "
        f"to the business {grows}. At its peak it averages {_money(low.peak_owed)} per "
        f"provider{beyond}, with at most {_with_ci(low.peak_council_clients)} council-funded "
        f"clients (averages over the simulated futures), against {other}. "
        + _when(low, "insolvency", "Cash runs out")
    )


def _short_of_work(low: PolicyEvidence, high: PolicyEvidence, cause: str) -> str:
    fewer = paired_difference(high.per_rep["clients"], low.per_rep["clients"])
    reason = ""
    if fewer["upper"] < 0:
        reason = (
            ": too little work"
            if cause == "owner_exit"
            else ": too few clients for income to cover wages, overheads and the owner's "
            "minimum drawings"
        )
    what = "The owner gives up" if cause == "owner_exit" else "Cash runs out"
    return f"{_cause_share(low, cause)}{reason}, with {_clients_compared(low, high)}. " + _when(
        low, cause, what
    )


def _refusals(ev: PolicyEvidence) -> str:
    total = sum(ev.refused_reasons.values())
    parts = []
    for reason, count in ev.refused_reasons.items():
        share = count / total
        if count and round(100 * share) > 0:
            words = REFUSAL_WORDS.get(reason, reason.replace("_", " "))
            parts.append(f"{pct(share)} {words.format(weeks=ev.cash_cover_weeks)}")
    return (
        f"Under {_q(ev.name)} the owner turns work down by their rules: on average "
        f"{_with_ci(ev.refused, '{:,.0f}')} offers per provider by month {ev.month}, "
        + ", ".join(parts)
        + f"; the money owed to the business peaks at {_money(ev.peak_owed)} on average."
    )


def _mechanism(low: PolicyEvidence, high: PolicyEvidence) -> str:
    """Why ``low`` keeps fewer providers trading than ``high``, from what the results show."""
    if not low.failures:
        return ""
    cause = next(iter(low.causes))  # most common (ties alphabetical)
    owed_more = paired_difference(high.per_rep["peak_owed"], low.per_rep["peak_owed"])
    tied_up = owed_more["lower"] > 0 or low.peak_owed["lower"] > low.start_cash
    if cause == "insolvency" and low.council_on and tied_up:
        text = _squeeze(low, high)
    elif cause in ("insolvency", "owner_exit"):
        text = _short_of_work(low, high, cause)
    else:
        text = f"{_cause_share(low, cause)}."
    busier = max((low, high), key=lambda ev: ev.peak_council_clients["mean"])
    if busier.decides and busier.council_on and busier.refused["mean"] > 0:
        text += " " + _refusals(busier)
    return text


def policy_verdict(
    names: Sequence[str], results: Sequence[Any], table: pd.DataFrame | None = None
) -> Verdict:
    """The verdict on compared council policies (the first is the reference).

    Args:
        names: The policies' names, as in the comparison.
        results: Their results, run on common random numbers.
        table: :func:`sim.council.policy_table` of the same, if already computed.
    """
    table = policy_table(names, results) if table is None else table
    month = int(table["month"].iloc[0])
    reps = results[0].reps
    noise = f"the noise of {reps:,} simulated futures"
    alive = [still_trading(r.runs, month) for r in results]
    high = int(table["survival"].to_numpy().argmax())
    low = int(table["survival"].to_numpy().argmin())
    label = [_q(name) for name in names]
    reference = label[0]
    figures: dict[str, Any] = {"month": month, "highest": names[high], "lowest": names[low]}
    if len(names) == 1:
        return Verdict(
            f"Under {label[0]}, {_survival(table.iloc[0])} of providers are still trading at "
            f"month {month}.",
            "Choose at least two policies to compare.",
            figures,
        )
    if high == low:  # argmax and argmin are both the first when all are equal
        return Verdict(
            f"At month {month} every policy keeps the same share of providers trading: "
            f"{_survival(table.iloc[0])}.",
            f"No policy changes survival beyond {noise}.",
            figures,
        )

    def clause(i: int, most: str) -> str:
        row = table.iloc[i]
        who = f"the reference, {label[i]}," if i == 0 else f"{label[i]}"
        text = f"{who} keeps the {most} providers trading: {_survival(row)}"
        if i:
            diff = {
                "mean": row["survival_diff"],
                "lower": row["survival_diff_lower"],
                "upper": row["survival_diff_upper"],
            }
            text += _against_reference(diff, reference, noise)
        return text

    second = clause(low, "fewest")
    headline = f"At month {month}, {clause(high, 'most')}. {second[:1].upper()}{second[1:]}."
    gap = paired_difference(alive[low], alive[high])
    figures["gap"] = gap
    gap_words = (
        f" ({points(gap['mean'])}, {_interval_points(gap)})" if high and low else ""
    )  # when one is the reference, the headline has said it
    if not _significant(gap):
        reason = f"No policy changes survival beyond {noise}"
        reason += (
            f": {label[high]} and {label[low]} differ by {points(gap['mean'])} "
            f"({_interval_points(gap)})."
            if high and low
            else "."
        )
        return Verdict(headline, reason, figures)
    evidence = [policy_evidence(names[i], results[i], month) for i in (low, high)]
    figures["evidence"] = evidence
    mechanism = _mechanism(*evidence)
    reason = f"Why {label[low]} keeps fewer trading than {label[high]}{gap_words}: " + mechanism
    return Verdict(headline, reason if mechanism else "", figures)
