"""Figures the dashboard shows that are not plain statistics: plan headline figures, variants
of a plan with kinds of start-up support or council referral policies, and what each costs.

Everything here is a pure function of scenarios and :class:`sim.experiment.Results`, so the
dashboard only declares inputs and draws; the same numbers are available from Python.

Two pieces of arithmetic live here because the monthly panel does not record them directly:

- **the cost of support to whoever funds it.** A grant is paid if the business is still
  trading in the grant's month; a coordinator or an introduction costs its monthly rate for
  each supported month the business traded; a loan costs the principal still owed when a
  business fails (the model's own loan balance in its last month). Interest is the
  lender's return, not a cost.
- **what the council pays per delivered hour.** Income earned from council-funded clients
  (at the council rate in force, uplifts included) over the council-funded hours delivered,
  less bad debt. Missed hours are not paid for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.results import mean_with_ci, paired_difference, wilson_interval
from sim.scenario import Scenario

__all__ = [
    "COUNCIL_POLICY_KINDS",
    "HCA_MINIMUM_PRICE",
    "SUPPORT_KINDS",
    "CouncilPolicy",
    "SupportOptions",
    "council_policies",
    "council_summary",
    "median_breakeven_month",
    "plan_figures",
    "policy_table",
    "policy_variants",
    "support_cost",
    "support_table",
    "support_variants",
    "survival_month",
]

THREE_YEARS = 36
HCA_MINIMUM_PRICE = 32.14  # £/h, Homecare Association minimum price for homecare 2025-26

SUPPORT_KINDS = ("grant", "loan", "coordinator", "introduction")
SUPPORT_LABELS = {
    "grant": "Grant",
    "loan": "Loan",
    "coordinator": "Coordinator support",
    "introduction": "Introductions to referrers",
}


# --- plan headline figures -----------------------------------------------------------------


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
    months = pd.to_numeric(runs["breakeven_month"], errors="coerce").astype(float).to_numpy()
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
    wanted = []
    for month in (12, 36, 60):
        capped = min(month, horizon)
        if capped not in wanted:
            wanted.append(capped)
    fail = runs["failed"].astype(bool).to_numpy()
    fail_month = pd.to_numeric(runs["failure_month"], errors="coerce").astype(float).to_numpy()
    survival = []
    for month in wanted:
        alive = int(len(runs) - (fail & (fail_month <= month)).sum())
        lower, upper = wilson_interval(alive, len(runs))
        survival.append(
            {
                "month": month,
                "estimate": alive / len(runs) if len(runs) else None,
                "lower": float(lower),
                "upper": float(upper),
            }
        )
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


# --- start-up support ----------------------------------------------------------------------


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
            return f"Grant £{self.grant_amount:,.0f}"
        if kind == "loan":
            return f"Loan £{self.loan_amount:,.0f} over {self.loan_term_months} months"
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
    fail = pd.to_numeric(runs["failure_month"], errors="coerce").astype(float).to_numpy()
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


def _alive_at(runs: pd.DataFrame, month: int) -> pd.Series:
    fail = pd.to_numeric(runs["failure_month"], errors="coerce").astype(float).to_numpy()
    failed = runs["failed"].astype(bool).to_numpy()
    alive = ~(failed & (fail <= month))
    return pd.Series(alive.astype(float), index=runs["rep"].to_numpy())


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
    base_alive = _alive_at(base.runs, month)
    rows = []
    for name, res, kind in zip(names[1:], results[1:], kinds, strict=True):
        alive = _alive_at(res.runs, month)
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


# --- council referral policy ---------------------------------------------------------------


@dataclass(frozen=True)
class CouncilPolicy:
    """A named council referral policy: dotted overrides applied to the provider's scenario."""

    name: str
    overrides: dict[str, Any] = field(default_factory=dict)
    description: str = ""


COUNCIL_POLICY_KINDS = (
    "as_scenario",
    "closed_listed",
    "closed_tender",
    "open_equal",
    "open_first",
    "open_past",
    "open_rate",
    "open_fast_pay",
)


def council_policies(
    rate_per_hour: float = HCA_MINIMUM_PRICE, payment_days: float = 14.0
) -> dict[str, CouncilPolicy]:
    """The policies a commissioner can compare, by kind (see COUNCIL_POLICY_KINDS).

    Args:
        rate_per_hour: £/h the council pays under the 'higher rate' policy (default: the
            Homecare Association minimum price 2025-26).
        payment_days: Days from invoice to payment under the 'pay faster' policy.
    """
    open_framework = {"council.framework": "open"}
    return {
        "as_scenario": CouncilPolicy("As in the scenario", {}, "The provider's own settings."),
        "closed_listed": CouncilPolicy(
            "Closed framework, listed",
            {"council.framework": "closed", "council.on_framework_at_start": True},
            "On the list from the start; keeps its place only by winning each re-tender.",
        ),
        "closed_tender": CouncilPolicy(
            "Closed framework, must win a tender",
            {"council.framework": "closed", "council.on_framework_at_start": False},
            "Not listed until it wins a re-tender.",
        ),
        "open_equal": CouncilPolicy(
            "Open framework, equal share",
            {**open_framework, "council.allocation": "equal_share"},
            "Joins after the application delay; offers shared equally.",
        ),
        "open_first": CouncilPolicy(
            "Open framework, first to respond",
            {**open_framework, "council.allocation": "first_to_respond"},
            "Offers go to whoever answers first; the owner answers only in admin hours.",
        ),
        "open_past": CouncilPolicy(
            "Open framework, past performance",
            {**open_framework, "council.allocation": "past_performance"},
            "Offers weighted by continuity of care.",
        ),
        "open_rate": CouncilPolicy(
            f"Open framework, rate £{rate_per_hour:.2f}/h",
            {**open_framework, "council.rate_per_hour": float(rate_per_hour)},
            "Open framework with a different council hourly rate.",
        ),
        "open_fast_pay": CouncilPolicy(
            f"Open framework, paid in {payment_days:g} days",
            {**open_framework, "council.payment_lag_days": float(payment_days)},
            "Open framework with faster payment of invoices.",
        ),
    }


def policy_variants(
    scenario: Scenario,
    policies: Sequence[CouncilPolicy],
    area_referrals_per_month: float | None = None,
) -> dict[str, Scenario]:
    """The provider under each policy; ``area_referrals_per_month`` (if given) sets the
    council's referrals offered per month to listed providers in every variant."""
    common: dict[str, Any] = {}
    if area_referrals_per_month is not None:
        common["channels.local_authority.referrals_per_month"] = float(area_referrals_per_month)
    variants = {}
    for policy in policies:
        variants[policy.name] = scenario.with_overrides({**common, **policy.overrides})
    return variants


def council_summary(results: Any) -> dict[str, Any]:
    """What a commissioner looks at for one provider under one policy.

    Returns:
        ``survival`` (at 3 years capped at the horizon, with Wilson CI), ``continuity`` (mean
        with CI), ``council_share`` (council-funded share of client-months), ``la_referrals``
        and ``la_declined_share`` (council offers reaching the provider per replication and
        the pooled share declined), ``declined_per_rep`` (all channels), ``council_pays``
        (£ per delivered council-funded hour, None if there were none) and
        ``council_clients_displaced`` (council-funded clients per 100 providers whose
        provider failed under them).
    """
    scenario = results.scenario
    runs, monthly = results.runs, results.monthly
    month = survival_month(results.horizon)
    alive = _alive_at(runs, month)
    lower, upper = wilson_interval(alive.sum(), len(alive))
    la_clients = monthly["clients_local_authority"].to_numpy(float)
    clients = monthly["clients"].to_numpy(float)
    la_hours = float(monthly["hours_local_authority"].sum())
    council_pays = (
        float(monthly["income_local_authority"].sum())
        / la_hours
        * (1 - scenario.council.bad_debt_share)
        if la_hours > 0
        else None
    )
    offers = int(monthly["referrals_local_authority"].sum())
    declined = int(monthly["declined_local_authority"].sum())
    last = monthly.groupby("rep", sort=False).tail(1).set_index("rep")
    failed = runs.set_index("rep")["failed"].astype(bool)
    displaced = float(last["clients_local_authority"].where(failed, 0).sum()) / len(runs)
    return {
        "month": month,
        "survival": {
            "estimate": float(alive.mean()),
            "lower": float(lower),
            "upper": float(upper),
        },
        "continuity": mean_with_ci(runs["continuity"]),
        "council_share": float(la_clients.sum() / clients.sum()) if clients.sum() else None,
        "la_referrals": offers / len(runs),
        "la_declined_share": declined / offers if offers else None,
        "declined_per_rep": float(runs["declined"].mean()),
        "council_pays": council_pays,
        "council_clients_displaced": 100 * displaced,
    }


def policy_table(names: Sequence[str], results: Sequence[Any]) -> pd.DataFrame:
    """One row per policy with :func:`council_summary`'s figures, and the paired difference
    in survival against the first policy (95% CI)."""
    base_alive = _alive_at(results[0].runs, survival_month(results[0].horizon))
    rows = []
    for name, res in zip(names, results, strict=True):
        fig = council_summary(res)
        diff = paired_difference(base_alive, _alive_at(res.runs, fig["month"]))
        rows.append(
            {
                "policy": name,
                "month": fig["month"],
                "survival": fig["survival"]["estimate"],
                "survival_lower": fig["survival"]["lower"],
                "survival_upper": fig["survival"]["upper"],
                "survival_diff": diff["mean"],
                "survival_diff_lower": diff["lower"],
                "survival_diff_upper": diff["upper"],
                "continuity": fig["continuity"]["mean"],
                "council_share": fig["council_share"],
                "la_referrals": fig["la_referrals"],
                "la_declined_share": fig["la_declined_share"],
                "declined_per_rep": fig["declined_per_rep"],
                "council_pays": fig["council_pays"],
                "council_clients_displaced": fig["council_clients_displaced"],
            }
        )
    return pd.DataFrame(rows)
