"""SPARQL 1.1 Graph Store HTTP Protocol at /store: reads for everyone, writes with the token.

``?graph=<iri>`` names a graph, ``?default`` the store's own default graph (after a build it
is empty: our data lives in named graphs; the *query* endpoint's default graph is their
union). Without either, GET returns the whole dataset as N-Quads or TriG (VoID's dataDump).
"""

from __future__ import annotations

from typing import IO

from flask import Blueprint, Response, request

from actorgraph.graph.store import format_by_media_type
from actorgraph.server.context import kg
from actorgraph.server.errors import BadRequest, NotFound, UnsupportedMediaType
from actorgraph.server.protocol import negotiation, workers
from actorgraph.server.protocol.update import require_token

bp = Blueprint("gsp", __name__)

# What a PUT/POST body may be: a triple format, by its media type or a media-type alias.
PAYLOAD_TYPES = sorted({f.media_type for f in negotiation.TRIPLES} | {"application/x-turtle", "text/n3"})


def target() -> tuple[bool, str | None]:
    """(a graph was named, its IRI or None for the default graph)."""
    graph = request.args.getlist("graph")
    if len(graph) > 1 or (graph and "default" in request.args):
        raise BadRequest("give either one 'graph' parameter or 'default', not both")
    if graph:
        if not graph[0].strip():
            raise BadRequest("the 'graph' parameter is empty")
        return True, graph[0]
    return "default" in request.args, None


@bp.route("/store", methods=["GET", "PUT", "POST", "DELETE"])
def store() -> Response:
    """GET (and HEAD) a graph, or PUT/POST/DELETE it with the token."""
    named, graph = target()
    if request.method in ("GET", "HEAD"):
        return _read(named, graph)
    require_token()
    if not named:
        raise BadRequest("name the graph to write with ?graph=<iri> or ?default")
    graphs = kg()
    if request.method == "DELETE":
        if not graphs.drop_graph(graph):
            raise NotFound(f"no graph <{graph}>")
        return Response(status=204)
    payload = format_by_media_type(request.mimetype, negotiation.TRIPLES) if request.mimetype in PAYLOAD_TYPES else None
    if payload is None:
        raise UnsupportedMediaType(f"unsupported Content-Type {request.mimetype or '(none)'!r}; one of: "
                                   + ", ".join(PAYLOAD_TYPES))  # fmt: skip
    existed = graphs.graph_exists(graph)
    write = graphs.replace_graph if request.method == "PUT" else graphs.merge_graph
    write(graph, request.get_data(), payload.name)
    return Response(status=204 if existed else 201)


def _read(named: bool, graph: str | None) -> Response:
    graphs = kg()
    accept, fmt_param = request.headers.get("Accept"), request.args.get("format")
    if not named:
        chosen = negotiation.choose(negotiation.QUADS, accept, fmt_param)

        def write_all(out: IO[bytes]) -> None:
            graphs.dump(out, chosen.name)

        response = Response(workers.body(write_all), content_type=chosen.content_type)
    else:
        if not graphs.graph_exists(graph):
            raise NotFound(f"no graph <{graph}>")
        chosen = negotiation.choose(negotiation.TRIPLES, accept, fmt_param)

        def write_one(out: IO[bytes]) -> None:
            graphs.read_graph(out, chosen.name, graph)

        response = Response(workers.body(write_one), content_type=chosen.content_type)
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
