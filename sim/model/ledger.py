"""A double-entry ledger in whole pence, so that cash reconciles to the penny.

Every money movement is one posting that debits one account and credits another; account
balances therefore always sum to zero, and the month's cash flows are the movements of the
``cash`` account. Accounts are named ``kind:detail`` (``income:self_funder``,
``expense:wages``, ``receivable:local_authority``...).
"""

from __future__ import annotations

from collections import defaultdict

CASH = "cash"


def pence(pounds: float) -> int:
    """Round an amount in pounds to whole pence (half away from zero)."""
    return int(pounds * 100 + (0.5 if pounds >= 0 else -0.5))


class Ledger:
    """Balances (debit positive) and this month's movements of every account."""

    def __init__(self) -> None:
        self.balances: defaultdict[str, int] = defaultdict(int)
        self.month: defaultdict[str, int] = defaultdict(int)
        self.month_receipts = 0
        self.month_payments = 0

    def post(self, debit: str, credit: str, amount: int) -> None:
        """Move ``amount`` pence: debit one account, credit another."""
        if amount == 0:
            return
        if amount < 0:
            debit, credit, amount = credit, debit, -amount
        self.balances[debit] += amount
        self.balances[credit] -= amount
        self.month[debit] += amount
        self.month[credit] -= amount
        if debit == CASH:
            self.month_receipts += amount
        elif credit == CASH:
            self.month_payments += amount

    @property
    def cash(self) -> int:
        return self.balances[CASH]

    def balance(self, account: str) -> int:
        return self.balances.get(account, 0)

    def close_month(self) -> defaultdict[str, int]:
        """Return this month's movements and start a new month."""
        moved = self.month
        self.month = defaultdict(int)
        self.month_receipts = 0
        self.month_payments = 0
        return moved
