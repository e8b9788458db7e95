"""The one kind of error that means "the user asked for something we cannot do".

The command line exits 2 with the message of an :class:`InputError` (and the dashboard shows
it), while any other exception is a bug: it exits 1 with a pointer to a traceback. Keeping the
two apart is what stops an internal fault from being reported as the user's mistake.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input (an argument, an option, a scenario value); the message names it.

    A ``ValueError`` so that callers of the Python API can catch it as one.
    """
