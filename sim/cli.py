"""The ``microcare`` command: thin wrappers over ``sim``; no model logic lives here.

Exit codes: 0 success; 2 bad input (with a message naming the problem); 1 a failure that is
not the user's (a worker or the Dask scheduler died, or a bug: then the traceback is saved to
a file); 130 stopped by Ctrl-C (SIGINT) and 143 by SIGTERM, with nothing half-written.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
import os
import signal
import sys
import tempfile
import tomllib
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from sim.errors import InputError
from sim.output import WRITTEN, check_target, write_folder
from sim.resources import available_cores
from sim.scenario import (
    DEFAULT_SCENARIO,
    MAX_SEED,
    SCENARIO_DIR,
    Scenario,
    load_scenario,
    save_scenario,
)
from sim.stopping import Interrupted, RunFailed
from sim.takeaway import TORNADO_REPS
from sim.validation import ScenarioError

if TYPE_CHECKING:
    from rich.table import Table

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
FAILED = 1


def _fail(message: str, code: int = BAD_INPUT) -> typer.Exit:
    err.print("error:", style="bold red", end=" ")
    err.print(message, markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _bug(exc: BaseException) -> typer.Exit:
    """An exception we did not expect: one line for the user, the traceback in a file."""
    with tempfile.NamedTemporaryFile(
        "w", prefix="microcare-error-", suffix=".txt", delete=False, encoding="utf-8"
    ) as handle:
        traceback.print_exception(exc, file=handle)
    err.print("unexpected error:", style="bold red", end=" ")
    first = (str(exc).strip().splitlines() or [""])[0]
    what = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    err.print(
        f"{what}; the traceback is in {handle.name}; please report it",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    return typer.Exit(FAILED)


def _interrupted(exc: KeyboardInterrupt, detail: str = "nothing written") -> typer.Exit:
    """One line saying what was stopped, and the exit code a shell expects (128 + signal)."""
    stop = exc if isinstance(exc, Interrupted) else Interrupted(signal.SIGINT)
    err.print(f"{stop.describe()}; {detail}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(stop.exit_code)


def _stoppable(command: Callable[..., None]) -> Callable[..., None]:
    """Turn Ctrl-C or SIGTERM anywhere in a command into one line and exit 130/143; left to
    click, it would print "Aborted!" and exit 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except KeyboardInterrupt as exc:
            raise _interrupted(exc) from None

    return wrapper


def _on_signal(signum: int, _frame: Any) -> None:
    """SIGINT/SIGTERM handler: stop the run where it is (the executors stop their workers).

    Later signals are ignored, so that the clean-up of the first (stopping workers, removing
    a temporary folder) is not itself cut short; it takes at most a few seconds.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Interrupted(signum)


def _show_warning(
    message: Warning | str, category: type[Warning], *_args: Any, **_kwargs: Any
) -> None:
    """Warnings as one line ("warning: ..."), not a source location and a code line."""
    err.print(f"warning: {message}", markup=False, highlight=False, soft_wrap=True)


def _prepare_engine(workers: int | None, scheduler: str | None) -> None:
    """Before a command simulates: on Dask, errors are reported here in one line, so the
    client's own logging (which would add a second line, or a page) is silenced; locally, say
    so when more workers are asked for than there are cores (sim caps them)."""
    if scheduler is not None:
        import distributed  # noqa: F401 - configures the "distributed" loggers on import

        for name in ["distributed", *logging.root.manager.loggerDict]:
            if name.startswith("distributed"):  # "distributed.client" has its own level
                logging.getLogger(name).setLevel(logging.CRITICAL)
    elif workers is not None:
        cores = available_cores()
        if workers > cores:
            err.print(
                f"note: --workers {workers:,} is more than the {cores} cores available; "
                f"using {cores}",
                markup=False,
                highlight=False,
            )


def _load(path: Path | None, sets: list[str] | None = None, months: int | None = None) -> Scenario:
    """Load a scenario (the default one when no file is given) and apply --set/--months.

    A bare file name that is not in the current folder is looked up among the ready-made
    scenarios, so ``microcare run day_activities.toml`` works wherever the package is.
    """
    try:
        scenario = load_scenario(_resolve(path))
        overrides = parse_sets(sets or [])
        if months is not None:
            overrides["run.months"] = months
        return scenario.with_overrides(overrides) if overrides else scenario
    except ScenarioError as exc:
        raise _fail(exc.describe()) from None


def _resolve(path: Path | None) -> Path:
    """The file a scenario argument names: the default scenario when none is given, and a
    bare file name not in the current folder looked up among the ready-made scenarios."""
    if path is None:
        return DEFAULT_SCENARIO
    if not path.exists() and path.name == str(path):
        shipped = SCENARIO_DIR / path.name
        return shipped if shipped.is_file() else path
    return path


def _source_text(path: Path | None) -> str | None:
    """The text of the scenario file (for its comments), None if it cannot be read: the
    scenario itself was loaded from it already, so this only loses the comments."""
    try:
        return _resolve(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


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
def _progress(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal; nothing when output is captured (CI, pipes).

    Its total is the one the library reports with each update, so it is right however many
    runs a command turns out to need (parameters skipped at 0, a goal-seek's grid).
    """
    if not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _table(**options: Any) -> Table:
    """A rich table (rich.table is imported when a command has one to print)."""
    from rich.table import Table

    return Table(**options)


RepsOpt = Annotated[int, typer.Option("--reps", "-n", min=1, help="Replications to run.")]
SeedOpt = Annotated[
    int | None,
    typer.Option(min=0, max=MAX_SEED, help="Base seed, 0 to 2**63-1 (default: the scenario's)."),
]
MonthsOpt = Annotated[int | None, typer.Option(min=1, help="Horizon in months.")]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a setting: key.path=value (repeatable)."),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(min=1, help="Local worker processes (default and at most: the cores available)."),
]
SchedulerOpt = Annotated[
    str | None, typer.Option(help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
]


@app.callback()
def _root() -> None:
    """Simulate a care micro-enterprise: does it cover its costs, and if not, when and why?"""


@app.command()
def scenarios() -> None:
    """List the ready-made scenarios shipped with microcare-sim (the default first); any
    command takes one by its file name, e.g. ``microcare run day_activities.toml``."""
    table = _table(title=f"Ready-made scenarios (in {SCENARIO_DIR})", title_justify="left")
    table.add_column("file")
    table.add_column("business")
    paths = sorted(SCENARIO_DIR.glob("*.toml"), key=lambda p: (p != DEFAULT_SCENARIO, p.name))
    for path in paths:
        name = load_scenario(path).business.name
        table.add_row(path.name, name + (" (the default)" if path == DEFAULT_SCENARIO else ""))
    Console(width=max(120, console.width)).print(table)


#: Streamlit settings of the dashboard, as .streamlit/config.toml has them for `streamlit run`
#: from the checkout (a test keeps the two the same): no Deploy button or developer menu for
#: people who will never deploy it, and the server's upload limit at the upload box's 1 MB.
DASHBOARD_OPTIONS = ("--client.toolbarMode=minimal", "--server.maxUploadSize=1")


@app.command()
def dashboard(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on.")] = 8501,
    address: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0 = every network interface).")
    ] = "localhost",
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", help="Open a browser tab at start.")
    ] = False,
) -> None:
    """Start the dashboard (a Streamlit app) on the default scenario; Ctrl-C stops it."""
    app_file = dashboard_app()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_file),
        f"--server.port={port}",
        f"--server.address={address}",
        f"--server.headless={str(not browser).lower()}",
        "--browser.gatherUsageStats=false",
        *DASHBOARD_OPTIONS,
    ]
    err.print(f"dashboard at http://{address}:{port} (Ctrl-C to stop)", highlight=False)
    sys.stderr.flush()
    os.execv(sys.executable, command)  # the server replaces this process: signals reach it


def dashboard_app() -> Path:
    """The dashboard's app.py, where the installed (or checked-out) package has it; found
    without importing the dashboard, which imports sim (never the other way round)."""
    spec = importlib.util.find_spec("dashboard")
    if spec is None or spec.origin is None:
        raise _fail("the dashboard package is not installed (pip install microcare-sim)", 1)
    return Path(spec.origin).parent / "app.py"


@app.command()
@_stoppable
def validate(
    file: Annotated[Path, typer.Argument(help="Scenario TOML file to check.")],
) -> None:
    """Check a scenario file and list every problem with its dotted path."""
    scenario = _load(file)
    console.print(f"{file}: OK ({scenario.business.name}, {scenario.run.months} months)")


@app.command()
@_stoppable
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
            "scenario.toml (enough to reproduce the run), written all at once when the run "
            "is complete."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace the --out folder if it already holds files (the old run is "
            "deleted only once the new one is in place).",
        ),
    ] = False,
) -> None:
    """Run replications of a scenario and print what they say, with 95% intervals.

    With --reps 1 (and no --out) it shows that one replication month by month instead.
    """
    scenario = _load(file, set_, months)
    if reps == 1 and out is None:
        _show_one(scenario, seed)
        return
    from sim.report import headline, summary_rows

    if out is not None:  # before simulating: a bad --out must not cost the whole run
        _guard(lambda: check_target(out, force))
    results = _simulate(scenario, reps, seed, workers, scheduler)
    summary = results.summary()
    table = _table(
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
        source = _source_text(file)
        _write_out(out, lambda tmp: write_results(results, summary, tmp, source), force)
        out_console.print(
            f"wrote {out}/monthly.parquet, monthly.csv, runs.csv, summary.json, scenario.toml"
        )


def _simulate(
    scenario: Scenario, reps: int, seed: int | None, workers: int | None, scheduler: str | None
) -> Any:
    """Run the replications with a progress bar, on the engine asked for; errors as one line."""
    from sim.experiment import run as run_replications

    _prepare_engine(workers, scheduler)
    with _progress("simulating") as progress:
        return _guard(
            lambda: run_replications(
                scenario,
                reps=reps,
                seed=seed,
                workers=workers,
                progress=progress,
                scheduler=scheduler,
            )
        )


def _write_out(out: Path, write: Callable[[Path], None], force: bool) -> None:
    """Write a --out folder all at once (see sim.output.write_folder), errors as one line."""
    try:
        write_folder(out, write, force=force)
    except KeyboardInterrupt as exc:
        if WRITTEN in getattr(exc, "__notes__", ()):
            raise _interrupted(exc, f"{out} was written just before the stop") from None
        raise _interrupted(exc, f"nothing written to {out}, which is as it was") from None
    except InputError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"could not write {out}: {exc}; it is as it was", FAILED) from None


@app.command()
@_stoppable
def report(
    file: Annotated[
        Path | None, typer.Argument(help="Scenario TOML file (default: the default scenario).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder for cashflow.xlsx, report.html and scenario.toml (required), "
            "written all at once when everything is ready."
        ),
    ] = None,
    reps: RepsOpt = 1000,
    seed: SeedOpt = None,
    months: MonthsOpt = None,
    set_: SetOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    tornado_reps: Annotated[
        int,
        typer.Option(
            min=2,
            help="Replications per variant for 'what must be true' (a quick tornado of "
            "the main assumptions).",
        ),
    ] = TORNADO_REPS,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace the --out folder if it already holds files."),
    ] = False,
) -> None:
    """Write a plan's take-away files: cashflow.xlsx (the lender's cash-flow forecast for
    months 1-24, median and pessimistic futures, by year to 60, and every assumption with
    its source) and report.html (one page that works offline and prints to A4: verdict,
    survival, cash, break-even, what must be true, assumptions, limits)."""
    if out is None:
        raise _fail("--out is required: the folder to write the report into, e.g. --out report/")
    scenario = _load(file, set_, months)
    _guard(lambda: check_target(out, force))  # before simulating, as for run
    try:
        from dashboard.report_parts import build_report
    except ImportError:
        raise _fail(
            "the report needs the dashboard package (pip install microcare-sim)", FAILED
        ) from None
    from sim.report import headline
    from sim.takeaway import Source, what_must_be_true

    results = _simulate(scenario, reps, seed, workers, scheduler)
    with _progress("what must be true") as progress:
        tornado = _guard(
            lambda: what_must_be_true(
                results.scenario,
                reps=tornado_reps,
                workers=workers,
                progress=progress,
                scheduler=scheduler,
            )
        )
    source = Source(_source_text(file), _resolve(file).name)
    files = _guard(lambda: build_report(results, tornado, tornado_reps, source))

    def write(folder: Path) -> None:
        for name, data in files.items():
            (folder / name).write_bytes(data)

    _write_out(out, write, force)
    console.print(headline(results.summary()), highlight=False)
    console.print(f"wrote {out}/" + ", ".join(files), highlight=False)


def _show_one(scenario: Scenario, seed: int | None) -> None:
    """One replication, month by month: a story, not an estimate."""
    from sim.model import simulate
    from sim.report import pounds

    if seed is not None:
        scenario = scenario.with_overrides({"run.seed": seed})
    one = simulate(scenario, replication=0)
    columns = {
        "month": "month",
        "clients": "clients",
        "staff": "staff",
        "hours_delivered": "hours",
        "continuity": "continuity",
        "carers_per_client": "carers/client",
        "income_earned": "income £",
        "costs": "costs £",
        "operating_result": "result £",
        "cash_close": "cash £",
    }
    table = _table(
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
        f"failed in month {o.failure_month} ({(o.failure_cause or 'unknown').replace('_', ' ')})"
        if o.failed
        else f"still trading after {len(one.monthly)} months",
        f"| break-even month: {o.breakeven_month or 'never'} "
        f"| final cash {pounds(o.final_cash, 0)}",
    )


def write_results(
    results: Any, summary: dict[str, Any], folder: Path, source: str | None = None
) -> None:
    """Everything needed to read and reproduce a run, in one (existing, empty) folder; see
    sim.output.write_folder for putting it in place all at once. ``source`` is the text of
    the scenario file, whose comments scenario.toml keeps."""
    results.monthly.to_parquet(folder / "monthly.parquet", index=False)
    results.monthly.to_csv(folder / "monthly.csv", index=False)
    results.runs.to_csv(folder / "runs.csv", index=False)
    (folder / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    save_scenario(results.scenario, folder / "scenario.toml", source=source)


@app.command()
@_stoppable
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
    _prepare_engine(workers, scheduler)
    with _progress("simulating") as progress:
        comparison = _guard(
            lambda: compare_scenarios(
                scenarios,
                reps=reps,
                seed=seed,
                workers=workers,
                progress=progress,
                scheduler=scheduler,
                names=_labels(files),
            )
        )
    from rich.markup import escape

    frame = comparison.table()
    base, others = comparison.names[0], comparison.names[1:]
    table = _table(
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
@_stoppable
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
        str | None,
        typer.Option(
            help="What to measure: survival_36, final_cash, breakeven_month, operating_result, "
            "...; add _p50 for a median (final_cash_p50). Default: survival at 3 years, or at "
            "the horizon if shorter."
        ),
    ] = None,
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
    _prepare_engine(workers, scheduler)
    with _progress("simulating") as progress:
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
    out_table = _table(
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
    if table.attrs.get("skipped"):
        console.print(
            "left out (0 in this scenario, so a share of it is 0): "
            + ", ".join(table.attrs["skipped"]),
            highlight=False,
        )


@app.command("goal-seek")
@_stoppable
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
    _prepare_engine(workers, scheduler)
    with _progress("simulating the grid") as progress:
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
    curve = _table(
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


def _labels(files: list[Path]) -> list[str]:
    """Names for the compared scenarios: file stems, or as much of each path as tells them
    apart (``a/plan`` and ``b/plan``); the same file twice gets a number."""
    parts = [f.absolute().with_suffix("").parts for f in files]
    for depth in range(1, max(len(p) for p in parts) + 1):
        labels = ["/".join(p[-depth:]) for p in parts]
        if len(set(labels)) == len(labels):
            return labels
    from sim.experiment import numbered

    return numbered([f.stem for f in files])


def _guard(work: Callable[[], Any]) -> Any:
    """Run work. The user's mistakes (an InputError, a scheduler that cannot be reached) exit
    2 with their message; a run that failed for another reason (a worker or the scheduler
    died) exits 1 with its message; anything else is a bug: exit 1, traceback to a file."""
    try:
        return work()
    except ScenarioError as exc:
        raise _fail(exc.describe()) from None
    except (InputError, ConnectionError) as exc:
        raise _fail(str(exc)) from None
    except RunFailed as exc:
        raise _fail(str(exc), FAILED) from None
    except Exception as exc:  # reported with its traceback saved
        raise _bug(exc) from None


def main() -> None:
    """Console-script entry point: bad input exits 2, anything unexpected exits 1 (with the
    traceback in a file), SIGINT 130 and SIGTERM 143 after stopping every worker."""
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    warnings.showwarning = _show_warning
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt as exc:
        sys.exit(_interrupted(exc).exit_code)
    except Exception as exc:  # the last line of defence for users
        sys.exit(_bug(exc).exit_code)


if __name__ == "__main__":
    main()
