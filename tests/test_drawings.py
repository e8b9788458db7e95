"""The owner's drawings (sim.model.money.draw): their minimum, then a share of the cash above
a buffer of months of costs, from profit only; and a minimum that rises each year.

The expected values are the rule's own statement applied to hand figures or to the monthly
record's columns (cash, costs, income), not the code's internals.
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from tests.conftest import DRAWINGS, FIXED, NO_REFERRALS

RESERVE = 500.0


def monthly(sc: sim.Scenario, replication: int = 0):
    return sim.simulate(sc, replication).monthly


def test_the_owner_never_draws_more_than_their_minimum_out_of_the_start_cash() -> None:
    """No clients ever: no profit, so however much start cash sits above the buffer the owner
    takes only their minimum, and cash falls by rent + minimum each month (by hand:
    £20,000 - 12 x (£500 + £1,000) = £2,000 after a year)."""
    sc = sim.Scenario().with_overrides(
        {
            **NO_REFERRALS,
            "business.start_cash": 20_000.0,
            "business.regulated": False,
            "business.service": "home_support",
            "costs.fixed_monthly": {"rent": FIXED},
            "costs.annual_fees": {},
            "costs.marketing_per_month": 0.0,
            "costs.startup_costs": 0.0,
            "uplifts.overheads_per_year": 0.0,
            "owner.min_drawings_per_month": DRAWINGS,
            "owner.profit_share_drawn": 1.0,
            "owner.buffer_months_of_costs": 0.0,
            "failure.owner_exit": False,
            "shocks.enabled": False,
            "run.months": 12,
        }
    )
    m = monthly(sc)
    np.testing.assert_allclose(m["drawings"], DRAWINGS)
    assert m["cash_close"].iloc[-1] == pytest.approx(20_000 - 12 * (FIXED + DRAWINGS))


def test_an_owner_who_takes_all_the_profit_keeps_exactly_the_reserve_and_the_buffer(
    deterministic: sim.Scenario,
) -> None:
    """Four fixed 5-hour clients at £30/h, no start cash (so everything in the bank is
    profit), the owner taking all of the cash above their £500 reserve and two months of
    costs (2 x £500 rent): from the first month with extra drawings on, every month closes
    with exactly £1,500; a month paid four weeks of care (4 x 20 h x £30 = £2,400) draws
    £2,400 - £500 rent = £1,900, the minimum included."""
    sc = deterministic.with_overrides(
        {
            "business.start_cash": 0.0,
            "owner.profit_share_drawn": 1.0,
            "owner.buffer_months_of_costs": 2.0,
            "owner.cash_reserve": RESERVE,
            "channels.self_funder.price_per_hour": 30.0,
        }
    )
    m = monthly(sc)
    extra = m["drawings"] > DRAWINGS + 0.005
    first = int(np.argmax(extra.to_numpy()))
    assert extra.sum() >= 12  # the rule is exercised
    np.testing.assert_allclose(m["cash_close"].iloc[first:], RESERVE + 2 * FIXED, atol=0.005)
    later = m.iloc[first + 1 :]
    four_weeks = later[later["receipts"].round(2) == 2400.0]
    assert len(four_weeks) >= 6
    np.testing.assert_allclose(four_weeks["drawings"], 1900.0, atol=0.005)


@pytest.mark.parametrize("replication", range(6))
def test_whenever_the_owner_took_more_than_their_minimum_drawings_stay_within_profit(
    replication: int,
) -> None:
    """The default plan (shocks, staff, payment lags): in every month in which the owner took
    more than their minimum, their drawings so far do not exceed the profit made so far
    (income less operating and start-up costs) — the start cash is never drawn out."""
    sc = sim.load_scenario("scenarios/home_care_self_funders.toml").with_overrides(
        {"uplifts.min_drawings_per_year": 0.0}
    )
    m = monthly(sc, replication)
    minimum = sc.owner.min_drawings_per_month
    op_costs = m["costs"] - minimum
    profit = (m["income_earned"] - op_costs - m["cost_startup"]).cumsum()
    drawn = m["drawings"].cumsum()
    extra = m["drawings"] > minimum + 0.005
    assert (drawn[extra] <= profit[extra] + 0.01 * m["month"][extra]).all()


def test_the_owners_minimum_rises_with_the_yearly_uplift(deterministic: sim.Scenario) -> None:
    """Uplifts each April (the run starts in April): the minimum is £1,000 in months 1-12,
    £1,000 x 1.05 = £1,050 in 13-24 and £1,102.50 in 25-36; with a price that covers it the
    owner (taking only the minimum) draws exactly that."""
    sc = deterministic.with_overrides(
        {
            "uplifts.min_drawings_per_year": 0.05,
            "run.months": 36,
            "run.start_month_of_year": 4,
            "uplifts.month_of_year": 4,
            "channels.self_funder.price_per_hour": 30.0,
        }
    )
    m = monthly(sc)
    expected = np.repeat([1000.0, 1050.0, 1102.5], 12)
    np.testing.assert_allclose(m["drawings"], expected, atol=0.005)
