"""Federation policy: which remote endpoints a query's SERVICE (or an update's LOAD) may reach.

pyoxigraph evaluates ``SERVICE <iri>`` (and ``LOAD <iri>``) with real outbound HTTP requests,
so a public endpoint that ran any query would let anyone make our server call any host. The
policy: federation is off by default (any SERVICE is refused); when on, only the endpoints of
the allowlist may be called, and a SERVICE whose endpoint is a variable is refused because it
cannot be checked before execution.

The check parses the request with rdflib's SPARQL parser (a full grammar, so a "SERVICE" in a
string or a comment is not mistaken for one, and prefixed names are resolved). The parser is
slow (milliseconds), so it only runs when the text, after SPARQL's \\u escapes are decoded,
contains the keyword at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from actorgraph.graph.errors import ServiceNotAllowed

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class FederationPolicy:
    """Whether SERVICE may run at all, and to which endpoints."""

    enabled: bool = False
    allowlist: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, enabled: bool, allowlist: str | Iterable[str]) -> FederationPolicy:
        items = allowlist.split() if isinstance(allowlist, str) else list(allowlist)
        return cls(enabled, frozenset(items))

    def check_query(self, sparql: str) -> None:
        """Raise ServiceNotAllowed unless every SERVICE of the query may be called."""
        self._check(sparql, update=False)

    def check_update(self, sparql: str) -> None:
        """Raise ServiceNotAllowed unless every SERVICE and LOAD of the update may be called."""
        self._check(sparql, update=True)

    def _check(self, sparql: str, *, update: bool) -> None:
        text = unescape_codepoints(sparql).lower()
        keywords = ("service", "load") if update else ("service",)
        if not any(k in text for k in keywords):
            return  # the fast path: no remote call is even spelled
        endpoints = remote_iris(sparql, update=update)
        for kind, iri in endpoints:
            if not self.enabled:
                raise ServiceNotAllowed(f"{kind} is disabled on this endpoint (federation is off): {iri or '?var'}")
            if iri is None:
                raise ServiceNotAllowed(f"{kind} with a variable endpoint cannot be checked and is refused")
            if iri not in self.allowlist:
                raise ServiceNotAllowed(f"{kind} <{iri}> is not in the allowlist of this endpoint")


def unescape_codepoints(text: str) -> str:
    """Decode SPARQL's \\uXXXX and \\UXXXXXXXX escapes, which may appear anywhere in a query."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def remote_iris(sparql: str, *, update: bool = False) -> list[tuple[str, str | None]]:
    """Every (SERVICE|LOAD, endpoint IRI or None for a variable) in the query or update.

    Raises ServiceNotAllowed when the text cannot be parsed, since it then cannot be checked.
    """
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseUpdate(sparql) if update else parseQuery(sparql)
    except Exception as exc:
        raise ServiceNotAllowed(f"SERVICE/LOAD present but the request could not be checked: {exc}") from exc
    prefixes, base = _prologue(tree)
    found: list[tuple[str, str | None]] = []
    for node in _walk(tree):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            found.append(("SERVICE", _resolve(node.get("term"), prefixes, base)))
        elif name == "Load":
            found.append(("LOAD", _resolve(node.get("iri"), prefixes, base)))
    return found


def _prologue(tree: Any) -> tuple[dict[str, str], str | None]:
    prefixes: dict[str, str] = {}
    base: str | None = None
    for node in _walk(tree):
        name = getattr(node, "name", None)
        if name == "PrefixDecl":
            prefixes[str(node.get("prefix") or "")] = str(node["iri"])
        elif name == "Base":
            base = str(node["iri"])
    return prefixes, base


def _resolve(term: Any, prefixes: dict[str, str], base: str | None) -> str | None:
    from rdflib.term import URIRef, Variable

    if term is None or isinstance(term, Variable):
        return None
    if getattr(term, "name", None) == "pname":
        prefix = str(term.get("prefix") or "")
        if prefix not in prefixes:
            raise ServiceNotAllowed(f"unknown prefix {prefix!r} in a SERVICE/LOAD IRI")
        return prefixes[prefix] + str(term.get("localname") or "")
    if isinstance(term, URIRef):
        return urljoin(base, str(term)) if base else str(term)
    return str(term)


def _walk(node: Any) -> Iterator[Any]:
    """Depth-first over rdflib's parse tree (CompValue is a dict, ParseResults a list)."""
    from pyparsing import ParseResults

    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, ParseResults | list | tuple):
            stack.extend(item)
