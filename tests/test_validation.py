"""Scenario validation: every bad file gives a clear message naming the dotted path.

Each bad scenario is checked two ways: through the library (``sim.load_scenario`` raises
``sim.ScenarioError`` listing ``(dotted path, message)`` problems) and through the
``microcare validate`` command (exit code 2, the path on stderr, never a traceback).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim.scenario import DEFAULT_SCENARIO, SCENARIO_DIR

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_FILES = sorted(SCENARIO_DIR.glob("*.toml"))

MISSING = "<missing file>"
DIRECTORY = "<a directory>"

# (id, file text, expected dotted path, key part of the message)
BAD_SCENARIOS = [
    (
        "wrong_type_text_for_number",
        '[business]\nstart_cash = "lots"\n',
        "business.start_cash",
        "must be a number, got 'lots'",
    ),
    (
        "negative_referral_rate",
        "[channels.self_funder]\nreferrals_per_month = -1\n",
        "channels.self_funder.referrals_per_month",
        "must be >= 0, got -1",
    ),
    (
        "negative_wage",
        "[staff]\nwage_per_hour = -12\n",
        "staff.wage_per_hour",
        "must be > 0, got -12",
    ),
    (
        "unknown_key_in_section",
        "[staff]\nwage_per_hr = 12.6\n",
        "staff.wage_per_hr",
        "unknown key (did you mean 'wage_per_hour'?)",
    ),
    (
        "unknown_key_in_nested_section",
        "[support.coordinator]\nmonth = 3\n",
        "support.coordinator.month",
        "did you mean 'months'?",
    ),
    (
        "unknown_top_level_section",
        "[bussiness]\nstart_cash = 5000.0\n",
        "bussiness",
        "unknown key (did you mean 'business'?)",
    ),
    (
        "unknown_top_level_section_lists_valid_keys",
        "[finances]\nstart_cash = 5000.0\n",
        "finances",
        "valid keys: business, owner, staff",
    ),
    (
        "bad_distribution_kind",
        '[clients]\nhours_per_week = {kind = "normal", mean = 6.0, sd = 4.0}\n',
        "clients.hours_per_week",
        "unknown distribution kind 'normal'; use one of fixed, exponential, lognormal",
    ),
    (
        "distribution_missing_kind",
        "[clients]\nhours_per_week = {mean = 6.0, sd = 4.0}\n",
        "clients.hours_per_week",
        "a distribution needs kind = one of",
    ),
    (
        "distribution_missing_sd",
        '[clients]\nhours_per_week = {kind = "lognormal", mean = 6.0}\n',
        "clients.hours_per_week.sd",
        "required but missing",
    ),
    (
        "optional_distribution_missing_sd",
        '[channels.local_authority]\nhours_per_week = {kind = "lognormal", mean = 10.0}\n',
        "channels.local_authority.hours_per_week.sd",
        "required but missing",
    ),
    (
        "unknown_key_in_distribution",
        '[clients]\npackage_months = {kind = "exponential", mean = 20.0, sd = 5.0}\n',
        "clients.package_months.sd",
        "unknown key for kind = 'exponential' (valid keys: kind, mean)",
    ),
    (
        "distribution_given_as_text",
        '[clients]\nhours_per_week = "six"\n',
        "clients.hours_per_week",
        "must be a number or a distribution",
    ),
    (
        "triangular_low_above_high",
        '[clients]\npackage_months = {kind = "triangular", low = 30.0, mode = 20.0, high = 10.0}\n',
        "clients.package_months",
        "needs low <= mode <= high",
    ),
    (
        "uniform_low_above_high",
        '[day_activities]\nattendances_per_week = {kind = "uniform", low = 3.0, high = 1.0}\n',
        "day_activities.attendances_per_week",
        "needs low < high",
    ),
    (
        "literal_choice",
        '[business]\nservice = "nursing"\n',
        "business.service",
        "must be one of 'home_care', 'home_support' or 'day_activities', got 'nursing'",
    ),
    (
        "bool_given_as_number",
        "[business]\nregulated = 1\n",
        "business.regulated",
        "must be true or false, got 1",
    ),
    (
        "whole_number_given_a_fraction",
        "[run]\nmonths = 12.5\n",
        "run.months",
        "must be a whole number, got 12.5",
    ),
    (
        "toml_syntax_error",
        "[business]\nstart_cash = = 5000\n",
        "toml",
        "line 2, column",
    ),
    (
        "missing_file",
        MISSING,
        "file",
        "no such file",
    ),
    (
        "directory_not_file",
        DIRECTORY,
        "file",
        "is a folder, not a scenario file",
    ),
    (
        "home_care_unregulated",
        '[business]\nservice = "home_care"\nregulated = false\n',
        "business",
        "home_care is personal care and must be regulated",
    ),
    (
        "negative_fixed_cost_item",
        "[costs.fixed_monthly]\noffice = -50.0\n",
        "costs.fixed_monthly.office",
        "must be >= 0, got -50",
    ),
    (
        "whole_section_wrong_type",
        "staff = 3\n",
        "staff",
        "must be a table",
    ),
    (
        "contracted_hours_above_max",
        '[staff]\ncontract = "contracted"\ncontracted_hours_per_week = 40.0\n'
        "max_hours_per_week = 30.0\n",
        "staff",
        "contracted_hours_per_week (40.0) exceeds max_hours_per_week (30.0)",
    ),
    (
        "channel_payer_not_allowed",
        '[channels.self_funder]\npayer = "local_authority"\n',
        "channels.self_funder.payer",
        "must be one of 'self_funder' or 'direct_payment'",
    ),
]


def _write(tmp_path: Path, text: str) -> Path:
    """Put the bad scenario on disk (or arrange a missing file / a directory)."""
    path = tmp_path / "scenario.toml"
    if text == MISSING:
        return path
    if text == DIRECTORY:
        path.mkdir()
        return path
    path.write_text(text, encoding="utf-8")
    return path


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from sim.cli import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def _has(problems: list[tuple[str, str]], path: str, fragment: str) -> bool:
    return any(p == path and fragment in message for p, message in problems)


@pytest.mark.parametrize(
    ("text", "path", "fragment"),
    [case[1:] for case in BAD_SCENARIOS],
    ids=[case[0] for case in BAD_SCENARIOS],
)
def test_bad_scenario_library(tmp_path: Path, text: str, path: str, fragment: str) -> None:
    file = _write(tmp_path, text)
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(file)
    problems = info.value.problems
    assert _has(problems, path, fragment), problems
    # the text of the exception lists the same problem, as the CLI prints it
    assert f"{path}: " in str(info.value)


@pytest.mark.parametrize(
    ("text", "path", "fragment"),
    [case[1:] for case in BAD_SCENARIOS],
    ids=[case[0] for case in BAD_SCENARIOS],
)
def test_bad_scenario_cli(tmp_path: Path, text: str, path: str, fragment: str) -> None:
    file = _write(tmp_path, text)
    result = _cli("validate", str(file))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert f"{path}: " in result.stderr
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "OK" not in result.stdout


@pytest.mark.parametrize(
    ("text", "path"),
    [case[1:3] for case in BAD_SCENARIOS if case[1] not in (MISSING, DIRECTORY)],
    ids=[case[0] for case in BAD_SCENARIOS if case[1] not in (MISSING, DIRECTORY)],
)
def test_one_mistake_gives_one_problem(text: str, path: str) -> None:
    """Each bad file holds one mistake: it is reported once, at its own path, with no echo
    from other members of a distribution union or from sections that are fine."""
    with pytest.raises(sim.ScenarioError) as info:
        sim.loads_scenario(text)
    assert [p for p, _ in info.value.problems] == [path]


def test_toml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    file = _write(tmp_path, "[business]\nstart_cash = = 5000\n")
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(file)
    [(path, message)] = info.value.problems
    assert path == "toml"
    assert re.search(r"line 2, column \d+", message), message
    assert info.value.source == str(file)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    file = _write(
        tmp_path,
        '[staff]\nwage_per_hour = -12\nturnover_per_year = 1.5\n[business]\nstart_cash = "lots"\n',
    )
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(file)
    paths = [path for path, _ in info.value.problems]
    assert sorted(paths) == [
        "business.start_cash",
        "staff.turnover_per_year",
        "staff.wage_per_hour",
    ]
    assert "3 problems" in str(info.value)


def test_minimal_file_validates(tmp_path: Path) -> None:
    file = _write(
        tmp_path,
        "# a five-line scenario: everything else takes its default\n"
        "[business]\nstart_cash = 5000\n[run]\nmonths = 24\n",
    )
    scenario = sim.load_scenario(file)
    assert scenario.business.start_cash == 5000.0
    assert scenario.run.months == 24
    assert scenario.staff == sim.Scenario().staff
    result = _cli("validate", str(file))
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_with_overrides_returns_new_scenario() -> None:
    base = sim.load_scenario(DEFAULT_SCENARIO)
    before = base.to_dict()
    changed = base.with_overrides(
        {
            "staff.wage_per_hour": 13.0,
            "channels.self_funder.referrals_per_month": 1.5,
            "clients.hours_per_week": {"kind": "gamma", "mean": 7.0, "sd": 3.0},
            "costs.fixed_monthly.office": 150.0,
        }
    )
    assert changed is not base
    assert changed.staff.wage_per_hour == 13.0
    assert changed.channels.self_funder.referrals_per_month == 1.5
    assert changed.clients.hours_per_week.mean == 7.0
    assert changed.costs.fixed_monthly["office"] == 150.0
    # the original is untouched
    assert base.to_dict() == before
    assert base.staff.wage_per_hour == pytest.approx(12.71)
    assert base == sim.load_scenario(DEFAULT_SCENARIO)


@pytest.mark.parametrize(
    ("overrides", "path", "fragment"),
    [
        ({"staff.wage_per_hr": 13.0}, "staff.wage_per_hr", "did you mean 'wage_per_hour'"),
        ({"payroll.wage_per_hour": 13.0}, "payroll.wage_per_hour", "unknown setting"),
        ({"channels.postal.referrals_per_month": 1.0}, "channels.postal", "unknown"),
    ],
    ids=["misspelt_key", "unknown_section", "unknown_channel"],
)
def test_bad_override_path(overrides: dict, path: str, fragment: str) -> None:
    base = sim.load_scenario(DEFAULT_SCENARIO)
    with pytest.raises(sim.ScenarioError) as info:
        base.with_overrides(overrides)
    assert any(p.startswith(path) and fragment in m for p, m in info.value.problems), (
        info.value.problems
    )


@pytest.mark.parametrize(
    ("overrides", "path", "fragment"),
    [
        ({"staff.wage_per_hour": -1.0}, "staff.wage_per_hour", "must be > 0, got -1"),
        ({"staff.wage_per_hour": "twelve"}, "staff.wage_per_hour", "must be a number"),
        ({"business.service": "nursing"}, "business.service", "must be one of"),
        (
            {"clients.hours_per_week": {"kind": "lognormal", "mean": 6.0}},
            "clients.hours_per_week.sd",
            "required but missing",
        ),
    ],
    ids=["negative", "text", "choice", "distribution"],
)
def test_bad_override_value(overrides: dict, path: str, fragment: str) -> None:
    base = sim.load_scenario(DEFAULT_SCENARIO)
    with pytest.raises(sim.ScenarioError) as info:
        base.with_overrides(overrides)
    assert _has(info.value.problems, path, fragment), info.value.problems


def test_bare_number_for_optional_distribution(tmp_path: Path) -> None:
    file = _write(tmp_path, "[channels.local_authority]\nhours_per_week = 10\n")
    scenario = sim.load_scenario(file)
    assert scenario.channels.local_authority.hours_per_week.mean == 10.0


def test_default_scenario_is_in_scenarios() -> None:
    assert DEFAULT_SCENARIO in SCENARIO_FILES
    scenario = sim.load_scenario(DEFAULT_SCENARIO)
    assert scenario.business.service == "home_care"
    assert scenario.business.regulated
    assert scenario.council.framework == "none"
    assert scenario.staff.initial_staff == 0


def test_scenario_files_exist() -> None:
    names = {path.name for path in SCENARIO_FILES}
    assert {
        "home_care_self_funders.toml",
        "home_care_open_framework.toml",
        "home_support_companionship.toml",
        "day_activities.toml",
    } <= names


@pytest.mark.parametrize("file", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_scenario_round_trips_through_toml(file: Path) -> None:
    scenario = sim.load_scenario(file)
    again = sim.loads_scenario(scenario.to_toml(), source=f"{file.name} (re-written)")
    assert again == scenario
    assert again.to_dict() == scenario.to_dict()


@pytest.mark.parametrize("file", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_scenario_validates_through_cli(file: Path) -> None:
    result = _cli("validate", str(file))
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout
    assert result.stderr == ""


NUMERIC_SETTING = re.compile(r"^\s*[A-Za-z_]+\s*=\s*[-+0-9{]")


@pytest.mark.parametrize("file", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_scenario_numbers_name_their_source(file: Path) -> None:
    """Every numeric value in a shipped scenario carries a comment: a source or 'assumption'."""
    lines = file.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#"), "a scenario starts with a comment block saying what it is"
    bare = [
        f"{number}: {line}"
        for number, line in enumerate(lines, start=1)
        if NUMERIC_SETTING.match(line) and "#" not in line
    ]
    assert not bare, "numbers without a source comment:\n" + "\n".join(bare)
