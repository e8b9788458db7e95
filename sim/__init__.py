"""microcare-sim: a discrete-event simulator of a care micro-enterprise.

Typical use::

    import sim
    scenario = sim.load_scenario("scenarios/home_care_self_funders.toml")
    one = sim.simulate(scenario, replication=0)      # one possible future, month by month
    results = sim.run(scenario, reps=1000)           # many, with intervals
    results.summary()

The names below are imported on first use (PEP 562), so ``import sim`` is quick and a command
that only reads a scenario (``microcare validate``) never loads pandas or the model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.experiment import Comparison, Results, compare, run
    from sim.model import Outcome, Run, simulate
    from sim.scenario import Scenario, load_scenario, loads_scenario, save_scenario
    from sim.validation import ScenarioError

_WHERE = {
    "Comparison": "sim.experiment",
    "Results": "sim.experiment",
    "compare": "sim.experiment",
    "run": "sim.experiment",
    "Outcome": "sim.model",
    "Run": "sim.model",
    "simulate": "sim.model",
    "Scenario": "sim.scenario",
    "load_scenario": "sim.scenario",
    "loads_scenario": "sim.scenario",
    "save_scenario": "sim.scenario",
    "ScenarioError": "sim.validation",
}

__all__ = [
    "Comparison",
    "Outcome",
    "Results",
    "Run",
    "Scenario",
    "ScenarioError",
    "compare",
    "load_scenario",
    "loads_scenario",
    "run",
    "save_scenario",
    "simulate",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
