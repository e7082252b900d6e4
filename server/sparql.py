"""SPARQL 1.1 Protocol: queries at /sparql (GET, for now)."""

from __future__ import annotations

import io

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.errors import InvalidQuery
from actorgraph.graph.store import is_triples, serialize_results
from flask import Blueprint, Response, current_app, request

bp = Blueprint("sparql", __name__)


def kg() -> KnowledgeGraph:
    return current_app.extensions["kg"]


@bp.get("/sparql")
def query() -> Response:
    """Answer a SPARQL query given as ?query=; SPARQL JSON, or N-Triples for graphs."""
    text = request.args.get("query")
    if not text:
        return Response("missing 'query' parameter\n", status=400, mimetype="text/plain")
    try:
        result = kg().query(text)
    except InvalidQuery as exc:
        return Response(f"{exc}\n", status=400, mimetype="text/plain")
    buffer = io.BytesIO()
    if is_triples(result):
        serialize_results(result, buffer, "ntriples")
        return Response(buffer.getvalue(), mimetype="application/n-triples")
    serialize_results(result, buffer, "json")
    return Response(buffer.getvalue(), mimetype="application/sparql-results+json")
