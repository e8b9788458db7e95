"""microcare-sim: a discrete-event simulator of a care micro-enterprise."""

from sim.scenario import Scenario, load_scenario, loads_scenario, save_scenario
from sim.validation import ScenarioError

__all__ = ["Scenario", "ScenarioError", "load_scenario", "loads_scenario", "save_scenario"]
