"""What must be true: one-at-a-time sensitivity (tornado) and goal-seeking for one parameter.

Both run every candidate value of a parameter on the same replications and seed (common
random numbers, see :func:`sim.experiment.compare`), so the effect of a parameter is not
drowned in Monte Carlo noise and, for a fixed set of draws, the metric moves monotonically
with a parameter whose effect is monotone. That is what makes bisection honest here.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import InputError, require_whole
from sim.experiment import RUN_METRICS, Results, compare, metric_label
from sim.formatting import (
    is_share_metric,
    metric_words,
    pct,
    plain_number,
    points,
    pounds,
    signed_points,
    value_text,
)
from sim.results import (
    broke_even_by,
    mean_with_ci,
    median_with_ci,
    month_values,
    paired_difference,
    paired_median_difference,
    still_trading,
)
from sim.scenario import Scenario, checked
from sim.validation import ScenarioError

Progress = Callable[[int, int], None]

#: The ~15 assumptions that matter most for a plan (tornado default).
DEFAULT_PARAMS: tuple[str, ...] = (
    "channels.self_funder.price_per_hour",
    "channels.direct_payment.price_per_hour",
    "channels.self_funder.referrals_per_month",
    "channels.direct_payment.referrals_per_month",
    "channels.professional.referrals_per_month",
    "channels.word_of_mouth.referrals_per_client_per_month",
    "clients.package_months",
    "clients.hours_per_week",
    "staff.wage_per_hour",
    "staff.turnover_per_year",
    "costs.fixed_monthly",
    "business.start_cash",
    "owner.min_drawings_per_month",
    "council.rate_per_hour",
    "council.payment_lag_days",
)

#: Plain names of the parameters offered by the dashboard (any numeric path works in code).
PARAM_LABELS: dict[str, str] = {
    "channels.self_funder.price_per_hour": "self-funder price (£/h)",
    "channels.direct_payment.price_per_hour": "direct-payment price (£/h)",
    "channels.self_funder.referrals_per_month": "self-funder referrals a month",
    "channels.direct_payment.referrals_per_month": "direct-payment referrals a month",
    "channels.professional.referrals_per_month": "professional referrals a month",
    "channels.word_of_mouth.referrals_per_client_per_month": (
        "word-of-mouth referrals a month per client"
    ),
    "clients.package_months": "package length (months, mean)",
    "clients.hours_per_week": "hours per client a week (mean)",
    "staff.wage_per_hour": "care worker wage (£/h)",
    "staff.turnover_per_year": "staff turnover (share a year)",
    "costs.fixed_monthly": "fixed overheads (£/month)",
    "business.start_cash": "start-up cash (£)",
    "owner.min_drawings_per_month": "owner's minimum drawings (£/month)",
    "council.rate_per_hour": "council hourly rate (£/h)",
    "council.payment_lag_days": "council payment lag (days, mean)",
    "support.grant_amount": "start-up grant (£)",
    "channels.local_authority.referrals_per_month": "council referrals a month (area)",
}

#: Metrics offered by the dashboard, with plain names.
METRIC_LABELS: dict[str, str] = {
    "survival_36": "chance still trading at 3 years",
    "survival_12": "chance still trading at 1 year",
    "survival_60": "chance still trading at 5 years",
    "final_cash": "cash at the end (£, mean)",
    "final_cash_p50": "cash at the end (£, median)",
    "breakeven_month": "month it starts covering its costs (mean)",
    "operating_result": "monthly operating result (£, mean)",
}

DEFAULT_METRIC = "survival_36"  # what the dashboard selects first; see default_metric()
_TARGET = re.compile(r"^\s*([a-z_0-9]+)\s*(>=|<=|>|<)\s*(-?[0-9.]+(?:e[-+]?[0-9]+)?)\s*$")
#: Sections that say how the model is run, not what the business is: varying them measures
#: Monte Carlo noise (seed) or changes what every metric means (months), never an effect.
NOT_ASSUMPTIONS = ("run",)
_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}


# --- parameters ----------------------------------------------------------------------------


def _lookup(data: dict[str, Any], path: str) -> Any:
    if not isinstance(path, str) or not path.strip():
        raise InputError(f"param: give a parameter's dotted path, got {path!r}")
    node: Any = data
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            raise ScenarioError([(path, "unknown parameter")])
        node = node[key]
    if path.split(".")[0] in NOT_ASSUMPTIONS:
        raise ScenarioError(
            [
                (
                    path,
                    "not a model assumption: run settings (seed, months, start month) say how "
                    "the model is run, so varying them measures nothing about the business",
                )
            ]
        )
    return node


def _scaled(value: Any, factor: float, path: str) -> Any:
    """A number times factor; a distribution with every parameter scaled (its shape kept);
    a table of numbers (e.g. costs.fixed_monthly) with every item scaled."""
    if isinstance(value, bool):
        raise ScenarioError([(path, "is a switch, not a number: it cannot be varied")])
    if isinstance(value, int | float):
        return float(value) * factor
    if isinstance(value, dict):
        return {
            k: (v if k == "kind" else _scaled(v, factor, f"{path}.{k}")) for k, v in value.items()
        }
    raise ScenarioError([(path, f"is {value!r}, not a number: it cannot be varied")])


def base_value(scenario: Scenario, param: str) -> float:
    """The parameter's current size: the number, a distribution's mean or a table's total."""
    value = _lookup(scenario.to_dict(), param)
    if isinstance(value, bool):
        raise ScenarioError(
            [(param, "is a switch (true/false), not a number: it cannot be varied")]
        )
    if not isinstance(value, int | float | dict):
        raise ScenarioError([(param, f"is {value!r}, not a number: it cannot be varied")])
    if isinstance(value, dict):
        if "kind" in value:
            return float(_distribution_mean(scenario, param))
        if not all(_is_number(v) for v in value.values()):
            example = next(iter(value), "…")
            raise ScenarioError(
                [
                    (
                        param,
                        f"is a section, not a number: name one setting in it, e.g. "
                        f"{param}.{example}",
                    )
                ]
            )
        return float(sum(value.values()))
    return float(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_whole(scenario: Scenario, param: str) -> bool:
    """A parameter that only takes whole numbers (e.g. a number of staff or months)."""
    raw = _lookup(scenario.to_dict(), param)
    return isinstance(raw, int) and not isinstance(raw, bool)


def _distribution_mean(scenario: Scenario, param: str) -> float:
    node: Any = scenario
    for key in param.split("."):
        node = getattr(node, key)
    return node.mean


def with_value(scenario: Scenario, param: str, value: float) -> Scenario:
    """The scenario with the parameter set to ``value`` (distributions and tables scaled so
    that their mean or total is ``value``)."""
    current = base_value(scenario, param)
    raw = _lookup(scenario.to_dict(), param)
    if isinstance(raw, dict):
        if current == 0:
            raise ScenarioError([(param, "is zero: it cannot be scaled to a new value")])
        return scenario.with_overrides({param: _scaled(raw, value / current, param)})
    if isinstance(raw, int) and not float(value).is_integer():
        value = round(value)
    return scenario.with_overrides({param: type(raw)(value) if isinstance(raw, int) else value})


# --- metrics -------------------------------------------------------------------------------


MEDIAN = "_p50"
_MONTHLY_METRIC = re.compile(r"^(survival|breakeven)_(\d+)$")


def metric_values(results: Results, metric: str) -> pd.Series:
    """Per-replication values of a metric (index ``rep``); their mean is the estimate.

    - ``survival_<m>``: 1 if still trading at the end of month m (1 <= m <= the horizon:
      a later month was never simulated, so it is refused rather than measured at the
      horizon under the wrong name);
    - ``breakeven_<m>``: 1 if it had started covering its costs by month m (same months);
    - ``breakeven_month``: the month it started covering its costs (horizon + 1 if never,
      so that "sooner" stays comparable);
    - ``operating_result``: mean monthly income earned less costs (owner's minimum
      drawings included), £;
    - ``final_cash``, ``continuity``, ``mean_clients``, ``cost_per_hour``,
      ``price_per_hour``, ``declined``: as in :meth:`Results.metrics`;
    - any of these with ``_p50``: the same values, summarised by their median.
    """
    _check_metric(metric, results.horizon)
    metric = metric.removesuffix(MEDIAN)
    runs = results.runs
    index = pd.Index(runs["rep"].to_numpy(), name="rep")
    match = _MONTHLY_METRIC.match(metric)
    if match:
        kind, month = match.group(1), int(match.group(2))
        return still_trading(runs, month) if kind == "survival" else broke_even_by(runs, month)
    if metric == "operating_result":
        return results.monthly.groupby("rep")["operating_result"].mean().astype(float)
    if metric == "breakeven_month":
        months = month_values(runs["breakeven_month"])
        return pd.Series(np.where(np.isnan(months), results.horizon + 1, months), index=index)
    return pd.Series(runs[metric].to_numpy(float), index=index)


def estimate(metric: str, values: pd.Series) -> dict[str, float | int]:
    """The metric's estimate with its 95% CI: the mean, or the median for ``*_p50``."""
    return median_with_ci(values) if metric.endswith(MEDIAN) else mean_with_ci(values)


def difference(metric: str, a: pd.Series, b: pd.Series) -> dict[str, float | int]:
    """Paired change b - a in the metric's estimate, with its 95% CI."""
    if metric.endswith(MEDIAN):
        return paired_median_difference(a, b)
    return paired_difference(a, b)


def _label(metric: str) -> str:
    if metric.endswith(MEDIAN):
        return _label(metric.removesuffix(MEDIAN)).replace("mean ", "") + " (median)"
    if metric == "operating_result":
        return "mean monthly operating result (£)"
    if metric == "breakeven_month":
        return "month it started covering its costs"
    return metric_label(metric)


def _check_metric(metric: str, horizon: int | None = None, argument: str = "metric") -> None:
    """Fail before any simulation when a metric does not exist, or names a month outside
    the simulated ``horizon`` (checked when given); errors name ``argument``."""
    if not isinstance(metric, str):
        raise InputError(
            f"{argument}: must be a metric's name such as 'survival_36', got {metric!r}"
        )
    name = metric.removesuffix(MEDIAN)
    if name in RUN_METRICS or name in ("operating_result", "breakeven_month"):
        return
    match = _MONTHLY_METRIC.match(name)
    if match:
        month = int(match.group(2))
        if month < 1:
            raise InputError(f"{argument}: {metric}: months are counted from 1, got month {month}")
        if horizon is not None and month > horizon:
            raise InputError(
                f"{argument}: {metric}: month {month} is beyond the horizon of {horizon} months; "
                f"use a month up to {horizon} or simulate more months"
            )
        return
    metric = name
    choices = ", ".join(
        [
            "survival_<month>",
            "breakeven_<month>",
            "breakeven_month",
            "operating_result",
            *RUN_METRICS,
            "any of these + _p50 for the median",
        ]
    )
    raise InputError(f"{argument}: unknown metric {metric!r}; use one of {choices}")


def default_metric(months: int) -> str:
    """Survival at 3 years, or at the horizon when that is shorter: named by the month it
    measures, so a label never claims a month that was not simulated."""
    return f"survival_{min(36, months)}"


def _check_run_args(reps: Any, seed: Any, workers: Any) -> None:
    """Checked up front, before any variant is built; the upper bound of a seed is checked
    where the runs start (sim.compare)."""
    require_whole("reps", reps, 2, why=" (a 95% interval needs two)")
    require_whole("seed", seed, 0, optional=True)
    require_whole("workers", workers, 1, optional=True)


def _finite(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        return False
    return math.isfinite(float(value))


def _variant(scenario: Scenario, param: str, value: float, argument: str) -> Scenario:
    """``with_value``, with a value the parameter cannot take blamed on the argument that
    produced it (bounds, delta, values) rather than reported as a broken scenario."""
    try:
        return with_value(scenario, param, value)
    except ScenarioError as exc:
        reasons = "; ".join(message for _, message in exc.problems)
        raise InputError(f"{argument}: {param} cannot be {value:g} ({reasons})") from None


# --- sensitivity ---------------------------------------------------------------------------


def sensitivity(
    scenario: Scenario,
    params: Sequence[str] | None = None,
    delta: float = 0.2,
    reps: int = 300,
    seed: int | None = None,
    metric: str | None = None,
    values: dict[str, tuple[float, float]] | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Move each parameter down and up by ``delta`` (or to given low/high values) and report
    the paired change in ``metric`` with 95% CIs, largest swing first.

    ``metric`` defaults to survival at 3 years, or at the horizon if that is shorter (named
    by the month it measures). Of the default parameters, those at 0 in this scenario are
    left out (a share of 0 is 0) and named in ``attrs["skipped"]``; a parameter asked for by
    name that is 0 is an error. low_value and high_value are the values run: a whole-number
    parameter is rounded.

    Columns: param, base_value, low_value, high_value, base, low, high, low_effect,
    low_lower, low_upper, high_effect, high_lower, high_upper, swing.
    """
    scenario = checked(scenario)
    if not _finite(delta) or not 0 < delta < 1:
        raise InputError(f"delta: must be a share between 0 and 1 (0.2 = 20%), got {delta!r}")
    _check_run_args(reps, seed, workers)
    if metric is None:
        metric = default_metric(scenario.run.months)
    _check_metric(metric)
    if isinstance(params, str):
        params = [params]  # one parameter given as text, not a list of its letters
    chosen = bool(params)
    params = list(params) if params else list(DEFAULT_PARAMS)
    skipped: list[str] = []
    seen: set[str] = set()
    for param in params:
        if param in seen:
            raise ScenarioError([(param, "given twice: each parameter is varied once")])
        seen.add(param)
    values = dict(values or {})
    for param in values:
        if param not in seen:
            raise InputError(f"values: given for {param!r}, which is not among the parameters")
    variants: list[Scenario] = [scenario]
    points: list[tuple[str, float, float, float]] = []
    for param in params:
        base = base_value(scenario, param)
        if param in values:
            pair = values[param]
            if not isinstance(pair, tuple | list) or len(pair) != 2 or not all(map(_finite, pair)):
                raise InputError(
                    f"values: {param} needs two finite numbers (low, high), got {pair!r}"
                )
            low, high, argument = float(pair[0]), float(pair[1]), "values"
        elif base == 0 and not chosen:
            skipped.append(param)  # a default left at 0 here: listed in attrs, not shown as 0
            continue
        elif base == 0:
            raise ScenarioError(
                [
                    (
                        param,
                        "is 0 in this scenario, so moving it by a share leaves it at 0 (an "
                        "effect of 0 that means nothing); give its low and high values instead",
                    )
                ]
            )
        else:
            low, high = sorted((base * (1 - delta), base * (1 + delta)))
            argument = "delta"
        low_variant = _variant(scenario, param, low, argument)
        high_variant = _variant(scenario, param, high, argument)
        variants += [low_variant, high_variant]
        # report the values actually run (a whole-number parameter is rounded)
        points.append(
            (param, base, base_value(low_variant, param), base_value(high_variant, param))
        )
    if not points:
        raise InputError("params: every default parameter is 0 in this scenario; name some")
    _check_metric(metric, scenario.run.months)  # after the parameters: their errors first
    comparison = compare(
        variants,
        reps=reps,
        seed=seed,
        workers=workers,
        progress=progress,
        scheduler=scheduler,
        names=[str(i) for i in range(len(variants))],
    )
    per_rep = [metric_values(r, metric) for r in comparison.results]
    base_values = per_rep[0]
    rows = []
    for i, (param, base, low, high) in enumerate(points):
        low_diff = difference(metric, base_values, per_rep[1 + 2 * i])
        high_diff = difference(metric, base_values, per_rep[2 + 2 * i])
        rows.append(
            {
                "param": param,
                "base_value": base,
                "low_value": low,
                "high_value": high,
                "base": estimate(metric, base_values)["mean"],
                "low": estimate(metric, per_rep[1 + 2 * i])["mean"],
                "high": estimate(metric, per_rep[2 + 2 * i])["mean"],
                "low_effect": low_diff["mean"],
                "low_lower": low_diff["lower"],
                "low_upper": low_diff["upper"],
                "high_effect": high_diff["mean"],
                "high_lower": high_diff["lower"],
                "high_upper": high_diff["upper"],
                "swing": abs(_nan0(high_diff["mean"]) - _nan0(low_diff["mean"])),
            }
        )
    table = pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable")
    table.attrs["metric"] = metric
    table.attrs["metric_label"] = _label(metric)
    table.attrs["skipped"] = skipped
    return table.reset_index(drop=True)


def _nan0(value: float) -> float:
    return 0.0 if value is None or (isinstance(value, float) and math.isnan(value)) else value


# --- goal-seeking --------------------------------------------------------------------------


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:  # e.g. "1.2.3", which the pattern lets through
        return None


@dataclass(frozen=True)
class Target:
    """A condition on a metric, e.g. ``survival_36 >= 0.8``."""

    metric: str
    op: str
    value: float

    def __post_init__(self) -> None:
        """Checked here too, so a Target built in code is held to what parse accepts."""
        if self.op not in _OPS:
            raise InputError(
                f"target: unknown comparison {self.op!r}; use one of {', '.join(_OPS)}"
            )
        if not _finite(self.value):
            raise InputError(f"target: the value must be a finite number, got {self.value!r}")
        _check_metric(self.metric, argument="target")
        if _MONTHLY_METRIC.match(self.metric.removesuffix(MEDIAN)) and not 0 <= self.value <= 1:
            raise InputError(
                f"target: {self.metric} is a share between 0 and 1 (0.8 = 80%), got {self.value:g}"
            )

    @classmethod
    def parse(cls, text: str) -> Target:
        match = _TARGET.match(text) if isinstance(text, str) else None
        value = _number(match.group(3)) if match else None
        if match is None or value is None:
            raise InputError(
                f"target: expected METRIC OP VALUE such as 'survival_36>=0.8', got {text!r}"
            )
        metric, op, _ = match.groups()
        return cls(metric, op, value)

    def met(self, value: float) -> bool:
        return not math.isnan(value) and _OPS[self.op](value, self.value)

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {self.value:g}"


@dataclass(frozen=True)
class GoalSeek:
    """The answer to "what value of this parameter reaches the target?"."""

    param: str
    target: Target
    reachable: bool
    value: float | None  # the boundary value, on the side that meets the target
    lower: float | None  # 95% uncertainty of that value (from the metric's CI band)
    upper: float | None
    direction: str  # "at least" or "at most": which side of value meets the target
    curve: pd.DataFrame = field(repr=False)  # param value, metric mean, lower, upper
    message: str = ""


def goal_seek(
    scenario: Scenario,
    param: str,
    target: Target | str,
    bounds: tuple[float, float] | None = None,
    reps: int = 300,
    seed: int | None = None,
    tolerance: float | None = None,
    grid: int = 9,
    workers: int | None = None,
    progress: Progress | None = None,
    scheduler: str | None = None,
) -> GoalSeek:
    """The smallest (or largest) value of ``param`` for which ``target`` holds.

    Every candidate is run on the same replications and seed, so the metric is a
    deterministic, monotone-in-practice function of the parameter. A grid over the bounds
    gives the curve (shown to users) and brackets the answer; bisection then narrows it to
    ``tolerance`` (default 1% of the range). The uncertainty comes from where the metric's
    95% band crosses the target on the grid. If no value in the bounds meets the target, or
    every value does, the answer says so instead of extrapolating.
    """
    scenario = checked(scenario)
    target = Target.parse(target) if isinstance(target, str) else target
    if not isinstance(target, Target):
        raise InputError(f"target: expected text such as 'survival_36>=0.8', got {target!r}")
    _check_metric(target.metric, scenario.run.months, argument="target")
    _check_run_args(reps, seed, workers)
    require_whole("grid", grid, 3)
    base = base_value(scenario, param)
    whole = _is_whole(scenario, param)
    if bounds is None:
        if base == 0:
            raise InputError(
                f"bounds: {param} is 0 in this scenario, so the default search range (half to "
                "one and a half times it) is empty; give the bounds"
            )
        lo, hi = sorted((base * 0.5, base * 1.5))
    else:
        if isinstance(bounds, str) or not hasattr(bounds, "__len__") or len(bounds) != 2:
            raise InputError(f"bounds: expected two numbers (low, high), got {bounds!r}")
        if not all(_finite(b) for b in bounds):
            raise InputError(f"bounds: bounds must be finite numbers, got {bounds!r}")
        lo, hi = float(bounds[0]), float(bounds[1])
        if not lo < hi:
            raise InputError(f"bounds: need low < high, got {lo:g}, {hi:g}")
    if whole:
        lo, hi = math.ceil(lo), math.floor(hi)
        if not lo < hi:
            raise InputError(
                f"bounds: {param} is a whole number and no two whole numbers lie between the "
                "bounds; widen them"
            )
    for end in (lo, hi):
        _variant(scenario, param, end, "bounds")
    if tolerance is None:
        tolerance = (hi - lo) / 100
    elif not _finite(tolerance) or tolerance <= 0:
        raise InputError(f"tolerance: must be a finite number > 0, got {tolerance!r}")
    if whole:
        tolerance = max(float(tolerance), 1.0)  # whole numbers: the answer is exact
        xs = sorted({float(round(x)) for x in np.linspace(lo, hi, grid)})
    else:
        xs = [float(x) for x in np.linspace(lo, hi, grid)]
    evaluate = _Evaluator(scenario, param, target.metric, reps, seed, workers, scheduler)
    curve = evaluate.many(xs, progress)
    met = [target.met(m) for m in curve["mean"]]
    if not any(met):
        best = curve["mean"].max() if target.op in (">=", ">") else curve["mean"].min()
        return GoalSeek(
            param,
            target,
            False,
            None,
            None,
            None,
            "",
            curve,
            f"not reachable: no value of {param} between {lo:g} and {hi:g} gives {target} "
            f"(the best reached is {best:.3g})",
        )
    if all(met):
        return GoalSeek(
            param,
            target,
            True,
            None,
            None,
            None,
            "",
            curve,
            f"every value of {param} between {lo:g} and {hi:g} already gives {target}: "
            "widen the bounds to find where it stops",
        )
    # find the adjacent grid pair where the target switches, then bisect between them
    i = next(k for k in range(len(met) - 1) if met[k] != met[k + 1])
    bad, good = (xs[i], xs[i + 1]) if met[i + 1] else (xs[i + 1], xs[i])
    direction = "at least" if good > bad else "at most"
    while abs(good - bad) > tolerance:
        middle = float(math.floor((good + bad) / 2)) if whole else (good + bad) / 2
        mean = evaluate.one(middle)
        if target.met(mean):
            good = middle
        else:
            bad = middle
    curve = evaluate.curve()
    lower, upper, open_low, open_high = _band_crossings(curve, target, good, direction)
    monotone = _is_monotone([target.met(m) for m in curve["mean"]])
    low_text = f"{'at or below ' if open_low else ''}{plain_number(lower)}"
    high_text = f"{plain_number(upper)}{' or beyond' if open_high else ''}"
    message = (
        f"{param} {direction} {plain_number(good)} gives {target} (95% range {low_text} to "
        f"{high_text}), from {reps} replications per value"
    )
    if not monotone:
        message += "; note: the target is met in more than one range of values"
    return GoalSeek(param, target, True, good, lower, upper, direction, curve, message)


class _Evaluator:
    """Runs candidate values of one parameter on common random numbers, remembering them."""

    def __init__(
        self,
        scenario: Scenario,
        param: str,
        metric: str,
        reps: int,
        seed: int | None,
        workers: int | None,
        scheduler: str | None,
    ) -> None:
        self.scenario, self.param, self.metric = scenario, param, metric
        self.reps, self.seed, self.workers, self.scheduler = reps, seed, workers, scheduler
        self.seen: dict[float, dict[str, float]] = {}

    def many(self, xs: list[float], progress: Progress | None = None) -> pd.DataFrame:
        variants = [with_value(self.scenario, self.param, x) for x in xs]
        comparison = compare(
            variants,
            reps=self.reps,
            seed=self.seed,
            workers=self.workers,
            progress=progress,
            scheduler=self.scheduler,
            names=[str(i) for i in range(len(xs))],
        )
        for x, results in zip(xs, comparison.results, strict=True):
            self.seen[float(x)] = estimate(self.metric, metric_values(results, self.metric))
        return self.curve()

    def one(self, x: float) -> float:
        self.many([x])
        return float(self.seen[float(x)]["mean"])

    def curve(self) -> pd.DataFrame:
        rows = [
            {"value": x, "mean": s["mean"], "lower": s["lower"], "upper": s["upper"]}
            for x, s in sorted(self.seen.items())
        ]
        return pd.DataFrame(rows)


def _is_monotone(flags: list[bool]) -> bool:
    changes = sum(1 for a, b in zip(flags, flags[1:], strict=False) if a != b)
    return changes <= 1


def _band_crossings(
    curve: pd.DataFrame, target: Target, answer: float, direction: str
) -> tuple[float, float, bool, bool]:
    """Where the metric's 95% band crosses the target, by linear interpolation: the range of
    parameter values that the replications cannot tell apart from the answer.

    A band edge that never crosses within the grid is open: the range then runs to the search
    bound on that side (flagged, so the answer says "or beyond").
    """
    xs = curve["value"].to_numpy(float)
    lo, hi = float(xs[0]), float(xs[-1])
    ends: list[float] = [answer]
    open_low = open_high = False
    for column in ("lower", "upper"):
        ys = curve[column].to_numpy(float)
        x = _crossing(xs, ys, target.value)
        if x is None:
            met_everywhere = all(target.met(y) for y in ys)
            # "at least": the met side is high, so a band met everywhere crosses below lo
            low_side = met_everywhere == (direction == "at least")
            x = lo if low_side else hi
            open_low |= low_side
            open_high |= not low_side
        ends.append(x)
    return min(ends), max(ends), open_low, open_high


def _crossing(xs: np.ndarray, ys: np.ndarray, level: float) -> float | None:
    """First x where ys crosses level (linear between grid points); None if it never does."""
    for k in range(len(xs) - 1):
        a, b = ys[k] - level, ys[k + 1] - level
        if math.isnan(a) or math.isnan(b):
            continue
        if a == 0:
            return float(xs[k])
        if a * b < 0:
            return float(xs[k] + (xs[k + 1] - xs[k]) * a / (a - b))
    if len(ys) and ys[-1] == level:
        return float(xs[-1])
    return None


# --- words for the page ----------------------------------------------------------------------


def param_label(param: str) -> str:
    """A parameter's plain name, or its dotted path when it has none."""
    return PARAM_LABELS.get(param, param)


def param_unit(param: str) -> str:
    """The unit a parameter's values are written in (see :func:`sim.formatting.value_text`),
    read from its label: '£/h', '£', 'share', 'months' or '' for a plain number."""
    label = PARAM_LABELS.get(param, "")
    if "(£/h)" in label:
        return "£/h"
    if "(£" in label:
        return "£"
    if "share" in label:
        return "share"
    if "(months" in label:
        return "months"
    return ""


def param_value(param: str, value: float | None) -> str:
    """A value of a parameter in its unit: '£27.00', '£9,000', '35%', a plain number."""
    return value_text(value, param_unit(param))


def metric_change(metric: str, change: float) -> str:
    """A change in a metric with its sign: '+7 percentage points', '-£1,234', '+2.5 months'."""
    if is_share_metric(metric):
        return f"{signed_points(change)} percentage points"
    sign = "+" if change > 0 else "-" if change < 0 else ""
    if metric.removesuffix(MEDIAN) in ("final_cash", "operating_result", "cost_per_hour"):
        return sign + pounds(abs(change), 0 if abs(change) >= 100 else 2)
    if metric == "breakeven_month":
        return f"{sign}{plain_number(abs(change), 3)} months"
    return sign + plain_number(abs(change), 3)


def metric_value(metric: str, value: float | None) -> str:
    """A metric's value: a share as a percentage, money in pounds, otherwise a number."""
    if is_share_metric(metric):
        return pct(value)
    if metric.removesuffix(MEDIAN) in ("final_cash", "operating_result", "cost_per_hour"):
        return value_text(value, "£")
    if metric == "breakeven_month":
        return "n/a" if value is None else f"month {plain_number(value, 3)}"
    return plain_number(value)


def target_words(target: Target) -> str:
    """'a chance still trading at 3 years of at least 80%'."""
    op = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than"}[target.op]
    words = metric_words(target.metric)
    article = "a " if words.startswith("chance") else ""
    value = metric_value(target.metric, target.value)
    if is_share_metric(target.metric):  # a target of 0.999 is not "100%"
        value = f"{plain_number(100 * target.value, 3)}%"
    return f"{article}{words} of {op} {value}"


def goal_words(answer: GoalSeek) -> str:
    """The goal-seek's answer in words, its values in the parameter's unit (never in
    scientific notation), e.g. 'self-funder price (£/h) at least £29.85 gives a chance ...'."""
    name, target = param_label(answer.param), target_words(answer.target)
    curve = answer.curve["value"]
    lo, hi = param_value(answer.param, curve.min()), param_value(answer.param, curve.max())
    if not answer.reachable:
        best = (
            answer.curve["mean"].max()
            if answer.target.op in (">=", ">")
            else answer.curve["mean"].min()
        )
        return (
            f"Not reachable: no {name} between {lo} and {hi} gives {target} (the best reached "
            f"is {metric_value(answer.target.metric, best)})."
        )
    if answer.value is None:
        return (
            f"Every {name} between {lo} and {hi} already gives {target}: widen the search to "
            "find where it stops."
        )
    low_text = param_value(answer.param, answer.lower)
    high_text = param_value(answer.param, answer.upper)
    if "95% range at or below" in answer.message:  # the band is open at the search's end
        low_text = f"at or below {low_text}"
    if " or beyond)" in answer.message:
        high_text += " or beyond"
    text = (
        f"{name[:1].upper()}{name[1:]} {answer.direction} "
        f"{param_value(answer.param, answer.value)} gives {target} (95% range {low_text} to "
        f"{high_text})."
    )
    if "more than one range" in answer.message:
        text += " Note: the target is met in more than one range of values."
    return text


def _bare_change(metric: str, change: float) -> str:
    """A change with its sign and without the words of its unit: '+7', '-£1,234'."""
    text = metric_change(metric, change)
    return text.removesuffix(" percentage points").removesuffix(" months")


def _unit_words(metric: str) -> str:
    if is_share_metric(metric):
        return " (percentage points)"
    return " (months)" if metric == "breakeven_month" else ""


def sensitivity_words(table: pd.DataFrame, top: int = 3) -> str:
    """Which assumptions matter most, largest first: the change each makes in the metric from
    its low to its high value (percentage points for a chance), the first one down and up
    with 95% CIs."""
    metric = str(table.attrs.get("metric", ""))
    words = metric_words(metric) if metric else "the measure"
    unit = _unit_words(metric)

    def swing(row: pd.Series) -> float:
        return _nan0(row["high_effect"]) - _nan0(row["low_effect"])

    def side(row: pd.Series, which: str) -> str:
        return (
            f"{_bare_change(metric, row[f'{which}_effect'])} (95% CI "
            f"{_bare_change(metric, row[f'{which}_lower'])} to "
            f"{_bare_change(metric, row[f'{which}_upper'])})"
        )

    first = table.iloc[0]
    name = param_label(first["param"])
    low = param_value(first["param"], first["low_value"])
    high = param_value(first["param"], first["high_value"])
    base = param_value(first["param"], first["base_value"])
    change = swing(first)
    verb = "raises" if change > 0 else "lowers" if change < 0 else "does not change"
    size = points(change) if is_share_metric(metric) else metric_change(metric, abs(change))
    size = size.lstrip("+")
    text = (
        f"What matters most for the {words} is the {name}: moving it from {low} to {high} "
        + f"{verb} it"
        + (f" by {size}" if change else "")
        + f" (against the plan's {base}{unit.replace(' (', ', in ').rstrip(')')}: "
        f"{side(first, 'low')} at {low}, {side(first, 'high')} at {high})."
    )
    rest = [
        f"{param_label(r['param'])}, {_bare_change(metric, swing(r))}"
        for _, r in table.iloc[1:top].iterrows()
    ]
    if rest:
        text += " Next, from each one's low to its high value: " + "; ".join(rest) + f"{unit}."
    return text
