"""Widgets and tables of the Referral policy page."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import state as S
from dashboard import ui
from dashboard.ui import pct
from sim import council, policy_verdict
from sim.report import pounds
from sim.scenario import SCENARIO_DIR, Scenario, loads_scenario

PLAN_CHOICE = "(the plan from the Plan page)"
DEFAULT_PROVIDER = "home_care_open_framework.toml"
DEFAULT_POLICIES = ("closed_listed", "open_equal", "open_first", "open_rate")
DEFAULT_AREA_REFERRALS = 20.0  # as scenarios/home_care_open_framework.toml (an assumption)


def provider() -> Scenario:
    """The provider whose survival the policies are compared on."""
    files = S.scenario_files()
    options = [*files, PLAN_CHOICE]
    default = options.index(DEFAULT_PROVIDER) if DEFAULT_PROVIDER in options else 0
    choice = st.selectbox(
        "Provider",
        options,
        index=default,
        format_func=lambda c: (
            "The plan from the Plan page" if c == PLAN_CHOICE else S.scenario_title(c)
        ),
        key="policy.provider",
        persist_state="session",
        help="A ready-made provider, or the plan as edited on the Plan page.",
    )
    if choice == PLAN_CHOICE:
        scenario, note = S.plan_for_comparison(st.session_state)
        if note:
            st.warning(note)
        return scenario
    return loads_scenario((SCENARIO_DIR / choice).read_text(encoding="utf-8"), source=choice)


def policy_inputs(scenario: Scenario) -> tuple[list[council.CouncilPolicy], float]:
    """Which policies to compare, the council's rate and payment terms under the 'higher
    rate' and 'pay faster' policies, and the council referrals on offer in the area."""
    area_default = scenario.channels.local_authority.referrals_per_month or DEFAULT_AREA_REFERRALS
    a, b, c = st.columns(3)
    with a:
        area = ui.checked_number(
            "Council referrals in the area (per month)",
            "policy.area_referrals",
            low=0.0,
            value=float(area_default),
            step=1.0,
            persist_state="session",
            help="Offers of council-funded packages a month, shared among the providers on "
            "the list by the allocation rule. Default: the provider's own setting, else 20 "
            "(an assumption, as in scenarios/home_care_open_framework.toml).",
        )
    with b:
        rate = ui.checked_number(
            "Council rate for the 'rate' policy (£ per hour)",
            "policy.rate",
            low=0.0,
            value=council.HCA_MINIMUM_PRICE,
            step=0.5,
            format="%.2f",
            persist_state="session",
            help="Default £32.14: the Homecare Association minimum price for homecare "
            f"2025-26. The provider's own council rate is {pounds(scenario.council.rate_per_hour)} "
            "(HCA average council fee 2025-26: £24.10).",
        )
    with c:
        days = ui.checked_number(
            "Days to pay invoices for the 'paid in' policy",
            "policy.payment_days",
            low=0.0,
            value=14.0,
            step=7.0,
            persist_state="session",
            help="Days from invoice to payment. Provider payment guides: normally within 30 "
            "days; HCA 2023: 80% of providers had late payments.",
        )
    presets = council.council_policies(rate_per_hour=float(rate), payment_days=float(days))
    kinds = st.multiselect(
        "Policies to compare (the first is the reference for differences)",
        list(presets),
        default=list(DEFAULT_POLICIES),
        format_func=lambda k: presets[k].name,
        key="policy.kinds",
        persist_state="session",
        help="; ".join(f"{p.name}: {p.description}" for p in presets.values()),
    )
    return [presets[k] for k in kinds], float(area)


def run(
    scenario: Scenario,
    policies: list[council.CouncilPolicy],
    area_referrals: float,
    months: int,
    reps: int,
    seed: int,
) -> tuple[Any, pd.DataFrame]:
    """The Compare button; runs the provider under each policy (cached)."""
    comparison, _ = ui.compare_button(
        "policy",
        ready=bool(policies),
        hint="Choose at least one policy.",
        variants=lambda: council.policy_variants(
            scenario.with_overrides({"run.months": months}), policies, area_referrals
        ),
        reps=reps,
        seed=seed,
    )
    if comparison is None:
        return None, pd.DataFrame()
    return comparison, council.policy_table(comparison.names, comparison.results)


def verdict(comparison: Any, table: pd.DataFrame) -> None:
    """The verdict first: which policy keeps most and fewest providers trading, and why
    (written by :func:`sim.policy_verdict.policy_verdict` from the results)."""
    said = policy_verdict.policy_verdict(comparison.names, comparison.results, table)
    st.subheader("Verdict")
    st.info(f"{said.headline}\n\n{said.reason}" if said.reason else said.headline)


def policy_summary(table: pd.DataFrame) -> None:
    month = int(table["month"].iloc[0])
    st.subheader("What each policy means")
    first = table["policy"].iloc[0]

    def interval(row: pd.Series) -> str:
        if row["policy"] == first:
            return "reference"
        return (
            f"{100 * row['survival_diff']:+.1f} pts ({100 * row['survival_diff_lower']:+.1f} "
            f"to {100 * row['survival_diff_upper']:+.1f})"
        )

    survival = f"Still trading at month {month} (95% CI)"
    shown = pd.DataFrame(
        {  # the answers, to fit a screen: survival and what it means for the council
            "Policy": table["policy"],
            survival: [
                f"{pct(mid)} ({pct(low)} to {pct(high)})"
                for mid, low, high in zip(
                    table["survival"], table["survival_lower"], table["survival_upper"], strict=True
                )
            ],
            "Difference vs first (95% CI)": table.apply(interval, axis=1),
            "Council pays per hour": table["council_pays"].map(pounds),
            "Clients losing provider": table["council_clients_displaced"].map(lambda v: f"{v:.1f}"),
        }
    )
    pinned = st.column_config.TextColumn(pinned=True)
    st.dataframe(
        shown,
        hide_index=True,
        key="policy.table",
        column_config={
            "Policy": pinned,
            "Council pays per hour": st.column_config.TextColumn(
                help="What the council pays per delivered hour: its rate in force each month "
                "weighted by council-funded clients, less bad debt."
            ),
            "Clients losing provider": st.column_config.TextColumn(
                help="Council-funded clients on the books when a provider fails, who must be "
                "found new care, per 100 providers."
            ),
        },
    )
    detail = pd.DataFrame(
        {  # the rest: care, and the council's offers
            "Policy": table["policy"],
            "Continuity of care": table["continuity"].map(pct),
            "Carers per client a month": table["carers_per_client"].map(lambda v: f"{v:.2f}"),
            "Council-funded share": table["council_share"].map(pct),
            "Council offers per provider": table["la_referrals"].map(lambda v: f"{v:.1f}"),
            "Council offers declined": table["la_declined_share"].map(pct),
            "Referrals declined per provider": table["declined_per_rep"].map(lambda v: f"{v:.1f}"),
        }
    )
    st.dataframe(
        detail,
        hide_index=True,
        key="policy.table.detail",
        column_config={"Policy": pinned},
    )
    st.caption(
        "Continuity: share of delivered hours given by the client's regular carer. Council "
        "pays per hour: per delivered hour, the council's rate in force each month (with its "
        "annual uplift) weighted by council-funded clients, less bad debt — missed hours are "
        "not paid. Clients losing provider: council-funded clients on the books when a "
        "provider fails, who must be found new care, per 100 providers."
    )
