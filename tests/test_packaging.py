"""The package as a user installs it: a wheel built from the checkout, used from elsewhere.

``pip install .`` must ship the ready-made scenarios and the dashboard (its pages included),
and ``microcare`` must work from an empty folder with nothing of the checkout on the path. The
wheel is built for real (as pip does) and unpacked; the project's own dependencies come from
the test environment.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCENARIOS = sorted(p.name for p in (ROOT / "scenarios").glob("*.toml"))
PAGES = sorted(p.name for p in (ROOT / "dashboard" / "pages").glob("*.py"))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel's contents unpacked into a folder of their own (what site-packages gets)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = out.glob("microcare_sim-*.whl")
    target = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def microcare(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command run from an empty folder, with only the unpacked wheel providing `sim`."""
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def test_the_wheel_ships_the_scenarios_and_the_dashboard(installed: Path) -> None:
    assert SCENARIOS and PAGES  # the lists compared below are not empty
    assert sorted(p.name for p in (installed / "sim" / "scenarios").glob("*.toml")) == SCENARIOS
    assert (installed / "dashboard" / "app.py").is_file()
    assert sorted(p.name for p in (installed / "dashboard" / "pages").glob("*.py")) == PAGES


def test_microcare_runs_from_an_empty_folder_on_the_installed_package(
    installed: Path, tmp_path: Path
) -> None:
    where = subprocess.run(
        [sys.executable, "-c", "import sim, dashboard; print(sim.__file__, dashboard.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(installed)},
        check=True,
    ).stdout.split()
    assert all(Path(p).is_relative_to(installed) for p in where), where  # not the checkout

    result = microcare(installed, tmp_path, "run", "--reps", "8", "--months", "12")
    assert result.returncode == 0, result.stderr
    assert "Home care start-up (self-funders)" in result.stdout  # the shipped default file

    listed = microcare(installed, tmp_path, "scenarios")
    assert listed.returncode == 0, listed.stderr
    for name in SCENARIOS:
        assert name in listed.stdout
    shipped = microcare(installed, tmp_path, "validate", "day_activities.toml")  # by name
    assert shipped.returncode == 0, shipped.stderr

    helped = microcare(installed, tmp_path, "dashboard", "--help")
    assert helped.returncode == 0, helped.stderr
    assert "--port" in helped.stdout


def test_the_dashboard_command_serves_the_installed_app(installed: Path, tmp_path: Path) -> None:
    """`microcare dashboard` starts Streamlit on the package's own app.py (found without the
    checkout on the path) and the server answers its health check."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(installed)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "dashboard",
            "--port",
            str(port),
            "--address",
            "127.0.0.1",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        health = ""
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health") as reply:
                    health = reply.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert health == "ok", server.stdout.read() if server.poll() is not None else "no answer"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["test"]]


def _locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[_canonical(name)] = version.strip()
    return pins


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_floor_is_the_version_the_tests_ran_with() -> None:
    """No untested floor: each dependency's lowest allowed version is the one in
    constraints.txt, which `make test` installs (so the floor itself is what is tested)."""
    pins = _locked()
    requirements = _requirements()
    assert len(requirements) >= 15
    for requirement in requirements:
        name, _, floor = requirement.partition(">=")
        assert floor, f"{requirement}: give a floor (>=)"
        assert pins.get(_canonical(name)) == floor, f"{requirement} but constraints.txt has " + (
            f"{pins.get(_canonical(name))}"
        )
