"""Turn pydantic's validation errors into messages a scenario's author can act on.

Every problem becomes ``dotted.path: what is wrong, got X`` with a hint where one helps (the
nearest valid key for a misspelling, the allowed values for a choice), so the CLI and the
dashboard show the same clear text and never a traceback.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.distributions import (
    DIST_KINDS,
    Exponential,
    Fixed,
    Gamma,
    LogNormal,
    Triangular,
    Uniform,
)
from sim.errors import InputError

# Distribution classes by their kind tag; pydantic names union members by class in locations.
_DIST_CLASSES = {
    cls.model_fields["kind"].default: cls
    for cls in (Fixed, Exponential, LogNormal, Gamma, Triangular, Uniform)
}
_MEMBER_KIND = {cls.__name__: kind for kind, cls in _DIST_CLASSES.items()}

Problem = tuple[str, str]  # (dotted path, message)


class ScenarioError(InputError):
    """A scenario that cannot be used, with every problem found."""

    def __init__(self, problems: list[Problem], source: str = "") -> None:
        self.problems = problems
        self.source = source
        super().__init__(self.describe())

    def describe(self) -> str:
        head = f"{self.source}: " if self.source else ""
        count = len(self.problems)
        lines = [f"{head}{count} problem{'s' if count != 1 else ''} in the scenario:"]
        lines += [f"  {path}: {message}" for path, message in self.problems]
        return "\n".join(lines)


def validate_dict(data: dict[str, Any], source: str = "") -> Any:
    """Validate plain data into a Scenario, raising ScenarioError with readable messages."""
    from sim.scenario import Scenario

    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        errors = [e for e in exc.errors(include_url=False) if not _other_member(e["loc"])]
        problems = list(dict.fromkeys(_problem(err, Scenario) for err in errors))
        raise ScenarioError(problems, source=source) from None


def _member_kind(part: str) -> str | None:
    """The kind of a union member named in a location ('LogNormal' or 'function-...[, Uniform]')."""
    name = part.rsplit(", ", 1)[-1].rstrip("]") if part.startswith("function-") else part
    return _MEMBER_KIND.get(name)


def _other_member(loc: tuple[Any, ...]) -> bool:
    """An error from a distribution other than the one the file names by its kind.

    Where pydantic cannot use the kind tag directly (an optional distribution), it tries every
    member and reports each failure; only the member matching the tag is relevant.
    """
    parts = [str(part) for part in loc]
    for i, part in enumerate(parts[1:], start=1):
        kind = _member_kind(part)
        if kind is not None and parts[i - 1] in DIST_KINDS:
            return kind != parts[i - 1]
    return False


def _problem(err: Any, root: type[BaseModel]) -> Problem:
    loc = [str(part) for part in err["loc"] if str(part) not in DIST_KINDS]
    # pydantic adds function-validator names to the location of union members; drop them.
    loc = [part for part in loc if not part.startswith("function-") and part not in _MEMBER_KIND]
    tag = next((str(part) for part in err["loc"] if str(part) in DIST_KINDS), None)
    path = ".".join(loc) or "scenario"
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = err.get("input")
    shown = _show(got)
    if kind == "extra_forbidden" and tag is not None:
        names = [f.alias or name for name, f in _DIST_CLASSES[tag].model_fields.items()]
        return path, f"unknown key for kind = '{tag}' (valid keys: {', '.join(names)})"
    if kind == "extra_forbidden":
        return path, "unknown key" + _suggest(root, loc)
    if kind == "missing":
        return path, "required but missing"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        op = {
            "greater_than": ">",
            "greater_than_equal": ">=",
            "less_than": "<",
            "less_than_equal": "<=",
        }[kind]
        bound = next(iter(ctx.values()))
        return path, f"must be {op} {number_text(bound)}, got {shown}"
    if kind == "finite_number":
        return path, f"must be a finite number, got {shown}"
    if kind in ("float_type", "float_parsing"):
        return path, f"must be a number, got {shown}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return path, f"must be a whole number, got {shown}"
    if kind == "bool_type":
        return path, f"must be true or false, got {shown}"
    if kind == "string_type":
        return path, f"must be text in quotes, got {shown}"
    if kind == "literal_error":
        return path, f"must be one of {ctx.get('expected')}, got {shown}"
    if (
        kind == "model_attributes_type"
        and isinstance(got, int | float)
        and not isinstance(got, bool)
    ):  # an optional distribution does not take a bare number (yet)
        return path, f'write a fixed value as {{ kind = "fixed", value = {got} }}'
    if kind == "model_attributes_type":  # only distributions (tagged unions) report this
        return path, (
            'must be a number or a distribution such as { kind = "lognormal", mean = 6, sd = 4 }'
            f", got {shown}"
        )
    if kind in ("model_type", "dict_type"):
        return path, f"must be a table (a [section] or {{ key = value }}), got {shown}"
    if kind == "union_tag_not_found":
        return path, "a distribution needs kind = one of " + ", ".join(DIST_KINDS)
    if kind == "union_tag_invalid":
        return path, f"unknown distribution kind {ctx.get('tag')!r}; use one of " + ", ".join(
            DIST_KINDS
        )
    if kind == "value_error":
        message = str(ctx.get("error", err["msg"]))
        return path, message
    return path, f"{err['msg']}, got {shown}"


def number_text(value: float) -> str:
    """1000000000 rather than 1e+09: a bound a user can compare with what they typed."""
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 1e16):
        return f"{int(value):,}"
    return f"{value:g}"


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _suggest(root: type[BaseModel], loc: list[str]) -> str:
    """Name the valid keys at that place, nearest first."""
    model: Any = root
    for part in loc[:-1]:
        fields = getattr(model, "model_fields", {})
        if part not in fields:
            return ""
        annotation = fields[part].annotation
        model = annotation if isinstance(annotation, type) else None
        if model is None or not issubclass(model, BaseModel):
            return ""
    names = [f.alias or name for name, f in getattr(model, "model_fields", {}).items()]
    if not names:
        return ""
    close = difflib.get_close_matches(loc[-1], names, n=1, cutoff=0.6)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f" (valid keys: {', '.join(names)})"
