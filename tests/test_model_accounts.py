"""The ledger: cash reconciles every month, to the penny, and income is either received,
still owed, or written off as bad debt."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from tests.conftest import SCENARIO_FILES


def assert_reconciles(monthly) -> None:
    flows = monthly["cash_open"] + monthly["receipts"] - monthly["payments"]
    assert np.allclose(flows, monthly["cash_close"], atol=0.005, rtol=0)
    # each month opens with the last month's closing cash
    assert np.allclose(monthly["cash_open"].iloc[1:], monthly["cash_close"].iloc[:-1].to_numpy())
    # income earned (and the VAT billed with it) = received + still owed + written off
    earned = (monthly["income_earned"] + monthly["vat_charged"]).cumsum()
    received = monthly["receipts_from_clients"].cumsum()
    written_off = monthly["cost_bad_debt"].cumsum()
    assert np.allclose(earned - monthly["owed_to_business"] - written_off, received, atol=0.005)
    # the operating result is income earned less costs
    assert np.allclose(
        monthly["income_earned"] - monthly["costs"], monthly["operating_result"], atol=0.005
    )


@pytest.mark.parametrize("replication", range(4))
def test_defaults_reconcile(base, replication):
    assert_reconciles(sim.simulate(base, replication).monthly)


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("replication", range(3))
def test_scenario_files_reconcile(path, replication):
    run = sim.simulate(sim.load_scenario(path), replication)
    assert_reconciles(run.monthly)


def test_support_and_bad_debt_reconcile(base):
    scenario = base.with_overrides(
        {
            "support.grant_amount": 3000.0,
            "support.grant_month": 2,
            "support.loan_amount": 5000.0,
            "support.loan_month": 3,
            "channels.self_funder.bad_debt_share": 0.2,
            "channels.self_funder.invoice_cycle": "monthly",
            "channels.direct_payment.invoice_cycle": "weekly",
            "council.framework": "open",
            "channels.local_authority.referrals_per_month": 10.0,
            "business.overdraft": 3000.0,
        }
    )
    run = sim.simulate(scenario, 1)
    assert_reconciles(run.monthly)
    assert run.monthly["cost_bad_debt"].sum() > 0
    assert run.monthly["cost_interest"].sum() > 0
    # the grant and the loan arrive as receipts in their months
    assert run.monthly.loc[1, "receipts"] >= 3000.0
    assert run.monthly.loc[2, "receipts"] >= 5000.0


def test_loan_is_repaid_over_its_term(base):
    scenario = base.with_overrides(
        {
            "support.loan_amount": 6000.0,
            "support.loan_apr": 0.0,
            "support.loan_term_months": 12,
            "business.start_cash": 1e7,
        }
    )
    monthly = sim.simulate(scenario, 0).monthly
    # with no interest, the loan costs exactly its principal, 500 a month for 12 months
    assert monthly["cost_interest"].sum() == 0
    repaid = (
        monthly["payments"]
        - sim.simulate(scenario.with_overrides({"support.loan_amount": 0.0}), 0).monthly["payments"]
    )
    assert repaid.iloc[1:13].round(2).tolist() == [500.0] * 12
    assert repaid.iloc[13:].abs().max() < 0.005
