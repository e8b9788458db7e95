"""The model's clock: time is in days, with weeks and months of fixed length.

A month is a twelfth of a 365.25-day year, so that twelve month closes make a year whatever
the calendar; the weekly settlement runs every 7 days and drifts against the months.
"""

from __future__ import annotations

import math

DAYS_PER_MONTH = 365.25 / 12
WEEK = 7.0
WEEKS_PER_YEAR = 52.0

NEVER = 1e15  # weeks: a waiting time this long never ends within any run


def settlement(weeks: float) -> float:
    """The weekly settlement a time ``weeks`` from now (or from day 0) falls in: settlement
    w covers the week (w - 1, w], and the first is 1; infinite for a time never reached
    (``math.ceil`` cannot take infinity)."""
    return max(1, math.ceil(weeks)) if weeks < NEVER else math.inf
