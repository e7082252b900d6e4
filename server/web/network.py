"""The signed actor network as a picture: ``/network.svg?year=Y`` (optionally ``&to=Y2``).

Thin over KnowledgeGraph.network and the core's picture; a missing or non-integer year is a 400
in text/plain (by the error table).
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from actorgraph.graph.alliances import network_svg as draw
from actorgraph.server.context import kg
from actorgraph.server.errors import BadRequest

bp = Blueprint("network", __name__)
MAX_SPAN = 200  # years: a wider interval is a mistake, not a question


def _year(name: str, required: bool) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        if required:
            raise BadRequest(f"missing '{name}' parameter (a year, e.g. {name}=2021)")
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f"'{name}' must be a year (an integer), got {raw!r}") from None


@bp.get("/network.svg")
def network_svg() -> Response:
    """The signed network at ?year= (to ?to=): allies, enemies and sponsorship, with a legend."""
    start = _year("year", required=True)
    end = _year("to", required=False)
    assert start is not None
    if end is not None and not 0 <= end - start <= MAX_SPAN:
        raise BadRequest(f"'to' must be between year and year + {MAX_SPAN}")
    svg = draw(kg().network(start, end))
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-cache"
    return response
