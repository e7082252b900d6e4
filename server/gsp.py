"""SPARQL 1.1 Graph Store HTTP Protocol at /store: reads for everyone, writes with the token.

``?graph=<iri>`` names a graph, ``?default`` the store's own default graph (after a build it
is empty: our data lives in named graphs; the *query* endpoint's default graph is their
union). Without either, GET returns the whole dataset as N-Quads or TriG (VoID's dataDump).
"""

from __future__ import annotations

from typing import IO

from flask import Blueprint, Response, current_app, request

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.store import drop_graph, dump_graph, graph_exists, write_graph
from actorgraph.server import negotiation, workers
from actorgraph.server.errors import BadRequest, NotFound, UnsupportedMediaType
from actorgraph.server.update import require_token

bp = Blueprint("gsp", __name__)

QUADS = tuple(f for f in negotiation.GRAPH if f.name in ("nquads", "trig"))
# What a PUT/POST body may be, by media type.
PAYLOADS = {f.media_type: f.name for f in negotiation.TRIPLES} | {"application/x-turtle": "turtle",
                                                                  "text/n3": "turtle"}  # fmt: skip


def kg() -> KnowledgeGraph:
    graph: KnowledgeGraph = current_app.extensions["kg"]
    return graph


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
    current = kg().store
    if request.method == "DELETE":
        if not drop_graph(current, graph):
            raise NotFound(f"no graph <{graph}>")
        return Response(status=204)
    fmt = PAYLOADS.get(request.mimetype)
    if fmt is None:
        raise UnsupportedMediaType(f"unsupported Content-Type {request.mimetype or '(none)'!r}; one of: "
                                   + ", ".join(sorted(PAYLOADS)))  # fmt: skip
    existed = graph_exists(current, graph)
    write_graph(current, graph, request.get_data(), fmt, replace=request.method == "PUT")
    return Response(status=204 if existed else 201)


def _read(named: bool, graph: str | None) -> Response:
    current = kg().store
    accept, fmt_param = request.headers.get("Accept"), request.args.get("format")
    if not named:
        chosen = negotiation.choose(QUADS, accept, fmt_param)

        def write_all(out: IO[bytes]) -> None:
            current.dump(out, chosen.name)

        response = Response(workers.body(write_all), content_type=chosen.content_type)
    else:
        if not graph_exists(current, graph):
            raise NotFound(f"no graph <{graph}>")
        chosen = negotiation.choose(negotiation.TRIPLES, accept, fmt_param)

        def write_one(out: IO[bytes]) -> None:
            dump_graph(current, out, chosen.name, graph)

        response = Response(workers.body(write_one), content_type=chosen.content_type)
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
