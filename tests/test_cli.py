"""The `microcare` command end to end, as a user runs it (a subprocess, no terminal)."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from tests.conftest import ROOT

DEFAULT = ROOT / "scenarios" / "home_care_self_funders.toml"
SHORT = ["--reps", "40", "--months", "18", "--workers", "2"]


def microcare(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def assert_bad_input(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_run_writes_a_folder_that_reproduces_itself(tmp_path):
    first = tmp_path / "first"
    result = microcare("run", DEFAULT, *SHORT, "--seed", "11", "--out", first)
    assert result.returncode == 0, result.stderr
    assert "Still trading after 1 year" in result.stdout
    assert "The chance this business is still trading after" in result.stdout
    for name in ("monthly.parquet", "monthly.csv", "runs.csv", "summary.json", "scenario.toml"):
        assert (first / name).is_file(), name
    monthly = pd.read_parquet(first / "monthly.parquet")
    assert monthly["rep"].nunique() == 40
    assert len(pd.read_csv(first / "runs.csv")) == 40

    again = tmp_path / "again"
    result = microcare(
        "run", first / "scenario.toml", "--reps", "40", "--workers", "1", "--out", again
    )
    assert result.returncode == 0, result.stderr
    assert json.loads((first / "summary.json").read_text()) == json.loads(
        (again / "summary.json").read_text()
    )
    pd.testing.assert_frame_equal(monthly, pd.read_parquet(again / "monthly.parquet"))


def test_run_without_a_file_uses_the_default_scenario():
    result = microcare("run", "--reps", "1", "--months", "6")
    assert result.returncode == 0, result.stderr
    assert "Home care start-up" in result.stdout
    assert "one possible future" in result.stdout


def test_set_overrides_change_the_run(tmp_path):
    cheap = microcare(
        "run",
        DEFAULT,
        *SHORT,
        "--set",
        "channels.self_funder.price_per_hour=15",
        "--out",
        tmp_path / "cheap",
    )
    assert cheap.returncode == 0, cheap.stderr
    written = (tmp_path / "cheap" / "scenario.toml").read_text()
    assert "price_per_hour = 15.0" in written


@pytest.mark.parametrize(
    ("setting", "fragments"),
    [
        ("staff.wage=13", ["staff.wage", "unknown key", "wage_per_hour"]),
        ("nosuch.section=1", ["nosuch.section", "unknown"]),
        ("staff.wage_per_hour=-3", ["staff.wage_per_hour", "must be > 0"]),
        ("staff.wage_per_hour=cheap", ["staff.wage_per_hour", "must be a number"]),
        ("business.service=nursing", ["business.service", "must be one of"]),
        ("no_equals_sign", ["--set", "key.path=value"]),
    ],
)
def test_bad_set_gives_a_clear_message_and_exit_2(setting, fragments):
    assert_bad_input(microcare("run", DEFAULT, "--reps", "2", "--set", setting), *fragments)


def test_bad_files_and_options_exit_2(tmp_path):
    assert_bad_input(microcare("run", tmp_path / "missing.toml"), "no such file")
    bad = tmp_path / "bad.toml"
    bad.write_text("[staff]\nwage_per_hour = -12\n")
    assert_bad_input(microcare("validate", bad), "staff.wage_per_hour: must be > 0, got -12")
    assert_bad_input(microcare("run", bad), "staff.wage_per_hour")
    assert_bad_input(
        microcare("run", DEFAULT, "--reps", "2", "--scheduler", "nonsense"), "nonsense"
    )
    assert microcare("run", DEFAULT, "--reps", "0").returncode == 2


def test_validate_accepts_every_scenario():
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        result = microcare("validate", path)
        assert result.returncode == 0, result.stderr
        assert "OK" in result.stdout


def test_compare_prints_paired_differences(tmp_path):
    other = tmp_path / "granted.toml"
    other.write_text(DEFAULT.read_text() + "\n")
    text = other.read_text().replace("grant_amount = 0.0", "grant_amount = 5000.0")
    assert text != other.read_text(), "the default scenario should state its grant"
    other.write_text(text)
    result = microcare("compare", DEFAULT, other, *SHORT)
    assert result.returncode == 0, result.stderr
    assert "granted minus" in result.stdout
    assert "[final_cash]" in result.stdout
    assert_bad_input(microcare("compare", DEFAULT), "at least two")


def test_sensitivity_and_goal_seek_end_to_end():
    result = microcare(
        "sensitivity",
        DEFAULT,
        "--param",
        "channels.self_funder.price_per_hour",
        "--param",
        "council.rate_per_hour",
        "--metric",
        "final_cash",
        "--reps",
        "20",
        "--months",
        "12",
        "--workers",
        "1",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    price = next(i for i, line in enumerate(lines) if "self_funder.price" in line)
    council = next(i for i, line in enumerate(lines) if "council.rate" in line)
    assert price < council  # largest effect first

    result = microcare(
        "goal-seek",
        DEFAULT,
        "--param",
        "channels.self_funder.price_per_hour",
        "--target",
        "survival_12>=0.5",
        "--bounds",
        "10,60",
        "--reps",
        "20",
        "--months",
        "12",
        "--workers",
        "1",
    )
    assert result.returncode == 0, result.stderr
    assert "gives survival_12 >= 0.5" in result.stdout


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["sensitivity", "--param", "staff.wage"], ["staff.wage", "unknown parameter"]),
        (["sensitivity", "--metric", "happiness"], ["unknown metric"]),
        (["goal-seek", "--param", "staff.wage", "--target", "survival_12>=0.5"], ["staff.wage"]),
        (
            ["goal-seek", "--param", "staff.wage_per_hour", "--target", "survival_12=>0.5"],
            ["target", "METRIC OP VALUE"],
        ),
        (
            [
                "goal-seek",
                "--param",
                "staff.wage_per_hour",
                "--target",
                "survival_12>=0.5",
                "--bounds",
                "20",
            ],
            ["--bounds", "lo,hi"],
        ),
        (["goal-seek", "--target", "survival_12>=0.5"], ["--param is required"]),
    ],
)
def test_what_if_commands_reject_bad_input(args, fragments):
    assert_bad_input(
        microcare(*args, "--reps", "2", "--months", "12", "--workers", "1"), *fragments
    )


def test_every_command_has_help():
    for command in ("run", "compare", "validate", "sensitivity", "goal-seek"):
        result = microcare(command, "--help")
        assert result.returncode == 0
        assert "Usage" in result.stdout


@pytest.mark.parametrize("seed", ["-1", str(2**63)])
@pytest.mark.parametrize("reps", ["1", "4"])
def test_a_seed_out_of_range_names_the_option(seed, reps):
    result = microcare("run", DEFAULT, "--reps", reps, "--months", "6", "--seed", seed)
    assert_bad_input(result, "--seed")


def test_compare_tells_two_files_of_the_same_name_apart(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "plan.toml").write_text(DEFAULT.read_text())
    result = microcare(
        "compare", tmp_path / "a" / "plan.toml", tmp_path / "b" / "plan.toml", *SHORT
    )
    assert result.returncode == 0, result.stderr
    assert "b/plan minus a/plan" in result.stdout


def test_compared_files_are_labelled_by_as_much_path_as_tells_them_apart() -> None:
    from pathlib import Path

    from sim.cli import _labels

    assert _labels([Path("x/a.toml"), Path("x/b.toml")]) == ["a", "b"]
    assert _labels([Path("a/plan.toml"), Path("b/plan.toml")]) == ["a/plan", "b/plan"]
    assert _labels([Path("plan.toml"), Path("plan.toml")]) == ["plan", "plan (2)"]
