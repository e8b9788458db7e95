"""Income and costs by days (sim.results.by_days): a month is a month.

The model settles care weekly and closes the books monthly, so months hold 4 or 5 weekly
settlements; by days, a steady business's income and costs are flat.
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.results import by_days
from tests.conftest import CLIENTS, DRAWINGS, FIXED, HOURS


def test_a_steady_business_is_flat_by_days(deterministic: sim.Scenario) -> None:
    """Four fixed 5-hour clients at £30/h, the owner alone, £500 rent and £1,000 minimum:
    as booked, a month earns 20 h x £30 = £600 a week times its 4 or 5 settlements (£2,400 or
    £3,000); by days every month earns £600 x 365.25 / 12 / 7 = £2,608.93 and costs £1,500,
    and over the first 12 months (52 settlements) the months hold 4 or 5 of them."""
    sc = deterministic.with_overrides({"channels.self_funder.price_per_hour": 30.0})
    monthly = sim.simulate(sc, 0).monthly
    weekly = CLIENTS * HOURS * 30.0
    assert set(monthly["weeks_settled"]) == {4.0, 5.0}
    assert monthly["weeks_settled"].iloc[:12].sum() == 52
    np.testing.assert_allclose(monthly["income_earned"], weekly * monthly["weeks_settled"])
    days = by_days(monthly)
    np.testing.assert_allclose(days["income"], weekly * 365.25 / 12 / 7)
    np.testing.assert_allclose(days["costs"], FIXED + DRAWINGS)
    np.testing.assert_allclose(days["result"], days["income"] - days["costs"])


def test_weekly_pay_is_spread_by_days_and_monthly_costs_are_not() -> None:
    """A month of five settlements with £1,000 of wages, £100 on-costs, £50 mileage and £20
    bought cover, £400 of other costs and £2,500 earned: by days it is 4.348 / 5 of the
    weekly amounts, so income £2,174.11 and costs £400 + £1,170 x 0.869643 = £1,417.48."""
    import pandas as pd

    month = pd.DataFrame(
        {
            "month": [3],
            "weeks_settled": [5.0],
            "income_earned": [2500.0],
            "costs": [1570.0],
            "cost_wages": [1000.0],
            "cost_oncosts": [100.0],
            "cost_mileage": [50.0],
            "cost_bought_cover": [20.0],
        }
    )
    scale = 365.25 / 12 / 7 / 5
    days = by_days(month)
    assert days["income"].iloc[0] == pytest.approx(2500 * scale)
    assert days["costs"].iloc[0] == pytest.approx(400 + 1170 * scale)
    assert days["income"].iloc[0] == pytest.approx(2174.11, abs=0.01)
    assert days["costs"].iloc[0] == pytest.approx(1417.48, abs=0.01)
