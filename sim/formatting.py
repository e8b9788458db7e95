"""One way to write every figure and code the pages and the command line show.

Money as £12,345, shares as 74%, differences of shares as percentage points, months as
"month 13", plain numbers never in scientific notation, and a plain-words label for every
code a scenario or a result uses (``survival_36``, ``home_care``, ``zero_hours``, ``none``,
``four_weekly``, …). The money, share and point formats already in :mod:`sim.report` are
re-exported from here so there is one place to look; new pages should import from here.
"""

from __future__ import annotations

import math
import re
from typing import Any

from sim.report import pct, points, pounds, signed_points

__all__ = [
    "CODE_LABELS",
    "SCIENTIFIC",
    "code_label",
    "is_share_metric",
    "metric_words",
    "month_range",
    "plain_number",
    "pct",
    "points",
    "pounds",
    "signed_points",
    "value_text",
]

#: Scientific notation as Python or plotly writes it (1.174e+04, 2E-05): never shown.
SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE][+-]?\d")

#: Plain words for the codes of a scenario's choices and of the results, so no page shows a
#: code. Metrics of the form ``survival_<m>`` and ``breakeven_<m>`` are worded by
#: :func:`metric_words`.
CODE_LABELS: dict[str, str] = {
    # kinds of service
    "home_care": "home care (regulated personal care)",
    "home_support": "home support (companionship, unregulated)",
    "day_activities": "day activities (sessions)",
    # staff contracts and sick pay
    "zero_hours": "zero-hours contracts",
    "contracted": "contracted hours",
    "statutory": "Statutory Sick Pay only",
    "contract": "full pay when sick (contractual)",
    # council framework and allocation
    "none": "none (no council work)",
    "closed": "closed framework (a fixed list)",
    "open": "open framework (any provider may join)",
    "spot": "spot purchasing (case by case)",
    "first_to_respond": "first to respond",
    "equal_share": "equal shares",
    "past_performance": "by past performance",
    # invoicing
    "weekly": "weekly",
    "four_weekly": "every 4 weeks",
    "monthly": "monthly",
    # payers and channels
    "self_funder": "self-funders",
    "direct_payment": "direct payments",
    "professional": "professionals (social workers, GPs)",
    "word_of_mouth": "word of mouth",
    "local_authority": "the council",
    # failure causes
    "insolvency": "insolvency (ran out of cash)",
    "owner_exit": "owner gave up",
    "owner_illness": "owner's long illness",
    # kinds of start-up support
    "grant": "grant",
    "loan": "loan",
    "coordinator": "coordinator support",
    "introduction": "introductions to referrers",
    # measures
    "final_cash": "cash at the end (£)",
    "final_cash_p50": "cash at the end (£, median)",
    "breakeven_month": "month it starts covering its costs",
    "operating_result": "monthly operating result (£, average)",
    "continuity": "continuity of care",
    "carers_per_client": "carers per client a month",
    "mean_clients": "clients on the books (average)",
    "cost_per_hour": "cost per delivered hour (£, average of runs)",
    "price_per_hour": "income per delivered hour (£, average of runs)",
    "declined": "referrals declined",
}

_MONTHLY = re.compile(r"^(survival|breakeven)_(\d+)$")


def _years(month: int) -> str:
    if month % 12:
        return f"month {month}"
    years = month // 12
    return f"{years} year{'s' if years != 1 else ''}"


def metric_words(metric: str) -> str:
    """A measure in words: ``survival_36`` -> 'chance still trading at 3 years'."""
    match = _MONTHLY.match(metric)
    if match:
        kind, month = match.group(1), int(match.group(2))
        at = _years(month)
        if kind == "survival":
            return f"chance still trading at {at}"
        return f"chance it covers its costs by {at}"
    return CODE_LABELS.get(metric, metric.replace("_", " "))


def code_label(code: Any) -> str:
    """Plain words for a code (a choice, cause, payer, measure); other text is unchanged
    but for underscores."""
    text = str(code)
    if _MONTHLY.match(text):
        return metric_words(text)
    return CODE_LABELS.get(text, text.replace("_", " "))


def plain_number(value: float | None, digits: int = 4) -> str:
    """A number to ``digits`` significant figures with thousands separators and never in
    scientific notation: 11740.3 -> '11,740', 0.034512 -> '0.03451'."""
    if value is None or value != value:
        return "n/a"
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    text = f"{round(value, decimals):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def is_share_metric(metric: str) -> bool:
    """Measures that are shares (0 to 1): shown as % and their changes as points."""
    name = metric.removesuffix("_p50")
    return bool(_MONTHLY.match(name)) or name == "continuity"


def value_text(value: float | None, unit: str = "") -> str:
    """A value in its unit: '£' money (pence dropped from £100), '£/h' money to the penny,
    'share' a percentage, 'months' as months, otherwise a plain number."""
    if value is None or value != value:
        return "n/a"
    if unit == "£/h":
        return pounds(value)
    if unit == "£":
        return pounds(value, 0 if abs(value) >= 100 else 2)
    if unit == "share":
        return pct(value)
    if unit == "months":
        return f"{plain_number(value, 3)} months"
    return plain_number(value)


def month_range(q1: int, median: int, q3: int) -> str:
    """When failures happen: 'month 13 (half of them between months 7 and 22)'."""
    if q1 == q3:
        return f"month {median}"
    return f"month {median} (the middle half between months {q1} and {q3})"
