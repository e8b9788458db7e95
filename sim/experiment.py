"""Replications of a scenario, run in parallel, and comparisons under common random numbers.

Every figure shown to a user is a Monte Carlo estimate, so a scenario is run many times:
replication ``r`` is ``sim.model.simulate(scenario, replication=r)``. Its random streams
depend only on ``(scenario.run.seed, r)``, so the results are the same whether the
replications run in this process, in local worker processes or on a Dask cluster, and however
they are split into chunks. Two scenarios run on the same replication indices with the same
seed share common random numbers, which is what makes a paired comparison sharp.

Workers return one compact result per chunk of replications (the chunk's monthly rows as
numpy columns with a ``rep`` column, in small dtypes, plus one tuple per replication) because
pickling the results back is the main cost of parallelism here. Nothing here needs pandas
until a DataFrame is asked for (``Results.monthly``, ``.runs``, comparisons): the summary is
computed from the numpy columns (see :mod:`sim.tables`).
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import re
import signal
import sys
import time
import uuid
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.breakeven import breakeven_facts
from sim.errors import InputError, require_whole
from sim.model import replicate
from sim.model.record import COLUMNS as RECORD_COLUMNS
from sim.resources import check_memory, local_workers
from sim.results import (
    SUMMARY_MONTHS,
    broke_even_by,
    cash_quantiles,
    mean_with_ci,
    paired_difference,
    still_trading,
    summarise,
    summary_months,
    survival_curve,
)
from sim.scenario import MAX_SEED, Scenario, checked
from sim.stopping import RunFailed, format_ranges, interrupted_from
from sim.tables import Table

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Comparison", "Results", "compare", "metric_label", "run"]

Progress = Callable[[int, int], None]

CHUNKS_PER_WORKER = 4  # each chunk is 1/(this x workers) of what is left (guided)
MIN_CHUNK = 4  # replications per chunk, so that per-chunk overhead stays small
SERIAL_UPDATES = 20  # progress updates when running in this process
CONNECT_TIMEOUT_S = 3  # how long to wait for a Dask scheduler before giving up
MANAGER_JOIN_S = 0.5  # how long to wait for a stopped pool's manager thread to finish
STOP_GRACE_S = 1.0  # after SIGTERM, how long workers get before SIGKILL (stop within 2 s)
BREAKEVEN_BY = 36  # month of the "broke even by" comparison metric (capped at the horizon)

# The ledger must reconcile to the penny, so these stay float64; other money may be float32.
LEDGER_COLUMNS = frozenset({"cash_open", "receipts", "payments", "cash_close"})
SIZE_BANDS = ("micro", "small", "medium", "large")  # category order, known bands first
BAND_COLUMN = "size_band"  # the monthly record's one text column

RUN_COLUMNS = (
    "rep",
    "failed",
    "failure_month",
    "failure_cause",
    "breakeven_month",
    "final_cash",
    "peak_clients",
    "mean_clients",
    "continuity",
    "carers_per_client",
    "hours_delivered",
    "income_earned",
    "costs",
    "cost_per_hour",
    "price_per_hour",
    "months_traded",
    "declined",
    "loan_outstanding",
    "drawings",
    "owner_hours",
    "months",
)
RunRow = tuple[Any, ...]  # one row of the runs table, in RUN_COLUMNS order

_FIXED_LABELS = {
    "final_cash": "final cash (£)",
    "continuity": "continuity (share of hours by a settled regular carer)",
    "carers_per_client": "carers per client (different people a client sees in a month)",
    "mean_clients": "mean clients",
    "cost_per_hour": "cost per delivered hour (£, average of runs, not pooled)",
    "price_per_hour": "income per delivered hour (£, average of runs, not pooled)",
    "declined": "referrals declined",
}


# --- the work of one chunk (runs in a worker) ----------------------------------------------


def _ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN when the denominator is 0 (e.g. no hours delivered)."""
    return float(numerator / denominator) if denominator > 0 else math.nan


def _runs_rows(
    monthly: Mapping[str, np.ndarray],
    lengths: list[int],
    outcomes: list[Any],
    start: int,
    horizon: int,
) -> list[RunRow]:
    """The chunk's rows of the runs table (in RUN_COLUMNS order), from its full-precision
    monthly columns; sums per replication are taken over contiguous segments with reduceat."""
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.intp)
    counts = np.asarray(lengths, dtype=float)

    def total(column: str) -> np.ndarray:
        return np.add.reduceat(np.asarray(monthly[column], dtype=float), offsets)

    hours = total("hours_delivered")
    regular = total("hours_continuity")
    per_client = np.asarray(monthly["carers_per_client"], dtype=float)
    seen = ~np.isnan(per_client)
    carers_months = np.add.reduceat(seen.astype(float), offsets)
    carers_sum = np.add.reduceat(np.where(seen, per_client, 0.0), offsets)
    income = total("income_earned")
    costs = total("costs")
    clients = np.asarray(monthly["clients"], dtype=np.int64)
    peak = np.maximum.reduceat(clients, offsets)
    mean_clients = np.add.reduceat(clients, offsets) / counts
    declined_cols = [c for c in monthly if c.startswith("declined_")]
    each = np.column_stack([np.asarray(monthly[c], dtype=np.int64) for c in declined_cols])
    declined = np.add.reduceat(each.sum(axis=1), offsets)
    ends = offsets + np.asarray(lengths, dtype=np.intp) - 1
    loan = np.asarray(monthly["loan_outstanding"], dtype=float)[ends]  # owed when it stopped
    drawings = total("drawings")
    owner_hours = total("owner_hours")
    rows = []
    for i, outcome in enumerate(outcomes):
        rows.append(
            (
                start + i,
                bool(outcome.failed),
                outcome.failure_month,
                outcome.failure_cause,
                outcome.breakeven_month,
                float(outcome.final_cash),
                int(peak[i]),
                float(mean_clients[i]),
                _ratio(regular[i], hours[i]),
                _ratio(carers_sum[i], carers_months[i]),
                float(hours[i]),
                float(income[i]),
                float(costs[i]),
                _ratio(costs[i], hours[i]),
                _ratio(income[i], hours[i]),
                int(lengths[i]),
                int(declined[i]),
                float(loan[i]),
                float(drawings[i]),
                float(owner_hours[i]),
                horizon,
            )
        )
    return rows


def _full_columns(values: np.ndarray) -> dict[str, np.ndarray]:
    """The stacked record ``values`` as contiguous columns with the record's dtypes (int64,
    float64, bool), as ``sim.model.record.monthly_frame`` gives them, but without pandas;
    the size band, a text column, is left out."""
    columns: dict[str, np.ndarray] = {}
    j = 0
    for name, dtype in RECORD_COLUMNS:
        if name == "size_band":
            continue
        column = values[:, j]
        columns[name] = (
            np.ascontiguousarray(column) if dtype == np.float64 else column.astype(dtype)
        )
        j += 1
    return columns


def _compact(full: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Small dtypes so 10,000 x 60-month panels fit in memory and pickle quickly.

    Rules by dtype rather than by name, so columns added to the model are handled too:
    integers -> int32 (month int16), floats -> float32 except the ledger columns, booleans
    unchanged. (The size band is coded apart, see :func:`_band_codes`.)
    """
    columns: dict[str, np.ndarray] = {}
    for name, column in full.items():
        if name == "month":
            columns[name] = column.astype(np.int16)
        elif column.dtype.kind == "b":
            columns[name] = column
        elif column.dtype.kind in "iu":
            columns[name] = column.astype(np.int32)
        elif column.dtype.kind == "f" and name not in LEDGER_COLUMNS:
            columns[name] = column.astype(np.float32)
        else:
            columns[name] = column
    return columns


@dataclass(frozen=True)
class _Chunk:
    """What a worker sends back for a chunk of replications: the monthly rows as compact
    columns (``rep`` first; the size band as codes into ``bands``) and the runs rows.

    Plain numpy arrays pickle faster than a DataFrame and need no pandas on either side.
    """

    columns: dict[str, np.ndarray]
    bands: tuple[str, ...]
    rows: list[RunRow]


def _band_codes(bands: list[str]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Size bands as int8 codes into their sorted distinct names."""
    names, codes = np.unique(np.asarray(bands, dtype=object), return_inverse=True)
    return codes.astype(np.int8), tuple(str(n) for n in names)


def _run_chunk(scenario: Scenario, start: int, stop: int) -> _Chunk:
    """Replications ``start..stop-1``: their monthly rows (compact, with ``rep``) and runs rows."""
    records = [replicate(scenario, replication=rep) for rep in range(start, stop)]
    lengths = [book.n for book, _ in records]
    if min(lengths) < 1:
        raise RuntimeError("a replication returned no monthly rows")
    # one set of columns per chunk, from the replications' stacked arrays
    full = _full_columns(np.concatenate([book.values for book, _ in records]))
    rows = _runs_rows(full, lengths, [o for _, o in records], start, scenario.run.months)
    compact = _compact(full)
    codes, names = _band_codes([band for book, _ in records for band in book.bands])
    columns = {"rep": np.repeat(np.arange(start, stop, dtype=np.int32), lengths)}
    for name, _ in RECORD_COLUMNS:  # the record's order, the size band in its place
        columns[name] = codes if name == BAND_COLUMN else compact[name]
    return _Chunk(columns=columns, bands=names, rows=rows)


# --- executing chunks ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Task:
    job: int  # index of the scenario among those run together
    start: int
    stop: int


def _sizes(total: int, parallelism: int) -> list[int]:
    """Chunk sizes adding up to ``total``, each a share of what is left, so they shrink as
    the run goes on (guided scheduling): large chunks first, when each costs its overhead
    once, and small ones last, so that no worker is left idle long while another finishes
    a big chunk."""
    sizes: list[int] = []
    left = total
    while left > 0:
        size = min(left, max(MIN_CHUNK, math.ceil(left / (CHUNKS_PER_WORKER * parallelism))))
        sizes.append(size)
        left -= size
    return sizes


def _plan(jobs: int, reps: int, parallelism: int, serial: bool) -> list[_Task]:
    """Chunks of consecutive replication indices; the split never changes the results.

    In this process, equal chunks (one progress update each); across workers, shrinking
    chunks over all the jobs' replications in turn (see :func:`_sizes`)."""
    if serial:
        size = max(MIN_CHUNK, math.ceil(jobs * reps / SERIAL_UPDATES))
        return [
            _Task(job, start, min(start + size, reps))
            for job in range(jobs)
            for start in range(0, reps, size)
        ]
    tasks: list[_Task] = []
    job, start = 0, 0
    for size in _sizes(jobs * reps, parallelism):
        while size > 0:  # a chunk that crosses from one job into the next is split there
            stop = min(start + size, reps)
            tasks.append(_Task(job, start, stop))
            size -= stop - start
            job, start = (job + 1, 0) if stop == reps else (job, stop)
    return tasks


def _pool_context() -> Any:
    """fork on Linux (workers inherit imported modules: no pandas import per worker);
    the platform default elsewhere (fork is unsafe on macOS, absent on Windows)."""
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def _worker_signals() -> None:
    """Pool initializer. A terminal's Ctrl-C reaches the whole process group, but only the
    parent should act on it (it stops the workers and reports once), so workers ignore
    SIGINT; they die at once on SIGTERM rather than run a handler inherited by fork."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _notify(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


class _Tally:
    """Replications finished so far, for progress and for saying how far a stopped run got."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.done, self.total, self.progress = 0, total, progress

    def add(self, task: _Task) -> None:
        self.done += task.stop - task.start
        _notify(self.progress, self.done, self.total)


def _stop_pool(pool: ProcessPoolExecutor, processes: list[Any]) -> int:
    """Stop a pool's workers now (SIGTERM, then SIGKILL after a second): waiting for their
    chunks could take minutes. Returns how many were still running."""
    alive = [p for p in processes if p.is_alive()]
    for process in alive:
        process.terminate()
    deadline = time.monotonic() + STOP_GRACE_S
    for process in alive:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in alive:
        if process.is_alive():
            process.kill()
            process.join(1.0)
    # The pool's manager thread notices the dead workers and closes its wake-up pipe; wait
    # for it (briefly), or the interpreter's exit hook may write to that pipe as it closes
    # and print a traceback after our one-line message (CPython 3.11 race).
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    if manager is not None:
        manager.join(MANAGER_JOIN_S)
    return len(alive)


def _exit_causes(processes: list[Any]) -> str:
    """How dead workers ended, e.g. "was killed by SIGKILL", for the message about them.

    The pool itself sends SIGTERM to the other workers once one has died, so SIGTERM is only
    named when nothing else explains the deaths.
    """
    causes = set()
    for process in processes:
        code = process.exitcode
        if code is None or code == 0:
            continue
        if code < 0:
            try:
                causes.add(f"was killed by {signal.Signals(-code).name}")
            except ValueError:
                causes.add(f"was killed by signal {-code}")
        else:
            causes.add(f"exited with code {code}")
    if len(causes) > 1:
        causes.discard("was killed by SIGTERM")
    return " and ".join(sorted(causes)) or "ended abruptly"


def _run_pool(
    scenarios: Sequence[Scenario],
    tasks: list[_Task],
    todo: list[int],
    outputs: list[Any],
    workers: int,
    tally: _Tally,
) -> tuple[list[int], str]:
    """Run tasks ``todo`` in a fresh pool, filling ``outputs``. Returns the tasks lost to a
    worker that died (and how it died); stops every worker on Ctrl-C or SIGTERM."""
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(todo)),
        mp_context=_pool_context(),
        initializer=_worker_signals,
    )
    processes: list[Any] = []
    try:
        index: dict[Future[_Chunk], int] = {}
        for i in todo:
            task = tasks[i]
            index[pool.submit(_run_chunk, scenarios[task.job], task.start, task.stop)] = i
            # private, but the only handle on the workers before Python 3.14
            processes.extend(p for p in pool._processes.values() if p not in processes)
        lost: list[int] = []
        for future in as_completed(index):
            i = index[future]
            try:
                outputs[i] = future.result()
            except BrokenProcessPool:
                lost.append(i)
                continue
            tally.add(tasks[i])
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM turned into one by the caller
        stopped = _stop_pool(pool, processes)
        raise interrupted_from(exc, tally.done, tally.total, stopped) from None
    except BaseException:
        _stop_pool(pool, processes)
        raise
    if lost:
        _stop_pool(pool, processes)
        return sorted(lost), _exit_causes(processes)
    pool.shutdown(wait=True)
    return [], ""


def _lost_message(
    scenarios: Sequence[Scenario], tasks: list[_Task], lost: list[int], cause: str
) -> str:
    by_job: dict[int, list[tuple[int, int]]] = {}
    for i in lost:
        by_job.setdefault(tasks[i].job, []).append((tasks[i].start, tasks[i].stop))
    count = sum(tasks[i].stop - tasks[i].start for i in lost)
    where = "; ".join(
        (f"scenario {job + 1} ({scenarios[job].business.name}): " if len(scenarios) > 1 else "")
        + format_ranges(ranges)
        for job, ranges in sorted(by_job.items())
    )
    return f"{count:,} replications ({where}) did not finish: a worker process {cause}"


def _execute_local(
    scenarios: Sequence[Scenario], reps: int, workers: int, progress: Progress | None
) -> list[list[_Chunk]]:
    """Run the chunks in this process (workers == 1) or in a local process pool.

    Chunks lost to a worker that dies (the kernel's out-of-memory killer, a stray kill) are
    run once more in a fresh pool; if a worker dies again the run fails naming them.
    """
    tally = _Tally(len(scenarios) * reps, progress)
    tasks = _plan(len(scenarios), reps, workers, serial=workers == 1)
    outputs: list[Any] = [None] * len(tasks)
    if workers == 1 or len(tasks) == 1:
        try:
            for i, task in enumerate(tasks):
                outputs[i] = _run_chunk(scenarios[task.job], task.start, task.stop)
                tally.add(task)
        except KeyboardInterrupt as exc:
            raise interrupted_from(exc, tally.done, tally.total, 0) from None
        return _by_job(tasks, outputs, len(scenarios))
    lost, cause = _run_pool(scenarios, tasks, list(range(len(tasks))), outputs, workers, tally)
    if lost:
        warnings.warn(
            _lost_message(scenarios, tasks, lost, cause) + "; running them again",
            RuntimeWarning,
            stacklevel=2,
        )
        lost, cause = _run_pool(scenarios, tasks, lost, outputs, workers, tally)
        if lost:
            raise RunFailed(_lost_message(scenarios, tasks, lost, cause) + " (after one retry)")
    return _by_job(tasks, outputs, len(scenarios))


_ADDRESS = re.compile(r"^(?:[a-z]+://)?(?:\[[0-9a-fA-F:]+\]|[^\s:/\[\]]+):(\d{1,5})$")


def _discard_client(exc: BaseException) -> None:
    """Close the Client a failed constructor left behind, quietly: otherwise its __del__
    tries again at exit and prints a traceback after the one-line error."""
    from distributed import Client

    tb = exc.__traceback__
    while tb is not None:
        client = tb.tb_frame.f_locals.get("self")
        if isinstance(client, Client):
            with contextlib.suppress(Exception):  # it is broken already; just let it go
                client.close(timeout=1)
            client.status = "closed"  # so that __del__ does not try again
            return
        tb = tb.tb_next


def _connect(address: str) -> Any:
    """A Dask client on ``address``, or a clear error naming it within a few seconds."""
    if not isinstance(address, str) or not address.strip():
        raise InputError(f"scheduler must be an address like 'tcp://host:8786', got {address!r}")
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - distributed is a dependency
        raise ImportError("running on a Dask scheduler needs `distributed` installed") from exc
    match = _ADDRESS.match(address.strip())
    if not match:
        # checked before making a Client: a half-made Client complains again at exit
        raise InputError(f"bad Dask scheduler address {address!r}: expected e.g. 'tcp://host:8786'")
    if not 0 < int(match.group(1)) < 65536:
        raise InputError(f"bad Dask scheduler address {address!r}: the port must be 1 to 65535")
    try:
        return Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (ValueError, TypeError) as exc:  # unparsable address
        _discard_client(exc)
        raise InputError(f"bad Dask scheduler address {address!r}: {exc}") from None
    except Exception as exc:  # refused, timed out, or something other than a scheduler
        _discard_client(exc)
        raise ConnectionError(
            f"could not connect to a Dask scheduler at {address!r} within "
            f"{CONNECT_TIMEOUT_S} s (is one listening there?): {type(exc).__name__}: {exc}"
        ) from None


def _execute_dask(
    scenarios: Sequence[Scenario], reps: int, address: str, progress: Progress | None
) -> list[list[_Chunk]]:
    """Run the same chunks on a Dask cluster (its workers need microcare-sim installed).

    Ctrl-C or SIGTERM cancels the chunks on the cluster before closing the client; losing
    the scheduler mid-run is a :class:`RunFailed` saying how far the run got.
    """
    from distributed import as_completed as dask_completed

    tally = _Tally(len(scenarios) * reps, progress)
    client = _connect(address)
    futures: list[Any] = []
    try:
        parallelism = max(1, sum(client.nthreads().values()))
        tasks = _plan(len(scenarios), reps, parallelism, serial=False)
        batch = uuid.uuid4().hex
        futures = client.map(
            _run_chunk,
            [scenarios[t.job] for t in tasks],
            [t.start for t in tasks],
            [t.stop for t in tasks],
            key=[f"microcare-chunk-{batch}-{t.job}-{t.start}" for t in tasks],
            pure=False,
        )
        index = {future.key: i for i, future in enumerate(futures)}
        outputs: list[Any] = [None] * len(tasks)
        for future in dask_completed(futures, loop=client.loop):
            i = index[future.key]
            outputs[i] = future.result()
            tally.add(tasks[i])
            future.release()
    except KeyboardInterrupt as exc:
        _close_client(client, futures)
        cancelled = f"cancelled the run's tasks on the Dask scheduler at {address}"
        raise interrupted_from(exc, tally.done, tally.total, 0, cancelled) from None
    except BaseException as exc:
        lost = client.status != "running" or _is_connection_loss(exc)
        _close_client(client, futures)
        if lost:
            raise RunFailed(
                f"lost the Dask scheduler at {address!r} after {tally.done:,} of "
                f"{tally.total:,} replications: {type(exc).__name__}: {_first_line(exc)}"
            ) from None
        raise
    _close_client(client, [])
    return _by_job(tasks, outputs, len(scenarios))


def _is_connection_loss(exc: BaseException) -> bool:
    from distributed.client import FutureCancelledError
    from distributed.comm.core import CommClosedError

    return isinstance(exc, FutureCancelledError | CommClosedError | OSError | TimeoutError)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0]


def _close_client(client: Any, futures: list[Any]) -> None:
    """Cancel what is left on the cluster and close the client, within a few seconds and
    without letting a dead scheduler turn into a second error."""
    with contextlib.suppress(Exception):  # the scheduler may be gone already
        if futures and client.status == "running":
            client.cancel(futures)
    with contextlib.suppress(Exception):
        client.close(timeout=CONNECT_TIMEOUT_S)
    client.status = "closed"


def _by_job(tasks: list[_Task], outputs: list[Any], jobs: int) -> list[list[Any]]:
    grouped: list[list[Any]] = [[] for _ in range(jobs)]
    for task, output in zip(tasks, outputs, strict=True):
        grouped[task.job].append(output)
    return grouped


def _execute(
    scenarios: Sequence[Scenario],
    reps: int,
    workers: int | None,
    scheduler: str | None,
    progress: Progress | None,
) -> list[list[_Chunk]]:
    """Run the chunks where asked, after refusing a run too big for this machine's memory.

    Local workers are capped at the cores available (more only add overhead); a Dask
    scheduler gets as many chunks as its cluster has threads.
    """
    if scheduler is not None and workers is not None:
        raise InputError("give workers (local processes) or scheduler (Dask), not both")
    check_memory(scenarios, reps)
    if scheduler is not None:
        return _execute_dask(scenarios, reps, scheduler, progress)
    return _execute_local(scenarios, reps, local_workers(workers), progress)


# --- assembling results --------------------------------------------------------------------


def _categories(chunks: list[_Chunk]) -> list[str]:
    """The size bands seen in any chunk: the known bands in order, then others sorted."""
    seen = set().union(*(chunk.bands for chunk in chunks))
    known = [band for band in SIZE_BANDS if band in seen]
    return known + sorted(seen.difference(known))


def _assemble_monthly(chunks: list[_Chunk]) -> Table:
    """The chunks' columns stacked (in chunk order), the size band recoded to the bands of
    every chunk (:func:`_categories`)."""
    categories = _categories(chunks)
    position = {band: i for i, band in enumerate(categories)}
    columns: dict[str, np.ndarray] = {}
    for name in chunks[0].columns:
        if name == BAND_COLUMN:
            recoded = [
                np.asarray([position[b] for b in chunk.bands], dtype=np.int8)[chunk.columns[name]]
                for chunk in chunks
            ]
            columns[name] = np.concatenate(recoded)
        else:
            columns[name] = np.concatenate([chunk.columns[name] for chunk in chunks])
    key = columns["rep"].astype(np.int64) * 100_000 + columns["month"].astype(np.int64)
    if key.size and (np.diff(key) <= 0).any():  # chunks come back in order: rarely needed
        order = np.argsort(key, kind="stable")
        columns = {name: column[order] for name, column in columns.items()}
    return Table(columns, _monthly_frame, categories=categories)


def _monthly_frame(table: Table) -> pd.DataFrame:
    """The monthly panel as a DataFrame: compact dtypes, the size band categorical."""
    import pandas as pd

    columns: dict[str, Any] = dict(table)
    columns[BAND_COLUMN] = pd.Categorical.from_codes(
        table[BAND_COLUMN], dtype=pd.CategoricalDtype(table.extra["categories"])
    )
    return pd.DataFrame(columns)


#: Columns of the runs table that are months or "never" (None): NaN in the numpy columns.
_MONTH_RUN_COLUMNS = ("failure_month", "breakeven_month")


def _assemble_runs(rows: list[RunRow]) -> Table:
    """The runs rows, sorted by replication, as numpy columns: months with NaN for
    "never", the failure cause as objects (None where it did not fail)."""
    rows = sorted(rows, key=lambda row: row[0])
    columns: dict[str, np.ndarray] = {}
    for i, name in enumerate(RUN_COLUMNS):
        values = [row[i] for row in rows]
        if name in _MONTH_RUN_COLUMNS:
            columns[name] = np.array([math.nan if v is None else v for v in values], float)
        elif name == "failure_cause":
            columns[name] = np.array(values, dtype=object)
        elif name == "failed":
            columns[name] = np.array(values, dtype=bool)
        elif name in _INT_RUN_COLUMNS:
            columns[name] = np.array(values, dtype=np.int32)
        else:
            columns[name] = np.array(values, dtype=float)
    return Table(columns, _runs_frame)


_INT_RUN_COLUMNS = ("rep", "peak_clients", "months_traded", "declined", "months")


def _runs_frame(table: Table) -> pd.DataFrame:
    """The runs table as a DataFrame: months as nullable Int64, the failure cause as
    objects, counts as int32."""
    import pandas as pd

    columns: dict[str, Any] = {}
    for name, column in table.items():
        if name in _MONTH_RUN_COLUMNS:
            missing = np.isnan(column)
            whole = np.where(missing, 0, column).astype(np.int64)
            columns[name] = pd.arrays.IntegerArray(whole, missing)
        elif name == "failure_cause":
            columns[name] = pd.Series(column, dtype=object)
        else:
            columns[name] = column
    return pd.DataFrame(columns)


def _results(scenario: Scenario, reps: int, chunks: list[_Chunk]) -> Results:
    monthly = _assemble_monthly(chunks)
    runs = _assemble_runs([row for chunk in chunks for row in chunk.rows])
    return Results(
        scenario=scenario, reps=reps, seed=scenario.run.seed, panel=monthly, run_table=runs
    )


def _check_run_args(reps: Any, seed: Any, workers: Any) -> None:
    require_whole("reps", reps, 1)
    require_whole("workers", workers, 1, optional=True)
    require_whole("seed", seed, 0, high=MAX_SEED, optional=True)


def _seeded(scenario: Scenario, seed: int | None) -> Scenario:
    """The scenario with its seed resolved, so Results.scenario alone reproduces results."""
    if seed is None or seed == scenario.run.seed:
        return scenario
    return scenario.with_overrides({"run.seed": int(seed)})


# --- public API ----------------------------------------------------------------------------


#: Per-replication figures taken straight from the runs table into :meth:`Results.metrics`.
RUN_METRICS = (
    "final_cash",
    "continuity",
    "carers_per_client",
    "mean_clients",
    "cost_per_hour",
    "price_per_hour",
    "declined",
)


def metric_label(key: str) -> str:
    """Readable name of a column of :meth:`Results.metrics`."""
    kind, _, month = key.rpartition("_")
    if kind == "survival" and month.isdigit():
        return f"still trading at month {month}"
    if kind == "breakeven" and month.isdigit():
        return f"broke even by month {month}"
    return _FIXED_LABELS.get(key, key)


@dataclass(frozen=True, eq=False, repr=False)
class Results:
    """The replications of one scenario.

    Attributes:
        scenario: The scenario as run, seed included: running it again reproduces these.
        reps: Number of replications (indices 0..reps-1).
        seed: Base seed (``scenario.run.seed``).
        panel: The monthly panel as numpy columns (see :attr:`monthly`).
        run_table: The runs table as numpy columns (see :attr:`runs`; months that never
            came are NaN there).
    """

    scenario: Scenario
    reps: int
    seed: int
    panel: Table
    run_table: Table

    @property
    def monthly(self) -> pd.DataFrame:
        """One row per replication and month traded, ``rep`` first, sorted by (rep, month);
        compact dtypes (ledger columns float64). Built on first use (it imports pandas)."""
        return self.panel.frame()

    @property
    def runs(self) -> pd.DataFrame:
        """One row per replication (see :data:`RUN_COLUMNS`), sorted by ``rep``; failure
        and break-even months as nullable integers. Built on first use."""
        return self.run_table.frame()

    def __repr__(self) -> str:
        return (
            f"Results({self.scenario.business.name!r}, reps={self.reps}, seed={self.seed}, "
            f"horizon={self.horizon})"
        )

    @property
    def horizon(self) -> int:
        """Months simulated (a replication that fails stops earlier)."""
        return self.scenario.run.months

    def summary(self) -> dict[str, Any]:
        """Headline figures with intervals, as plain values (see sim.results.summarise),
        and the break-even facts of the plan (see sim.breakeven)."""
        summary = summarise(self.run_table, self.panel, self.horizon)
        summary["breakeven_facts"] = breakeven_facts(self.scenario, self.panel)
        return summary

    def survival_curve(self) -> pd.DataFrame:
        """Share still trading at the end of each month 0..horizon: month, survival,
        lower, upper (95% Wilson), n."""
        return survival_curve(self.runs, self.horizon)

    def cash_bands(self) -> pd.DataFrame:
        """Quantiles of closing cash per month over the replications still trading."""
        return cash_quantiles(self.monthly)

    def metrics(self) -> pd.DataFrame:
        """Per-replication metrics, indexed by ``rep``, for paired comparisons.

        One place for comparison, sensitivity and goal-seeking to share. Columns:
        ``survival_<m>`` (1.0 if still trading at the end of month m, m in 12/24/36/60
        capped at the horizon), ``breakeven_<m>`` (1.0 if broke even by month 36, capped),
        ``final_cash``, ``continuity``, ``carers_per_client``, ``mean_clients``,
        ``cost_per_hour``, ``price_per_hour``, ``declined``. Means of the indicators are
        shares; NaN marks a figure undefined for that replication (e.g. no hours delivered).
        """
        import pandas as pd

        runs = self.runs
        table: dict[str, Any] = {}
        for month in summary_months(SUMMARY_MONTHS, self.horizon):
            table[f"survival_{month}"] = still_trading(runs, month).to_numpy()
        by = min(BREAKEVEN_BY, self.horizon)
        table[f"breakeven_{by}"] = broke_even_by(runs, by).to_numpy()
        for name in RUN_METRICS:
            table[name] = runs[name].to_numpy(float)
        return pd.DataFrame(table, index=pd.Index(runs["rep"].to_numpy(), name="rep"))


@dataclass(frozen=True, eq=False)
class Comparison:
    """Scenarios run on the same replications and seed (common random numbers)."""

    names: list[str]
    results: list[Results]

    def table(self) -> pd.DataFrame:
        """One row per metric: each scenario's mean, and each later scenario's paired
        difference to the first with its 95% t interval.

        Columns: ``metric``, ``label``, one per scenario name, then for each later scenario
        ``"<name> - <first>"``, ``"<name> - <first> lower"`` and ``"... upper"``.
        """
        import pandas as pd

        base_name, base = self.names[0], self.results[0].metrics()
        others = [r.metrics() for r in self.results[1:]]
        rows = []
        for key in base.columns:
            row: dict[str, Any] = {"metric": key, "label": metric_label(key)}
            for name, metrics in zip(self.names, [base, *others], strict=True):
                row[name] = mean_with_ci(metrics[key])["mean"]
            for name, metrics in zip(self.names[1:], others, strict=True):
                diff = paired_difference(base[key], metrics[key])
                column = f"{name} - {base_name}"
                row[column] = diff["mean"]
                row[f"{column} lower"] = diff["lower"]
                row[f"{column} upper"] = diff["upper"]
            rows.append(row)
        return pd.DataFrame(rows)


def run(
    scenario: Scenario,
    reps: int = 1000,
    seed: int | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    scheduler: str | None = None,
) -> Results:
    """Run ``reps`` replications of ``scenario`` and collect them.

    Args:
        scenario: What to simulate.
        reps: Replications 0..reps-1.
        seed: Base seed; None keeps ``scenario.run.seed``. The stored scenario carries it.
        workers: Local processes; None = every core, 1 = in this process.
        progress: Called in this process as ``progress(done_reps, total_reps)``.
        scheduler: Address of a Dask scheduler (``"tcp://host:8786"``) to run on instead.

    Returns:
        Identical :class:`Results` for the same scenario, seed and reps, whatever
        ``workers`` or ``scheduler``.
    """
    scenario = checked(scenario)
    _check_run_args(reps, seed, workers)
    scenario = _seeded(scenario, seed)
    (chunks,) = _execute([scenario], int(reps), workers, scheduler, progress)
    return _results(scenario, int(reps), chunks)


def _unique_names(scenarios: Sequence[Scenario], names: Sequence[str] | None) -> list[str]:
    if names is not None:
        names = [str(n) for n in names]
        if len(names) != len(scenarios):
            raise InputError(f"{len(names)} names for {len(scenarios)} scenarios")
        if len(set(names)) != len(names):
            raise InputError(f"scenario names must be unique, got {names}")
        return names
    return numbered([scenario.business.name for scenario in scenarios])


def numbered(labels: Sequence[str]) -> list[str]:
    """Labels made unique by numbering repeats: plan, plan (2), plan (3)."""
    unique: list[str] = []
    for label in labels:
        name, n = label, 1
        while name in unique:
            n += 1
            name = f"{label} ({n})"
        unique.append(name)
    return unique


def compare(
    scenarios: Sequence[Scenario],
    reps: int = 1000,
    seed: int | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    scheduler: str | None = None,
    names: Sequence[str] | None = None,
) -> Comparison:
    """Run several scenarios on the same replications and seed, for paired differences.

    With common random numbers each process draws from its own stream, so replication i of
    two scenarios differs only where their inputs differ: the paired difference measures
    the policy, not the noise.

    Args:
        scenarios: Two or more (one is allowed) scenarios with the same horizon.
        seed: Base seed for all; None = the first scenario's ``run.seed``.
        names: Labels for the table; default each ``business.name``, made unique.
        reps, workers, progress, scheduler: As for :func:`run`; progress counts the
            replications of all scenarios together.
    """
    if isinstance(scenarios, Scenario) or not isinstance(scenarios, Sequence):
        raise InputError("compare takes a list of scenarios")
    scenarios = [checked(s, f"scenarios[{i}]") for i, s in enumerate(scenarios)]
    if not scenarios:
        raise InputError("compare needs at least one scenario")
    _check_run_args(reps, seed, workers)
    horizons = {s.run.months for s in scenarios}
    if len(horizons) > 1:
        raise InputError(f"scenarios must share one horizon (run.months), got {sorted(horizons)}")
    labels = _unique_names(scenarios, names)
    common = scenarios[0].run.seed if seed is None else int(seed)
    seeded = [_seeded(s, common) for s in scenarios]
    grouped: list[Any] = _execute(seeded, int(reps), workers, scheduler, progress)
    results = []
    for i, scenario in enumerate(seeded):
        chunks, grouped[i] = grouped[i], None  # free each scenario's chunks once assembled
        results.append(_results(scenario, int(reps), chunks))
        del chunks
    return Comparison(names=labels, results=results)
