"""The ``microcare`` command: thin wrappers over ``sim``; no model logic lives here.

Exit codes: 0 success, 2 bad input (with a message naming the problem), 1 unexpected failure.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from sim.scenario import DEFAULT_SCENARIO, Scenario, load_scenario
from sim.validation import ScenarioError

app = typer.Typer(
    help="Simulate a care micro-enterprise: does it cover its costs, and if not, when and why "
    "does it fail?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

BAD_INPUT = 2


def _fail(message: str) -> typer.Exit:
    err.print("error:", style="bold red", end=" ")
    err.print(message, markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(BAD_INPUT)


def _load(path: Path | None) -> Scenario:
    try:
        return load_scenario(path or DEFAULT_SCENARIO)
    except ScenarioError as exc:
        raise _fail(exc.describe()) from None


@app.callback()
def _root() -> None:
    """Simulate a care micro-enterprise: does it cover its costs, and if not, when and why?"""


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="Scenario TOML file to check.")],
) -> None:
    """Check a scenario file and list every problem with its dotted path."""
    scenario = _load(file)
    out.print(f"{file}: OK ({scenario.business.name}, {scenario.run.months} months)")


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
