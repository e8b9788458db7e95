"""A saved scenario keeps the comments of the file it came from and marks changed values with
the old one; the Assumptions sheet's sources are those comments."""

from __future__ import annotations

from pathlib import Path

import sim
from sim.scenario import DEFAULT_SCENARIO, SCENARIO_DIR, loads_scenario
from sim.scenario_file import BUILT_IN, annotated_toml, setting_sources

TEXT = DEFAULT_SCENARIO.read_text(encoding="utf-8")


def _in_section(text: str, section: str, key: str) -> str:
    """The line of ``key`` under ``[section]``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"[{section}]"))
    return next(line for line in lines[start + 1 :] if line.startswith(f"{key} ="))


def _line(text: str, start: str) -> str:
    (line,) = [line for line in text.splitlines() if line.startswith(start)]
    return line


def test_change_one_value_round_trip(tmp_path: Path) -> None:
    original = loads_scenario(TEXT)
    price = original.channels.self_funder.price_per_hour
    changed = original.with_overrides({"channels.self_funder.price_per_hour": price + 2.5})
    path = tmp_path / "plan.toml"
    sim.save_scenario(changed, path, source=TEXT)
    saved = path.read_text(encoding="utf-8")
    # an unchanged line is the same, comment and all
    assert _line(saved, "start_cash =") == _line(TEXT, "start_cash =")
    assert _line(saved, "wage_per_hour =") == _line(TEXT, "wage_per_hour =")
    # the changed line says its old value, then its old comment
    old = _in_section(TEXT, "channels.self_funder", "price_per_hour")
    old_comment = old.split("#", 1)[1].strip()
    new = _in_section(saved, "channels.self_funder", "price_per_hour")
    assert new.startswith(f"price_per_hour = {price + 2.5} ")
    assert new.split("#", 1)[1].strip() == f"was {price}; {old_comment}"
    # and the file loads to the changed scenario
    assert sim.load_scenario(path) == changed
    # only that line changed
    differ = [(a, b) for a, b in zip(TEXT.splitlines(), saved.splitlines(), strict=True) if a != b]
    assert len(differ) == 1


def test_a_distribution_and_a_setting_the_file_left_out() -> None:
    text = "[business]\nstart_cash = 5000.0  # my savings\n\n[clients]\npackage_months = 20.0\n"
    original = loads_scenario(text)
    default_wage = original.staff.wage_per_hour
    changed = original.with_overrides(
        {
            "clients.package_months": {"kind": "exponential", "mean": 12.0},
            "staff.wage_per_hour": default_wage + 1,
        }
    )
    saved = annotated_toml(changed, text)
    assert "start_cash = 5000.0  # my savings" in saved
    assert _line(saved, "package_months").endswith("# was 20.0")
    assert _line(saved, "wage_per_hour").endswith(f"# was {default_wage} (the default)")
    assert loads_scenario(saved) == changed


def test_unchanged_scenario_saves_as_its_file() -> None:
    for path in SCENARIO_DIR.glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        assert annotated_toml(loads_scenario(text), text) == text, path.name


def test_without_a_file_it_is_the_plain_toml(tmp_path: Path) -> None:
    scenario = loads_scenario(TEXT)
    assert annotated_toml(scenario, None) == scenario.to_toml()
    sim.save_scenario(scenario, tmp_path / "a.toml")
    assert (tmp_path / "a.toml").read_text(encoding="utf-8") == scenario.to_toml()


def test_sources_are_the_files_comments() -> None:
    scenario = loads_scenario(TEXT).with_overrides({"business.start_cash": 12000.0})
    sources = {s.path: s for s in setting_sources(scenario, TEXT, "plan.toml")}
    assert len(sources) > 100  # every setting
    wage = _line(TEXT, "wage_per_hour =").split("#", 1)[1].strip()
    assert sources["staff.wage_per_hour"].source == wage
    cash = _line(TEXT, "start_cash =").split("#", 1)[1].strip()
    assert sources["business.start_cash"].source == f"changed from 9000.0 in plan.toml ({cash})"
    assert sources["business.start_cash"].value == "12000.0"
    assert sources["council.allocation"].source == BUILT_IN  # not in the default file
    assert all(s.source == BUILT_IN for s in setting_sources(scenario, None))


def test_run_out_keeps_the_files_comments(tmp_path: Path) -> None:
    """`microcare run --out` saves scenario.toml in its file's layout, a --set value marked."""
    from typer.testing import CliRunner

    from sim.cli import app

    out = tmp_path / "out"
    args = ["run", "--reps", "2", "--months", "6", "--workers", "1"]
    result = CliRunner().invoke(app, [*args, "--set", "business.start_cash=12000", "--out", out])
    assert result.exit_code == 0, result.output
    saved = (out / "scenario.toml").read_text(encoding="utf-8")
    cash = _line(TEXT, "start_cash =")
    comment = cash.split("#", 1)[1].strip()
    old = loads_scenario(TEXT).business.start_cash
    assert _line(saved, "start_cash =").endswith(f"# was {old}; {comment}")
    assert _line(saved, "wage_per_hour =") == _line(TEXT, "wage_per_hour =")
    assert sim.load_scenario(out / "scenario.toml").business.start_cash == 12000
