"""Faults, with real processes, real signals and real files: a run that is stopped, loses a
worker or its Dask scheduler, or is pointed at a bad folder never leaves a half-written result,
a stray process or a traceback, and says in one line what happened.

Processes are found through /proc (no psutil), so these tests are Linux-only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import sim
from sim import experiment, output, resources
from sim.errors import InputError
from sim.stopping import RunFailed
from tests.conftest import ROOT

CORES = resources.available_cores()
pytestmark = [
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc"),
    pytest.mark.skipif(CORES < 2, reason="needs two cores for two worker processes"),
]
LONG = ["--reps", "200000", "--workers", "2"]  # minutes of work: always mid-way when stopped
QUICK = ["--reps", "8", "--months", "6", "--workers", "1"]


# --- helpers -------------------------------------------------------------------------------


_STARTED: list[int] = []  # process groups of every run started, killed after each test


@pytest.fixture(autouse=True)
def _no_stray_processes() -> Iterator[None]:
    """A test that fails half-way (or a broken build that orphans its workers) must not leave
    a run computing for minutes on a shared machine: kill each run's whole process group."""
    yield
    while _STARTED:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(_STARTED.pop(), signal.SIGKILL)


def start(*args: object) -> subprocess.Popen[str]:
    """``microcare`` in its own session (process group), as a shell runs a job."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=True,
    )
    _STARTED.append(process.pid)
    return process


def microcare(*args: object, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    process = start(*args)
    stdout, stderr = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def _parents() -> dict[int, int]:
    """pid -> parent pid of every live process, from /proc/<pid>/stat."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":  # a zombie has ended; it only waits to be reaped
            parents[int(entry)] = int(fields[1])
    return parents


def descendants(pid: int) -> set[int]:
    parents = _parents()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    return pids & set(_parents())


def wait_for_workers(process: subprocess.Popen[str], count: int = 2) -> set[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        workers = descendants(process.pid)
        if len(workers) >= count:
            return workers
        time.sleep(0.05)
    raise AssertionError("the run never started its worker processes")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under folder with a hash of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_one_line(stderr: str, *fragments: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in stderr, stderr


@pytest.fixture
def previous_run(tmp_path: Path) -> Path:
    """A complete run in ``tmp_path/out``, as a user would have from yesterday."""
    out = tmp_path / "out"
    result = microcare("run", *QUICK, "--out", out)
    assert result.returncode == 0, result.stderr
    return out


# --- stopping ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signum", "to_group", "code"),
    [(signal.SIGINT, True, 130), (signal.SIGTERM, False, 143)],
    ids=["ctrl-c-to-the-process-group", "sigterm-to-the-parent"],
)
def test_a_stopped_run_keeps_the_previous_run_and_leaves_no_process(
    previous_run: Path, signum: int, to_group: bool, code: int
) -> None:
    before = snapshot(previous_run)
    process = start("run", *LONG, "--out", previous_run, "--force")
    workers = wait_for_workers(process)
    time.sleep(0.5)
    for pid in workers:  # else a terminal's Ctrl-C also hits them, idle ones with a traceback
        assert signal.SIGINT in _ignored_signals(pid)
        assert signal.SIGTERM not in _ignored_signals(pid)
    stopped_at = time.monotonic()
    if to_group:  # a terminal sends Ctrl-C to every process of the job
        os.killpg(process.pid, signum)
    else:
        os.kill(process.pid, signum)
    _, stderr = process.communicate(timeout=30)
    took = time.monotonic() - stopped_at

    assert process.returncode == code, stderr
    assert_one_line(stderr, f"interrupted by {signal.Signals(signum).name}", "nothing written")
    assert "stopped 2 worker processes after" in stderr
    assert took < 2.5, f"took {took:.1f} s to stop"
    assert snapshot(previous_run) == before
    assert sorted(p.name for p in previous_run.parent.iterdir()) == ["out"]  # no temp folder
    deadline = time.monotonic() + 5
    while alive(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(workers), "worker processes outlived the run"


def test_sigterm_leaves_no_process_of_the_run_alive() -> None:
    process = start("run", *LONG)
    wait_for_workers(process)
    time.sleep(0.3)
    everything = descendants(process.pid) | {process.pid}
    os.kill(process.pid, signal.SIGTERM)
    process.communicate(timeout=30)
    deadline = time.monotonic() + 5
    while alive(everything) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert process.returncode == 143
    assert not alive(everything), "a process of the run is still alive 5 s after SIGTERM"


def _stats(folder: Path) -> set[tuple[str, int, int]]:
    """What a writer changes first, whichever way it writes: names, sizes, times."""
    found = set()
    for path in folder.rglob("*"):
        if ".probe-" in path.name:  # the check that --out is writable, before simulating
            continue
        try:
            stat = path.stat()
        except OSError:  # removed as we looked
            continue
        found.add((str(path), stat.st_size, stat.st_mtime_ns))
    return found


def _ignored_signals(pid: int) -> set[int]:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigIgn:"):
            mask = int(line.split()[1], 16)
            return {n for n in range(1, 65) if mask >> (n - 1) & 1}
    return set()


def test_ctrl_c_while_writing_keeps_the_previous_run(previous_run: Path) -> None:
    """Stopped while the new files are being written (about a second, for the csv)."""
    before = snapshot(previous_run)
    parent = previous_run.parent
    process = start("run", "--reps", "600", "--workers", "2", "--out", previous_run, "--force")
    stats = _stats(parent)
    deadline = time.monotonic() + 120
    while _stats(parent) == stats:  # until something appears or changes: writing has begun
        assert process.poll() is None and time.monotonic() < deadline, "never started writing"
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=30)

    assert process.returncode == 130, stderr
    assert_one_line(stderr, "interrupted by SIGINT", "nothing written to")
    assert snapshot(previous_run) == before
    assert sorted(p.name for p in parent.iterdir()) == ["out"]


def _stop_after(real: Any, when: str = "") -> Any:
    """``real``, then a Ctrl-C to this process, as if the user pressed it at that moment
    (only for calls whose ``prefix`` holds ``when``, if given)."""

    def stopped(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if when in kwargs.get("prefix", ""):
            signal.raise_signal(signal.SIGINT)
        return result

    return stopped


def test_a_stop_just_as_the_temporary_folder_is_made_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window between making the temporary folder and writing into it (and between
    making the writability probe and removing it): the stop lands once the folder is known,
    so it is removed, and the target is as it was (missing)."""
    real = output.tempfile.mkdtemp
    written: list[Path] = []
    for when in (".probe-", output.PARTIAL):
        monkeypatch.setattr(output.tempfile, "mkdtemp", _stop_after(real, when))
        with pytest.raises(KeyboardInterrupt) as stop:
            output.write_folder(tmp_path / "out", lambda tmp: written.append(tmp))
        assert output.WRITTEN not in getattr(stop.value, "__notes__", ())
        assert list(tmp_path.iterdir()) == [], when
    assert written == []  # stopped before anything was written


def test_a_stop_during_the_swap_lands_after_it_and_says_the_run_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stop during the two renames is held until they are done: the new folder is in
    place, the old one gone, and the interruption says so (the CLI then says it was
    written, not "nothing written")."""
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "a.txt").write_text("old")
    monkeypatch.setattr(output, "_swap", _stop_after(output._swap))
    with pytest.raises(KeyboardInterrupt) as stop:
        output.write_folder(folder, lambda tmp: (tmp / "a.txt").write_text("new"), force=True)
    assert output.WRITTEN in stop.value.__notes__
    assert (folder / "a.txt").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_killed_worker_is_retried_and_the_run_completes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    process = start("run", "--reps", "600", "--workers", "2", "--out", out)
    workers = wait_for_workers(process)
    time.sleep(1.0)
    os.kill(min(workers), signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=120)

    assert process.returncode == 0, stderr
    assert "BrokenProcessPool" not in stdout + stderr and "Traceback" not in stderr
    assert_one_line(stderr, "warning:", "killed by SIGKILL", "running them again")
    runs = pd.read_csv(out / "runs.csv")
    assert sorted(runs["rep"]) == list(range(600))  # every replication, once


def _die_in_worker(scenario: sim.Scenario, start: int, stop: int) -> object:
    """A chunk whose worker dies (as under the out-of-memory killer) when it holds rep 20."""
    if start <= 20 < stop and os.getpid() != PARENT:
        os._exit(3)
    return REAL_RUN_CHUNK(scenario, start, stop)


def _die_once(scenario: sim.Scenario, start: int, stop: int) -> object:
    """As above, but only the first time: a marker file remembers that it died."""
    marker = Path(os.environ["MICROCARE_TEST_MARKER"])
    if start <= 20 < stop and not marker.exists():
        marker.touch()
        os._exit(3)
    return REAL_RUN_CHUNK(scenario, start, stop)


PARENT = os.getpid()
REAL_RUN_CHUNK = experiment._run_chunk
SMALL = sim.Scenario().with_overrides({"run.months": 6})


def test_a_worker_that_dies_twice_names_the_lost_replications(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(experiment, "_run_chunk", _die_in_worker)  # forked workers see it
    with (
        pytest.warns(RuntimeWarning, match="running them again"),
        pytest.raises(RunFailed) as failure,
    ):
        experiment.run(SMALL, reps=80, seed=3, workers=2)
    message = str(failure.value)
    assert "exited with code 3" in message and "after one retry" in message
    ranges = [(int(a), int(b)) for a, b in re.findall(r"(\d+)-(\d+)", message)]
    assert any(a <= 20 <= b for a, b in ranges), message  # names the chunk that holds rep 20


def test_a_retried_chunk_gives_the_same_results(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    reference = experiment.run(SMALL, reps=80, seed=3, workers=1)
    monkeypatch.setenv("MICROCARE_TEST_MARKER", str(tmp_path / "died"))
    monkeypatch.setattr(experiment, "_run_chunk", _die_once)
    with pytest.warns(RuntimeWarning, match="exited with code 3"):
        retried = experiment.run(SMALL, reps=80, seed=3, workers=2)
    assert (tmp_path / "died").exists(), "the worker should have died once"
    pd.testing.assert_frame_equal(reference.monthly, retried.monthly)
    pd.testing.assert_frame_equal(reference.runs, retried.runs)


# --- --out ---------------------------------------------------------------------------------


def test_an_existing_run_is_refused_without_force_and_replaced_with_it(
    previous_run: Path,
) -> None:
    (previous_run / "notes.txt").write_text("mine")
    before = snapshot(previous_run)
    started = time.monotonic()
    refused = microcare("run", "--reps", "100000", "--out", previous_run, timeout=60)
    assert time.monotonic() - started < 20, "must refuse before simulating"
    assert refused.returncode == 2
    assert_one_line(refused.stderr, str(previous_run), "already holds files", "--force")
    assert snapshot(previous_run) == before

    replaced = microcare("run", *QUICK, "--seed", "5", "--out", previous_run, "--force")
    assert replaced.returncode == 0, replaced.stderr
    assert not (previous_run / "notes.txt").exists()  # the old folder is gone, not merged
    assert json.loads((previous_run / "summary.json").read_text())
    assert "seed = 5" in (previous_run / "scenario.toml").read_text()
    assert sorted(p.name for p in previous_run.parent.iterdir()) == ["out"]


def _unwritable(tmp_path: Path) -> Iterator[tuple[str, Path, str]]:
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    yield "target is a file", a_file, "is not a folder"
    yield "parent is a file", a_file / "out", "is not a folder"
    holder = tmp_path / "holder"
    (holder / "summary.json").mkdir(parents=True)
    yield "summary.json is a folder", holder, "summary.json"
    if Path("/sys").is_dir():  # read-only even for root
        yield "read-only file system", Path("/sys/microcare-test-out"), "cannot write"


def test_unwritable_targets_are_refused_before_simulating(tmp_path: Path) -> None:
    for case, target, fragment in _unwritable(tmp_path):
        started = time.monotonic()
        result = microcare("run", "--reps", "100000", "--out", target, timeout=60)
        assert time.monotonic() - started < 20, f"{case}: must refuse before simulating"
        assert result.returncode == 2, (case, result.stderr)
        assert_one_line(result.stderr, "--out", str(target), fragment)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file", "holder"]


# --- resource guards -----------------------------------------------------------------------


def test_a_run_too_big_for_memory_is_refused_at_once() -> None:
    started = time.monotonic()
    result = microcare("run", "--reps", "1000000000", timeout=60)
    assert time.monotonic() - started < 20
    assert result.returncode == 2
    assert_one_line(result.stderr, "reps", "of memory", "available", "fewer replications")


def test_the_memory_estimate_follows_the_panel_a_run_really_keeps() -> None:
    results = experiment.run(SMALL, reps=40, seed=1, workers=1)
    real = results.monthly.memory_usage(index=False, deep=True).sum() / len(results.monthly)
    assert resources.panel_row_bytes() == pytest.approx(real, rel=0.05)
    # measured once on the default scenario: it holds for others too (the same columns)
    other = sim.load_scenario(ROOT / "scenarios" / "day_activities.toml")
    panel = experiment.run(other.with_overrides({"run.months": 6}), reps=10, workers=1).monthly
    other_real = panel.memory_usage(index=False, deep=True).sum() / len(panel)
    assert resources.panel_row_bytes() == pytest.approx(other_real, rel=0.05)
    estimate = resources.estimate_memory([SMALL], 40)
    assert estimate >= 3 * results.monthly.memory_usage(index=False, deep=True).sum()
    assert resources.estimate_memory([SMALL, SMALL], 40) == pytest.approx(2 * estimate, rel=1e-6)


def test_the_memory_guard_is_in_the_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resources, "available_memory", lambda: 10**6)
    with pytest.raises(InputError, match="fewer replications"):
        sim.run(SMALL, reps=1000, workers=1)
    with pytest.raises(InputError, match="of each of 2 scenarios"):
        sim.compare([SMALL, SMALL], reps=1000, workers=1)


def test_workers_are_capped_at_the_cores() -> None:
    process = start("run", "--reps", "400", "--months", "24", "--workers", "1000")
    most = 0
    while process.poll() is None:
        most = max(most, len(descendants(process.pid)))
        time.sleep(0.02)
    _, stderr = process.communicate()
    assert process.returncode == 0, stderr
    assert 1 <= most <= CORES or CORES == 1
    assert_one_line(stderr, "--workers 1,000", f"using {CORES}")


# --- Dask ----------------------------------------------------------------------------------


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """A real scheduler and one worker, as separate processes: (address, scheduler)."""
    pytest.importorskip("distributed")
    info = tmp_path / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "start_new_session": True}
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1"]
        + ["--port", "0", "--dashboard-address", ":0", "--scheduler-file", str(info)],
        **quiet,
    )
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not info.exists() or not info.read_text().strip():
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        worker = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file", str(info)]
            + ["--nthreads", "1", "--nworkers", "1", "--dashboard-address", ":0"],
            **quiet,
        )
        yield address, scheduler
    finally:
        for process in (worker, scheduler):  # each with the processes it started
            if process is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(10)
                finally:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)


def test_losing_the_dask_scheduler_is_one_clear_line(dask_cluster) -> None:
    address, scheduler = dask_cluster
    process = start("run", "--reps", "2000", "--scheduler", address)
    time.sleep(6)  # connected, chunks submitted (and the worker on them)
    assert process.poll() is None, process.communicate()
    scheduler.kill()
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert_one_line(stderr, "lost the Dask scheduler", address, "of 2,000 replications")


def test_sigterm_on_dask_cancels_the_tasks_in_one_line(dask_cluster) -> None:
    address, _ = dask_cluster
    process = start("run", "--reps", "2000", "--scheduler", address)
    time.sleep(6)
    assert process.poll() is None, process.communicate()
    os.kill(process.pid, signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 143
    assert_one_line(stderr, "interrupted by SIGTERM", "cancelled", address)


@pytest.mark.parametrize("address", ["http://127.0.0.1:22", "tcp://127.0.0.1:1", "tcp://h:99999"])
def test_a_bad_scheduler_address_is_exactly_one_line(address: str) -> None:
    result = microcare("run", "--reps", "4", "--scheduler", address, timeout=60)
    assert result.returncode == 2
    assert_one_line(result.stderr, address)


# --- errors that are not the user's --------------------------------------------------------

_BROKEN = """
import sys
import sim.cli, sim.experiment
def broken(*args, **kwargs):
    raise {error}("something inside broke")
sim.experiment.run = broken
sys.argv = ["microcare", "run", "--reps", "4", "--months", "6"]
sim.cli.main()
"""


@pytest.mark.parametrize("error", ["RuntimeError", "ValueError"])
def test_an_unexpected_error_exits_1_with_its_traceback_in_a_file(error: str) -> None:
    """A plain ValueError inside is a bug too: only InputError means the user's mistake."""
    result = subprocess.run(
        [sys.executable, "-c", _BROKEN.format(error=error)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert_one_line(result.stderr, f"unexpected error: {error}: something inside broke")
    path = Path(result.stderr.split("the traceback is in ")[1].split(";")[0])
    try:
        assert "Traceback" in path.read_text() and "broken" in path.read_text()
    finally:
        path.unlink()


def test_a_stopped_pool_leaves_no_manager_thread_to_race_the_exit_hook() -> None:
    """After the workers are stopped, the pool's manager thread must have finished: at exit
    CPython 3.11 wakes every live manager through a pipe the thread closes as it ends, and
    the race printed a traceback after "interrupted by SIGINT" (seen once in ~10 runs)."""
    from concurrent.futures import ProcessPoolExecutor

    from sim.experiment import _pool_context, _stop_pool, _worker_signals

    for _ in range(3):
        pool = ProcessPoolExecutor(2, mp_context=_pool_context(), initializer=_worker_signals)
        futures = [pool.submit(time.sleep, 30) for _ in range(4)]
        while len(pool._processes) < 2:  # the workers exist once the tasks are taken
            time.sleep(0.01)
        processes = list(pool._processes.values())
        manager = pool._executor_manager_thread
        assert _stop_pool(pool, processes) == 2
        assert manager is not None and not manager.is_alive()
        assert all(not p.is_alive() for p in processes)
        assert all(f.done() for f in futures)
