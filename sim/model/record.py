"""The monthly record: one row a month of what happened, for the results and the charts.

Written at each month close, after the bills, drawings and failure check: cash flows and
balances (from the ledger's month, closed here), income and costs by kind, what is owed to
the business, clients by payer, the waiting list, staff, hires and leavers, hours delivered,
missed and covered, continuity, referrals accepted and declined by channel, the size band and
whether the business is still trading. The month's counters are then reset.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from sim.model.money import INCOME, OWED_ACCOUNTS
from sim.scenario import CHANNELS, PAYERS

if TYPE_CHECKING:
    from sim.model.provider import Provider

COUNT_COLUMNS = tuple((f"referrals_{c}", f"accepted_{c}", f"declined_{c}") for c in CHANNELS)


def record(p: Provider, month: int, income: int, costs: int) -> None:
    """Append the month's row to ``p.rows``; ``income`` and ``costs`` are pence."""
    ledger = p.ledger
    receipts = ledger.month_receipts
    payments = ledger.month_payments
    moved = ledger.close_month()

    def spent(*accounts: str) -> float:
        return sum(moved.get(f"expense:{a}", 0) for a in accounts) / 100

    employees = len(p.workers) - 1
    hours = p.m_hours
    income_by_payer = dict.fromkeys(PAYERS, 0)
    for channel in CHANNELS:
        income_by_payer[p.payer[channel]] -= moved.get(INCOME[channel], 0)
    by_payer = dict.fromkeys(PAYERS, 0)
    for client in p.clients:
        by_payer[client.payer] += 1
    owed = sum(ledger.balance(account) for account in OWED_ACCOUNTS)
    row: dict[str, Any] = {
        "month": month,
        "cash_open": p.cash_open / 100,
        "receipts": receipts / 100,
        "payments": payments / 100,
        "cash_close": ledger.cash / 100,
        "income_earned": income / 100,
        "costs": costs / 100,
        "operating_result": (income - costs) / 100,
        "receipts_from_clients": p.m_client_receipts / 100,
        "owed_to_business": owed / 100,
        "drawings": moved.get("equity:drawings", 0) / 100,
        "loan_outstanding": p.loan_balance / 100,
        "cost_wages": spent("wages"),
        "cost_oncosts": spent("employer_ni", "pension"),
        "cost_mileage": spent("mileage"),
        "cost_recruitment": spent("recruitment"),
        "cost_overheads": spent("overheads", "marketing", "annual_fees"),
        "cost_interest": spent("interest"),
        "cost_bad_debt": spent("bad_debt"),
        "cost_startup": spent("startup"),
        "clients": len(p.clients),
        **{f"clients_{payer}": n for payer, n in by_payer.items()},
        "waiting": len(p.waiting),
        "staff": employees,
        "hires": p.m_hires,
        "leavers": p.m_leavers,
        "packages_ended": p.m_ended,
        "left_dissatisfied": p.m_dissatisfied,
        "hours_delivered": hours["delivered"],
        "hours_missed": hours["missed"],
        "hours_regular": hours["regular"],
        "hours_cover": hours["cover"],
        "hours_owner_cover": hours["owner_cover"],
        **{f"hours_{payer}": h for payer, h in p.m_payer_hours.items()},
        **{f"income_{payer}": income_by_payer[payer] / 100 for payer in PAYERS},
        "continuity": hours["regular"] / hours["delivered"] if hours["delivered"] > 0 else math.nan,
        "on_council_list": bool(p.la_share > 0),
        "size_band": size_band(employees + 1),
        "trading": not p.failed,
    }
    for i, (referrals, accepted, declined) in enumerate(COUNT_COLUMNS):
        row[referrals] = p.m_referrals[i]
        row[accepted] = p.m_accepted[i]
        row[declined] = p.m_declined[i]
    p.rows.append(row)
    p.cash_open = ledger.cash
    p.reset_month_counters()


def size_band(headcount: int) -> str:
    """Size band by headcount, owner included: micro is fewer than 5 staff."""
    if headcount < 5:
        return "micro"
    if headcount < 50:
        return "small"
    return "medium"
