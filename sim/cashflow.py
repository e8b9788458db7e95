"""The lender's cash-flow forecast: months as columns, receipts by payer, payments by kind.

A Start Up Loan or grant application asks for a 12-24 month cash-flow forecast in one layout:
opening cash, receipts, payments, net flow, closing cash. Here it is drawn from the monthly
record of the replications, for a median (P50) and a pessimistic (P10) future.

Why one *real* future per sheet, not per-cell percentiles: the 10th percentile of wages, of
receipts and of closing cash come from different futures, so a sheet of them does not add
up. Instead the futures are put in order from worst to best — first those that stopped
trading before the forecast's last month (earliest first), then the rest by their closing
cash that month — and the sheet shows the one at the 50th (or 10th) percentile of that order
(nearest rank). Its rows reconcile every month: opening + receipts - payments = closing.
Per-month percentiles across all futures are given below, for reference, marked as such.

The chosen replication is simulated again (same scenario, seed and replication give the same
numbers) for its full-precision record: the results keep most money columns in float32, to
the penny only up to a few thousand pounds.

Receipts by payer: the record has what each payer's clients were *charged* in a month
(income earned), not when each paid; the cash from clients arrives later. So the sheet shows
the earnings by payer, then what was not yet paid and bad debts, which together give the cash
received from clients (``receipts_from_clients``), a figure of the record.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.model import simulate
from sim.results import month_values
from sim.scenario import PAYERS, Scenario

if TYPE_CHECKING:
    from sim.experiment import Results

__all__ = [
    "FORECAST_MONTHS",
    "YEARLY_MONTHS",
    "Forecast",
    "cash_flow",
    "forecast",
    "futures_in_order",
    "reconcile",
    "yearly",
]

FORECAST_MONTHS = 24  # the lender's layout: two years month by month
YEARLY_MONTHS = 60  # and a summary by year to five
PAYER_LABELS = {
    "self_funder": "self-funders",
    "direct_payment": "direct payments",
    "local_authority": "the council",
}

OPENING = "Opening cash"
RECEIVED_FROM_CLIENTS = "Received from clients"
TOTAL_RECEIPTS = "Total receipts"
TOTAL_PAYMENTS = "Total payments"
NET_FLOW = "Net cash flow"
CLOSING = "Closing cash"
OVERHEADS = "Overheads, marketing and annual fees (as paid)"


def earned_label(payer: str) -> str:
    """The row of what one payer's clients were charged."""
    return f"  Earned from {PAYER_LABELS.get(payer, payer.replace('_', ' '))}"


NOT_YET_PAID = "  less: earned, not yet paid (change in money owed to you)"
BAD_DEBT = "  less: bad debts (never paid)"
VAT_CHARGED = "  VAT charged to clients"
GRANT = "Grant received"
LOAN = "Loan received"
#: Payment rows and the record's column each comes from (the overheads row is what is left
#: of the month's recorded payments: the record spreads annual fees over the year, while the
#: cash goes out at the start of each year).
PAYMENT_COLUMNS = {
    "Wages (with holiday and sick pay)": "cost_wages",
    "On-costs (employer NI, pension)": "cost_oncosts",
    "Mileage": "cost_mileage",
    "Recruitment": "cost_recruitment",
    "Holiday cover bought from another provider": "cost_bought_cover",
    OVERHEADS: None,
    "Start-up costs": "cost_startup",
    "Loan repayments (capital)": None,
    "Loan interest": "cost_interest",
    "VAT paid to HMRC": "vat_paid",
    "Owner's drawings": "drawings",
}
LOAN_CAPITAL = "Loan repayments (capital)"
RECEIPT_ROWS = (RECEIVED_FROM_CLIENTS, GRANT, LOAN)


def client_rows() -> list[str]:
    """The rows that add up to the cash received from clients."""
    return [*(earned_label(p) for p in PAYERS), VAT_CHARGED, NOT_YET_PAID, BAD_DEBT]


def row_order() -> list[str]:
    """Every row of a sheet, top to bottom."""
    return [
        OPENING,
        *client_rows(),
        *RECEIPT_ROWS,
        TOTAL_RECEIPTS,
        *PAYMENT_COLUMNS,
        TOTAL_PAYMENTS,
        NET_FLOW,
        CLOSING,
    ]


def _col(monthly: pd.DataFrame, name: str) -> np.ndarray:
    return monthly[name].to_numpy(dtype=float)


def cash_flow(monthly: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """One future's monthly record as the lender's rows (index) by month (columns, 1..n).

    ``monthly`` is one replication's record (:func:`sim.simulate`), in month order, from
    month 1. Amounts are in pounds, rounded to the penny.
    """
    months = monthly["month"].to_numpy(dtype=int)
    owed = _col(monthly, "owed_to_business")
    owed_before = np.concatenate(([0.0], owed[:-1]))
    loan_out = _col(monthly, "loan_outstanding")
    loan_before = np.concatenate(([0.0], loan_out[:-1]))
    support = scenario.support
    grant = np.where(months == support.grant_month, support.grant_amount, 0.0)
    loan = np.where(months == support.loan_month, support.loan_amount, 0.0)
    rows: dict[str, np.ndarray] = {OPENING: _col(monthly, "cash_open")}
    for payer in PAYERS:
        rows[earned_label(payer)] = _col(monthly, f"income_{payer}")
    rows[VAT_CHARGED] = _col(monthly, "vat_charged")
    rows[NOT_YET_PAID] = -(owed - owed_before)
    rows[BAD_DEBT] = -_col(monthly, "cost_bad_debt")
    rows[RECEIVED_FROM_CLIENTS] = _col(monthly, "receipts_from_clients")
    rows[GRANT] = grant
    rows[LOAN] = loan
    rows[TOTAL_RECEIPTS] = _col(monthly, "receipts")
    payments = _col(monthly, "payments")
    for label, column in PAYMENT_COLUMNS.items():
        if column is not None:
            rows[label] = _col(monthly, column)
    rows[LOAN_CAPITAL] = loan + loan_before - loan_out
    named = sum(rows[label] for label, column in PAYMENT_COLUMNS.items() if column is not None)
    rows[OVERHEADS] = payments - named - rows[LOAN_CAPITAL]
    rows[TOTAL_PAYMENTS] = payments
    rows[NET_FLOW] = rows[TOTAL_RECEIPTS] - payments
    rows[CLOSING] = _col(monthly, "cash_close")
    table = pd.DataFrame({label: rows[label] for label in row_order()}, index=months).T
    table.columns = pd.Index(months, name="month")
    return table.round(2) + 0.0  # + 0.0: no "-0.00"


def reconcile(table: pd.DataFrame) -> dict[str, float]:
    """The largest gap (£) in each identity a sheet must satisfy, over its months.

    ``closing``: opening + total receipts - total payments = closing; ``receipts`` and
    ``payments``: the rows add up to their totals; ``clients``: the earnings, VAT, what was not
    yet paid and bad debts add up to the cash received from clients; ``opening``: each month
    opens with the last one's closing cash.
    """
    get = table.loc
    closing = get[OPENING] + get[TOTAL_RECEIPTS] - get[TOTAL_PAYMENTS] - get[CLOSING]
    receipts = sum(get[r] for r in RECEIPT_ROWS) - get[TOTAL_RECEIPTS]
    payments = sum(get[r] for r in PAYMENT_COLUMNS) - get[TOTAL_PAYMENTS]
    clients = sum(get[r] for r in client_rows()) - get[RECEIVED_FROM_CLIENTS]
    opening = get[OPENING].iloc[1:].to_numpy() - get[CLOSING].iloc[:-1].to_numpy()
    gaps = {"closing": closing, "receipts": receipts, "payments": payments, "clients": clients}
    out = {name: float(np.abs(np.asarray(gap, dtype=float)).max()) for name, gap in gaps.items()}
    out["opening"] = float(np.abs(opening).max()) if opening.size else 0.0
    return out


def yearly(table: pd.DataFrame, months: int = YEARLY_MONTHS) -> pd.DataFrame:
    """A monthly sheet summed by year (to ``months``): flows add up, the opening cash is the
    year's first month's and the closing cash its last month's. Columns are "Year 1", ...;
    a year the future did not trade to its end is named by its months."""
    table = table.loc[:, [m for m in table.columns if int(m) <= months]]
    columns: dict[str, pd.Series] = {}
    numbers = np.asarray(table.columns, dtype=int)
    years = (numbers - 1) // 12 + 1
    for year in np.unique(years).tolist():
        group = table.loc[:, years == year]
        first, last = int(numbers[years == year][0]), int(numbers[years == year][-1])
        sums = group.sum(axis=1)
        sums[OPENING] = group.loc[OPENING].iloc[0]
        sums[CLOSING] = group.loc[CLOSING].iloc[-1]
        full = first == 12 * (year - 1) + 1 and last == 12 * year
        name = f"Year {year}" if full else f"Year {year} (months {first}-{last})"
        columns[name] = sums
    return (pd.DataFrame(columns).round(2) + 0.0).loc[table.index]


def futures_in_order(results: Results, month: int) -> np.ndarray:
    """Replication numbers from the worst future to the best at ``month``: first those that
    stopped trading before or in it (earliest first, then by their last cash), then by their
    closing cash that month."""
    runs = results.run_table
    monthly = results.panel
    failure = month_values(runs["failure_month"])
    reps = np.asarray(runs["rep"], dtype=int)
    final = np.asarray(runs["final_cash"], dtype=float)
    at = np.asarray(monthly["month"]) == month
    cash = dict(
        zip(
            np.asarray(monthly["rep"])[at].tolist(),
            np.asarray(monthly["cash_close"], dtype=float)[at].tolist(),
            strict=True,
        )
    )
    stopped = ~np.isnan(failure) & (np.nan_to_num(failure, nan=math.inf) <= month)
    keys = []
    for i, rep in enumerate(reps):
        if stopped[i]:
            keys.append((0, float(failure[i]), float(final[i]), int(rep)))
        else:
            keys.append((1, 0.0, float(cash[int(rep)]), int(rep)))
    return np.asarray([k[3] for k in sorted(keys)], dtype=int)


@dataclass(frozen=True)
class Forecast:
    """One future's cash-flow forecast and how it was chosen.

    Attributes:
        label: "P50" or "P10".
        quantile: 0.5 or 0.1.
        rep: The replication shown.
        position: Its place (0 = worst) among ``reps`` futures in order.
        reps: Futures run.
        months: The forecast's months (24, or the horizon if shorter).
        stopped: The month the future stopped trading, if it did within ``months``.
        cause: Why it stopped (``failure_cause``), or None.
        monthly: Rows by month 1..``months`` (fewer if it stopped).
        by_year: The whole future by year, to month 60 (see :func:`yearly`).
        reference: Per month, across all futures (not adding up): share still trading with
            its 95% interval, and P10/P50/P90 of closing cash among those trading.
    """

    label: str
    quantile: float
    rep: int
    position: int
    reps: int
    months: int
    stopped: int | None
    cause: str | None
    monthly: pd.DataFrame = field(repr=False)
    by_year: pd.DataFrame = field(repr=False)
    reference: pd.DataFrame = field(repr=False)

    def how_chosen(self) -> str:
        """The sentence a sheet carries to say which future it is and why it adds up."""
        share = 100 * self.quantile
        text = (
            f"{self.label}: one real simulated future (replication {self.rep}), the one at "
            f"the {share:.0f}th percentile when the {self.reps:,} futures are put in order "
            f"from worst to best: first those that stopped trading by month {self.months} "
            f"(earliest first), then by closing cash in month {self.months}. Being one "
            "future, its rows add up every month (opening + receipts - payments = closing); "
            "percentiles taken cell by cell would not."
        )
        if self.stopped is not None:
            cause = (self.cause or "unknown").replace("_", " ")
            text += f" This future stopped trading in month {self.stopped} ({cause})."
        return text


def _reference(results: Results, months: int) -> pd.DataFrame:
    """Per-month figures across all futures, for the rows under a sheet."""
    bands = results.cash_bands().set_index("month")
    curve = results.survival_curve().set_index("month")
    index = range(1, months + 1)
    rows = {
        "Share of futures still trading": curve["survival"].reindex(index),
        "  95% interval, lower": curve["lower"].reindex(index),
        "  95% interval, upper": curve["upper"].reindex(index),
        "Closing cash across futures still trading: P10": bands["p10"].reindex(index),
        "  P50 (median)": bands["p50"].reindex(index),
        "  P90": bands["p90"].reindex(index),
    }
    frame = pd.DataFrame(rows).T
    frame.columns = pd.Index(list(index), name="month")
    return frame.astype(float)


def forecast(results: Results, quantile: float, months: int = FORECAST_MONTHS) -> Forecast:
    """The cash-flow forecast of the future at ``quantile`` (0.5 median, 0.1 pessimistic)."""
    if not 0 <= quantile <= 1:
        raise ValueError(f"quantile must be between 0 and 1, got {quantile}")
    months = min(months, results.horizon)
    order = futures_in_order(results, months)
    position = int(math.floor(quantile * (len(order) - 1) + 0.5))
    rep = int(order[position])
    one = simulate(results.scenario, replication=rep)
    table = cash_flow(one.monthly, results.scenario)
    outcome = one.outcome
    stopped = (
        int(outcome.failure_month) if outcome.failed and outcome.failure_month is not None else None
    )
    return Forecast(
        label=f"P{round(100 * quantile)}",
        quantile=quantile,
        rep=rep,
        position=position,
        reps=len(order),
        months=months,
        stopped=stopped if stopped is not None and stopped <= months else None,
        cause=outcome.failure_cause if stopped is not None and stopped <= months else None,
        monthly=table.loc[:, [m for m in table.columns if int(m) <= months]],
        by_year=yearly(table),
        reference=_reference(results, months),
    )


def forecasts(results: Results, months: int = FORECAST_MONTHS) -> list[Forecast]:
    """The median (P50) and pessimistic (P10) forecasts."""
    return [forecast(results, 0.5, months), forecast(results, 0.1, months)]


def as_plain(value: Any) -> Any:
    """A cell for a spreadsheet: None for NaN, plain floats."""
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number
