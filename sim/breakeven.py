"""Break-even facts: what a month needs to cover its costs, against what the runs reached.

The cost structure splits into costs that do not move with the work (overheads, marketing,
annual fees, the owner's minimum drawings) and costs per delivered hour (care workers' pay
and on-costs, mileage, bad debt). The per-hour figures are taken from the replications
themselves (pooled over all of them), because who delivers an hour — the owner, paid only
through drawings, or an employee — is an outcome of the model, not an input.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.results import Columns
from sim.scenario import Scenario

WEEKS_PER_MONTH = 365.25 / 12 / 7
VARIABLE_COSTS = ("cost_wages", "cost_oncosts", "cost_mileage", "cost_bad_debt")


def fixed_costs_per_month(scenario: Scenario) -> float:
    """£ a month that must be covered whatever the work, at the plan's starting prices."""
    costs = scenario.costs
    return (
        sum(costs.fixed_monthly.values())
        + costs.marketing_per_month
        + scenario.annual_fees() / 12
        + scenario.owner.min_drawings_per_month
    )


def breakeven_facts(scenario: Scenario, monthly: Columns) -> dict[str, Any]:
    """Clients, hours and price at which a month covers its costs, and what the runs reached.

    ``monthly`` is the monthly panel, a DataFrame or a mapping of its columns as arrays.
    Returns plain values (None where undefined, e.g. nothing was ever delivered, or each
    hour costs more than it earns so no volume covers the fixed costs).
    """

    def column(name: str) -> np.ndarray:
        return np.asarray(monthly[name])

    fixed = fixed_costs_per_month(scenario)
    hours = float(column("hours_delivered").sum())
    facts: dict[str, Any] = {
        "fixed_costs_per_month": fixed,
        "variable_cost_per_hour": None,
        "price_per_hour": None,
        "margin_per_hour": None,
        "hours_per_week_needed": None,
        "clients_needed": None,
        "price_needed_at_reached_load": None,
        "hours_per_week_reached": None,
        "clients_reached": None,
        "hours_per_client_week": None,
    }
    clients = column("clients")
    months = len(clients)
    if hours <= 0 or months == 0:
        return facts
    variable = float(sum(column(c).sum() for c in VARIABLE_COSTS)) / hours
    price = float(column("income_earned").sum()) / hours
    client_weeks = float(clients.sum()) * WEEKS_PER_MONTH
    per_client = hours / client_weeks if client_weeks > 0 else math.nan
    reached = hours / months / WEEKS_PER_MONTH
    margin = price - variable
    facts.update(
        variable_cost_per_hour=variable,
        price_per_hour=price,
        margin_per_hour=margin,
        hours_per_week_reached=reached,
        clients_reached=float(clients.mean()),
        hours_per_client_week=None if math.isnan(per_client) else per_client,
        price_needed_at_reached_load=variable + fixed / (reached * WEEKS_PER_MONTH),
    )
    if margin > 0:
        needed = fixed / margin / WEEKS_PER_MONTH
        facts["hours_per_week_needed"] = needed
        if not math.isnan(per_client) and per_client > 0:
            facts["clients_needed"] = needed / per_client
    return facts
