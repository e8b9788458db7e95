"""Shared helpers for the model tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import sim

# Hypothesis profiles. "ci" (the default, used by `make test`) is derandomised: the same
# examples on every run and machine, no example database, no deadline (the model's run time
# varies with the scenario drawn). "fuzz" explores many more, random examples locally:
# HYPOTHESIS_PROFILE=fuzz .venv/bin/python -m pytest tests/test_model_properties.py
_SLOW_OK = [HealthCheck.too_slow]
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    max_examples=60,
    deadline=None,
    suppress_health_check=_SLOW_OK,
)
settings.register_profile("fuzz", max_examples=2000, deadline=None, suppress_health_check=_SLOW_OK)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_FILES = sorted((ROOT / "scenarios").glob("*.toml"))

NO_REFERRALS = {
    "channels.self_funder.referrals_per_month": 0.0,
    "channels.direct_payment.referrals_per_month": 0.0,
    "channels.professional.referrals_per_month": 0.0,
    "channels.word_of_mouth.referrals_per_month": 0.0,
    "channels.word_of_mouth.referrals_per_client_per_month": 0.0,
    "channels.local_authority.referrals_per_month": 0.0,
}


@pytest.fixture
def base() -> sim.Scenario:
    """The built-in defaults: a regulated home-care start-up."""
    return sim.Scenario()


CLIENTS, HOURS, FIXED, DRAWINGS, MONTHS = 4, 5.0, 500.0, 1000.0, 24
WEEKS = int(MONTHS * 365.25 / 12 // 7)  # weekly settlements within the horizon: 104


@pytest.fixture
def deterministic() -> sim.Scenario:
    """Four fixed 5-hour clients who never leave, the owner alone, flat costs: the monthly
    operating result is linear in the price, so break-even has a closed form."""
    return sim.Scenario().with_overrides(
        {
            **NO_REFERRALS,
            "business.service": "home_support",
            "business.regulated": False,
            "business.staff_ceiling": 0,
            "owner.care_hours_per_week": CLIENTS * HOURS,
            "owner.sickness_days_per_year": 0.0,
            "owner.holiday_weeks_per_year": 0.0,
            "owner.min_drawings_per_month": DRAWINGS,
            "clients.hours_per_week": HOURS,
            "clients.package_months": 1000.0,
            "channels.self_funder.referrals_per_month": 100.0,
            "channels.self_funder.bad_debt_share": 0.0,
            "staff.miles_per_visit": 0.0,
            "costs.fixed_monthly": {"rent": FIXED},
            "costs.annual_fees": {},
            "costs.marketing_per_month": 0.0,
            "costs.startup_costs": 0.0,
            "uplifts.price_per_year": 0.0,
            "uplifts.overheads_per_year": 0.0,
            "uplifts.min_drawings_per_year": 0.0,  # the owner's minimum stays DRAWINGS
            "owner.profit_share_drawn": 0.0,  # the owner takes their minimum, no more
            "failure.insolvency": False,
            "failure.owner_exit": False,
            "shocks.enabled": False,  # no later shocks (sim.model.shocks)
            "policy.decides": False,  # closed-form break-even: the owner refuses no price
            "run.months": MONTHS,
        }
    )
