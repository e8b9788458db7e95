"""The README's Python example runs as written, so it cannot go stale, and its Layout tells a
reader where each mechanism of the model is."""

from __future__ import annotations

import importlib
import os
import re

import numpy as np
import pandas as pd
import pytest

import sim
from tests.conftest import ROOT

README = ROOT / "README.md"


def test_readme_python_example_runs():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README should show how to use sim from Python"
    cwd = os.getcwd()
    os.chdir(ROOT)  # the example uses paths relative to the repository
    try:
        for block in blocks:
            namespace: dict = {}
            exec(compile(block, "README.md", "exec"), namespace)
    finally:
        os.chdir(cwd)
    check_what_the_example_promises(namespace)


def check_what_the_example_promises(namespace: dict) -> None:
    """The figures the example shows agree with independent computations from its tables."""
    scenario, cheaper, one, results = (
        namespace[k] for k in ("scenario", "cheaper", "one", "results")
    )
    # with_overrides makes a new scenario and leaves the first as it was
    assert cheaper.channels.self_funder.price_per_hour == 24.0
    assert scenario.channels.self_funder.price_per_hour != 24.0
    assert cheaper.model_copy(update={"channels": scenario.channels}) == scenario
    # same scenario + seed + replication gives identical numbers
    pd.testing.assert_frame_equal(sim.simulate(scenario, replication=0).monthly, one.monthly)
    # the outcome: final cash is the start cash plus every month's receipts less payments
    monthly = one.monthly
    start = scenario.business.start_cash
    flows = start + monthly["receipts"].sum() - monthly["payments"].sum()
    assert one.outcome.final_cash == pytest.approx(flows, abs=0.005 * len(monthly))
    assert one.outcome.failure_month == (len(monthly) if one.outcome.failed else None)
    # 1000 replications at seed 1; survival is the share of them trading at each month end,
    # counted from the monthly panel (a failed future's last row is its failure month)
    assert (results.reps, results.seed, len(results.runs)) == (1000, 1, 1000)
    panel = results.monthly
    trading = panel[panel["trading"].astype(bool)].groupby("month")["rep"].nunique()
    trading = trading.reindex(range(1, scenario.run.months + 1), fill_value=0) / results.reps
    curve = results.survival_curve().set_index("month")
    assert curve.loc[0, "survival"] == 1.0
    np.testing.assert_allclose(curve["survival"].iloc[1:], trading, atol=1e-12)
    assert (curve["lower"] <= curve["survival"]).all()
    assert (curve["survival"] <= curve["upper"]).all()
    by_month = {row["month"]: row["estimate"] for row in results.summary()["survival"]}
    for month, estimate in by_month.items():
        assert estimate == pytest.approx(trading[month])
    # each replication's final cash reconciles with its monthly receipts and payments
    totals = panel.groupby("rep")[["receipts", "payments"]].sum()
    runs = results.runs.set_index("rep").sort_index()
    np.testing.assert_allclose(
        runs["final_cash"], start + totals["receipts"] - totals["payments"], atol=0.01 * 60
    )


def test_docs_and_scenarios_point_only_inside_the_repository() -> None:
    """A user who clones the project has only the repository: no reference to the team's
    background folder or to an absolute path of this machine."""
    from tests.conftest import ROOT

    files = [ROOT / "README.md", *ROOT.glob("docs/*.md"), *ROOT.glob("scenarios/*.toml")]
    assert len(files) >= 6
    for path in files:
        text = path.read_text(encoding="utf-8")
        for outside in ("../shared", "/work/", "DESIGN.md", "CALIBRATION.md"):
            assert outside not in text, f"{path.name} refers to {outside}"


# Where a reader is told to look for each mechanism: (words in the README's Layout line of the
# module, the module under sim/model/, a function or class there that does it).
MECHANISMS = [
    ("the council's referrals and brokerage", "brokerage", "Brokerage"),
    ("allocation rule", "brokerage", "own_weight"),
    ("framework and tenders", "brokerage", "update_framework"),
    ("a provider's own referrals by channel", "referrals", "monthly_rates"),
    ("each referral's needs", "referrals", "draw_client"),
    ("the owner's acceptance decisions", "acceptance", "refusal"),
    ("taking clients on", "acceptance", "accept"),
    ("the waiting list", "acceptance", "fill_from_waiting"),
    ("packages ending", "acceptance", "end_package"),
    ("the week's delivery", "delivery", "settle_week"),
    ("clients leaving dissatisfied", "delivery", "earn_and_keep"),
    ("sickness", "staff", "draw_sickness"),
    ("staff leaving", "staff", "staff_leave"),
    ("hiring", "staff", "consider_hiring"),
    ("the owner's decision to hire", "staff", "wants_to_hire"),
    ("payroll", "money", "pay_staff"),
    ("invoices", "money", "invoice"),
    ("loans", "money", "repay_loan"),
    ("owner drawings", "money", "draw"),
    ("the double-entry ledger", "ledger", "Ledger"),
    ("insolvency", "failure", "insolvent"),
    ("the owner giving up", "failure", "lean_month"),
    ("patience drawn per replication", "failure", "draw_patience"),
    ("the monthly record", "record", "record"),
    ("one random stream per provider and process", "streams", "Streams"),
    ("its brokerage and", "area", "Area"),
]


def layout_of_the_model() -> dict[str, str]:
    """The README's Layout lines under ``model/``: module file name -> its description."""
    text = README.read_text(encoding="utf-8")
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    modules: dict[str, str] = {}
    current = None
    for line in block.splitlines():
        entry = re.match(r"^    (\w+\.py)\s+(.*)$", line)
        if entry:
            current = entry.group(1)
            modules[current] = entry.group(2)
        elif current and re.match(r"^ {5,}\S", line):
            modules[current] += " " + line.strip()
        else:
            current = None
    return modules


@pytest.mark.parametrize(("words", "module", "name"), MECHANISMS, ids=[m[0] for m in MECHANISMS])
def test_the_layout_names_the_module_of_each_mechanism(words: str, module: str, name: str):
    """A reader who looks for a mechanism where the README says finds it there."""
    layout = layout_of_the_model()
    assert words in layout[f"{module}.py"], (module, layout.get(f"{module}.py"))
    assert hasattr(importlib.import_module(f"sim.model.{module}"), name)


def test_every_model_module_is_listed_documented_and_readable_in_one_sitting():
    """Every module of sim/model/ is in the Layout, says what it models in its docstring, and
    is short enough to read in one sitting (about 400 lines at most)."""
    layout = layout_of_the_model()
    folder = ROOT / "sim" / "model"
    for path in sorted(folder.glob("*.py")):
        if path.name == "__init__.py":
            continue
        assert path.name in layout, path.name
        module = importlib.import_module(f"sim.model.{path.stem}")
        assert module.__doc__ and len(module.__doc__.split()) >= 8, path.name
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name
