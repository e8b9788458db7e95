"""Generated from the schema: one source of defaults, and every allowed value computable.

Two promises a user relies on without reading the code:

* A table written partly (or not at all) means "the documented default for every key I did
  not set". A table with only ``price_per_hour`` must not silently reset the referral rate:
  that once took the default plan's 3-year survival from 90% to 43% while ``validate`` said
  OK. Checked for every key of every section, as a user writes it, in TOML.
* Every value the validation lets through can be simulated: each number at the ends of its
  allowed range runs without an exception and the ledger still reconciles, so an extreme
  value is either refused with the field's name or computed, never a crash later.

The lists of sections and keys come from the schema, so a section or key added later is
covered without touching this file.
"""

from __future__ import annotations

import math
import tomllib
from typing import Any

import annotated_types as at
import pytest
import tomli_w
from pydantic import BaseModel

import sim
from sim.distributions import LogNormal
from sim.reference import is_section, scenario_reference
from sim.scenario import Scenario
from sim.validation import ScenarioError
from tests.conftest import ROOT

DEFAULT = Scenario()


def _sections(model: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """Dotted paths of every table in a scenario file (sections and sub-sections)."""
    paths = []
    for name, field in model.model_fields.items():
        if is_section(field.annotation):
            path = f"{prefix}{name}"
            paths.append(path)
            paths += _sections(field.annotation, f"{path}.")
    return paths


SECTIONS = _sections()


def _section_model(path: str) -> type[BaseModel]:
    model: Any = Scenario
    for part in path.split("."):
        model = model.model_fields[part].annotation
    return model


KEYS = [
    (section, key)
    for section in SECTIONS
    for key, field in _section_model(section).model_fields.items()
    if not is_section(field.annotation)
]


def _get(value: Any, path: str) -> Any:
    for part in path.split("."):
        value = getattr(value, part)
    return value


def _nest(path: str, leaf: Any) -> dict[str, Any]:
    data: Any = leaf
    for part in reversed(path.split(".")):
        data = {part: data}
    return data


def _as_written(value: Any) -> Any:
    """A value as a scenario file writes it (distributions as inline tables)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    return value


def _from_toml(data: dict[str, Any]) -> Scenario:
    return sim.loads_scenario(tomli_w.dumps(data), source="generated")


def test_the_schema_lists_every_section_and_key() -> None:
    # guards the generators below: a walk that found nothing would make every test vacuous
    assert {"business", "channels.self_funder", "channels.direct_payment"} <= set(SECTIONS)
    assert {"support.coordinator", "support.introduction"} <= set(SECTIONS)
    assert ("channels.direct_payment", "payment_lag_days") in KEYS
    assert len(KEYS) > 100


@pytest.mark.parametrize("section", SECTIONS)
def test_an_empty_table_is_the_documented_default(section: str) -> None:
    assert _from_toml(_nest(section, {})) == DEFAULT


@pytest.mark.parametrize(("section", "key"), KEYS, ids=[f"{s}.{k}" for s, k in KEYS])
def test_a_table_with_one_key_keeps_every_other_default(section: str, key: str) -> None:
    """Write one key (to its default, or a value where the default is 'unset') and check
    that nothing else in the scenario moved."""
    default = _get(DEFAULT, f"{section}.{key}")
    value = _as_written(default) if default is not None else 5.0
    scenario = _from_toml(_nest(section, {key: value}))
    if default is None:
        assert _get(scenario, f"{section}.{key}") is not None
        scenario = scenario.with_overrides({f"{section}.{key}": None})
    assert scenario == DEFAULT, _differences(scenario, DEFAULT)


def _differences(a: Scenario, b: Scenario) -> list[str]:
    flat_a, flat_b = _flatten(a.to_dict()), _flatten(b.to_dict())
    return [
        f"{k}: {flat_a.get(k)!r} != {flat_b.get(k)!r}"
        for k in flat_a
        if flat_a.get(k) != flat_b.get(k)
    ]


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and "kind" not in value:
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def test_the_channels_keep_their_own_defaults_when_partly_written() -> None:
    """The case that was found by hand: the defaults a user sees in the reference."""
    text = (
        "[channels.self_funder]\nprice_per_hour = 28\n"
        "[channels.direct_payment]\nprice_per_hour = 26\n"
    )
    channels = sim.loads_scenario(text).channels
    assert channels.self_funder.referrals_per_month == 0.3
    assert channels.self_funder.price_per_hour == 28
    assert channels.direct_payment.referrals_per_month == 0.15
    assert channels.direct_payment.payer == "direct_payment"
    assert channels.direct_payment.payment_lag_days.mean == 21.0


# --- every allowed value can be computed -----------------------------------------------------


def _bounds(field: Any) -> tuple[float | None, float | None]:
    """The ends of a number's allowed range (an open end nudged inside)."""
    low = high = None
    for meta in field.metadata:
        if isinstance(meta, at.Ge):
            low = meta.ge
        elif isinstance(meta, at.Gt):
            low = meta.gt + (1 if field.annotation is int else 1e-6)
        elif isinstance(meta, at.Le):
            high = meta.le
        elif isinstance(meta, at.Lt):
            high = meta.lt - (1 if field.annotation is int else 1e-6)
    return low, high


def _mean_range(field: Any) -> tuple[float, float] | None:
    """The allowed range of a distribution's mean (see sim.distributions.mean_between)."""
    for meta in field.metadata:
        bounds = getattr(getattr(meta, "func", None), "bounds", None)
        if bounds is not None:
            return bounds
    return None


def _extremes() -> list[tuple[str, Any]]:
    cases = []
    for section, key in KEYS:
        field = _section_model(section).model_fields[key]
        path = f"{section}.{key}"
        if field.annotation in (int, float):
            low, high = _bounds(field)
            assert high is not None, f"{path} has no upper bound: 1e308 would pass validation"
            cases += [(path, low), (path, high)]
        else:
            mean_range = _mean_range(field)
            if mean_range is None:
                continue
            low, high = mean_range
            assert high is not None, f"{path} has no upper bound on its mean"
            cases += [(path, {"kind": "fixed", "value": v}) for v in (low, high)]
            # the widest spread a distribution may have, at either end of its mean
            cases += [(path, LogNormal(mean=max(low, 0.01), sd=1e6).model_dump(by_alias=True))]
            cases += [(path, LogNormal(mean=high, sd=1e6).model_dump(by_alias=True))]
    assert any(path == "clients.package_months" for path, _ in cases)
    cases.append(("costs.fixed_monthly", {"rent": 1e9}))
    cases.append(("costs.annual_fees", {"insurance": 1e9}))
    return cases


EXTREMES = _extremes()

# Settings that make the model use a section at all (day activities, council work, support).
SWITCHED_ON: dict[str, dict[str, Any]] = {
    "day_activities": {"business.service": "day_activities"},
    "council": {
        "council.framework": "open",
        "council.application_delay_months": 0,
        "channels.local_authority.referrals_per_month": 10.0,
    },
    "channels.local_authority": {"council.framework": "open"},
    "support": {
        "support.loan_amount": 5000.0,
        "support.grant_amount": 1000.0,
        "support.coordinator.months": 6,
        "support.coordinator.extra_referrals_per_month": 1.0,
        "support.introduction.months": 6,
        "support.introduction.extra_professional_referrals_per_month": 1.0,
    },
    "staff": {"staff.initial_staff": 2},
}


@pytest.mark.parametrize(("path", "value"), EXTREMES, ids=[f"{p}={v}" for p, v in EXTREMES])
def test_every_allowed_extreme_value_runs_and_reconciles(path: str, value: Any) -> None:
    # failure switched off so that every month of the horizon is computed, and the mechanism
    # that reads the value switched on
    base = DEFAULT.with_overrides(
        {
            "run.months": 12,
            "failure.insolvency": False,
            "failure.owner_exit": False,
            **next((on for prefix, on in SWITCHED_ON.items() if path.startswith(prefix)), {}),
        }
    )
    try:
        scenario = base.with_overrides({path: value})
    except ScenarioError:
        return  # refused by a rule between fields, with the field named: also fine
    monthly = sim.simulate(scenario, replication=0).monthly
    cash = monthly["cash_close"].to_numpy(float)
    assert all(math.isfinite(c) for c in cash)
    flows = monthly["cash_open"] + monthly["receipts"] - monthly["payments"]
    assert (flows - monthly["cash_close"]).abs().max() < 0.01


@pytest.mark.parametrize(
    ("text", "path", "fragment"),
    [
        ("[business]\nstart_cash = inf\n", "business.start_cash", "finite"),
        ("[business]\nstart_cash = 1e999\n", "business.start_cash", "finite"),
        ("[business]\nstart_cash = nan\n", "business.start_cash", "finite"),
        ("[business]\nstart_cash = 1e308\n", "business.start_cash", "<= 1,000,000,000"),
        ("[costs.fixed_monthly]\nrent = 1e308\n", "costs.fixed_monthly.rent", "<="),
        (
            '[clients]\nhours_per_week = {kind = "lognormal", mean = 6, sd = 1e200}\n',
            "clients.hours_per_week.sd",
            "<=",
        ),
        ("[clients]\nhours_per_week = 0\n", "clients.hours_per_week", "between 0.5 and 168"),
        ("[clients]\npackage_months = 0\n", "clients.package_months", "between 0.25"),
        (
            "[channels.local_authority]\nhours_per_week = 0\n",
            "channels.local_authority.hours_per_week",
            "between 0.5",
        ),
        ("[run]\nseed = 99999999999999999999\n", "run.seed", "<="),
    ],
)
def test_values_that_cannot_be_computed_are_refused_by_name(
    text: str, path: str, fragment: str
) -> None:
    with pytest.raises(ScenarioError) as caught:
        sim.loads_scenario(text)
    assert any(p == path and fragment in m for p, m in caught.value.problems), caught.value


def test_a_scenario_changed_without_validation_is_checked_before_running() -> None:
    """model_copy does not validate: months = 0 made that way must not reach the model."""
    broken = DEFAULT.model_copy(update={"run": DEFAULT.run.model_copy(update={"months": 0})})
    with pytest.raises(ScenarioError, match="run.months"):
        sim.run(broken, reps=2, workers=1)
    with pytest.raises(ScenarioError, match="run.months"):
        sim.simulate(broken)


def test_the_toml_written_for_a_scenario_reads_back_the_same() -> None:
    assert sim.loads_scenario(DEFAULT.to_toml()) == DEFAULT
    assert tomllib.loads(DEFAULT.to_toml())["channels"]["direct_payment"]["payer"] == (
        "direct_payment"
    )


def test_the_committed_scenario_reference_is_up_to_date() -> None:
    """docs/scenario-reference.md is where a user reads the defaults: regenerate it with
    ``python -m sim.reference > docs/scenario-reference.md`` when the schema changes."""
    page = (ROOT / "docs" / "scenario-reference.md").read_text(encoding="utf-8")
    assert page == scenario_reference()
    assert "| `referrals_per_month` | `0.15` |" in page  # the direct-payment default, by hand


def test_the_built_in_defaults_are_the_cited_default_plan() -> None:
    """A key a file leaves out takes the value of the default scenario file, where each
    value carries its source: otherwise a five-line file would quietly run on uncited
    numbers (once 0.8 self-funder referrals a month against the file's 0.3, 3-year survival
    90% against 69%)."""
    plan = sim.load_scenario(sim.scenario.DEFAULT_SCENARIO)
    assert plan.with_overrides({"business.name": DEFAULT.business.name}) == DEFAULT
