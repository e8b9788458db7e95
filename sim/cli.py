"""The ``microcare`` command: thin wrappers over ``sim``; no model logic lives here.

Exit codes: 0 success, 2 bad input (with a message naming the problem), 1 unexpected failure.
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from sim.scenario import DEFAULT_SCENARIO, Scenario, load_scenario, save_scenario
from sim.validation import ScenarioError

app = typer.Typer(
    help="Simulate a care micro-enterprise: does it cover its costs, and if not, when and why "
    "does it fail?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)

BAD_INPUT = 2


def _fail(message: str) -> typer.Exit:
    err.print("error:", style="bold red", end=" ")
    err.print(message, markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(BAD_INPUT)


def _load(path: Path | None, sets: list[str] | None = None, months: int | None = None) -> Scenario:
    """Load a scenario (the default one when no file is given) and apply --set/--months."""
    try:
        scenario = load_scenario(path or DEFAULT_SCENARIO)
        overrides = parse_sets(sets or [])
        if months is not None:
            overrides["run.months"] = months
        return scenario.with_overrides(overrides) if overrides else scenario
    except ScenarioError as exc:
        raise _fail(exc.describe()) from None


def parse_sets(items: list[str]) -> dict[str, Any]:
    """``key.path=value`` pairs; values are read as TOML (numbers, true/false, "text",
    {kind = ...}) and bare words as text, so ``business.service=home_support`` works."""
    overrides: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key, raw = key.strip(), raw.strip()
        if not sep or not key or not raw:
            raise ScenarioError([("--set", f"expected key.path=value, got {item!r}")])
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        overrides[key] = value
    return overrides


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal; nothing when output is captured (CI, pipes)."""
    if not err.is_terminal:
        yield None
        return
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done, _total: bar.update(task, completed=done)


RepsOpt = Annotated[int, typer.Option("--reps", "-n", min=1, help="Replications to run.")]
SeedOpt = Annotated[int | None, typer.Option(help="Base seed (default: the scenario's).")]
MonthsOpt = Annotated[int | None, typer.Option(min=1, help="Horizon in months.")]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a setting: key.path=value (repeatable)."),
]
WorkersOpt = Annotated[
    int | None, typer.Option(min=1, help="Local worker processes (default: all cores).")
]
SchedulerOpt = Annotated[
    str | None, typer.Option(help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
]


@app.callback()
def _root() -> None:
    """Simulate a care micro-enterprise: does it cover its costs, and if not, when and why?"""


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="Scenario TOML file to check.")],
) -> None:
    """Check a scenario file and list every problem with its dotted path."""
    scenario = _load(file)
    console.print(f"{file}: OK ({scenario.business.name}, {scenario.run.months} months)")


@app.command()
def run(
    file: Annotated[
        Path | None, typer.Argument(help="Scenario TOML file (default: the default scenario).")
    ] = None,
    reps: RepsOpt = 1000,
    seed: SeedOpt = None,
    months: MonthsOpt = None,
    set_: SetOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder for monthly.parquet/.csv, runs.csv, summary.json and "
            "scenario.toml (enough to reproduce the run)."
        ),
    ] = None,
) -> None:
    """Run replications of a scenario and print what they say, with 95% intervals.

    With --reps 1 (and no --out) it shows that one replication month by month instead.
    """
    scenario = _load(file, set_, months)
    if reps == 1 and out is None:
        _show_one(scenario, seed)
        return
    from sim.experiment import run as run_replications
    from sim.report import headline, summary_rows

    with _progress(reps, "simulating") as progress:
        results = _guard(
            lambda: run_replications(
                scenario,
                reps=reps,
                seed=seed,
                workers=workers,
                progress=progress,
                scheduler=scheduler,
            )
        )
    summary = results.summary()
    table = Table(
        title=f"{results.scenario.business.name}: {reps:,} replications, "
        f"{results.horizon} months, seed {results.seed}",
        title_justify="left",
    )
    table.add_column("measure")
    table.add_column("estimate (95% CI)", justify="right")
    for label, value in summary_rows(summary):
        table.add_row(label, value)
    out_console = Console(width=max(100, console.width))
    out_console.print(table)
    out_console.print(headline(summary), highlight=False)
    if out is not None:
        write_results(results, summary, out)
        out_console.print(
            f"wrote {out}/monthly.parquet, monthly.csv, runs.csv, summary.json, scenario.toml"
        )


def _show_one(scenario: Scenario, seed: int | None) -> None:
    """One replication, month by month: a story, not an estimate."""
    from sim.model import simulate

    if seed is not None:
        scenario = scenario.with_overrides({"run.seed": seed})
    one = simulate(scenario, replication=0)
    columns = {
        "month": "month",
        "clients": "clients",
        "staff": "staff",
        "hours_delivered": "hours",
        "continuity": "continuity",
        "income_earned": "income £",
        "costs": "costs £",
        "operating_result": "result £",
        "cash_close": "cash £",
    }
    table = Table(
        title=f"{scenario.business.name}: one replication (seed "
        f"{scenario.run.seed}) - one possible future, not an estimate",
        title_justify="left",
    )
    for label in columns.values():
        table.add_column(label, justify="right")
    for row in one.monthly[list(columns)].itertuples(index=False):
        table.add_row(*(_cell(v) if isinstance(v, float) else str(v) for v in row))
    wide = Console(width=max(100, console.width))
    wide.print(table)
    o = one.outcome
    wide.print(
        f"failed in month {o.failure_month} ({o.failure_cause.replace('_', ' ')})"
        if o.failed
        else f"still trading after {len(one.monthly)} months",
        f"| break-even month: {o.breakeven_month or 'never'} | final cash £{o.final_cash:,.0f}",
    )


def write_results(results: Any, summary: dict[str, Any], folder: Path) -> None:
    """Everything needed to read and reproduce a run, in one folder."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(f"cannot create output folder {folder}: {exc}") from None
    results.monthly.to_parquet(folder / "monthly.parquet", index=False)
    results.monthly.to_csv(folder / "monthly.csv", index=False)
    results.runs.to_csv(folder / "runs.csv", index=False)
    (folder / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    save_scenario(results.scenario, folder / "scenario.toml")


@app.command()
def compare(
    files: Annotated[
        list[Path], typer.Argument(help="Two or more scenario files; the first is the baseline.")
    ],
    reps: RepsOpt = 1000,
    seed: SeedOpt = None,
    months: MonthsOpt = None,
    set_: SetOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
) -> None:
    """Compare scenarios on common random numbers: each one's value and the paired
    difference to the first, with 95% intervals."""
    from sim.experiment import compare as compare_scenarios

    if len(files) < 2:
        raise _fail("compare needs at least two scenario files")
    scenarios = [_load(f, set_, months) for f in files]
    with _progress(reps * len(scenarios), "simulating") as progress:
        comparison = _guard(
            lambda: compare_scenarios(
                scenarios,
                reps=reps,
                seed=seed,
                workers=workers,
                progress=progress,
                scheduler=scheduler,
                names=[f.stem for f in files],
            )
        )
    frame = comparison.table()
    base, others = comparison.names[0], comparison.names[1:]
    table = Table(
        title=f"{reps:,} replications each, common random numbers; differences are "
        f"paired, against {base}, with 95% CIs",
        title_justify="left",
    )
    table.add_column("measure")
    for name in comparison.names:
        table.add_column(name, justify="right")
    for name in others:
        table.add_column(f"{name} minus {base}", justify="right")
    for row in frame.to_dict(orient="records"):
        cells = [_cell(row[name]) for name in comparison.names]
        for name in others:
            column = f"{name} - {base}"
            cells.append(
                f"{_cell(row[column])} ({_cell(row[column + ' lower'])} to "
                f"{_cell(row[column + ' upper'])})"
            )
        table.add_row(escape(f"{row['label']} [{row['metric']}]"), *cells)
    Console(width=max(120, console.width)).print(table)


@app.command()
def sensitivity(
    file: Annotated[Path | None, typer.Argument(help="Scenario TOML file.")] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="Parameter to vary (repeatable; default: the ~15 that matter most for a plan).",
        ),
    ] = None,
    delta: Annotated[
        float, typer.Option(help="Move each parameter down and up by this share.")
    ] = 0.2,
    metric: Annotated[
        str,
        typer.Option(
            help="What to measure: survival_36, final_cash, breakeven_month, operating_result, "
            "...; add _p50 for a median (final_cash_p50)."
        ),
    ] = "survival_36",
    reps: RepsOpt = 300,
    seed: SeedOpt = None,
    months: MonthsOpt = None,
    set_: SetOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
) -> None:
    """Which assumption matters most? Each parameter down and up, on common random numbers,
    largest effect first (a tornado as a table)."""
    from sim.whatif import sensitivity as run_sensitivity

    scenario = _load(file, set_, months)
    count = (2 * len(param) + 1) if param else 31
    with _progress(reps * count, "simulating") as progress:
        table = _guard(
            lambda: run_sensitivity(
                scenario,
                params=param,
                delta=delta,
                reps=reps,
                seed=seed,
                metric=metric,
                workers=workers,
                progress=progress,
                scheduler=scheduler,
            )
        )
    label = table.attrs["metric_label"]
    out_table = Table(
        title=f"Sensitivity of {label}: each parameter -{delta:.0%} / +{delta:.0%}"
        f", {reps:,} replications each, common random numbers",
        title_justify="left",
    )
    for column in (
        "parameter",
        "low / base / high value",
        "effect of low (95% CI)",
        "effect of high (95% CI)",
    ):
        out_table.add_column(column, justify="left" if column == "parameter" else "right")
    for row in table.itertuples(index=False):
        out_table.add_row(
            row.param,
            f"{row.low_value:,.4g} / {row.base_value:,.4g} / {row.high_value:,.4g}",
            f"{_cell(row.low_effect)} ({_cell(row.low_lower)} to {_cell(row.low_upper)})",
            f"{_cell(row.high_effect)} ({_cell(row.high_lower)} to {_cell(row.high_upper)})",
        )
    Console(width=max(120, console.width)).print(out_table)
    console.print(f"base: {label} = {_cell(float(table['base'].iloc[0]))}")


@app.command("goal-seek")
def goal_seek(
    file: Annotated[Path | None, typer.Argument(help="Scenario TOML file.")] = None,
    param: Annotated[str, typer.Option("--param", "-p", help="Parameter to solve for.")] = "",
    target: Annotated[str, typer.Option(help='Condition to reach, e.g. "survival_36>=0.8".')] = "",
    bounds: Annotated[
        str | None,
        typer.Option(
            help="Search range lo,hi (default: half to one and a half times the current value)."
        ),
    ] = None,
    tolerance: Annotated[
        float | None, typer.Option(help="Precision of the answer (default 1% of the range).")
    ] = None,
    reps: RepsOpt = 300,
    seed: SeedOpt = None,
    months: MonthsOpt = None,
    set_: SetOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
) -> None:
    """What would it take? The smallest (or largest) value of one parameter that reaches a
    target, with its uncertainty, or a plain "not reachable"."""
    from sim.whatif import Target
    from sim.whatif import goal_seek as run_goal_seek

    if not param:
        raise _fail("--param is required, e.g. --param channels.self_funder.price_per_hour")
    if not target:
        raise _fail('--target is required, e.g. --target "survival_36>=0.8"')
    scenario = _load(file, set_, months)
    parsed = _guard(lambda: Target.parse(target))
    limits = _guard(lambda: _parse_bounds(bounds)) if bounds else None
    with _progress(reps * 15, "simulating") as progress:
        answer = _guard(
            lambda: run_goal_seek(
                scenario,
                param,
                parsed,
                bounds=limits,
                reps=reps,
                seed=seed,
                tolerance=tolerance,
                workers=workers,
                progress=progress,
                scheduler=scheduler,
            )
        )
    curve = Table(
        title=f"{parsed.metric} against {param} ({reps:,} replications each, "
        "common random numbers)",
        title_justify="left",
    )
    for column in ("value", "estimate", "95% CI"):
        curve.add_column(column, justify="right")
    for row in answer.curve.itertuples(index=False):
        curve.add_row(
            f"{row.value:,.4g}", _cell(row.mean), f"{_cell(row.lower)} to {_cell(row.upper)}"
        )
    console.print(curve)
    console.print(answer.message)


def _parse_bounds(text: str) -> tuple[float, float]:
    parts = text.split(",")
    try:
        low, high = (float(p) for p in parts)
    except ValueError:
        raise ScenarioError([("--bounds", f"expected two numbers lo,hi, got {text!r}")]) from None
    return low, high


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:,.3g}" if abs(value) < 10 else f"{value:,.0f}"
    return str(value)


def _guard(work: Callable[[], Any]) -> Any:
    """Run work; bad input found on the way (e.g. a bad scheduler address) exits 2."""
    try:
        return work()
    except ScenarioError as exc:
        raise _fail(exc.describe()) from None
    except (ValueError, ConnectionError, OSError) as exc:
        raise _fail(str(exc)) from None


def main() -> None:
    """Console-script entry point: bad input exits 2, anything unexpected exits 1."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence for users
        err.print("unexpected error:", style="bold red", end=" ")
        err.print(f"{type(exc).__name__}: {exc}", markup=False, highlight=False)
        sys.exit(1)


if __name__ == "__main__":
    main()
