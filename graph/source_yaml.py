"""Reading a sources YAML file: every mapping keeps its line, every error names the file and line.

Shared by the readers of documents and entities (graph/sources.py), statements (graph/statements.py)
and candidates (graph/candidates.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from actorgraph.graph.errors import SourceError
from actorgraph.graph.model import Origin

LINE_KEY = "__line__"
KEY_LINES = "__key_lines__"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


# libyaml's parser when PyYAML has it: the pure-Python one made loading an ingested document's
# candidates (tens of thousands of mentions) the slowest part of an ingest.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """A SafeLoader that records the 1-based line of every mapping under LINE_KEY."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = {str(k): v for k, v in loader.construct_mapping(node, deep=True).items()}
    mapping[LINE_KEY] = node.start_mark.line + 1
    # Line of each key too, so an error about a value points at the line that holds it.
    mapping[KEY_LINES] = {str(k.value): k.start_mark.line + 1 for k, _v in node.value if isinstance(k, yaml.ScalarNode)}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file, turning syntax errors into SourceError with file and line."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise SourceError(f"YAML syntax: {exc.problem or exc}", path, line) from exc
    except yaml.YAMLError as exc:  # a character YAML does not allow (ReaderError): found by tests/test_fuzz.py
        raise SourceError(f"YAML: {exc}".replace("\n", " "), path) from exc
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8: {exc}", path) from exc
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror}", path) from exc


@dataclass
class FileContext:
    """Where we are while reading one file, for error messages."""

    path: Path

    def error(self, message: str, item: dict[str, Any] | None = None, key: str | None = None) -> SourceError:
        line = None
        if isinstance(item, dict):
            line = item.get(KEY_LINES, {}).get(key) or item.get(LINE_KEY)
        return SourceError(message, self.path, line)

    def origin(self, item: dict[str, Any]) -> Origin:
        return Origin(str(self.path), int(item.get(LINE_KEY, 0)))


def mapping_items(ctx: FileContext, raw: dict[str, Any], key: str) -> Iterator[dict[str, Any]]:
    """The entries of the list under key (absent: none); each must be a mapping."""
    value = raw.get(key) or []
    if not isinstance(value, list):
        raise ctx.error(f"{key!r} must be a list", raw)
    for item in value:
        if not isinstance(item, dict):
            raise ctx.error(f"every entry of {key!r} must be a mapping", raw)
        yield item


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def date_text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def check_id(ctx: FileContext, item: dict[str, Any], key: str) -> str:
    value = str(item[key])
    if not ID_PATTERN.match(value):
        raise ctx.error(f"{key} {value!r} must be lowercase letters, digits and '-'", item)
    return value
