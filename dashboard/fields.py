"""Which scenario settings the Plan page lets people edit, with labels, units and sources.

Declarations only: a setting is named by its dotted path in the scenario (as in
``Scenario.with_overrides``); its one-line help comes from the schema's description and
from the comment next to the value in the scenario file, which names the source of the
default. Nothing here runs the model.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from sim.scenario import DEFAULT_SCENARIO, Scenario

Data = dict[str, Any]


@dataclass(frozen=True)
class FieldSpec:
    """One editable setting.

    Attributes:
        path: Dotted path in the scenario, e.g. ``"business.start_cash"``.
        label: What the user sees, with the unit in brackets.
        kind: ``float``, ``int``, ``bool``, ``choice`` or ``text``.
        step: Step of a number input. Inputs have no min or max on purpose: Streamlit
            clamps (or, in the browser, silently refuses) a value outside them, so the run
            would use a value the user did not type. The scenario's own validation reports
            an impossible value next to its field instead, and Run waits until it is fixed.
        options: Choices of a ``choice`` field.
        fmt: printf-style format of a number input.
        when: Show the field only when this is true of the scenario's data.
    """

    path: str
    label: str
    kind: str = "float"
    step: float | None = None
    options: tuple[str, ...] = ()
    fmt: str | None = None
    when: Callable[[Data], bool] | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        """The widget key (every widget has one, so tests can address it)."""
        return f"plan.field.{self.path}"


@dataclass(frozen=True)
class Group:
    """Settings shown together, named as the scenario's sections are."""

    key: str
    title: str
    fields: tuple[FieldSpec, ...]


def _service(*services: str) -> Callable[[Data], bool]:
    return lambda data: data["business"]["service"] in services


def _drawn(section: str, key: str, parameter: str) -> Callable[[Data], bool]:
    """Show a distribution's ``parameter`` (``mean`` of a drawn one, ``value`` of a fixed one)
    only when the scenario's distribution has it."""

    def has(data: Data) -> bool:
        dist = data[section][key]
        return isinstance(dist, dict) and parameter in dist

    return has


_PERSONAL = _service("home_care", "home_support")
_DAY = _service("day_activities")


def _share(path: str, label: str) -> FieldSpec:
    return FieldSpec(path, label, step=0.01, fmt="%.3f")


def _money(path: str, label: str, step: float = 100.0) -> FieldSpec:
    return FieldSpec(path, label, step=step, fmt="%.2f")


def _channel(name: str, title: str) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec(
            f"channels.{name}.referrals_per_month",
            f"{title}: referrals (per month)",
            step=0.05,
            fmt="%.2f",
        ),
        FieldSpec(
            f"channels.{name}.price_per_hour",
            f"{title}: price (£ per hour)",
            step=0.5,
            fmt="%.2f",
            when=_PERSONAL,
        ),
    )


GROUPS: tuple[Group, ...] = (
    Group(
        "business",
        "Business",
        (
            FieldSpec("business.name", "Name of the business", kind="text"),
            FieldSpec(
                "business.service",
                "Service",
                kind="choice",
                options=("home_care", "home_support", "day_activities"),
            ),
            FieldSpec("business.regulated", "CQC-registered", kind="bool"),
            _money("business.start_cash", "Cash in the bank on day 0 (£)", 500.0),
            _money("business.overdraft", "Overdraft limit (£)", 500.0),
            FieldSpec("business.staff_ceiling", "Most employees it will hire (people)", "int", 1),
            _money("business.regulation_fee_per_year", "CQC fee, fixed part (£ per year)", 50.0),
            _money("business.regulation_fee_per_person", "CQC fee per person supported (£)", 5.0),
            FieldSpec(
                "business.registration_months",
                "Months waiting for CQC registration (months)",
                "int",
                1,
            ),
            FieldSpec(
                "business.vat_added_to_price",
                "Once VAT-registered, add VAT to the price",
                kind="bool",
            ),
        ),
    ),
    Group(
        "owner",
        "Owner",
        (
            FieldSpec("owner.care_hours_per_week", "Owner's care hours (h per week)", step=1.0),
            FieldSpec("owner.admin_hours_per_week", "Owner's admin hours (h per week)", step=1.0),
            FieldSpec(
                "owner.extra_cover_hours_per_week",
                "Extra hours the owner covers (h per week)",
                step=1.0,
            ),
            _money("owner.min_drawings_per_month", "Owner's minimum drawings (£ per month)"),
            FieldSpec(
                "owner.months_below_min_before_exit.mean",
                "Lean months before the owner gives up (months in a row, mean over owners)",
                step=1.0,
                when=_drawn("owner", "months_below_min_before_exit", "mean"),
            ),
            FieldSpec(
                "owner.months_below_min_before_exit.value",
                "Lean months before the owner gives up (months in a row)",
                step=1.0,
                when=_drawn("owner", "months_below_min_before_exit", "value"),
            ),
            # the owner's decisions ([policy]): what work they take on and when they hire
            FieldSpec("policy.decides", "The owner turns work down by the rules below", "bool"),
            _money("policy.min_price_per_hour", "Lowest price the owner accepts (£ per hour)", 0.5),
            FieldSpec(
                "policy.self_funder_reserve_hours_per_week",
                "Hours kept free for self-funders (h per week)",
                step=0.5,
            ),
            _share(
                "policy.max_council_share", "Largest share of hours for council work (share, 0-1)"
            ),
            FieldSpec(
                "policy.cash_cover_weeks",
                "A new client only with this many weeks of wages in the bank (weeks)",
                step=1.0,
            ),
            FieldSpec("policy.target_clients", "Target size (clients, 0 = no target)", "int", 1),
            FieldSpec(
                "policy.target_hours_per_week",
                "Target size: care hours (h per week, 0 = no target)",
                step=1.0,
            ),
            FieldSpec(
                "policy.hire_cash_months",
                "Hire only with this many months of the new wage in the bank (months)",
                step=0.5,
            ),
        ),
    ),
    Group(
        "staff",
        "Staff",
        (
            FieldSpec("staff.initial_staff", "Employees on day 0 (people)", "int", 1),
            FieldSpec(
                "staff.wage_per_hour", "Care worker's wage (£ per hour)", step=0.1, fmt="%.2f"
            ),
            FieldSpec(
                "staff.contract",
                "Contract",
                kind="choice",
                options=("zero_hours", "contracted"),
            ),
            FieldSpec(
                "staff.sick_pay",
                "Sick pay",
                kind="choice",
                options=("statutory", "contract"),
            ),
            FieldSpec(
                "staff.contracted_hours_per_week",
                "Guaranteed hours if contracted (h per week)",
                step=1.0,
            ),
            FieldSpec(
                "staff.desired_hours_per_week",
                "Hours a care worker wants (h per week)",
                step=1.0,
            ),
            _share("staff.turnover_per_year", "Staff turnover (share leaving per year)"),
            _money("staff.recruitment_cost", "Cost of each hire (£)", 50.0),
            FieldSpec(
                "staff.travel_minutes_per_visit",
                "Paid travel between visits (minutes)",
                step=1.0,
                when=_PERSONAL,
            ),
            FieldSpec("staff.miles_per_visit", "Miles per visit (miles)", step=0.5, when=_PERSONAL),
        ),
    ),
    Group(
        "channels",
        "Prices and referral channels",
        (
            *_channel("self_funder", "Self-funders"),
            *_channel("direct_payment", "Direct payments"),
            *_channel("professional", "Professionals"),
            *_channel("word_of_mouth", "Word of mouth"),
            FieldSpec(
                "channels.word_of_mouth.referrals_per_client_per_month",
                "Word of mouth: extra referrals per client (per month)",
                step=0.01,
                fmt="%.3f",
            ),
            FieldSpec(
                "day_activities.price_per_attendance",
                "Price per attendance (£)",
                step=1.0,
                fmt="%.2f",
                when=_DAY,
            ),
            FieldSpec(
                "council.framework",
                "Council framework",
                kind="choice",
                options=("none", "closed", "open", "spot"),
            ),
            FieldSpec(
                "channels.local_authority.referrals_per_month",
                "Council referrals in the area (per month)",
                step=1.0,
                fmt="%.1f",
            ),
            FieldSpec("council.rate_per_hour", "Council rate (£ per hour)", step=0.5, fmt="%.2f"),
            FieldSpec(
                "clients.hours_per_week.mean",
                "Care hours per client (h per week, mean)",
                step=0.5,
                when=_PERSONAL,
            ),
            FieldSpec("clients.visit_minutes", "Visit length (minutes)", step=15.0, when=_PERSONAL),
        ),
    ),
    Group(
        "costs",
        "Costs",
        (
            _money("costs.startup_costs", "Start-up costs on day 0 (£)"),
            _money("costs.marketing_per_month", "Marketing (£ per month)", 10.0),
            # items of costs.fixed_monthly and costs.annual_fees are added per scenario
        ),
    ),
    Group(
        "support",
        "Start-up support",
        (
            _money("support.grant_amount", "Grant (£)", 500.0),
            FieldSpec("support.grant_month", "Grant arrives in (month number)", "int", 1),
            _money("support.loan_amount", "Loan (£)", 500.0),
            _share("support.loan_apr", "Loan interest (share per year)"),
            FieldSpec("support.loan_term_months", "Loan term (months)", "int", 6),
            FieldSpec("support.coordinator.months", "Coordinator support (months)", "int", 1),
            FieldSpec(
                "support.coordinator.extra_referrals_per_month",
                "Coordinator: extra referrals (per month)",
                step=0.05,
                fmt="%.2f",
            ),
            FieldSpec(
                "support.coordinator.admin_hours_saved_per_week",
                "Coordinator: owner's admin saved (h per week)",
                step=0.5,
            ),
            FieldSpec("support.introduction.months", "Introductions (months)", "int", 1),
            FieldSpec(
                "support.introduction.extra_professional_referrals_per_month",
                "Introductions: extra professional referrals (per month)",
                step=0.05,
                fmt="%.2f",
            ),
        ),
    ),
    Group(
        "run",
        "Run",
        (
            FieldSpec("run.months", "Months to simulate (months)", "int", 12),
            FieldSpec("run.seed", "Seed (any whole number)", "int", 1),
        ),
    ),
)

_ITEM_TABLES = {
    "costs.fixed_monthly": "£ per month",
    "costs.annual_fees": "£ per year",
}


def groups_for(data: Data) -> list[Group]:
    """The groups with the fields that apply to this scenario's data (its service, and its
    own items of fixed monthly costs and annual fees)."""
    groups = []
    for group in GROUPS:
        fields = [f for f in group.fields if f.when is None or f.when(data)]
        if group.key == "costs":
            for table, unit in _ITEM_TABLES.items():
                for item in value_at(data, table) or {}:
                    label = f"{item.replace('_', ' ').capitalize()} ({unit})"
                    fields.append(_money(f"{table}.{item}", label, 10.0))
        fields = [f for f in fields if value_at(data, f.path) is not None]
        groups.append(Group(group.key, group.title, tuple(fields)))
    return groups


def all_fields(data: Data) -> list[FieldSpec]:
    return [f for group in groups_for(data) for f in group.fields]


def value_at(data: Data, path: str) -> Any:
    """The value at a dotted path of plain scenario data, None if absent."""
    node: Any = data
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def description(path: str) -> str:
    """The schema's description of a setting (for an item of a table or a distribution's
    parameter, the description of the table or distribution)."""
    model: Any = Scenario
    text = ""
    for key in path.split("."):
        fields = getattr(model, "model_fields", None) if isinstance(model, type) else None
        if not fields or key not in fields:
            break
        info = fields[key]
        text = info.description or text
        annotation = info.annotation
        model = (
            annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel)
            else None
        )
    return text


def source_comments(toml_text: str) -> dict[str, str]:
    """Comments next to values in a scenario file, by dotted path.

    ``start_cash = 9000.0   # assumption: owner's savings`` under ``[business]`` gives
    ``{"business.start_cash": "assumption: owner's savings"}``. A comment on a table's header
    line applies to the table.
    """
    comments: dict[str, str] = {}
    section = ""
    for line in toml_text.splitlines():
        code, comment = _split_comment(line)
        code = code.strip()
        if code.startswith("[") and code.endswith("]"):
            section = code.strip("[]").strip()
            if comment:
                comments[section] = comment
            continue
        if "=" in code and comment:
            key = code.split("=", 1)[0].strip().strip('"')
            comments[f"{section}.{key}" if section else key] = comment
    return comments


def _split_comment(line: str) -> tuple[str, str]:
    """Split a TOML line at the first ``#`` outside a quoted string."""
    quote = None
    for i, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[:i], line[i + 1 :].strip()
    return line, ""


def _default_data_and_comments() -> tuple[Data, dict[str, str]]:
    text = DEFAULT_SCENARIO.read_text(encoding="utf-8")
    return tomllib.loads(text), source_comments(text)


def help_text(spec: FieldSpec, base: Data, comments: dict[str, str]) -> str:
    """One line: what the setting is, its default in the chosen scenario, and the source of
    that default (the comment in the scenario file; else the default scenario's comment if
    the value is the same there; else 'no source given')."""
    value = value_at(base, spec.path)
    source = comments.get(spec.path)
    if source is None:
        default_data, default_comments = _default_data_and_comments()
        if value_at(default_data, spec.path) == value:
            source = default_comments.get(spec.path)
    what = description(spec.path).rstrip(".")
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{what}. Default {shown}: {source or 'no source given in the scenario file'}."
