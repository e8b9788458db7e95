"""The simpy model of one care micro-enterprise."""

from sim.model.simulate import Outcome, Run, breakeven_month, replicate, simulate

__all__ = ["Outcome", "Run", "breakeven_month", "replicate", "simulate"]
