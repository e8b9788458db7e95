"""A scenario file's comments: where each setting comes from, kept when the scenario is saved.

Every value in a ready-made scenario carries a comment naming its source. Two things need
those comments: the report's Assumptions sheet (every setting, its value and its source) and
saving an edited scenario, which should keep the comments of the settings left as they were
and mark each changed one with its old value (``# was 27.0; <the original comment>``), so a
file passed between an entrepreneur and a coordinator keeps its provenance. Both read the
file with tomlkit, which keeps comments and layout where tomllib drops them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import tomlkit
from tomlkit.container import OutOfOrderTableProxy
from tomlkit.items import InlineTable, Item, Table
from tomlkit.toml_document import TOMLDocument

from sim.scenario import Scenario, loads_scenario

__all__ = ["Setting", "annotated_toml", "flat_settings", "setting_sources"]

BUILT_IN = "built-in default"


def flat_settings(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted path -> value of every setting; a distribution (a table with ``kind``) is one
    setting, other tables are opened."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and "kind" not in value:
            flat.update(flat_settings(value, path + "."))
        else:
            flat[path] = value
    return flat


def _line_items(container: Any, prefix: str = "") -> dict[str, tuple[Any, str, Item]]:
    """Each key that has a line of its own in the file: path -> (its table, key, item)."""
    lines: dict[str, tuple[Any, str, Item]] = {}
    for key, item in _items(container):
        path = f"{prefix}{key}"
        if _is_table(item):
            lines.update(_line_items(item, path + "."))
        else:
            lines[path] = (container, str(key), item)
    return lines


def _items(container: Any) -> list[tuple[str, Any]]:
    """A document's or table's keys with their tomlkit items (``items()`` gives plain
    values for some, e.g. booleans, which have no comment)."""
    body: Any
    if isinstance(container, TOMLDocument):
        body = container
    elif isinstance(container, OutOfOrderTableProxy):  # a table written in several parts
        body = container._internal_container
    else:
        body = container.value
    return [(str(key), body.item(key)) for key in container]


def _is_table(item: Any) -> bool:
    """A ``[table]`` of the file (not an inline table, which is on one line)."""
    return isinstance(item, OutOfOrderTableProxy) or (
        isinstance(item, Table) and not isinstance(item, InlineTable)
    )


def _comment(item: Item) -> str:
    return item.trivia.comment.lstrip("#").strip()


def _line_of(path: str, lines: dict[str, Any]) -> str | None:
    """The path of the line that holds ``path``: itself, or the inline table it is in."""
    parts = path.split(".")
    for depth in range(len(parts), 0, -1):
        head = ".".join(parts[:depth])
        if head in lines:
            return head
    return None


def _table_comments(container: Any, prefix: str = "") -> dict[str, str]:
    comments: dict[str, str] = {}
    for key, item in _items(container):
        if _is_table(item):
            path = f"{prefix}{key}"
            if isinstance(item, Table) and _comment(item):
                comments[path] = _comment(item)
            comments.update(_table_comments(item, path + "."))
    return comments


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return bool(a == b)


def _text(value: Any) -> str:
    """A value as it would be written in TOML, on one line (a table inline)."""
    return _item(value).as_string().strip()


@dataclass(frozen=True)
class Setting:
    """One setting of a scenario, its value as text and where the value comes from."""

    path: str
    value: str
    source: str


def setting_sources(scenario: Scenario, text: str | None, name: str = "") -> list[Setting]:
    """Every setting of ``scenario`` with its value and its source.

    The source is the comment on the setting's line (or on its table's header) in ``text``,
    the scenario file it came from; a value not given there is the "built-in default"; a
    value that differs from the file's says so with the file's value. With no file, every
    source is the built-in default.
    """
    values = flat_settings(scenario.to_dict())
    if text is None:
        return [Setting(path, _text(value), BUILT_IN) for path, value in values.items()]
    document = tomlkit.parse(text.removeprefix("\ufeff"))
    lines = _line_items(document)
    tables = _table_comments(document)
    given = flat_settings(loads_scenario(text, source=name or "<text>").to_dict())
    where = f" in {name}" if name else ""
    settings = []
    for path, value in values.items():
        line = _line_of(path, lines)
        comment = _comment(lines[line][2]) if line is not None else ""
        if not comment:
            parts = path.split(".")
            heads = (".".join(parts[:d]) for d in range(len(parts) - 1, 0, -1))
            comment = next((tables[h] for h in heads if h in tables), "")
        if path in given and not _same(given[path], value):
            source = f"changed from {_text(given[path])}{where}" + (
                f" ({comment})" if comment else ""
            )
        elif line is None:
            source = BUILT_IN
        else:
            source = comment or f"given{where}, no comment"
        settings.append(Setting(path, _text(value), source))
    return settings


def annotated_toml(scenario: Scenario, text: str | None) -> str:
    """``scenario`` as TOML in the layout of ``text``, the file it came from: unchanged lines
    keep their comments, a changed line gets ``# was <old>; <old comment>``, a setting the
    file left out but that now differs from its default is added with ``# was <default>``.

    Without a file, or if the result would not load back to ``scenario`` (a file whose shape
    the edits cannot follow), it is the plain TOML of the scenario.
    """
    if text is None:
        return scenario.to_toml()
    document = tomlkit.parse(text.removeprefix("\ufeff"))
    data = scenario.to_dict()
    old = flat_settings(loads_scenario(text).to_dict())
    new = flat_settings(data)
    lines = _line_items(document)
    changed_lines: set[str] = set()
    for path, value in new.items():
        if path in old and _same(old[path], value):
            continue
        line = _line_of(path, lines)
        if line is None:
            _add(document, path, value, old.get(path))
        else:
            changed_lines.add(line)
    for line in sorted(changed_lines):
        container, key, item = lines[line]
        value = _lookup(data, line)
        fresh = _item(value)
        comment = _comment(item)
        fresh.comment(f"was {item.as_string().strip()}" + (f"; {comment}" if comment else ""))
        fresh.trivia.comment_ws = item.trivia.comment_ws or " "
        container[key] = fresh
    out = tomlkit.dumps(document)
    try:
        same = loads_scenario(out).to_dict() == data
    except ValueError:
        same = False
    return out if same else scenario.to_toml()


def _lookup(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for key in path.split("."):
        node = node[key]
    return node


def _item(value: Any) -> Item:
    """A tomlkit item for ``value``; a table (a distribution) inline, on one line."""
    if isinstance(value, dict):
        table = tomlkit.inline_table()
        table.update(value)
        return table
    return tomlkit.item(value)


def _add(document: TOMLDocument, path: str, value: Any, default: Any) -> None:
    """Add a setting the file left out, under its table (made if missing)."""
    *tables, key = path.split(".")
    container: Any = document
    for name in tables:
        if name not in container:
            container.add(name, tomlkit.table())
        container = container[name]
    fresh = _item(value)
    fresh.comment(f"was {_text(default)} (the default)" if default is not None else "added")
    container[key] = fresh
