"""Content negotiation: from an Accept header (or a ``format`` parameter) to a serialisation.

Two families, both from the one format table in graph/store.py: query results (SELECT/ASK)
and RDF (CONSTRUCT/DESCRIBE, Graph Store, service description). Each lists its formats in the
server's order of preference; the first is the default when Accept is missing or ``*/*``.
Accept headers are parsed by werkzeug (``MIMEAccept``). Pure functions, tested on their own.
"""

from __future__ import annotations

import functools

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from actorgraph.graph.errors import UnknownFormat
from actorgraph.graph.store import GRAPH_FORMATS, QUAD_FORMATS, RESULT_FORMATS, TRIPLE_FORMATS, Format, format_by_name
from actorgraph.server.errors import NotAcceptable

__all__ = ["GRAPH", "QUADS", "RESULTS", "TRIPLES", "Format", "NotAcceptable", "UnknownFormat", "choose"]

RESULTS = RESULT_FORMATS
GRAPH = GRAPH_FORMATS
# Graph Store reads of one graph: quad formats would only repeat the graph name.
TRIPLES = TRIPLE_FORMATS
QUADS = QUAD_FORMATS


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q values, best first (stable for equal q), as werkzeug parses them.

    >>> parse_accept("text/csv;q=0.5, application/sparql-results+json")
    [('application/sparql-results+json', 1.0), ('text/csv', 0.5)]
    """
    accept = parse_accept_header(header, MIMEAccept)
    return sorted(((media.lower(), float(q)) for media, q in accept), key=lambda r: -r[1])


@functools.lru_cache(maxsize=512)  # clients send the same few Accept headers over and over
def choose(formats: tuple[Format, ...], accept: str | None, fmt: str | None = None) -> Format:
    """The format to answer with: the ``format`` parameter wins, then Accept, then the default.

    Raises UnknownFormat, NotAcceptable.
    """
    if fmt:
        return format_by_name(fmt, formats)
    ranges = parse_accept_header(accept, MIMEAccept)
    if not ranges:
        return formats[0]
    # Main media types first, in our order of preference; an alias (application/json for JSON-LD)
    # comes after them all, so it wins only when the client names it with a better q.
    offered: dict[str, Format] = {f.media_type: f for f in formats}
    for candidate in formats:
        for alias in candidate.aliases:
            if "/" in alias:
                offered.setdefault(alias, candidate)
    # werkzeug's quality() reads the most specific matching range, so "text/csv;q=0, text/*" excludes CSV.
    acceptable = [media for media in offered if ranges.quality(media) > 0]
    best = ranges.best_match(acceptable)
    if best is None:
        raise NotAcceptable(f"cannot produce any of: {accept}; available: {', '.join(f.media_type for f in formats)}")
    return offered[best]
