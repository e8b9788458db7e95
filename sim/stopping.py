"""How a run ends early: stopped by a signal, or failed for a reason that is not the user's.

Both carry what was lost, because "it stopped" is not enough for someone who waited an hour:
they need to know how far it got and that nothing half-done was kept.
"""

from __future__ import annotations

import signal


class Interrupted(KeyboardInterrupt):
    """A run stopped by SIGINT (Ctrl-C) or SIGTERM; its worker processes are already stopped.

    A ``KeyboardInterrupt`` so that code which already handles Ctrl-C handles this too.

    Attributes:
        signum: The signal that stopped the run.
        done: Replications finished before the stop (None if the run had not started).
        total: Replications asked for.
        workers: Worker processes that were stopped.
        stopped: What was stopped, when not local workers (e.g. tasks on a Dask cluster).
    """

    def __init__(
        self,
        signum: int = signal.SIGINT,
        done: int | None = None,
        total: int | None = None,
        workers: int = 0,
        stopped: str | None = None,
    ) -> None:
        super().__init__(signum, done, total, workers)
        self.stopped = stopped
        self.signum = int(signum)
        self.done = done
        self.total = total
        self.workers = workers

    @property
    def exit_code(self) -> int:
        """128 + the signal number, as a shell reports a process ended by that signal."""
        return 128 + self.signum

    def describe(self) -> str:
        """One line: what was stopped, and how far the run had got."""
        name = signal.Signals(self.signum).name
        plural = "es" if self.workers != 1 else ""
        stopped = self.stopped or (
            f"stopped {self.workers} worker process{plural}" if self.workers else "stopped"
        )
        if self.done is not None and self.total is not None:
            progress = f"after {self.done:,} of {self.total:,} replications"
            return f"interrupted by {name}: {stopped} {progress}"
        if stopped == "stopped":  # nothing in particular was running
            return f"interrupted by {name}"
        return f"interrupted by {name}: {stopped}"

    def __str__(self) -> str:
        return self.describe()


class RunFailed(RuntimeError):
    """The run could not finish for a reason outside the user's input: a worker process or
    the Dask scheduler died. The message says which replications were lost."""


def interrupted_from(
    exc: BaseException,
    done: int | None,
    total: int | None,
    workers: int,
    stopped: str | None = None,
) -> Interrupted:
    """An :class:`Interrupted` with the progress filled in, for a Ctrl-C or a SIGTERM."""
    signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
    return Interrupted(signum, done, total, workers, stopped)


def format_ranges(ranges: list[tuple[int, int]]) -> str:
    """``[(0, 4), (8, 12)]`` (stop exclusive) as ``"0-3, 8-11"``, merging neighbours."""
    merged: list[list[int]] = []
    for start, stop in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], stop)
        else:
            merged.append([start, stop])
    return ", ".join(f"{a:,}" if b - a == 1 else f"{a:,}-{b - 1:,}" for a, b in merged)
