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

import ipaddress
import re
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from actorgraph.graph.errors import ServiceNotAllowed

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


@dataclass(frozen=True)
class FederationPolicy:
    """Whether SERVICE may run at all, and to which endpoints."""

    enabled: bool = False
    allowlist: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, enabled: bool, allowlist: str | Iterable[str]) -> FederationPolicy:
        items = allowlist.split() if isinstance(allowlist, str) else list(allowlist)
        return cls(enabled, frozenset(items))

    def check_query(self, sparql: str) -> bool:
        """Raise ServiceNotAllowed unless every SERVICE of the query may be called; True if it calls any."""
        return self._check(sparql, update=False)

    def check_update(self, sparql: str) -> bool:
        """Raise ServiceNotAllowed unless every SERVICE and LOAD of the update may be called; True if any."""
        return self._check(sparql, update=True)

    def _check(self, sparql: str, *, update: bool) -> bool:
        text = unescape_codepoints(sparql).lower()
        keywords = ("service", "load") if update else ("service",)
        if not any(k in text for k in keywords):
            return False  # the fast path: no remote call is even spelled
        endpoints = remote_iris(sparql, update=update)
        for kind, iri in endpoints:
            if not self.enabled:
                raise ServiceNotAllowed(f"{kind} is disabled on this endpoint (federation is off): {iri or '?var'}")
            if iri is None:
                raise ServiceNotAllowed(f"{kind} with a variable endpoint cannot be checked and is refused")
            if iri not in self.allowlist:
                raise ServiceNotAllowed(f"{kind} <{iri}> is not in the allowlist of this endpoint")
            refuse_internal_names(kind, iri)
        return bool(endpoints)


def refuse_internal_names(kind: str, iri: str) -> None:
    """Refuse an endpoint whose host is a *name* that resolves to a loopback, private or link-local address.

    A name in the allowlist may later point anywhere (DNS is not ours), so a call that would reach an
    internal service through it (127.0.0.1, 10/8, 169.254.169.254 ...) is refused when the query is
    checked. An operator who means an internal endpoint names it by its literal IP address in the
    allowlist: that one is trusted as written. Redirects are not a way round the allowlist: pyoxigraph
    does not follow them (a 3xx answer is an error; tests/test_web_security.py).
    """
    parts = urlsplit(iri)
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise ServiceNotAllowed(f"{kind} <{iri}> is not an http(s) endpoint")
    try:
        ipaddress.ip_address(host)
        return  # a literal address, named on purpose in the allowlist
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError) as exc:
        raise ServiceNotAllowed(f"{kind} <{iri}>: its host cannot be resolved ({exc})") from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            raise ServiceNotAllowed(f"{kind} <{iri}>: {host} resolves to the internal address {address}")


def unescape_codepoints(text: str) -> str:
    """Decode SPARQL's \\uXXXX and \\UXXXXXXXX escapes, which may appear anywhere in a query."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def remote_iris(sparql: str, *, update: bool = False) -> list[tuple[str, str | None]]:
    """Every (SERVICE|LOAD, endpoint IRI or None for a variable) in the query or update.

    Raises ServiceNotAllowed when the text cannot be parsed, since it then cannot be checked.
    """
    # Start-up cost: rdflib builds its SPARQL grammar on import (~60 ms), needed only when SERVICE is spelled.
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
    """The prefixes and base of the request; refuses any that is declared twice.

    SPARQL lets a later PREFIX or BASE override an earlier one, and parsers differ on which one
    a name sees (the allowlist bypass: the check read the first declaration, the engine the last),
    so a request that calls a remote endpoint must declare each once.
    """
    prefixes: dict[str, str] = {}
    bases: list[str] = []
    for node in _walk(tree):
        name = getattr(node, "name", None)
        if name == "PrefixDecl":
            prefix, iri = str(node.get("prefix") or ""), str(node["iri"])
            if prefixes.get(prefix, iri) != iri:
                raise ServiceNotAllowed(
                    f"the prefix {prefix + ':'!r} is declared twice; with SERVICE or LOAD, declare each prefix once"
                )
            prefixes[prefix] = iri
        elif name == "Base":
            bases.append(str(node["iri"]))
    if len(set(bases)) > 1:
        raise ServiceNotAllowed("BASE is declared more than once; with SERVICE or LOAD, declare it once")
    return prefixes, bases[0] if bases else None


def _resolve(term: Any, prefixes: dict[str, str], base: str | None) -> str | None:
    from rdflib.term import URIRef, Variable  # the parser's own term types, loaded with it

    if term is None or isinstance(term, Variable):
        return None
    if getattr(term, "name", None) == "pname":
        prefix = str(term.get("prefix") or "")
        if prefix not in prefixes:
            raise ServiceNotAllowed(f"unknown prefix {prefix!r} in a SERVICE/LOAD IRI")
        # CompValue.get answers a missing key with its name: an empty local name ('c:') must stay empty.
        iri = prefixes[prefix] + (str(term["localname"]) if "localname" in term else "")
    elif isinstance(term, URIRef):
        iri = str(term)
    else:
        iri = str(term)
    # A relative endpoint would be resolved by the engine (against BASE or the endpoint's own URL),
    # with rules that need not match ours: the allowlist compares only endpoints written in full.
    if not _ABSOLUTE.match(iri):
        raise ServiceNotAllowed(f"{iri!r} is a relative IRI: write the remote endpoint in full")
    return iri


def _walk(node: Any) -> Iterator[Any]:
    """Depth-first over rdflib's parse tree (CompValue is a dict, ParseResults a list)."""
    from pyparsing import ParseResults  # loaded with rdflib's SPARQL grammar, only when a request has SERVICE

    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, ParseResults | list | tuple):
            stack.extend(item)
