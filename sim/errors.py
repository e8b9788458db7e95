"""The one kind of error that means "the user asked for something we cannot do", and the
check of whole-number arguments that every entry point of the Python API shares.

The command line exits 2 with the message of an :class:`InputError` (and the dashboard shows
it), while any other exception is a bug: it exits 1 with a pointer to a traceback. Keeping the
two apart is what stops an internal fault from being reported as the user's mistake.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class InputError(ValueError):
    """Bad input (an argument, an option, a scenario value); the message names it.

    A ``ValueError`` so that callers of the Python API can catch it as one.
    """


def require_whole(
    name: str,
    value: Any,
    low: int,
    *,
    high: int | None = None,
    optional: bool = False,
    why: str = "",
) -> None:
    """``value`` must be a whole number (int or numpy integer, never bool, never 1.5) from
    ``low`` (to ``high``), or None when ``optional``: a float seed would otherwise be
    truncated and a bool taken for 0 or 1 without a word."""
    if optional and value is None:
        return
    whole = not isinstance(value, bool) and isinstance(value, int | np.integer)
    if whole and low <= value and (high is None or value <= high):
        return
    allowed = f">= {low}" if high is None else f"from {low} to {high:,}"
    raise InputError(
        f"{name}: must be a whole number {allowed}{why}{' or None' if optional else ''}, "
        f"got {value!r}"
    )
