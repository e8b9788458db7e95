"""How the business fails: insolvency, or the owner giving up (checked at each month close).

Insolvency: cash below the overdraft limit once the month's bills are paid; the owner then
draws nothing. Owner exit: the owner could not draw their minimum for a run of months in a
row longer than their patience and stops trading. Patience differs between owners: each
replication's owner draws theirs once, from its own stream, so the owners who give up do so
after different runs of lean months and the survival curve has no step at one month (a fixed
patience gives every owner the same). Either switch can be turned off (``failure.insolvency``,
``failure.owner_exit``). A failed business takes no more referrals, ends no more packages and
settles no more weeks; its last month is recorded and the replication stops.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.ledger import pence

if TYPE_CHECKING:
    from sim.model.provider import Provider


def insolvent(p: Provider) -> bool:
    """Cash is below the overdraft limit (and insolvency ends a business in this scenario)."""
    sc = p.sc
    return sc.failure.insolvency and p.ledger.cash < -pence(sc.business.overdraft)


def draw_patience(p: Provider) -> float:
    """The owner's patience: how many lean months in a row they bear (drawn at the start)."""
    return p.sc.owner.months_below_min_before_exit.sample(p.streams["owner_patience"].rng)


def lean_month(p: Provider, month: int, lean: bool) -> None:
    """Count months in a row the owner drew less than their minimum (``lean``); once the run
    reaches their patience (a patience of 3.4 gives up at the 4th) they give up."""
    if lean:
        p.below_min_months += 1
    else:
        p.below_min_months = 0
    if p.sc.failure.owner_exit and lean and p.below_min_months >= p.patience:
        fail(p, month, "owner_exit")


def fail(p: Provider, month: int, cause: str) -> None:
    """The business stops trading this month, for ``cause``."""
    p.failed = True
    p.failure_month = month
    p.failure_cause = cause
