"""microcare-sim: a discrete-event simulator of a care micro-enterprise."""

from sim.model import Outcome, Run, simulate
from sim.scenario import Scenario, load_scenario, loads_scenario, save_scenario
from sim.validation import ScenarioError

__all__ = [
    "Outcome",
    "Run",
    "simulate",
   "Scenario", "ScenarioError", "load_scenario", "loads_scenario", "save_scenario"]
