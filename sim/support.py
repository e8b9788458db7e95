"""Start-up support a coordinator can offer (a grant, a loan, a coordinator period,
introductions to referrers): the plan with each kind, what each costs whoever funds it, and
the cost per extra business still trading at 3 years.

The cost of support is computed here because the monthly panel does not record it: a grant
is paid if the business is still trading in the grant's month; a coordinator or an
introduction costs its monthly rate for each supported month the business traded; a loan
costs the principal still owed when a business fails (the model's own loan balance in its
last month). Interest is the lender's return, not a cost.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.formatting import code_label
from sim.plan_figures import survival_month
from sim.report import pct, pounds
from sim.results import month_values, paired_difference, still_trading
from sim.scenario import Scenario

__all__ = [
    "BASE_NAME",
    "SUPPORT_KINDS",
    "SupportOptions",
    "support_cost",
    "support_table",
    "support_variants",
    "support_verdict",
]

SUPPORT_KINDS = ("grant", "loan", "coordinator", "introduction")


@dataclass(frozen=True)
class SupportOptions:
    """Sizes and unit costs of the kinds of start-up support a coordinator can offer.

    Defaults are assumptions (no published figure for a typical package was found); the unit
    costs are what the funder pays, per supported enterprise.
    """

    grant_amount: float = 3000.0  # £, assumption: small start-up grants of £500-5,000
    grant_month: int = 1
    loan_amount: float = 5000.0  # £, assumption
    loan_apr: float = 0.08  # as the scenarios' default loan rate (assumption)
    loan_term_months: int = 36  # as the scenarios' default loan term (assumption)
    coordinator_months: int = 12  # assumption: a year of coordinator support
    coordinator_extra_referrals: float = 0.2  # referrals/month, assumption
    coordinator_admin_hours_saved: float = 2.0  # h/week, assumption
    # £/month per enterprise, assumption: a coordinator at about £40,000 a year with on-costs
    # giving intensive support to ~20 start-ups at a time (Community Catalysts: one
    # coordinator supports up to ~200 enterprises, most of them lightly).
    coordinator_cost_per_month: float = 170.0
    introduction_months: int = 6  # assumption
    introduction_extra_referrals: float = 0.3  # professional referrals/month, assumption
    introduction_cost_per_month: float = 60.0  # £/month per enterprise, assumption

    def overrides(self, kind: str) -> dict[str, Any]:
        """Dotted overrides that give a plan this kind of support (replacing its own)."""
        if kind == "grant":
            return {
                "support.grant_amount": float(self.grant_amount),
                "support.grant_month": int(self.grant_month),
            }
        if kind == "loan":
            return {
                "support.loan_amount": float(self.loan_amount),
                "support.loan_month": 1,
                "support.loan_apr": float(self.loan_apr),
                "support.loan_term_months": int(self.loan_term_months),
            }
        if kind == "coordinator":
            return {
                "support.coordinator.start_month": 1,
                "support.coordinator.months": int(self.coordinator_months),
                "support.coordinator.extra_referrals_per_month": float(
                    self.coordinator_extra_referrals
                ),
                "support.coordinator.admin_hours_saved_per_week": float(
                    self.coordinator_admin_hours_saved
                ),
            }
        if kind == "introduction":
            return {
                "support.introduction.start_month": 1,
                "support.introduction.months": int(self.introduction_months),
                "support.introduction.extra_professional_referrals_per_month": float(
                    self.introduction_extra_referrals
                ),
            }
        raise ValueError(f"unknown kind of support {kind!r}; use one of {SUPPORT_KINDS}")

    def label(self, kind: str) -> str:
        """A short name that says how much support, e.g. 'Grant £3,000'."""
        if kind == "grant":
            return f"Grant {pounds(self.grant_amount, 0)}"
        if kind == "loan":
            return f"Loan {pounds(self.loan_amount, 0)} over {self.loan_term_months} months"
        if kind == "coordinator":
            return f"Coordinator for {self.coordinator_months} months"
        if kind == "introduction":
            return f"Introductions for {self.introduction_months} months"
        raise ValueError(f"unknown kind of support {kind!r}; use one of {SUPPORT_KINDS}")


BASE_NAME = "The plan as it is"


def support_variants(
    scenario: Scenario, kinds: Sequence[str], options: SupportOptions | None = None
) -> dict[str, Scenario]:
    """The plan without added support first, then one variant per kind of support.

    Each variant changes only that kind of support, so a comparison under common random
    numbers isolates its effect. The scenario is not changed.
    """
    options = options or SupportOptions()
    variants = {BASE_NAME: scenario}
    for kind in kinds:
        variants[options.label(kind)] = scenario.with_overrides(options.overrides(kind))
    return variants


def _last_months(runs: pd.DataFrame, horizon: int) -> np.ndarray:
    """Last month each replication traded (its failure month, else the horizon)."""
    fail = month_values(runs["failure_month"])
    failed = runs["failed"].astype(bool).to_numpy()
    return np.where(failed, fail, float(horizon))


def _months_supported(last: np.ndarray, start: int, months: int) -> np.ndarray:
    return np.clip(np.minimum(last, start + months - 1) - start + 1, 0, None)


def support_cost(
    scenario: Scenario, runs: pd.DataFrame, kind: str, options: SupportOptions | None = None
) -> np.ndarray:
    """What the funder pays for one kind of support in each replication (£).

    The support's sizes are the scenario's own (its grant, loan, coordinator and
    introduction settings); the unit costs of a coordinator and of introductions come from
    ``options``.
    """
    options = options or SupportOptions()
    horizon = scenario.run.months
    last = _last_months(runs, horizon)
    support = scenario.support
    if kind == "grant":
        reached = last >= support.grant_month
        return np.where(reached, support.grant_amount, 0.0)
    if kind == "loan":
        if support.loan_amount <= 0:
            return np.zeros(len(runs))
        owed = runs["loan_outstanding"].to_numpy(float)  # the model's balance at the end
        failed = runs["failed"].astype(bool).to_numpy()
        return np.where(failed, owed, 0.0)
    if kind == "coordinator":
        coord = support.coordinator
        months = _months_supported(last, coord.start_month, coord.months)
        return months * options.coordinator_cost_per_month
    if kind == "introduction":
        intro = support.introduction
        months = _months_supported(last, intro.start_month, intro.months)
        return months * options.introduction_cost_per_month
    raise ValueError(f"unknown kind of support {kind!r}; use one of {SUPPORT_KINDS}")


def support_table(
    names: Sequence[str],
    results: Sequence[Any],
    kinds: Sequence[str],
    options: SupportOptions | None = None,
) -> pd.DataFrame:
    """Each kind of support against the plan without it: extra businesses still trading at
    3 years (paired, 95% CI) and the funder's cost per extra business.

    Args:
        names: Names of the compared scenarios, the plan without support first.
        results: Their :class:`sim.experiment.Results`, same seed and replications.
        kinds: The kind of support of each later scenario (``len(names) - 1`` of them).

    Returns:
        One row per kind: ``support``, ``kind``, ``month``, ``survival_without``,
        ``survival_with``, ``extra_per_100`` with ``extra_lower``/``extra_upper`` (extra
        businesses trading per 100 supported), ``cost_per_business`` (mean £ per supported
        business), ``cost_per_extra`` with ``cost_per_extra_low``/``cost_per_extra_high``
        (None where support did not add survivors or the bound is unbounded).
    """
    options = options or SupportOptions()
    if len(kinds) != len(names) - 1:
        raise ValueError("support_table: one kind per scenario after the first")
    base = results[0]
    month = survival_month(base.horizon)
    base_alive = still_trading(base.runs, month)
    rows = []
    for name, res, kind in zip(names[1:], results[1:], kinds, strict=True):
        alive = still_trading(res.runs, month)
        diff = paired_difference(base_alive, alive)
        extra_cost = float(
            support_cost(res.scenario, res.runs, kind, options).mean()
            - support_cost(base.scenario, base.runs, kind, options).mean()
        )
        rows.append(
            {
                "support": name,
                "kind": kind,
                "month": month,
                "survival_without": float(base_alive.mean()),
                "survival_with": float(alive.mean()),
                "extra_per_100": 100 * diff["mean"],
                "extra_lower": 100 * diff["lower"],
                "extra_upper": 100 * diff["upper"],
                "cost_per_business": extra_cost,
                "cost_per_extra": _per_extra(extra_cost, diff["mean"]),
                # a larger effect means a lower cost per extra business, and vice versa
                "cost_per_extra_low": _per_extra(extra_cost, diff["upper"]),
                "cost_per_extra_high": _per_extra(extra_cost, diff["lower"]),
            }
        )
    return pd.DataFrame(rows)


def _per_extra(cost: float, extra_share: float) -> float | None:
    """Cost per extra surviving business; None when support adds none (or NaN)."""
    if extra_share is None or not math.isfinite(extra_share) or extra_share <= 0:
        return None
    return cost / extra_share


# --- the verdict ---------------------------------------------------------------------------


def _failures_by_cause(runs: pd.DataFrame, month: int) -> dict[str, int]:
    failed = runs["failed"].to_numpy(bool)
    when = runs["failure_month"].astype(float).to_numpy()
    causes = runs["failure_cause"].astype(str).to_numpy()[failed & (when <= month)]
    names, counts = np.unique(causes, return_counts=True)
    return {str(n): int(c) for n, c in zip(names, counts, strict=True)}


def _per_100(count: int, reps: int) -> str:
    return f"{100 * count / reps:.0f}"


def support_verdict(
    names: Sequence[str], results: Sequence[Any], table: pd.DataFrame
) -> tuple[str, str]:
    """Which kind of support keeps the most extra businesses trading, at what cost, and why
    (the failures it prevents, by cause, and the clients it brings), from the compared
    results and :func:`support_table`; a difference whose 95% CI includes 0 is called within
    the noise. Returns ``(headline, reason)``."""
    month = int(table["month"].iloc[0])
    reps = int(results[0].reps)
    noise = f"the noise of {reps:,} simulated futures"
    best_i = int(table["extra_per_100"].to_numpy().argmax())
    best = table.iloc[best_i]
    interval = f"95% CI {best['extra_lower']:+.1f} to {best['extra_upper']:+.1f}"
    without = pct(best["survival_without"])
    if best["extra_lower"] <= 0:
        headline = (
            f"No kind of support changes how many businesses are still trading at month "
            f"{month} beyond {noise}: the largest difference, with “{best['support']}”, is "
            f"{best['extra_per_100']:+.1f} per 100 supported ({interval}), from {without} "
            "without support."
        )
        return headline, ""
    cost = best["cost_per_extra"]
    headline = (
        f"“{best['support']}” keeps the most extra businesses trading at month {month}: "
        f"{best['extra_per_100']:+.1f} per 100 supported ({interval}), from {without} to "
        f"{pct(best['survival_with'])}"
        + (
            f", at {pounds(cost, 0)} per extra business still trading."
            if cost is not None and not pd.isna(cost)
            else "."
        )
    )
    others = [
        f"“{row['support']}” {row['extra_per_100']:+.1f}"
        + ("" if row["extra_lower"] > 0 else " (within the noise)")
        for i, row in table.iterrows()
        if i != best_i
    ]
    if others:
        headline += " Others, per 100: " + "; ".join(others) + "."
    helped = table[(table["extra_lower"] > 0) & table["cost_per_extra"].notna()]
    if len(helped) > 1:
        cheapest = helped.iloc[int(helped["cost_per_extra"].astype(float).to_numpy().argmin())]
        if cheapest["support"] != best["support"]:
            headline += (
                f" Of those that help beyond the noise, “{cheapest['support']}” costs least per "
                f"extra business: {pounds(cheapest['cost_per_extra'], 0)}."
            )
    base, chosen = results[0], results[1 + best_i]
    before = _failures_by_cause(base.runs, month)
    after = _failures_by_cause(chosen.runs, month)
    changes = []
    for cause in sorted(set(before) | set(after), key=lambda c: -before.get(c, 0)):
        b, a = before.get(cause, 0), after.get(cause, 0)
        if _per_100(b, reps) != _per_100(a, reps):  # a change that shows per 100
            changes.append(f"{code_label(cause)} {_per_100(b, reps)} → {_per_100(a, reps)} per 100")
    clients = paired_difference(
        base.monthly.groupby("rep")["clients"].mean(),
        chosen.monthly.groupby("rep")["clients"].mean(),
    )
    reason = (
        f"Why: failures by month {month} without and with it — "
        + ("; ".join(changes) if changes else "the same")
        + f"; clients on the books (each future's average over its months traded) change by "
        f"{clients['mean']:+.2f} (95% CI {clients['lower']:+.2f} to {clients['upper']:+.2f})."
    )
    if str(best["kind"]) in ("grant", "loan"):
        reason += (
            " A grant or a loan adds cash, not work: it carries a business through lean months."
        )
    else:
        reason += " This support adds referrals (and frees the owner's time), not cash."
    return headline, reason
