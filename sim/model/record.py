"""The monthly record: one row a month of what happened, for the results and the charts.

Written at each month close, after the bills, drawings and failure check: cash flows and
balances (from the ledger's month, closed here), income and costs by kind, what is owed to
the business, clients by payer, the waiting list, staff, hires and leavers, hours delivered,
missed and covered, continuity (hours from a settled regular carer), carers per client and
changes of regular carer, referrals accepted and declined by channel (and how many of the
declined the owner chose to refuse, by reason), the size band, whether the business is still
trading, VAT charged, paid and whether registered, and the shocks that struck it
(sim.model.shocks). The month's counters are then reset.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.model.acceptance import REFUSALS
from sim.model.money import INCOME, OWED_ACCOUNTS, VAT
from sim.model.shocks import SHOCKS
from sim.scenario import CHANNELS, PAYERS

if TYPE_CHECKING:
    import pandas as pd

    from sim.model.provider import Provider

COUNT_COLUMNS = tuple((f"referrals_{c}", f"accepted_{c}", f"declined_{c}") for c in CHANNELS)

# The record's columns in order, with their dtypes: every value but the size band is held as
# a float64 while the replication runs (counts and flags are exact as floats) and cast back
# to its dtype when the DataFrame is built.
_INT, _FLOAT, _BOOL = np.dtype(np.int64), np.dtype(np.float64), np.dtype(bool)
COLUMNS: tuple[tuple[str, np.dtype], ...] = (
    ("month", _INT),
    *(
        (name, _FLOAT)
        for name in (
            "cash_open",
            "receipts",
            "payments",
            "cash_close",
            "income_earned",
            "costs",
            "operating_result",
            "receipts_from_clients",
            "owed_to_business",
            "drawings",
            "owner_hours",
            "loan_outstanding",
            "cost_wages",
            "cost_oncosts",
            "cost_mileage",
            "cost_recruitment",
            "cost_overheads",
            "cost_interest",
            "cost_bad_debt",
            "cost_startup",
            "cost_bought_cover",
            "vat_charged",
            "vat_paid",
        )
    ),
    ("clients", _INT),
    *((f"clients_{payer}", _INT) for payer in PAYERS),
    *(
        (name, _INT)
        for name in (
            "waiting",
            "staff",
            "hires",
            "leavers",
            "packages_ended",
            "left_dissatisfied",
        )
    ),
    *(
        (name, _FLOAT)
        for name in (
            "hours_delivered",
            "hours_missed",
            "hours_regular",
            "hours_cover",
            "hours_owner_cover",
            "hours_bought_cover",  # a holiday week's care bought from another provider
            "weeks_settled",  # weekly settlements in the month: 4 or 5 (a month is 4.35 weeks)
        )
    ),
    *((f"hours_{payer}", _FLOAT) for payer in PAYERS),
    *((f"income_{payer}", _FLOAT) for payer in PAYERS),
    ("continuity", _FLOAT),
    ("hours_continuity", _FLOAT),  # delivered by a settled regular carer
    ("carers_per_client", _FLOAT),  # people a client saw this month, mean over clients seen
    ("carer_changes", _INT),  # clients who lost their regular carer this month
    ("on_council_list", _BOOL),
    ("size_band", np.dtype(object)),
    ("trading", _BOOL),
    ("vat_registered", _BOOL),
    *((name, _INT) for names in COUNT_COLUMNS for name in names),
    *((f"shocks_{name}", _INT) for name in SHOCKS),
    *((f"refused_{reason}", _INT) for reason in REFUSALS),  # of the declined, by the owner
)
NAMES = tuple(name for name, _ in COLUMNS)
BAND = NAMES.index("size_band")  # the one text column, kept apart as a list of str
VALUE_NAMES = NAMES[:BAND] + NAMES[BAND + 1 :]  # the columns of MonthlyRecord.values
CASH_CLOSE = VALUE_NAMES.index("cash_close")
OPERATING_RESULT = VALUE_NAMES.index("operating_result")


class MonthlyRecord:
    """A replication's monthly rows: a preallocated float64 array (one row a month, the
    columns of ``VALUE_NAMES``) and the size bands."""

    __slots__ = ("_values", "bands", "n")

    def __init__(self, months: int) -> None:
        self._values = np.empty((months, len(VALUE_NAMES)))
        self.bands: list[str] = []
        self.n = 0

    @property
    def values(self) -> np.ndarray:
        """The rows written so far."""
        return self._values[: self.n]


def monthly_frame(values: np.ndarray, bands: list[str]) -> pd.DataFrame:
    """The monthly DataFrame of stacked ``values`` and ``bands``: the columns in ``NAMES``
    order with their dtypes (int64, float64, bool, and object for the size band); the
    DataFrame copies the arrays. pandas is imported here, not with the model: a run that
    only summarises never needs it."""
    import pandas as pd

    columns: dict[str, object] = {}
    j = 0
    for name, dtype in COLUMNS:
        if name == "size_band":
            array = np.empty(len(bands), dtype=object)
            array[:] = bands
            columns[name] = array
            continue
        column = values[:, j]
        columns[name] = column if dtype == _FLOAT else column.astype(dtype)
        j += 1
    return pd.DataFrame(columns)


def record(p: Provider, month: int, income: int, costs: int) -> None:
    """Write the month's row into ``p.monthly``; ``income`` and ``costs`` are pence."""
    ledger = p.ledger
    receipts = ledger.month_receipts
    payments = ledger.month_payments
    moved = ledger.close_month()
    get = moved.get

    employees = len(p.workers) - 1
    hours = p.m_hours
    income_by_payer = dict.fromkeys(PAYERS, 0)
    payer_of = p.payer
    for channel in CHANNELS:
        income_by_payer[payer_of[channel]] -= get(INCOME[channel], 0)
    by_payer = dict.fromkeys(PAYERS, 0)
    for client in p.clients:
        by_payer[client.payer] += 1
    balances = ledger.balances
    owed = 0
    for account in OWED_ACCOUNTS:
        owed += balances.get(account, 0)
    delivered = hours["delivered"]
    carers_seen = p.m_carers_seen
    clients_seen = p.m_clients_seen
    for client in p.clients:
        if client.seen:
            carers_seen += len(client.seen)
            clients_seen += 1
            client.seen = set()
    p.seen_fresh = False
    counts = [n for row in zip(p.m_referrals, p.m_accepted, p.m_declined, strict=True) for n in row]
    book = p.monthly
    book._values[book.n] = (
        month,
        p.cash_open / 100,
        receipts / 100,
        payments / 100,
        ledger.cash / 100,
        income / 100,
        costs / 100,
        (income - costs) / 100,
        p.m_client_receipts / 100,
        owed / 100,
        get("equity:drawings", 0) / 100,
        p.m_owner_hours,
        p.loan_balance / 100,
        get("expense:wages", 0) / 100,
        (get("expense:employer_ni", 0) + get("expense:pension", 0)) / 100,
        get("expense:mileage", 0) / 100,
        get("expense:recruitment", 0) / 100,
        (get("expense:overheads", 0) + get("expense:marketing", 0) + get("expense:annual_fees", 0))
        / 100,
        get("expense:interest", 0) / 100,
        get("expense:bad_debt", 0) / 100,
        get("expense:startup", 0) / 100,
        get("expense:bought_cover", 0) / 100,
        (p.m_vat_paid - get(VAT, 0)) / 100,  # the month's VAT: paid less the change owed
        p.m_vat_paid / 100,
        len(p.clients),
        *by_payer.values(),
        len(p.waiting),
        employees,
        p.m_hires,
        p.m_leavers,
        p.m_ended,
        p.m_dissatisfied,
        delivered,
        hours["missed"],
        hours["regular"],
        hours["cover"],
        hours["owner_cover"],
        hours["bought_cover"],
        p.m_weeks,
        *p.m_payer_hours.values(),
        *(income_by_payer[payer] / 100 for payer in PAYERS),
        hours["continuity"] / delivered if delivered > 0 else math.nan,
        hours["continuity"],
        carers_seen / clients_seen if clients_seen else math.nan,
        p.m_carer_changes,
        p.la_share > 0,
        not p.failed,
        p.vat_registered,
        *counts,
        *p.m_shocks,
        *p.m_refused.values(),
    )
    book.bands.append(size_band(employees + 1))
    book.n += 1
    p.cash_open = ledger.cash
    p.reset_month_counters()


def size_band(headcount: int) -> str:
    """Size band by headcount, owner included: micro is fewer than 5 staff."""
    if headcount < 5:
        return "micro"
    if headcount < 50:
        return "small"
    return "medium"
