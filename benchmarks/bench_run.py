"""How fast is the model? Prints figures; asserts nothing (not part of the test run).

For the default scenario over 60 months: replications per second with 1 worker and with all
workers; the wall time of the whole ``microcare run --reps 1000`` command, start-up included;
the model's cost per simpy event against a bare simpy timeout loop of the same number of
events, timed in the same run so the ratio holds on a noisy machine; and the memory of the
stacked monthly panel.

    .venv/bin/python benchmarks/bench_run.py [--reps 1000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Generator
from pathlib import Path

import simpy

import sim
from sim.experiment import run
from sim.model.provider import Provider
from sim.scenario import DEFAULT_SCENARIO

ROOT = Path(__file__).resolve().parent.parent


def reps_per_second(scenario: sim.Scenario, reps: int, workers: int) -> float:
    start = time.perf_counter()
    run(scenario, reps=reps, workers=workers)
    return reps / (time.perf_counter() - start)


def events_and_seconds(scenario: sim.Scenario, reps: int) -> tuple[int, float]:
    """Events simpy scheduled, and seconds taken, over ``reps`` in-process replications."""
    events = 0
    start = time.perf_counter()
    for rep in range(reps):
        provider = Provider(scenario, rep)
        provider.run()
        events += next(provider.env._eid)  # simpy's running count of scheduled events
    return events, time.perf_counter() - start


def bare_simpy(events: int) -> float:
    """Seconds for one process doing ``events`` timeouts: the floor for any simpy model."""

    def loop(env: simpy.Environment) -> Generator[simpy.Event, None, None]:  # a simpy process
        for _ in range(events):
            yield env.timeout(1.0)

    env = simpy.Environment()
    env.process(loop(env))
    start = time.perf_counter()
    env.run()
    return time.perf_counter() - start


def command_seconds(reps: int) -> float:
    exe = shutil.which("microcare", path=str(Path(sys.executable).parent)) or "microcare"
    start = time.perf_counter()
    subprocess.run([exe, "run", "--reps", str(reps)], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=1000)
    args = parser.parse_args()
    scenario = sim.load_scenario(DEFAULT_SCENARIO).with_overrides({"run.months": 60})
    cores = os.cpu_count() or 1
    print(f"default scenario: {DEFAULT_SCENARIO.name}, 60 months, {cores} cores")

    one = reps_per_second(scenario, args.reps // 2, workers=1)
    every = reps_per_second(scenario, args.reps, workers=cores)
    print(f"replications/second, 1 worker:      {one:8.0f}")
    print(f"replications/second, {cores} workers:     {every:8.0f}  (x{every / one:.2f})")

    wall = command_seconds(args.reps)
    print(f"`microcare run --reps {args.reps}` wall time: {wall:6.2f} s (target < 5 s)")

    events, seconds = events_and_seconds(scenario, 200)
    bare = bare_simpy(events)
    per_event = seconds / events * 1e6
    bare_per_event = bare / events * 1e6
    print(f"simpy events per replication:        {events / 200:8.0f}")
    print(f"model cost per event:                {per_event:8.2f} us")
    print(f"bare simpy timeout loop per event:   {bare_per_event:8.2f} us")
    print(f"ratio model / bare simpy:            {per_event / bare_per_event:8.1f}x (target 3x)")

    big = run(scenario, reps=2000, workers=cores)
    per_rep = big.monthly.memory_usage(deep=True).sum() / 2000
    print(
        f"monthly panel memory: {per_rep / 1024:.1f} KiB per replication -> "
        f"{per_rep * 10_000 / 2**30:.2f} GiB for 10,000 x 60 months (limit 1 GiB)"
    )


if __name__ == "__main__":
    main()
