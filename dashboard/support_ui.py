"""Widgets and tables of the Start-up support page."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.ui import pct
from sim import support
from sim.experiment import metric_label
from sim.report import pounds
from sim.scenario import Scenario

DEFAULTS = support.SupportOptions()


def _number(label: str, key: str, value: float | int, help: str, **kw: Any) -> Any:
    """A number input that keeps its value across pages (``support.<key>``); its range
    (min_value, max_value) is checked by :func:`dashboard.ui.checked_number`, so a value
    typed outside it is kept and shown as a problem rather than silently replaced."""
    low, high = kw.pop("min_value", None), kw.pop("max_value", None)
    return ui.checked_number(
        label,
        f"support.{key}",
        low=low,
        high=high,
        value=value,
        help=help,
        persist_state="session",
        **kw,
    )


def _include(label: str, kind: str) -> bool:
    return st.checkbox(label, value=True, key=f"support.kind.{kind}", persist_state="session")


def support_inputs() -> tuple[list[str], support.SupportOptions]:
    """One column per kind of support: whether to include it, its size and its cost."""
    d = DEFAULTS
    cols = st.columns(4)
    with cols[0]:
        grant = _include("Grant", "grant")
        grant_amount = _number(
            "Grant (£)",
            "grant_amount",
            d.grant_amount,
            "Paid in month 1 if the business is trading. Size: an assumption (small start-up "
            "grants are typically £500-5,000).",
            min_value=0.0,
            step=500.0,
        )
    with cols[1]:
        loan = _include("Loan", "loan")
        loan_amount = _number(
            "Loan (£)",
            "loan_amount",
            d.loan_amount,
            "Drawn in month 1, repaid in equal monthly payments. Cost to the lender: the "
            "principal still owed when a business fails. Size: an assumption.",
            min_value=0.0,
            step=500.0,
        )
        loan_apr = _number(
            "Interest (share per year)",
            "loan_apr",
            d.loan_apr,
            "Assumption, as the scenarios' default loan rate.",
            min_value=0.0,
            max_value=1.0,
            step=0.01,
            format="%.3f",
        )
        loan_term = _number(
            "Term (months)",
            "loan_term",
            d.loan_term_months,
            "Assumption, as the scenarios' default loan term.",
            min_value=1,
            max_value=360,
            step=6,
        )
    with cols[2]:
        coordinator = _include("Coordinator", "coordinator")
        coord_months = _number(
            "Months of support",
            "coordinator_months",
            d.coordinator_months,
            "From month 1. Assumption.",
            min_value=1,
            max_value=120,
            step=1,
        )
        coord_referrals = _number(
            "Extra referrals (per month)",
            "coordinator_referrals",
            d.coordinator_extra_referrals,
            "Professional referrals added while supported. Assumption.",
            min_value=0.0,
            step=0.05,
            format="%.2f",
        )
        coord_hours = _number(
            "Owner's admin saved (h per week)",
            "coordinator_hours",
            d.coordinator_admin_hours_saved,
            "Admin the coordinator takes on, freeing the owner for paid care. Assumption.",
            min_value=0.0,
            step=0.5,
        )
        coord_cost = _number(
            "Cost (£ per month per business)",
            "coordinator_cost",
            d.coordinator_cost_per_month,
            "Assumption: a coordinator at about £40,000 a year with on-costs, giving intensive "
            "support to ~20 start-ups at a time (Community Catalysts: one coordinator supports "
            "up to ~200 enterprises, most lightly).",
            min_value=0.0,
            step=10.0,
        )
    with cols[3]:
        intro = _include("Introductions", "introduction")
        intro_months = _number(
            "Months of introductions",
            "introduction_months",
            d.introduction_months,
            "From month 1. Assumption.",
            min_value=1,
            max_value=120,
            step=1,
        )
        intro_referrals = _number(
            "Extra professional referrals (per month)",
            "introduction_referrals",
            d.introduction_extra_referrals,
            "Social workers and GPs who now know the business. Assumption.",
            min_value=0.0,
            step=0.05,
            format="%.2f",
        )
        intro_cost = _number(
            "Cost (£ per month per business)",
            "introduction_cost",
            d.introduction_cost_per_month,
            "Assumption: a few hours of a coordinator's time a month.",
            min_value=0.0,
            step=10.0,
        )
    chosen = {"grant": grant, "loan": loan, "coordinator": coordinator, "introduction": intro}
    options = support.SupportOptions(
        grant_amount=float(grant_amount),
        loan_amount=float(loan_amount),
        loan_apr=float(loan_apr),
        loan_term_months=int(loan_term),
        coordinator_months=int(coord_months),
        coordinator_extra_referrals=float(coord_referrals),
        coordinator_admin_hours_saved=float(coord_hours),
        coordinator_cost_per_month=float(coord_cost),
        introduction_months=int(intro_months),
        introduction_extra_referrals=float(intro_referrals),
        introduction_cost_per_month=float(intro_cost),
    )
    return [k for k in support.SUPPORT_KINDS if chosen[k]], options


def run(
    plan: Scenario,
    kinds: list[str],
    options: support.SupportOptions,
    months: int,
    reps: int,
    seed: int,
) -> tuple[Any, pd.DataFrame]:
    """The Compare button; runs the variants (cached) and remembers the last run."""
    comparison, context = ui.compare_button(
        "support",
        ready=bool(kinds),
        hint="Tick at least one kind of support to compare with the plan as it is.",
        variants=lambda: support.support_variants(
            plan.with_overrides({"run.months": months}), kinds, options
        ),
        reps=reps,
        seed=seed,
        context=(tuple(kinds), options),
    )
    if comparison is None:
        return None, pd.DataFrame()
    shown_kinds, shown_options = context
    table = support.support_table(comparison.names, comparison.results, shown_kinds, shown_options)
    return comparison, table


def verdict(comparison: Any, table: pd.DataFrame) -> None:
    """The verdict first: which support helps most, at what cost, and why (written by
    :func:`sim.support.support_verdict` from the results)."""
    headline, reason = support.support_verdict(comparison.names, comparison.results, table)
    st.subheader("Verdict")
    st.info(f"{headline}\n\n{reason}" if reason else headline)


def cost_table(table: pd.DataFrame) -> None:
    """Extra businesses and the cost per extra business still trading at 3 years."""
    month = int(table["month"].iloc[0])
    st.subheader(f"Cost per extra business still trading at month {month}")

    def cost(row: pd.Series) -> str:
        if row["cost_per_extra"] is None or pd.isna(row["cost_per_extra"]):
            return "none: no extra businesses"
        high = row["cost_per_extra_high"]
        upper = "no upper bound" if high is None or pd.isna(high) else pounds(high, 0)
        return (
            f"{pounds(row['cost_per_extra'], 0)} "
            f"({pounds(row['cost_per_extra_low'], 0)} to {upper})"
        )

    shown = pd.DataFrame(
        {
            "Support": table["support"],
            "Cost per extra business (95% CI)": table.apply(cost, axis=1),
            "Extra per 100 (95% CI)": [
                f"{r.extra_per_100:+.1f} ({r.extra_lower:+.1f} to {r.extra_upper:+.1f})"
                for r in table.itertuples()
            ],
            "Trading without": table["survival_without"].map(pct),
            "Trading with": table["survival_with"].map(pct),
            "Cost per business": table["cost_per_business"].map(lambda v: pounds(v, 0)),
        }
    )
    st.dataframe(
        shown,
        hide_index=True,
        key="support.table.cost",
        column_config={
            "Support": st.column_config.TextColumn(pinned=True),
            "Cost per extra business (95% CI)": st.column_config.TextColumn(
                help=f"The funder's cost per extra business still trading at month {month}."
            ),
            "Extra per 100 (95% CI)": st.column_config.TextColumn(
                help=f"Extra businesses still trading at month {month} per 100 supported "
                "(paired difference against the plan as it is)."
            ),
            "Trading without": st.column_config.TextColumn(
                help=f"Share still trading at month {month} without this support."
            ),
            "Trading with": st.column_config.TextColumn(
                help=f"Share still trading at month {month} with this support."
            ),
            "Cost per business": st.column_config.TextColumn(
                help="The funder's average cost per business supported."
            ),
        },
    )
    st.caption(
        "Cost to the funder, per business supported: the grant (if the business reaches the "
        "grant's month), the loan principal lost when a business fails, or the monthly cost "
        "of coordinator time or introductions for the months the business traded. Divided by "
        "the extra share of businesses still trading, it gives the cost of each extra "
        "survivor; the interval comes from the paired difference's 95% CI."
    )


def differences(comparison: Any) -> None:
    """Comparison.table(): every metric's paired difference against the plan as it is."""
    st.subheader("Paired differences against the plan as it is (95% CI)")
    table = comparison.table()
    base = comparison.names[0]
    rows = []
    for _, row in table.iterrows():
        entry = {"Measure": metric_label(row["metric"]), base: _fmt(row["metric"], row[base])}
        for name in comparison.names[1:]:
            column = f"{name} - {base}"
            value = _fmt(row["metric"], row[column], sign=True)
            lower = _fmt(row["metric"], row[column + " lower"], sign=True, unit=False)
            upper = _fmt(row["metric"], row[column + " upper"], sign=True, unit=False)
            entry[name] = f"{value} ({lower} to {upper})"
        rows.append(entry)
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="support.table.differences")


def _fmt(metric: str, value: float | None, sign: bool = False, unit: bool = True) -> str:
    """A metric's value (or, with ``sign``, a difference: percentage points for shares)."""
    if value is None or pd.isna(value):
        return "n/a"
    plus = "+" if sign and value > 0 else ""
    if metric.startswith(("survival_", "breakeven_")) or metric == "continuity":
        if not sign:
            return f"{100 * value:.0f}%"
        return f"{plus}{100 * value:.1f}" + (" pts" if unit else "")
    if metric == "carers_per_client":
        return f"{plus}{value:.2f}"
    if metric in ("final_cash", "cost_per_hour", "price_per_hour"):
        return plus + pounds(value, 2 if "hour" in metric else 0)
    return f"{plus}{value:,.1f}"
