"""SPARQL 1.1 Graph Store HTTP Protocol at /store: reads for everyone, writes with the token.

``?graph=<iri>`` names a graph, ``?default`` the store's own default graph (after a build it
is empty: our data lives in named graphs; the *query* endpoint's default graph is their
union, and the service description says so). Without either, GET returns the whole dataset
as N-Quads or TriG (VoID's dataDump), and POST creates a new graph named by the server.

A PUT or POST body is one RDF document, or ``multipart/form-data`` with several (each part
typed by its Content-Type or its file name's extension); all are parsed before anything is
written, and written in one transaction.
"""

from __future__ import annotations

import re
import uuid
from typing import IO

from flask import Blueprint, Response, request, url_for
from werkzeug.datastructures import FileStorage

from actorgraph.graph.errors import UnknownFormat
from actorgraph.graph.store import Format, convert_rdf, format_by_media_type, format_by_name, named_node
from actorgraph.server.context import kg
from actorgraph.server.errors import BadRequest, NotFound, UnsupportedMediaType
from actorgraph.server.protocol import negotiation, workers
from actorgraph.server.protocol.update import require_token

bp = Blueprint("gsp", __name__)

# What a PUT/POST body may be: a triple format, by its media type or a media-type alias.
PAYLOAD_TYPES = sorted({f.media_type for f in negotiation.TRIPLES} | {"application/x-turtle", "text/n3"})
MULTIPART = "multipart/form-data"
# Graphs created by a POST to the store itself (the protocol lets the server name them).
NEW_GRAPH_BASE = "https://w3id.org/actorgraph/graph/upload/"
# A blank node in subject or object position of an N-Triples line (never inside a literal).
_SUBJECT_BNODE = re.compile(r"^_:(\S+) ")
_OBJECT_BNODE = re.compile(r" _:(\S+) \.$")


def target() -> tuple[bool, str | None]:
    """(a graph was named, its IRI or None for the default graph); the IRI is checked (400 if not one)."""
    graph = request.args.getlist("graph")
    if len(graph) > 1 or (graph and "default" in request.args):
        raise BadRequest("give either one 'graph' parameter or 'default', not both")
    if graph:
        if not graph[0].strip():
            raise BadRequest("the 'graph' parameter is empty")
        named_node(graph[0])  # InvalidIRI -> 400: the IRI is written into an update's text
        return True, graph[0]
    return "default" in request.args, None


@bp.route("/store", methods=["GET", "PUT", "POST", "DELETE"])
def store() -> Response:
    """GET (and HEAD) a graph, or PUT/POST/DELETE it with the token."""
    if request.method not in ("GET", "HEAD"):
        require_token()  # first: a write without the token is a 401 whatever its parameters
    named, graph = target()
    if request.method in ("GET", "HEAD"):
        return _read(named, graph)
    if not named:
        if request.method != "POST":
            raise BadRequest("name the graph to write with ?graph=<iri> or ?default")
        graph = NEW_GRAPH_BASE + str(uuid.uuid4())  # POST to the store: a new graph, named here
    graphs = kg()
    if request.method == "DELETE":
        if not graphs.drop_graph(graph):
            raise NotFound(f"no graph <{graph}>")
        return Response(status=204)
    ntriples = _payload_as_ntriples(graph)
    existed = graphs.graph_exists(graph)
    write = graphs.replace_graph if request.method == "PUT" else graphs.merge_graph
    write(graph, ntriples, "ntriples")
    if existed:
        return Response(status=204)
    response = Response(status=201)
    if graph is not None:
        response.headers["Location"] = url_for("gsp.store", graph=graph, _external=True)
    return response


def _payload_as_ntriples(graph: str | None) -> bytes:
    """The request's RDF document(s) as one N-Triples text (blank nodes kept apart per document).

    Raises UnsupportedMediaType, BadRequest (a document that does not parse, named in the message).
    """
    base = graph or request.base_url
    if request.mimetype == MULTIPART:
        parts = [part for part in request.files.values() if part.filename or part.mimetype]
        if not parts:
            raise BadRequest("a multipart/form-data upload needs at least one file part")
        texts = [_relabel(_convert(part.read(), _part_format(part), base, part.filename), n) for n, part in
                 enumerate(parts)]  # fmt: skip
        return b"".join(texts)
    return _convert(request.get_data(), _body_format(request.mimetype), base, None)


def _body_format(mimetype: str) -> Format:
    payload = format_by_media_type(mimetype, negotiation.TRIPLES) if mimetype in PAYLOAD_TYPES else None
    if payload is None:
        raise UnsupportedMediaType(f"unsupported Content-Type {mimetype or '(none)'!r}; one of: "
                                   + ", ".join([*PAYLOAD_TYPES, MULTIPART]))  # fmt: skip
    return payload


def _part_format(part: FileStorage) -> Format:
    """A multipart file's format: its own Content-Type, else its file name's extension."""
    if part.mimetype in PAYLOAD_TYPES:
        return _body_format(part.mimetype)
    extension = (part.filename or "").rpartition(".")[2]
    try:
        return format_by_name(extension, negotiation.TRIPLES)
    except UnknownFormat:
        return _body_format(part.mimetype)


def _convert(data: bytes, fmt: Format, base: str, name: str | None) -> bytes:
    try:
        return convert_rdf(data, fmt.name, "ntriples", base_iri=base)
    except (SyntaxError, ValueError) as exc:  # ValueError: a bad IRI or literal in the document
        where = f" in {name!r}" if name else ""
        raise BadRequest(f"invalid {fmt.name} document{where}: {exc}") from exc


def _relabel(ntriples: bytes, document: int) -> bytes:
    """Give each document's blank nodes their own labels, so two files' _:b0 stay two nodes."""
    lines = ntriples.decode("utf-8").splitlines()
    prefix = f"_:d{document}x"
    relabelled = [_OBJECT_BNODE.sub(f" {prefix}\\1 .", _SUBJECT_BNODE.sub(f"{prefix}\\1 ", line)) for line in lines]
    return "".join(line + "\n" for line in relabelled).encode("utf-8")


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
