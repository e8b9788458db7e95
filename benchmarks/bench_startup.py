"""What everything around the model costs: start-up, whole commands, the Plan page.

Prints figures; asserts nothing (not part of the test run). Each figure is the median of
``--rounds`` runs, with the CPU time beside the wall time, since on a shared machine the wall
time says as much about the neighbours as about this code:

- the import time of the CLI (``import sim.cli``) and of what ``microcare run`` imports before
  it simulates (``sim.experiment`` too), and whether pandas and pyarrow are among them;
- the whole ``microcare run --reps 10`` and ``--reps 1000`` commands (default scenario),
  start-up, worker processes and printing included (CPU: the command and its workers);
- the Plan page under Streamlit's AppTest: press Run with 500 replications until the charts
  are drawn, a new seed each round so nothing comes from the cache; the time of the run
  (``sim.experiment.run``, mostly the model) is shown apart from the rest.

    .venv/bin/python benchmarks/bench_startup.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import functools
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PLAN_REPS = 500


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_subprocess(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (the process and the children it waited for) of one command."""
    cpu = children_cpu()
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start, children_cpu() - cpu


def median_of(rounds: int, measure: Callable[[], tuple[float, float]]) -> tuple[float, float]:
    walls, cpus = zip(*(measure() for _ in range(rounds)), strict=True)
    return statistics.median(walls), statistics.median(cpus)


def show(label: str, wall: float, cpu: float) -> None:
    print(f"{label:48s} {wall:6.2f} s wall  {cpu:6.2f} s CPU")


def imports(rounds: int) -> None:
    for label, code in (
        ("python itself", "pass"),
        ("import sim.cli", "import sim.cli"),
        ("import sim.cli, sim.experiment (run's start-up)", "import sim.cli, sim.experiment"),
    ):
        wall, cpu = median_of(rounds, lambda code=code: timed_subprocess([PYTHON, "-c", code]))
        show(label, wall, cpu)
    probe = (
        "import sys, sim.cli, sim.experiment, sim.results, sim.breakeven; "
        "print(*(m for m in ('pandas', 'pyarrow', 'scipy', 'rich.progress', 'rich.table') "
        "if m in sys.modules) or ['none'])"
    )
    loaded = subprocess.run([PYTHON, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    print(
        f"  loaded by run's start-up among pandas, pyarrow, scipy, rich.progress, rich.table: "
        f"{loaded.stdout.strip()}"
    )
    model = "import sys, sim.model; print('pandas' in sys.modules)"
    loaded = subprocess.run([PYTHON, "-c", model], capture_output=True, text=True, cwd=ROOT)
    print(f"  sim.model alone imports pandas: {loaded.stdout.strip()}")


def commands(rounds: int) -> None:
    exe = shutil.which("microcare", path=str(Path(PYTHON).parent)) or "microcare"
    for reps in (10, 1000):
        wall, cpu = median_of(
            rounds, lambda reps=reps: timed_subprocess([exe, "run", "--reps", str(reps)])
        )
        show(f"microcare run --reps {reps}", wall, cpu)


def plan_page(rounds: int) -> None:
    from streamlit.testing.v1 import AppTest

    from dashboard import state, ui
    from sim import experiment

    spent: dict[str, float] = {}

    def timing(owner: Any, name: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

        setattr(owner, name, wrapper)

    timing(experiment, "run")
    timing(ui, "plan_charts")
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=300).run()
    at.switch_page("pages/1_Plan.py").run()
    at.number_input(key=state.REPS).set_value(20).run()
    at.button(key="plan.run").click().run()  # warm-up: imports, first figures
    walls, cpus, runs, charts = [], [], [], []
    for i in range(rounds):
        at.number_input(key=state.REPS).set_value(PLAN_REPS)
        at.number_input(key="plan.field.run.seed").set_value(1000 + i).run()
        spent.clear()
        cpu, children = time.process_time(), children_cpu()
        start = time.perf_counter()
        at.button(key="plan.run").click().run()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu + children_cpu() - children)
        if at.exception:
            raise RuntimeError(at.exception)
        runs.append(spent.get("run", 0.0))
        charts.append(spent.get("plan_charts", 0.0))
    show(
        f"Plan page, Run with {PLAN_REPS} replications",
        statistics.median(walls),
        statistics.median(cpus),
    )
    print(f"  sim.experiment.run (model, workers) {statistics.median(runs):6.2f} s wall")
    print(f"  the charts                        {statistics.median(charts):6.2f} s wall")
    rest = statistics.median(w - r for w, r in zip(walls, runs, strict=True))
    print(f"  all but sim.experiment.run        {rest:6.2f} s wall")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"median of {args.rounds} rounds; Python {sys.version.split()[0]}")
    imports(args.rounds)
    commands(args.rounds)
    plan_page(args.rounds)


if __name__ == "__main__":
    main()
