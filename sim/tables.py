"""A run's tables as named numpy columns, with the pandas DataFrame built on first use.

The command line's summary needs a dozen sums, shares and quantiles of the results; importing
pandas (and, through it, pyarrow) for them costs more than computing them. So a run keeps its
monthly panel and its runs table as numpy columns (:class:`Table`), which the summary reads
directly, and the DataFrame (what ``Results.monthly`` and ``Results.runs`` return, for
``--out``, the dashboard and comparisons) is built, with its final dtypes, only when asked
for. A table pickles as its columns: the DataFrame is rebuilt where it is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Table"]


class Table(Mapping[str, np.ndarray]):
    """Columns of equal length by name, in order, and the DataFrame ``build(columns)`` makes
    of them (built once, on the first call of :meth:`frame`).

    Args:
        columns: The columns, in the DataFrame's order.
        build: Makes the DataFrame from the columns (a module-level function, so that the
            table pickles).
        extra: Anything else ``build`` needs (e.g. the categories of a coded column).
    """

    def __init__(
        self,
        columns: dict[str, np.ndarray],
        build: Callable[[Table], pd.DataFrame],
        **extra: Any,
    ) -> None:
        self._columns = columns
        self._build = build
        self.extra = extra
        self._frame: pd.DataFrame | None = None

    def __getitem__(self, name: str) -> np.ndarray:
        return self._columns[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    @property
    def rows(self) -> int:
        """Number of rows."""
        return len(next(iter(self._columns.values()))) if self._columns else 0

    def frame(self) -> pd.DataFrame:
        """The table as a pandas DataFrame (the same object on every call)."""
        if self._frame is None:
            self._frame = self._build(self)
        return self._frame

    def __getstate__(self) -> dict[str, Any]:
        return {"columns": self._columns, "build": self._build, "extra": self.extra}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["columns"], state["build"], **state["extra"])  # type: ignore[misc]
