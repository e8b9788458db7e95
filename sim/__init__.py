"""microcare-sim: a discrete-event simulator of a care micro-enterprise.

Typical use::

    import sim
    scenario = sim.load_scenario("scenarios/home_care_self_funders.toml")
    one = sim.simulate(scenario, replication=0)      # one possible future, month by month
    results = sim.run(scenario, reps=1000)           # many, with intervals
    results.summary()
"""

from sim.experiment import Comparison, Results, compare, run
from sim.model import Outcome, Run, simulate
from sim.scenario import Scenario, load_scenario, loads_scenario, save_scenario
from sim.validation import ScenarioError

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
