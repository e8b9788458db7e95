"""Shared helpers for the model tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim

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
