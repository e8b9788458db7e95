"""The lender's cash-flow forecast: its rows reconcile every month, they are the monthly
record's columns, and the futures shown are the P50 and P10 of the stated order."""

from __future__ import annotations

import functools
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import sim
from sim import cashflow as cf
from sim.scenario import DEFAULT_SCENARIO, PAYERS

GRANT, LOAN = 2500.0, 6000.0
MONTHS = 30  # past the 24-month forecast, short of five years


@pytest.fixture(scope="module")
def results() -> sim.Results:
    scenario = sim.load_scenario(DEFAULT_SCENARIO).with_overrides(
        {
            "run.months": MONTHS,
            "support.grant_amount": GRANT,
            "support.grant_month": 2,
            "support.loan_amount": LOAN,
            "support.loan_month": 3,
        }
    )
    return sim.run(scenario, reps=16, seed=5, workers=1)


@pytest.fixture(scope="module")
def pair(results: sim.Results) -> list[cf.Forecast]:
    return cf.forecasts(results)


def _rep(results: sim.Results, rep: int) -> pd.DataFrame:
    monthly = results.monthly
    return monthly[monthly["rep"] == rep].set_index("month")


def test_every_month_reconciles(pair: list[cf.Forecast]) -> None:
    for forecast in pair:
        for table in (forecast.monthly, forecast.by_year):
            opening, closing = table.loc[cf.OPENING], table.loc[cf.CLOSING]
            receipts, payments = table.loc[cf.TOTAL_RECEIPTS], table.loc[cf.TOTAL_PAYMENTS]
            assert np.allclose(opening + receipts - payments, closing, atol=0.005, rtol=0)
            assert max(cf.reconcile(table).values()) < 0.005


def _same_row(table: pd.DataFrame, label: str, values: pd.Series, pence: float) -> bool:
    return bool(np.allclose(table.loc[label], values.astype(float), atol=pence, rtol=0))


def test_rows_are_the_records_columns(results: sim.Results, pair: list[cf.Forecast]) -> None:
    for forecast in pair:
        record = _rep(results, forecast.rep)
        table = forecast.monthly
        months = list(table.columns)
        assert months == list(range(1, len(months) + 1))
        assert len(months) == (forecast.stopped or min(24, MONTHS))

        column = record.loc[months]
        same = functools.partial(_same_row, table)

        # ledger columns are float64 in the results: equal to the penny
        for label, name in [
            (cf.OPENING, "cash_open"),
            (cf.TOTAL_RECEIPTS, "receipts"),
            (cf.TOTAL_PAYMENTS, "payments"),
            (cf.CLOSING, "cash_close"),
        ]:
            assert same(label, column[name], 0.005), label
        # the others are float32 there: equal to a few pence
        pairs = [(cf.earned_label(p), f"income_{p}") for p in PAYERS]
        pairs += [(cf.RECEIVED_FROM_CLIENTS, "receipts_from_clients")]
        pairs += [(label, c) for label, c in cf.PAYMENT_COLUMNS.items() if c is not None]
        for label, name in pairs:
            assert same(label, column[name], 0.03), label
        assert same(cf.BAD_DEBT, -column["cost_bad_debt"], 0.03)


def test_grant_and_loan_rows(pair: list[cf.Forecast]) -> None:
    """By hand: the grant in month 2, the loan in month 3, repaid from month 4 at the
    scenario's APR over its term, so capital repaid = the loan less what is still owed."""
    table = pair[0].monthly
    assert table.loc[cf.GRANT].to_dict() == {m: (GRANT if m == 2 else 0.0) for m in table}
    assert table.loc[cf.LOAN].to_dict() == {m: (LOAN if m == 3 else 0.0) for m in table}
    capital = table.loc[cf.LOAN_CAPITAL]
    assert (capital.loc[:3] == 0).all() and (capital.loc[4:] > 0).all()
    interest = table.loc["Loan interest"]
    assert interest.loc[4] == pytest.approx(round(LOAN * 0.08 / 12, 2), abs=0.006)


def test_overheads_as_paid_add_up_to_the_years_costs(
    results: sim.Results, pair: list[cf.Forecast]
) -> None:
    """Annual fees are paid at the start of each year and spread over it in the record, so
    month by month the cash differs, but over a whole year the two are the same."""
    for forecast in pair:
        paid = forecast.monthly.loc[cf.OVERHEADS]
        assert (paid >= -0.005).all()
        record = _rep(results, forecast.rep)
        for year in (1, 2):
            months = list(range(12 * year - 11, 12 * year + 1))
            if months[-1] not in paid.index:
                continue
            cost = record.loc[months, "cost_overheads"].astype(float).sum()
            assert paid.loc[months].sum() == pytest.approx(cost, abs=0.2)
            assert paid.loc[months[0]] > record.loc[months[0], "cost_overheads"]


def test_yearly_sums_the_months(pair: list[cf.Forecast]) -> None:
    forecast = pair[0]
    monthly, by_year = forecast.monthly, forecast.by_year
    if len(monthly.columns) < 12:
        pytest.skip("this future stopped in its first year")
    year = by_year["Year 1"]
    first = monthly.loc[:, 1:12]
    assert year[cf.OPENING] == first.loc[cf.OPENING, 1]
    assert year[cf.CLOSING] == first.loc[cf.CLOSING, 12]
    assert year[cf.TOTAL_PAYMENTS] == pytest.approx(first.loc[cf.TOTAL_PAYMENTS].sum(), abs=0.01)
    assert year["Owner's drawings"] == pytest.approx(first.loc["Owner's drawings"].sum(), abs=0.01)
    last = by_year.columns[-1]
    assert "months 25-30" in last or "Year 2" in last  # a part year says its months


def _order_by_hand(results: sim.Results, month: int) -> list[int]:
    runs = results.runs
    monthly = results.monthly
    cash = monthly[monthly["month"] == month].set_index("rep")["cash_close"]
    keys = []
    for row in runs.itertuples():
        failed = row.failure_month is not pd.NA and int(row.failure_month) <= month
        if failed:
            keys.append(((0, int(row.failure_month), row.final_cash), row.rep))
        else:
            keys.append(((1, 0, float(cash[row.rep])), row.rep))
    return [rep for _, rep in sorted(keys)]


def test_the_futures_shown_are_the_stated_percentiles(
    results: sim.Results, pair: list[cf.Forecast]
) -> None:
    order = _order_by_hand(results, 24)
    assert len(order) == 16
    p50, p10 = pair
    assert p50.rep == order[8]  # nearest rank: 0.5 x 15 = 7.5, rounded up
    assert p10.rep == order[2]  # 0.1 x 15 = 1.5, rounded up
    assert (p50.position, p10.position) == (8, 2)
    assert (p50.label, p10.label) == ("P50", "P10")
    for forecast in pair:
        assert f"replication {forecast.rep}" in forecast.how_chosen()
        assert "add up" in forecast.how_chosen()


def test_order_puts_stopped_futures_first_whatever_their_cash() -> None:
    """By hand, on four made-up futures: two that stopped (the earlier one first, though it
    kept more cash), then the two still trading at month 24 by their cash then."""
    nan = float("nan")
    runs = {
        "rep": np.array([0, 1, 2, 3]),
        "failure_month": np.array([nan, 10.0, nan, 5.0]),
        "final_cash": np.array([100.0, 5000.0, 50.0, 6000.0]),
    }
    panel = {
        "rep": np.array([0, 1, 2, 3] * 1),
        "month": np.array([24, 10, 24, 5]),
        "cash_close": np.array([100.0, 5000.0, 50.0, 6000.0]),
    }
    fake = SimpleNamespace(run_table=runs, panel=panel)
    assert cf.futures_in_order(fake, 24).tolist() == [3, 1, 2, 0]  # type: ignore[arg-type]


def test_a_future_that_stopped_says_when() -> None:
    """With little start cash most futures fail early: the P10 is one of them, and its sheet
    ends in the month it stopped."""
    scenario = sim.load_scenario(DEFAULT_SCENARIO).with_overrides(
        {"business.start_cash": 3000.0, "run.months": 24}
    )
    results = sim.run(scenario, reps=10, seed=2, workers=1)
    p10 = cf.forecast(results, 0.1)
    assert cf.futures_in_order(results, 24).tolist() == _order_by_hand(results, 24)
    runs = results.runs.set_index("rep")
    assert bool(runs.loc[p10.rep, "failed"])
    month = int(runs.loc[p10.rep, "failure_month"])
    assert p10.stopped == month
    assert list(p10.monthly.columns)[-1] == month
    assert f"stopped trading in month {month}" in p10.how_chosen()
    assert max(cf.reconcile(p10.monthly).values()) < 0.005


def test_reference_rows_are_the_results_percentiles(
    results: sim.Results, pair: list[cf.Forecast]
) -> None:
    reference = pair[0].reference
    at12 = results.monthly[results.monthly["month"] == 12]["cash_close"].astype(float)
    assert reference.loc["  P50 (median)", 12] == pytest.approx(float(np.median(at12)))
    survival = results.runs["failure_month"].fillna(10**6).astype(int) > 12
    assert reference.loc["Share of futures still trading", 12] == pytest.approx(survival.mean())


def test_vat_rows_reconcile() -> None:
    """An unregulated service over a low VAT threshold: VAT charged is part of what clients
    pay (so of the cash received) and the quarterly returns are payments."""
    from sim.scenario import SCENARIO_DIR

    scenario = sim.load_scenario(SCENARIO_DIR / "home_support_companionship.toml")
    scenario = scenario.with_overrides(
        {"business.vat_threshold_per_year": 5000.0, "run.months": 36}
    )
    charged = paid = 0.0
    for rep in range(4):
        one = sim.simulate(scenario, replication=rep)
        table = cf.cash_flow(one.monthly, scenario)
        assert max(cf.reconcile(table).values()) < 0.005
        assert np.allclose(table.loc[cf.VAT_CHARGED], one.monthly["vat_charged"], atol=0.005)
        assert np.allclose(table.loc["VAT paid to HMRC"], one.monthly["vat_paid"], atol=0.005)
        charged += table.loc[cf.VAT_CHARGED].sum()
        paid += table.loc["VAT paid to HMRC"].sum()
    assert charged > 0 and paid > 0  # the case is exercised
