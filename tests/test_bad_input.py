"""Bad input, as a new user types it: every case exits 2 with no traceback and a message that
names the field or option to fix (issue 8). The dashboard's upload gets the same files and
must return the same kind of problem list.

Most command lines run in-process with typer's ``CliRunner`` (fast); a few run as real
subprocesses, through ``main()`` as a user's shell does. Bad input must be refused before any
simulation, so where a run could start it is kept tiny (``--reps 20 --months 12``).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dashboard.state import MAX_UPLOAD_BYTES, read_upload
from sim.cli import app
from tests.conftest import ROOT

DEFAULT = ROOT / "scenarios" / "home_care_self_funders.toml"
TINY = ["--reps", "20", "--months", "12", "--workers", "1"]
PRICE = "channels.self_funder.price_per_hour"


def invoke(*args: str) -> tuple[int, str, str]:
    """The command in-process: exit code, stdout, stderr. An exception that escapes the
    command (a traceback for a user) is reported as the failure it is."""
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(
            f"uncaught {type(result.exception).__name__}: {result.exception}"
        ) from result.exception
    return result.exit_code, result.stdout, result.stderr


def microcare(*args: str) -> tuple[int, str, str]:
    """The command as a real process, as a user's shell runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "sim.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    return done.returncode, done.stdout, done.stderr


def assert_bad_input(outcome: tuple[int, str, str], *names: str) -> None:
    code, out, err = outcome
    assert code == 2, f"exit {code}\nstdout: {out}\nstderr: {err}"
    assert "Traceback" not in out + err, out + err
    for name in names:
        assert name in err, f"{name!r} not named in stderr:\n{err}"


# --- scenario files: `microcare validate` and the dashboard's upload --------------------------


@dataclass(frozen=True)
class BadFile:
    """A scenario file's bytes and what its message must name (on the command line, and in
    the upload's problem list unless ``upload`` says otherwise)."""

    data: bytes
    names: tuple[str, ...]
    upload: tuple[str, ...] | None = None


def toml(text: str) -> bytes:
    return text.encode("utf-8")


def lognormal(mean: str, sd: str) -> str:
    return f'{{ kind = "lognormal", mean = {mean}, sd = {sd} }}'


BAD_FILES: dict[str, BadFile] = {
    # numbers the model cannot compute with
    "money inf": BadFile(toml("[business]\nstart_cash = inf\n"), ("business.start_cash",)),
    "money nan": BadFile(toml("[business]\nstart_cash = nan\n"), ("business.start_cash",)),
    "money 1e999": BadFile(toml("[business]\nstart_cash = 1e999\n"), ("business.start_cash",)),
    "money 1e308": BadFile(toml("[costs]\nstartup_costs = 1e308\n"), ("costs.startup_costs",)),
    "overdraft -inf": BadFile(toml("[business]\noverdraft = -inf\n"), ("business.overdraft",)),
    "distribution sd 1e200": BadFile(
        toml(f"[clients]\nhours_per_week = {lognormal('6.0', '1e200')}\n"),
        ("clients.hours_per_week",),
    ),
    "distribution mean nan": BadFile(
        toml(f"[clients]\nhours_per_week = {lognormal('nan', '2.0')}\n"),
        ("clients.hours_per_week",),
    ),
    "zero hours per client": BadFile(
        toml("[clients]\nhours_per_week = 0\n"), ("clients.hours_per_week",)
    ),
    "zero-length package": BadFile(
        toml("[clients]\npackage_months = 0\n"), ("clients.package_months",)
    ),
    "negative exponential mean": BadFile(
        toml('[clients]\npackage_months = { kind = "exponential", mean = -1.0 }\n'),
        ("clients.package_months",),
    ),
    "uniform low above high": BadFile(
        toml(
            '[day_activities]\nattendances_per_week = { kind = "uniform", low = 3.0, high = 1.0 }\n'
        ),
        ("day_activities.attendances_per_week",),
    ),
    # values out of range or of the wrong type
    "negative rate": BadFile(toml("[council]\nrate_per_hour = -1.0\n"), ("council.rate_per_hour",)),
    "negative wage": BadFile(toml("[staff]\nwage_per_hour = -12\n"), ("staff.wage_per_hour",)),
    "share above one": BadFile(
        toml("[staff]\nturnover_per_year = 1.5\n"), ("staff.turnover_per_year",)
    ),
    "negative cost item": BadFile(
        toml("[costs.fixed_monthly]\nrent = -5.0\n"), ("costs.fixed_monthly.rent",)
    ),
    "wrong type": BadFile(
        toml('[staff]\nwage_per_hour = "twelve"\n'), ("staff.wage_per_hour", "must be a number")
    ),
    "fraction for a whole number": BadFile(
        toml("[business]\nstaff_ceiling = 2.5\n"), ("business.staff_ceiling",)
    ),
    "text for a switch": BadFile(toml('[business]\nregulated = "yes"\n'), ("business.regulated",)),
    "unknown choice": BadFile(toml('[business]\nservice = "nursing"\n'), ("business.service",)),
    "number for a section": BadFile(toml("business = 5\n"), ("business",)),
    "months zero in file": BadFile(toml("[run]\nmonths = 0\n"), ("run.months",)),
    "seed negative in file": BadFile(toml("[run]\nseed = -1\n"), ("run.seed",)),
    "rule across fields": BadFile(
        toml('[business]\nservice = "home_care"\nregulated = false\n'),
        ("business", "must be regulated"),
    ),
    # keys and sections
    "unknown key": BadFile(
        toml("[staff]\nwage_per_hr = 12.0\n"), ("staff.wage_per_hr", "wage_per_hour")
    ),
    "unknown section": BadFile(toml("[staf]\nwage_per_hour = 12.0\n"), ("staf",)),
    "unknown channel": BadFile(
        toml("[channels.selffunder]\nprice_per_hour = 28.0\n"), ("channels.selffunder",)
    ),
    "missing key in a distribution": BadFile(
        toml('[clients]\nhours_per_week = { kind = "lognormal", mean = 6.0 }\n'),
        ("clients.hours_per_week",),
    ),
    "bad distribution kind": BadFile(
        toml('[clients]\nhours_per_week = { kind = "normal", mean = 6.0, sd = 2.0 }\n'),
        ("clients.hours_per_week", "normal"),
    ),
    "distribution without kind": BadFile(
        toml("[clients]\nhours_per_week = { mean = 6.0, sd = 2.0 }\n"),
        ("clients.hours_per_week",),
    ),
    # files that are not TOML scenarios
    "deeply nested": BadFile(toml("x = " + "[" * 100_000 + "]" * 100_000 + "\n"), ("toml",)),
    "deeply nested tables": BadFile(
        toml("x = " + "{a = " * 50_000 + "1" + "}" * 50_000 + "\n"), ("toml",)
    ),
    "syntax error": BadFile(toml("[business\nstart_cash = 1\n"), ("toml", "syntax error")),
    "duplicate key": BadFile(
        toml("[staff]\nwage_per_hour = 12.0\nwage_per_hour = 13.0\n"), ("toml", "line 3")
    ),
    "JSON instead of TOML": BadFile(toml('{"business": {"start_cash": 1}}\n'), ("toml",)),
    "not UTF-8": BadFile(
        b'[business]\nname = "caf\xe9"\n', ("file", "plan.toml"), upload=("file", "UTF-8")
    ),
    "UTF-16": BadFile(
        "[business]\nname = 'x'\n".encode("utf-16"),
        ("file", "plan.toml"),
        upload=("file", "UTF-16"),
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=str)
def test_validate_names_the_problem_in_a_bad_file(tmp_path: Path, case: str) -> None:
    bad = BAD_FILES[case]
    path = tmp_path / "plan.toml"
    path.write_bytes(bad.data)
    assert_bad_input(invoke("validate", path), *bad.names)


@pytest.mark.parametrize("case", BAD_FILES, ids=str)
def test_upload_lists_the_problem_in_a_bad_file(case: str) -> None:
    bad = BAD_FILES[case]
    text, problems = read_upload("plan.toml", bad.data)
    assert text is None and problems
    listed = "\n".join(f"{path}: {message}" for path, message in problems)
    for name in bad.upload or bad.names:
        assert name in listed, listed


def test_upload_refuses_a_file_too_large_for_a_scenario() -> None:
    text, problems = read_upload("big.toml", b"#" * (MAX_UPLOAD_BYTES + 1))
    assert text is None and problems[0][0] == "file" and "bytes" in problems[0][1]


BOM_PLAN = '\ufeff[business]\nname = "BOM plan"\nstart_cash = 9000.0\n'.encode()


def test_a_file_with_a_byte_order_mark_is_accepted_by_validate(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(BOM_PLAN)
    code, out, err = invoke("validate", path)
    assert code == 0, err
    assert "OK (BOM plan" in " ".join(out.split())  # the console may wrap a long path


def test_a_file_with_a_byte_order_mark_is_accepted_by_the_upload() -> None:
    text, problems = read_upload("bom.toml", BOM_PLAN)
    assert problems == [] and text is not None and "BOM plan" in text


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("missing.toml", ["missing.toml", "no such file"]),
        ("", ["file", "folder"]),  # an empty name is the current folder
        (".", ["file", "folder"]),
    ],
    ids=["missing file", "empty file name", "a folder"],
)
def test_validate_names_a_path_that_is_not_a_scenario_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, names: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert_bad_input(invoke("validate", path), *names)


# --- options -------------------------------------------------------------------------------


def _goal(*args: str) -> list[str]:
    return ["goal-seek", DEFAULT, *TINY, *args]


def _seek(*args: str) -> list[str]:
    return _goal("--param", PRICE, "--target", "survival_12>=0.5", *args)


def _tornado(*args: str) -> list[str]:
    return ["sensitivity", DEFAULT, *TINY, "--metric", "final_cash", *args]


BAD_OPTIONS: dict[str, tuple[list[str], tuple[str, ...]]] = {
    # run
    "run --seed -1": (["run", DEFAULT, *TINY, "--seed", "-1"], ("--seed",)),
    "run --seed 1.5": (["run", DEFAULT, *TINY, "--seed", "1.5"], ("--seed",)),
    "run --reps 0": (["run", DEFAULT, "--reps", "0"], ("--reps",)),
    "run --reps -5": (["run", DEFAULT, "--reps", "-5"], ("--reps",)),
    "run --reps abc": (["run", DEFAULT, "--reps", "abc"], ("--reps",)),
    "run --months 0": (["run", DEFAULT, "--reps", "20", "--months", "0"], ("--months",)),
    "run --months abc": (["run", DEFAULT, "--reps", "20", "--months", "abc"], ("--months",)),
    "run --months 601": (["run", DEFAULT, "--reps", "20", "--months", "601"], ("run.months",)),
    "run --workers 0": (["run", DEFAULT, "--reps", "20", "--workers", "0"], ("--workers",)),
    "run --workers abc": (["run", DEFAULT, "--reps", "20", "--workers", "abc"], ("--workers",)),
    "run misspelt option": (["run", DEFAULT, "--sed", "1"], ("--sed",)),
    "run missing file": (["run", "nosuch.toml", *TINY], ("nosuch.toml", "no such file")),
    "unknown command": (["rnu", DEFAULT], ("rnu",)),
    # --set
    "--set without =": (["run", DEFAULT, *TINY, "--set", "staff.wage_per_hour"], ("--set",)),
    "--set without a key": (["run", DEFAULT, *TINY, "--set", "=5"], ("--set",)),
    "--set without a value": (
        ["run", DEFAULT, *TINY, "--set", "staff.wage_per_hour="],
        ("--set",),
    ),
    "--set unknown.key": (["run", DEFAULT, *TINY, "--set", "unknown.key=1"], ("unknown.key",)),
    "--set misspelt key": (
        ["run", DEFAULT, *TINY, "--set", "staff.wage=13"],
        ("staff.wage", "wage_per_hour"),
    ),
    "--set negative wage": (
        ["run", DEFAULT, *TINY, "--set", "staff.wage_per_hour=-1"],
        ("staff.wage_per_hour",),
    ),
    "--set text for a number": (
        ["run", DEFAULT, *TINY, "--set", "staff.wage_per_hour=abc"],
        ("staff.wage_per_hour", "must be a number"),
    ),
    "--set inf": (
        ["run", DEFAULT, *TINY, "--set", "staff.wage_per_hour=inf"],
        ("staff.wage_per_hour",),
    ),
    "--set a value for a section": (["run", DEFAULT, *TINY, "--set", "staff=1"], ("staff",)),
    "--set below a number": (
        ["run", DEFAULT, *TINY, "--set", "staff.wage_per_hour.x=1"],
        ("staff.wage_per_hour.x",),
    ),
    "--set unknown choice": (
        ["run", DEFAULT, *TINY, "--set", "business.service=nursing"],
        ("business.service",),
    ),
    # compare
    "compare one file": (["compare", DEFAULT, *TINY], ("at least two",)),
    "compare a missing file": (
        ["compare", DEFAULT, "nosuch.toml", *TINY],
        ("nosuch.toml", "no such file"),
    ),
    "compare --reps 0": (["compare", DEFAULT, DEFAULT, "--reps", "0"], ("--reps",)),
    # sensitivity
    "sensitivity -p nope": (_tornado("-p", "nope"), ("nope", "unknown parameter")),
    "sensitivity -p run.seed": (_tornado("-p", "run.seed"), ("run.seed", "not a model")),
    "sensitivity -p run.months": (_tornado("-p", "run.months"), ("run.months", "not a model")),
    "sensitivity -p a switch": (_tornado("-p", "business.regulated"), ("business.regulated",)),
    "sensitivity -p a section": (_tornado("-p", "costs"), ("costs", "section")),
    "sensitivity -p a zero": (_tornado("-p", "support.grant_amount"), ("support.grant_amount",)),
    "sensitivity --delta 2": (_tornado("-p", PRICE, "--delta", "2"), ("delta",)),
    "sensitivity --delta 0": (_tornado("-p", PRICE, "--delta", "0"), ("delta",)),
    "sensitivity --delta nan": (_tornado("-p", PRICE, "--delta", "nan"), ("delta",)),
    "sensitivity --delta abc": (_tornado("-p", PRICE, "--delta", "abc"), ("--delta",)),
    "sensitivity --delta past a limit": (
        _tornado("-p", "staff.hire_when_utilisation_above"),
        ("delta", "staff.hire_when_utilisation_above"),
    ),
    "sensitivity --metric nope": (
        ["sensitivity", DEFAULT, *TINY, "-p", PRICE, "--metric", "nope"],
        ("metric", "nope"),
    ),
    "sensitivity --metric beyond the horizon": (
        ["sensitivity", DEFAULT, *TINY, "-p", PRICE, "--metric", "survival_36"],
        ("metric", "survival_36", "horizon"),
    ),
    "sensitivity --reps 1": (
        ["sensitivity", DEFAULT, "--reps", "1", "--months", "12", "-p", PRICE],
        ("reps",),
    ),
    # goal-seek
    "goal-seek without --param": (_goal("--target", "survival_12>=0.5"), ("--param",)),
    "goal-seek without --target": (_goal("--param", PRICE), ("--target",)),
    "goal-seek --target month beyond horizon": (
        _goal("--param", PRICE, "--target", "survival_999>=0.5"),
        ("target", "survival_999", "horizon"),
    ),
    "goal-seek --target x": (_goal("--param", PRICE, "--target", "x"), ("target",)),
    "goal-seek --target =>": (
        _goal("--param", PRICE, "--target", "survival_12=>0.5"),
        ("target",),
    ),
    "goal-seek --target percent for a share": (
        _goal("--param", PRICE, "--target", "survival_12>=80"),
        ("target", "share"),
    ),
    "goal-seek --target 1e999": (
        _goal("--param", PRICE, "--target", "final_cash>=1e999"),
        ("target",),
    ),
    "goal-seek --target unknown metric": (
        _goal("--param", PRICE, "--target", "happiness>=1"),
        ("target", "happiness"),
    ),
    "goal-seek --param nope": (
        _goal("--param", "nope", "--target", "survival_12>=0.5"),
        ("nope", "unknown parameter"),
    ),
    "goal-seek --param run.seed": (
        _goal("--param", "run.seed", "--target", "survival_12>=0.5"),
        ("run.seed", "not a model"),
    ),
    "goal-seek --tolerance nan": (_seek("--tolerance", "nan"), ("tolerance",)),
    "goal-seek --tolerance inf": (_seek("--tolerance", "inf"), ("tolerance",)),
    "goal-seek --tolerance 0": (_seek("--tolerance", "0"), ("tolerance",)),
    "goal-seek --tolerance -1": (_seek("--tolerance", "-1"), ("tolerance",)),
    "goal-seek --bounds 0,inf": (_seek("--bounds", "0,inf"), ("bounds", "finite")),
    "goal-seek --bounds nan,30": (_seek("--bounds", "nan,30"), ("bounds", "finite")),
    "goal-seek --bounds 5": (_seek("--bounds", "5"), ("--bounds",)),
    "goal-seek --bounds a,b": (_seek("--bounds", "a,b"), ("--bounds",)),
    "goal-seek --bounds 3,1": (_seek("--bounds", "3,1"), ("bounds", "low < high")),
    "goal-seek --bounds 20,20": (_seek("--bounds", "20,20"), ("bounds", "low < high")),
    "goal-seek --bounds a negative price": (
        _seek("--bounds", "-10,30"),
        ("bounds", PRICE, "cannot be -10"),
    ),
    "goal-seek a zero without bounds": (
        _goal("--param", "support.grant_amount", "--target", "survival_12>=0.5"),
        ("bounds", "support.grant_amount"),
    ),
}


@pytest.mark.parametrize("case", BAD_OPTIONS, ids=str)
def test_a_bad_option_is_named(tmp_path: Path, case: str) -> None:
    args, names = BAD_OPTIONS[case]
    assert_bad_input(invoke(*args), *names)


# --- a few as real processes (through main(), as a shell runs them) -----------------------


def test_real_process_deeply_nested_file(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_bytes(BAD_FILES["deeply nested"].data)
    assert_bad_input(microcare("validate", path), "deep.toml", "toml")


def test_real_process_file_with_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(BOM_PLAN)
    code, out, err = microcare("validate", path)
    assert code == 0, err
    assert "OK (BOM plan" in " ".join(out.split())


def test_real_process_money_inf_is_refused_before_running(tmp_path: Path) -> None:
    path = tmp_path / "inf.toml"
    path.write_bytes(BAD_FILES["money inf"].data)
    assert_bad_input(microcare("run", path, *TINY), "business.start_cash")


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["run", DEFAULT, *TINY, "--seed", "-1"], ["--seed"]),
        (["run", DEFAULT, "--reps", "abc"], ["--reps"]),
        (["run", DEFAULT, *TINY, "--set", "staff.wage_per_hour=-1"], ["staff.wage_per_hour"]),
        (["run", DEFAULT, "--reps", "20", "--scheduler", "nonsense"], ["nonsense"]),
        (
            ["run", DEFAULT, "--reps", "20", "--scheduler", "tcp://127.0.0.1:9", "--workers", "2"],
            ["workers", "scheduler"],
        ),
        (["compare", DEFAULT, "--reps", "20"], ["at least two"]),
        (_tornado("-p", "run.seed"), ["run.seed"]),
        (_seek("--tolerance", "nan"), ["tolerance"]),
        (_seek("--bounds", "0,inf"), ["bounds"]),
    ],
    ids=[
        "run --seed -1",
        "run --reps abc",
        "--set wage -1",
        "bad --scheduler address",
        "--scheduler with --workers",
        "compare one file",
        "sensitivity -p run.seed",
        "goal-seek --tolerance nan",
        "goal-seek --bounds 0,inf",
    ],
)
def test_real_process_bad_input(args: list[str], names: list[str]) -> None:
    assert_bad_input(microcare(*args), *names)
