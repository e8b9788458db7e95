"""The scenario reference: every section and key with its default, range and meaning.

Generated from the schema (``python -m sim.reference > docs/scenario-reference.md``) so the
documented default of a key is, by construction, what a scenario file that leaves the key out
gets; a test keeps the committed page up to date.
"""

from __future__ import annotations

from typing import Any, TypeGuard

import annotated_types as at
from pydantic import BaseModel

from sim.distributions import DIST_KINDS, _Dist
from sim.scenario import Scenario
from sim.validation import number_text

_HEAD = """# Scenario reference

Every setting of a scenario file, by section, with the value it takes when a file leaves it
out, the values it may take and what it means. A section left out, or written with only some
of its keys, takes these defaults for every key it does not set. Generated from the schema by
`python -m sim.reference > docs/scenario-reference.md`; do not edit by hand.

Numbers must be finite. A distribution is written as a plain number (a fixed value) or as an
inline table with a `kind` ({kinds}), e.g. `{{ kind = "lognormal", mean = 6, sd = 4 }}`;
its parameters are at most 1,000,000, and some settings also bound its mean (shown below).
"""


def is_section(annotation: Any) -> TypeGuard[type[BaseModel]]:
    return (
        isinstance(annotation, type)
        and issubclass(annotation, BaseModel)
        and not issubclass(annotation, _Dist)
    )


def _range(field: Any) -> str:
    parts = []
    for meta in field.metadata:
        for name, op in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if isinstance(meta, getattr(at, name.capitalize())):
                parts.append(f"{op} {number_text(getattr(meta, name))}")
        bounds = getattr(getattr(meta, "func", None), "bounds", None)
        if bounds is not None:
            parts.append(f"mean {number_text(bounds[0])} to {number_text(bounds[1])}")
    choices = getattr(field.annotation, "__args__", None)
    if choices and all(isinstance(c, str) for c in choices):
        parts.append(" / ".join(f"`{c}`" for c in choices))
    return ", ".join(parts)


def _shown(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, _Dist):  # as a scenario file writes it
        data = value.model_dump(by_alias=True)
        if data["kind"] == "fixed":
            return f"`{data['value']:g}`"
        kind = data.pop("kind")
        params = "".join(f", {k} = {v:g}" for k, v in data.items())
        return f'`{{ kind = "{kind}"{params} }}`'
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, dict):
        items = ", ".join(f"{k} = {v:g}" for k, v in value.items())
        return f"`{{ {items} }}`" if items else "`{}`"
    return f"`{value:g}`" if isinstance(value, float) else f"`{value}`"


def _section(model: type[BaseModel], value: BaseModel, path: str) -> list[str]:
    lines = [f"## [{path}]", ""]
    doc = (model.__doc__ or "").strip().split("\n\n")[0]
    if doc and model.__doc__ != BaseModel.__doc__:
        lines += [" ".join(doc.split()), ""]
    lines += ["| key | default | allowed | meaning |", "| --- | --- | --- | --- |"]
    subsections: list[tuple[type[BaseModel], BaseModel, str]] = []
    for name, field in model.model_fields.items():
        if is_section(field.annotation):
            subsections.append((field.annotation, getattr(value, name), f"{path}.{name}"))
            continue
        meaning = (field.description or "").replace("|", "/")
        lines.append(f"| `{name}` | {_shown(getattr(value, name))} | {_range(field)} | {meaning} |")
    lines.append("")
    for sub in subsections:
        lines += _section(*sub)
    return lines


def scenario_reference() -> str:
    """The reference page as Markdown, defaults read from a scenario built with none set."""
    default = Scenario()
    lines = [_HEAD.format(kinds=", ".join(f"`{k}`" for k in DIST_KINDS))]
    for name, field in Scenario.model_fields.items():
        assert is_section(field.annotation)  # every field of a scenario is a section
        lines += _section(field.annotation, getattr(default, name), name)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(scenario_reference(), end="")
