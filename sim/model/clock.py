"""The model's clock: time is in days, with weeks and months of fixed length.

A month is a twelfth of a 365.25-day year, so that twelve month closes make a year whatever
the calendar; the weekly settlement runs every 7 days and drifts against the months.
"""

from __future__ import annotations

DAYS_PER_MONTH = 365.25 / 12
WEEK = 7.0
WEEKS_PER_YEAR = 52.0
