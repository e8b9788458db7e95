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
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Generator
from pathlib import Path

import numpy as np
import simpy

import sim
from sim.experiment import run
from sim.model.area import Area
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
        area = Area(scenario, rep)
        area.run()
        events += next(area.env._eid)  # simpy's running count of scheduled events
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


def cpu_ms_per_replication(scenario: sim.Scenario, reps: int, rounds: int = 5) -> float:
    """Median over ``rounds`` of the CPU milliseconds one in-process replication takes (the
    model alone: no DataFrame, no workers)."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        for rep in range(reps):
            Area(scenario, rep).run()
        times.append((time.process_time() - start) / reps * 1e3)
    return statistics.median(times)


def loss_system_ms(
    months: int, per_month: float, servers: int, reps: int, rounds: int = 5
) -> float:
    """Median CPU milliseconds of one replication of a plain M/G/c/c loss system in simpy over
    ``months`` months: Poisson arrivals, ``servers`` places, lognormal stays (mean 20 months,
    sd 15), blocked arrivals lost. The floor any simpy model of referrals and packages pays."""
    days = months * 365.25 / 12

    def arrivals(
        env: simpy.Environment, rng: np.random.Generator
    ) -> Generator[simpy.Event, None, None]:
        busy = [0]

        def leave(_ev: simpy.Event) -> None:
            busy[0] -= 1

        sigma2 = math.log1p((15 / 20) ** 2)
        mu = math.log(20 * 365.25 / 12) - sigma2 / 2
        while True:
            yield env.timeout(rng.exponential(365.25 / 12 / per_month))
            if busy[0] < servers:
                busy[0] += 1
                env.timeout(rng.lognormal(mu, math.sqrt(sigma2))).callbacks.append(leave)

    times = []
    for _ in range(rounds):
        start = time.process_time()
        for rep in range(reps):
            env = simpy.Environment()
            env.process(arrivals(env, np.random.default_rng(rep)))
            env.run(until=days)
        times.append((time.process_time() - start) / reps * 1e3)
    return statistics.median(times)


def area_seconds(scenario: sim.Scenario, providers: int, months: int) -> float:
    """CPU seconds of one replication of an area of ``providers`` copies of ``scenario``."""
    sc = scenario.with_overrides({"run.months": months})
    start = time.process_time()
    Area(sc, 0, [sc] * providers).run()
    return time.process_time() - start


def command_seconds(reps: int) -> float:
    exe = shutil.which("microcare", path=str(Path(sys.executable).parent)) or "microcare"
    start = time.perf_counter()
    subprocess.run([exe, "run", "--reps", str(reps)], check=True, capture_output=True)
    return time.perf_counter() - start


def _referrals_per_month(scenario: sim.Scenario) -> float:
    """The default plan's own referrals a month (its word of mouth from a typical 10 clients)."""
    ch = scenario.channels
    return (
        ch.self_funder.referrals_per_month
        + ch.direct_payment.referrals_per_month
        + ch.professional.referrals_per_month
        + ch.word_of_mouth.referrals_per_month
        + ch.word_of_mouth.referrals_per_client_per_month * 10
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=1000)
    args = parser.parse_args()
    scenario = sim.load_scenario(DEFAULT_SCENARIO).with_overrides({"run.months": 60})
    cores = os.cpu_count() or 1
    print(f"default scenario: {DEFAULT_SCENARIO.name}, 60 months, {cores} cores")

    cpu = cpu_ms_per_replication(scenario, 100)
    loss = loss_system_ms(60, per_month=_referrals_per_month(scenario), servers=12, reps=100)
    print(f"CPU per replication (in process):    {cpu:8.2f} ms (target <= 2.2 ms)")
    print(
        f"simpy M/G/c/c loss system, same months: {loss:5.2f} ms -> ratio {cpu / loss:.1f}"
        " (target <= 2)"
    )
    print(
        f"area of 200 providers, 120 months:   {area_seconds(scenario, 200, 120):8.2f} s"
        " CPU for one replication (target <= 2 s)"
    )

    one = reps_per_second(scenario, args.reps // 2, workers=1)
    every = reps_per_second(scenario, args.reps, workers=cores)
    print(f"replications/second, 1 worker:      {one:8.0f}")
    print(f"replications/second, {cores} workers:     {every:8.0f}  (x{every / one:.2f})")

    wall = command_seconds(args.reps)
    print(f"`microcare run --reps {args.reps}` wall time: {wall:6.2f} s (target <= 1.8 s)")

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
