"""Guards that refuse, before it starts, a run the machine cannot hold.

A run keeps every replication-month of its monthly panel in memory until it is summarised
and written, so ``reps=10**9`` would grow until the machine swaps or the kernel kills it,
after hours. Asking first is cheaper than finding out. Local worker processes beyond the cores
only add memory and scheduling overhead, so they are capped.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Sequence
from pathlib import Path

from sim.errors import InputError
from sim.scenario import Scenario

#: Peak memory of a run as a multiple of its monthly panel's bytes. Measured on the default
#: scenario (60 months, 2 workers, then ``summary()`` and writing ``--out`` as csv + parquet):
#: with 1,000 and 4,000 replications the panel held 13.1 and 52.5 MiB and the process's peak
#: resident memory grew by 83 and 210 MiB, i.e. 3.2x the panel at the margin (2.2x for the
#: run alone: chunks plus their concatenation). 3.5 keeps a margin over that.
PEAK_FACTOR = 3.5
SAMPLE_MONTHS = 3  # months of the one replication simulated to measure a panel row


def available_memory() -> int | None:
    """Bytes this process can still use: MemAvailable, capped by a cgroup (container) limit.

    None when the platform does not say (then the memory guard does not refuse anything).
    """
    available: int | None = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                available = int(line.split()[1]) * 1024
                break
    except (OSError, ValueError, IndexError):
        pass
    if available is None:
        try:
            available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (AttributeError, ValueError, OSError):
            return None
    try:  # cgroup v2: a container's limit is often far below the host's free memory
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = Path("/sys/fs/cgroup/memory.current").read_text().strip()
        if limit != "max":
            available = min(available, max(0, int(limit) - int(used)))
    except (OSError, ValueError):
        pass
    return available


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity and a cgroup CPU quota, if any)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            cores = min(cores, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):
        pass
    return max(1, cores)


def local_workers(asked: int | None) -> int:
    """Worker processes to start: as asked, but no more than the cores (None = all cores)."""
    cores = available_cores()
    return cores if asked is None else max(1, min(int(asked), cores))


@functools.cache
def panel_row_bytes() -> float:
    """Bytes per row (one replication-month) of the monthly panel as a run keeps it.

    Measured on a few months of one real replication, so it follows the model's columns and
    the compact dtypes of ``sim.experiment`` rather than a number that silently goes stale.
    Every scenario records the same columns, so it is measured once a process (about 20 ms
    that every run, and every step of a goal-seek, would otherwise pay again).
    """
    from sim.experiment import _run_chunk  # here: sim.experiment imports this module

    default = Scenario()
    short = default.with_overrides({"run.months": SAMPLE_MONTHS})
    columns = _run_chunk(short, 0, 1).columns
    rows = max(1, len(columns["rep"]))
    return float(sum(column.nbytes for column in columns.values())) / rows


def estimate_memory(scenarios: Sequence[Scenario], reps: int) -> int:
    """Peak bytes a run of ``reps`` replications of each scenario needs (an upper estimate:
    it counts every month, although a replication that fails stops early)."""
    if not scenarios:
        return 0
    row = panel_row_bytes()
    months = sum(s.run.months for s in scenarios)
    return math.ceil(row * int(reps) * months * PEAK_FACTOR)


def check_memory(scenarios: Sequence[Scenario], reps: int) -> None:
    """Refuse (:class:`InputError`) a run whose estimated memory exceeds what is available.

    Called before any replication runs, by ``sim.run`` and ``sim.compare`` (and so by the
    command line and the dashboard), with the scenarios as they will be run.
    """
    available = available_memory()
    if available is None or not scenarios:
        return
    needed = estimate_memory(scenarios, reps)
    if needed <= available:
        return
    per_rep = needed / int(reps)
    fits = int(available // per_rep)
    what = f"{int(reps):,} replications" + (
        f" of each of {len(scenarios)} scenarios" if len(scenarios) > 1 else ""
    )
    raise InputError(
        f"reps: {what} would need about {_size(needed)} of memory (estimated from "
        f"{_size(per_rep)} per replication), but this machine has {_size(available)} "
        f"available; use fewer replications (at most about {fits:,} fit)"
    )


def _size(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} PiB"  # pragma: no cover - the loop always returns
