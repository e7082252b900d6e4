"""Named SPARQL queries: one ``.rq`` file each in queries/, with a header of ``#`` comment lines.

Header format (the file name without ``.rq`` is the query's name and URL)::

    # title: Actors Iran supported
    # description: Every actor Iran supported, how, when, and in which document.
    # param: actor IRI = https://w3id.org/actorgraph/resource/iran   -- the supporting actor
    # param: year integer                                           -- optional, no default
    # tags: support, iran

Parameters are bound as RDF terms through pyoxigraph substitutions (SEP-0007), never by
pasting strings into the query text. Types: IRI (or an entity id such as ``taliban``, read as
our resource IRI), string, integer, decimal, boolean (a year is
an integer, compared with the first four characters of gYear/gYearMonth/date values).
Substitution rules the queries must respect are in docs/queries.md ("Writing a named query").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from actorgraph.graph.errors import QueryParameterError, UnknownQuery
from actorgraph.ontology.vocab import RES
from actorgraph.queries import query_texts

PARAM_TYPES = ("IRI", "string", "integer", "decimal", "boolean")
_PARAM_LINE = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>\w+)(?:\s*=\s*(?P<default>\S+))?(?:\s+--\s*(?P<help>.*))?$"
)


@dataclass(frozen=True)
class Parameter:
    """A named-query parameter with its type, default and help."""

    name: str
    type: str
    default: str | None = None
    help: str = ""

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class NamedQuery:
    """A named query: its text and the metadata from its header."""

    name: str
    title: str
    description: str
    sparql: str
    parameters: tuple[Parameter, ...] = ()
    tags: tuple[str, ...] = field(default_factory=tuple)

    def bindings(self, given: dict[str, str]) -> dict[str, tuple[str, str]]:
        """Check given values against the declared parameters: name -> (type, lexical value).

        Raises QueryParameterError for unknown or missing parameters.
        """
        known = {p.name: p for p in self.parameters}
        unknown = set(given) - set(known)
        if unknown:
            raise QueryParameterError(f"unknown parameter(s) for {self.name}: {', '.join(sorted(unknown))}")
        result: dict[str, tuple[str, str]] = {}
        for param in self.parameters:
            value = given.get(param.name, param.default)
            if value is None:
                continue  # optional without default: the variable stays unbound
            result[param.name] = (param.type, _check_value(param, value))
        return result


# An entity id as the other commands take it (``taliban``, ``al-qaeda``): no scheme, so not an IRI.
_ENTITY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _check_value(param: Parameter, value: str) -> str:
    if param.type == "IRI" and _ENTITY_ID.match(value):
        value = RES + value  # an id names our resource, as on the command line and in the URLs
    checks: dict[str, Any] = {
        "integer": lambda v: int(v),
        "decimal": lambda v: float(v),
        "boolean": lambda v: {"true": True, "false": False}[v.lower()],
        "IRI": lambda v: v if re.match(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", v) else int("x"),
        "string": lambda v: v,
    }
    try:
        checks[param.type](value)
    except (ValueError, KeyError) as exc:
        raise QueryParameterError(f"parameter {param.name} must be {param.type}, got {value!r}") from exc
    return value


def parse(name: str, text: str) -> NamedQuery:
    """Read a query file's header; the query text is kept whole."""
    meta: dict[str, list[str]] = {}
    for line in text.splitlines():
        match = re.match(r"^#\s*(\w+):\s*(.*)$", line)
        if not line.startswith("#"):
            break
        if match:
            meta.setdefault(match.group(1), []).append(match.group(2).strip())
    params = tuple(_parameter(name, raw) for raw in meta.get("param", []))
    return NamedQuery(
        name=name,
        title=" ".join(meta.get("title", [name])),
        description=" ".join(meta.get("description", [])),
        sparql=text,
        parameters=params,
        tags=tuple(t.strip() for raw in meta.get("tags", []) for t in raw.split(",") if t.strip()),
    )


def _parameter(query: str, raw: str) -> Parameter:
    match = _PARAM_LINE.match(raw)
    if not match or match.group("type") not in PARAM_TYPES:
        raise ValueError(
            f"{query}.rq: bad parameter line {raw!r} (name type [= default] [-- help]; types {PARAM_TYPES})"
        )
    return Parameter(
        match.group("name"), match.group("type"), match.group("default"), (match.group("help") or "").strip()
    )


@cache
def load_all() -> dict[str, NamedQuery]:
    """Every named query shipped in the package, by name."""
    return {name: parse(name, text) for name, text in query_texts().items()}


def get(name: str) -> NamedQuery:
    """The named query called name; raises UnknownQuery."""
    try:
        return load_all()[name]
    except KeyError:
        raise UnknownQuery(f"no named query {name!r}; 'actorgraph query --list' shows them") from None
