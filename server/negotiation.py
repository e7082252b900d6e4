"""Content negotiation: from an Accept header (or a ``format`` parameter) to a serialisation.

Two families: query results (SELECT/ASK) and RDF (CONSTRUCT/DESCRIBE, Graph Store, service
description). Each lists its formats in the server's order of preference; the first is the
default when Accept is missing or ``*/*``. Pure functions, tested on their own.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass


class NotAcceptable(Exception):
    """No format of the family satisfies the Accept header (406)."""


class UnknownFormat(ValueError):
    """The ``format`` parameter names no format of the family (400)."""


@dataclass(frozen=True)
class Format:
    """A serialisation: our name for it (store.py's key), its media type, and other names."""

    name: str
    media_type: str
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.name in ("json", "xml", "jsonld", "rdfxml")
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


RESULTS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", ("application/json", "json", "srj")),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml", "xml", "srx")),
    Format("csv", "text/csv", ("csv",)),
    Format("tsv", "text/tab-separated-values", ("tsv",)),
)
GRAPH: tuple[Format, ...] = (
    Format("turtle", "text/turtle", ("application/x-turtle", "turtle", "ttl")),
    Format("ntriples", "application/n-triples", ("ntriples", "nt", "n-triples")),
    Format("jsonld", "application/ld+json", ("application/json", "jsonld", "json-ld", "json")),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml", "rdfxml", "rdf", "xml")),
    Format("nquads", "application/n-quads", ("nquads", "nq", "n-quads")),
    Format("trig", "application/trig", ("trig",)),
)
# Graph Store reads of one graph: quad formats would only repeat the graph name.
TRIPLES: tuple[Format, ...] = GRAPH[:4]


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q values, best first (stable for equal q).

    >>> parse_accept("text/csv;q=0.5, application/sparql-results+json")
    [('application/sparql-results+json', 1.0), ('text/csv', 0.5)]
    """
    if not header:
        return []
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media.lower(), q))
    return sorted(ranges, key=lambda r: -r[1])


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """(q, specificity) of the most specific range matching media_type; q=-1 when none does."""
    kind = media_type.partition("/")[0]
    best = (-1.0, -1)
    for media, q in ranges:
        mkind, _, msub = media.partition("/")
        if media == media_type:
            specificity = 2
        elif mkind == kind and msub == "*":
            specificity = 1
        elif media in ("*/*", "*"):
            specificity = 0
        else:
            continue
        if specificity > best[1]:
            best = (q, specificity)
    return best


@functools.lru_cache(maxsize=512)  # clients send the same few Accept headers over and over
def choose(formats: tuple[Format, ...], accept: str | None, fmt: str | None = None) -> Format:
    """The format to answer with: the ``format`` parameter wins, then Accept, then the default.

    Raises UnknownFormat, NotAcceptable.
    """
    if fmt:
        wanted = fmt.strip().lower()
        for candidate in formats:
            if wanted in (candidate.name, candidate.media_type, *candidate.aliases):
                return candidate
        raise UnknownFormat(f"unknown format {fmt!r}; one of: {', '.join(f.name for f in formats)}")
    ranges = parse_accept(accept)
    if not ranges:
        return formats[0]
    best: tuple[float, int, int] | None = None
    chosen: Format | None = None
    for order, candidate in enumerate(formats):
        # Wildcards match the main media type only; an alias (application/json for JSON-LD) counts when named.
        matches = [_quality(candidate.media_type, ranges)]
        matches += [(q, 2) for alias in candidate.aliases if "/" in alias for media, q in ranges if media == alias]
        q, specificity = max(matches)
        if q <= 0:
            continue
        score = (q, specificity, -order)
        if best is None or score > best:
            best, chosen = score, candidate
    if chosen is None:
        offered = ", ".join(f.media_type for f in formats)
        raise NotAcceptable(f"cannot produce any of: {accept}; available: {offered}")
    return chosen
