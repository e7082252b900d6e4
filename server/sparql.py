"""SPARQL 1.1 Protocol: queries at /sparql by GET, URL-encoded POST and direct POST.

Reusable by other blueprints (named queries): ``query_response`` turns any function that
returns a query result into a negotiated, streamed response; ``sparql_response`` adds this
endpoint's policies (length limit, federation allowlist, row limit) to a query text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, request

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.graph.errors import InvalidQuery
from actorgraph.graph.federation import FederationPolicy
from actorgraph.graph.limits import limit_rows
from actorgraph.graph.store import QueryResult, is_triples, serialize_results
from actorgraph.server import negotiation, workers
from actorgraph.server.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType

bp = Blueprint("sparql", __name__)
log = logging.getLogger("actorgraph.server")

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type, Authorization",
    "Access-Control-Max-Age": "86400",
}


def kg() -> KnowledgeGraph:
    graph: KnowledgeGraph = current_app.extensions["kg"]
    return graph


def settings() -> Settings:
    value: Settings = current_app.extensions["settings"]
    return value


def query_response(run: Callable[[], QueryResult], *, accept: str | None = None, fmt: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:  # fmt: skip
    """Run a query and answer with its result negotiated (Accept or ``format``) and streamed.

    run() may be called a second time when the answer is larger than the in-memory cap, so it
    must be repeatable (a read-only query is). Raises NotAcceptable, UnknownFormat, KGError.
    """
    result = run()
    family = negotiation.GRAPH if is_triples(result) else negotiation.RESULTS
    chosen = negotiation.choose(family, accept, fmt)
    first = [result]

    def write(out: Any) -> None:
        # The first pass uses the result already evaluated; a streaming second pass re-runs.
        current = first.pop() if first else run()
        serialize_results(current, out, chosen.name)

    response = Response(workers.body(write), content_type=chosen.content_type)
    response.headers["Vary"] = "Accept"
    if headers:
        response.headers.update(headers)
    return response


def sparql_response(sparql: str, *, substitutions: dict[str, Any] | None = None,
                    default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
                    accept: str | None = None, fmt: str | None = None) -> Response:  # fmt: skip
    """Check a query against the endpoint's limits and policies, run it, and answer negotiated."""
    config = settings()
    if len(sparql) > config.max_query_length:
        raise PayloadTooLarge(f"query of {len(sparql)} characters exceeds the limit of {config.max_query_length}")
    policy: FederationPolicy = current_app.extensions["federation"]
    policy.check_query(sparql)
    limited = limit_rows(sparql, config.max_rows)
    graph = kg()
    options: dict[str, Any] = {"substitutions": substitutions, "default_graphs": default_graphs,
                               "named_graphs": named_graphs}  # fmt: skip

    def run() -> QueryResult:
        try:
            return graph.query(limited.sparql, **options)
        except InvalidQuery:
            if not limited.changed:
                raise
            # Report the error at the user's own text and positions, not at our rewrite.
            result = graph.query(sparql, **options)
            log.warning("the row-limit rewrite broke a valid query; it ran without the limit: %.200r", sparql)
            return result

    extra = {"X-SPARQL-MaxRows": str(config.max_rows)} if limited.changed else None
    return query_response(run, accept=accept, fmt=fmt, headers=extra)


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise BadRequest(f"the '{name}' parameter was given {len(values)} times; give it once")
    return values[0] if values else None


@bp.route("/sparql", methods=["GET", "POST"])
def query() -> Response:
    """The SPARQL query endpoint; without a query, the service description."""
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == FORM:
            params = request.form
        elif mimetype == DIRECT:
            params = None
        else:
            raise UnsupportedMediaType(
                f"unsupported Content-Type {mimetype or '(none)'!r}: use {FORM} or {DIRECT}"
                + (" (updates go to /update)" if mimetype == "application/sparql-update" else "")
            )
        if params is not None:
            if "update" in params:
                raise BadRequest("this is the query endpoint: send updates to /update")
            text = _single(params.getlist("query"), "query")
            if text is None:
                raise BadRequest("missing 'query' parameter in the form body")
            default_graphs = params.getlist("default-graph-uri") or request.args.getlist("default-graph-uri")
            named_graphs = params.getlist("named-graph-uri") or request.args.getlist("named-graph-uri")
        else:
            if request.content_length and request.content_length > 4 * settings().max_query_length:
                raise PayloadTooLarge(f"query body exceeds the limit of {settings().max_query_length} characters")
            text = request.get_data(as_text=True)
            default_graphs = request.args.getlist("default-graph-uri")
            named_graphs = request.args.getlist("named-graph-uri")
    else:
        if "update" in request.args:
            raise BadRequest("SPARQL Update is not accepted by GET: POST it to /update")
        text = _single(request.args.getlist("query"), "query")
        if text is None:
            from actorgraph.server.service import service_description_response

            return service_description_response()
        default_graphs = request.args.getlist("default-graph-uri")
        named_graphs = request.args.getlist("named-graph-uri")
    if not text.strip():
        raise BadRequest("empty query")
    # Protocol: once the request names graphs, the dataset is exactly those (an empty default graph
    # when only named graphs are given); otherwise the default graph is the union of all graphs.
    dataset_default: list[str] | None = default_graphs or ([] if named_graphs else None)
    return sparql_response(text, default_graphs=dataset_default, named_graphs=named_graphs or None,
                           accept=request.headers.get("Accept"), fmt=request.values.get("format"))  # fmt: skip


@bp.after_request
def cors(response: Response) -> Response:
    """Let browser clients on other origins query (read-only) the endpoint."""
    if request.path == "/sparql":
        response.headers.update(CORS)
    return response
