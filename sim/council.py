"""Council referral policies a commissioner can compare (closed or open framework, allocation
rule, council rate, payment terms): the provider under each, and what the council looks at.

What the council pays per delivered hour is computed here because the monthly panel does not
record it: income earned from council-funded clients (at the council rate in force, uplifts
included) over the council-funded hours delivered, less bad debt. Missed hours are not paid
for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim.plan_figures import survival_month
from sim.report import pounds
from sim.results import mean_with_ci, paired_difference, still_trading, wilson_interval
from sim.scenario import Scenario

__all__ = [
    "COUNCIL_POLICY_KINDS",
    "HCA_MINIMUM_PRICE",
    "CouncilPolicy",
    "council_policies",
    "council_summary",
    "policy_table",
    "policy_variants",
]

HCA_MINIMUM_PRICE = 32.14  # £/h, Homecare Association minimum price for homecare 2025-26


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
            f"Open framework, rate {pounds(rate_per_hour)}/h",
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
        ``survival`` (at 3 years capped at the horizon, with Wilson CI), ``continuity`` and
        ``carers_per_client`` (means with CI), ``council_share`` (council-funded share of
        client-months), ``la_referrals`` and ``la_declined_share`` (council offers reaching the
        provider per replication and the pooled share declined), ``declined_per_rep`` (all
        channels), ``council_pays`` (£ per delivered council-funded hour, None if there were none)
        and ``council_clients_displaced`` (council-funded clients per 100 providers whose provider
        failed under them).
    """
    scenario = results.scenario
    runs, monthly = results.runs, results.monthly
    month = survival_month(results.horizon)
    alive = still_trading(runs, month)
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
        "carers_per_client": mean_with_ci(runs["carers_per_client"]),
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
    base_alive = still_trading(results[0].runs, survival_month(results[0].horizon))
    rows = []
    for name, res in zip(names, results, strict=True):
        fig = council_summary(res)
        diff = paired_difference(base_alive, still_trading(res.runs, fig["month"]))
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
                "carers_per_client": fig["carers_per_client"]["mean"],
                "council_share": fig["council_share"],
                "la_referrals": fig["la_referrals"],
                "la_declined_share": fig["la_declined_share"],
                "declined_per_rep": fig["declined_per_rep"],
                "council_pays": fig["council_pays"],
                "council_clients_displaced": fig["council_clients_displaced"],
            }
        )
    return pd.DataFrame(rows)
