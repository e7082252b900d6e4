"""SPARQL 1.1 Protocol: queries at /sparql by GET, URL-encoded POST and direct POST.

Reusable by other blueprints (named queries): ``query_response`` turns any function that
returns a query result into a negotiated, streamed response; ``sparql_response`` adds this
endpoint's policies (length limit, federation allowlist, row limit) to a query text.

Speed: query requests (GET/POST on /sparql) are answered by ``FastPath``, a WSGI layer in
front of Flask that runs the same protocol code on a bare werkzeug request, skipping Flask's
per-request machinery (contexts, URL matching, hooks), which costs more than a small query.
Everything else (HEAD, OPTIONS, the service description) goes on to Flask's route below.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from flask import Blueprint, Response, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.wrappers import Request

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.errors import InvalidQuery, LimitRefused, ServiceCallFailed, StoreError, StoreTimeout
from actorgraph.graph.store import QueryResult, is_triples
from actorgraph.server import context
from actorgraph.server.context import Endpoint
from actorgraph.server.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType, error_response
from actorgraph.server.protocol import negotiation, workers
from actorgraph.server.protocol.limits import direct_body_cap, form_body_cap, limit_rows
from actorgraph.server.protocol.service import service_description_response

bp = Blueprint("sparql", __name__)
# The row-limit rewrite is a pure function of the text: clients repeat the same queries.
limited_rows = functools.lru_cache(maxsize=4096)(limit_rows)
log = logging.getLogger("actorgraph.server")

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
# Set in the environ by a query process, which sends a Deferred body itself (server/query_process.py).
SINK = "actorgraph.sink"
CORS = [
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Methods", "GET, POST, HEAD, OPTIONS"),
    ("Access-Control-Allow-Headers", "Accept, Content-Type, Authorization"),
    ("Access-Control-Max-Age", "86400"),
]


@dataclass
class Answer:
    """A response reduced to what a query answer needs; a WSGI app itself.

    A query's body is a ``workers.Deferred`` that runs the query, negotiates its format (which
    sets the content type) and serialises it, all in one thread (pyoxigraph's results stay in
    the thread that made them). A query process runs it itself, calling ``on_start`` for the
    headers just before its first byte; anywhere else it is primed first (run in a producer
    thread up to its first chunk), so an error is still answered as one.
    """

    body: bytes | workers.Deferred
    content_type: str
    headers: list[tuple[str, str]]
    status: int = 200

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        status = f"{self.status} {HTTPStatus(self.status).phrase}"
        body = self.body
        if isinstance(body, bytes):
            start_response(status, [("Content-Type", self.content_type), *self.headers,
                                    ("Content-Length", str(len(body)))])  # fmt: skip
            return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]
        if SINK in environ and environ.get("REQUEST_METHOD") != "HEAD":
            body.on_start = lambda: start_response(status, [("Content-Type", body.content_type), *self.headers])
            return body
        body.prime()
        start_response(status, [("Content-Type", body.content_type), *self.headers])
        if environ.get("REQUEST_METHOD") == "HEAD":
            body.close()
            return []
        return body

    def response(self) -> Response:
        """The same answer as a Flask response (for views)."""
        if isinstance(self.body, bytes):
            return Response(self.body, status=self.status, content_type=self.content_type, headers=self.headers)
        self.body.prime()
        return Response(self.body, status=self.status, content_type=self.body.content_type, headers=self.headers)


def answer(kg: KnowledgeGraph, run: Callable[[], QueryResult], accept: str | None, fmt: str | None,
           headers: list[tuple[str, str]] | None = None, *, federated: bool = False) -> Answer:  # fmt: skip
    """Run a query and serialise its result negotiated (Accept or ``format``), streamed when large.

    The result is evaluated once, by whoever sends the body (see ``Answer``). Raises (when the
    body is run) NotAcceptable, UnknownFormat, KGError; for a ``federated`` query (one that calls a
    SERVICE) an I/O error of the engine is the remote endpoint's failure: ServiceCallFailed (502).
    """
    deferred = workers.Deferred(lambda out: None)

    def write(out: Any) -> None:
        try:
            result = run()
            family = negotiation.GRAPH if is_triples(result) else negotiation.RESULTS
            chosen = negotiation.choose(family, accept, fmt)
            deferred.content_type = chosen.content_type
            kg.serialize(result, out, chosen.name)
        except StoreError as exc:
            if not federated or isinstance(exc, StoreTimeout):
                raise
            raise ServiceCallFailed(f"a SERVICE endpoint of the query failed: {exc}") from exc

    deferred.write = write
    # nosniff: CSV/TSV/text answers hold the client's own strings; no browser may run them as HTML.
    return Answer(deferred, "", [("Vary", "Accept"), ("X-Content-Type-Options", "nosniff"), *(headers or [])])


def answer_sparql(endpoint: Endpoint, sparql: str, *, substitutions: dict[str, Any] | None = None,
                  default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
                  accept: str | None = None, fmt: str | None = None,
                  base_iri: str | None = None, local_copy: bool = False) -> Answer:  # fmt: skip
    """Check a query against the endpoint's limits and policies, run it, and answer negotiated.

    base_iri resolves the query's relative IRIs (the protocol: the URL of the endpoint asked).
    """
    config = endpoint.settings
    if len(sparql) > config.max_query_length:
        raise PayloadTooLarge(f"query of {len(sparql)} characters exceeds the limit of {config.max_query_length}")
    federated = endpoint.policy.check_query(sparql)
    limited = limited_rows(sparql, config.max_rows)
    graph = endpoint.kg
    options: dict[str, Any] = {"substitutions": substitutions, "default_graphs": default_graphs,
                               "named_graphs": named_graphs, "base_iri": base_iri,
                               "local_copy": local_copy}  # fmt: skip

    sent: list[Answer] = []

    def run() -> QueryResult:
        try:
            return graph.query(limited.sparql, **options)
        except (InvalidQuery, LimitRefused) as exc:
            if not limited.changed:
                raise
            if isinstance(exc, LimitRefused):
                return under_the_stores_limit(exc.allowed)
            # Report the error at the user's own text and positions, not at our rewrite.
            result = graph.query(sparql, **options)
            log.warning("the row-limit rewrite broke a valid query; it ran without the limit: %.200r", sparql)
            return result

    def under_the_stores_limit(allowed: int | None) -> QueryResult:
        """Virtuoso takes no LIMIT above its MaxSortedTopRows with ORDER BY: the query runs under the most it
        takes, which the header then gives; if it does not say, without ours (its ResultSetMaxRows bounds it)."""
        kept = [header for header in sent[0].headers if header[0] != "X-SPARQL-MaxRows"]
        if allowed is None:
            sent[0].headers[:] = kept
            return graph.query(sparql, **options)
        lower = limited_rows(sparql, allowed)
        try:
            result = graph.query(lower.sparql, **options)
        except LimitRefused:  # an OFFSET too: offset and limit together pass its bound
            sent[0].headers[:] = kept
            return graph.query(sparql, **options)
        sent[0].headers[:] = [*kept, *([("X-SPARQL-MaxRows", str(allowed))] if lower.changed else [])]
        return result

    extra = [("X-SPARQL-MaxRows", str(config.max_rows))] if limited.changed else []
    sent.append(answer(graph, run, accept, fmt, extra, federated=federated))
    return sent[0]


def query_response(run: Callable[[], QueryResult], *, accept: str | None = None, fmt: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:  # fmt: skip
    """For views: run a query and answer negotiated, streamed when large.

    run() may be called a second time, in another thread, when the answer is larger than the
    in-memory cap (a view may hand over a result it has evaluated already), so it must be repeatable.
    """
    graph = context.kg()
    chosen: list[str] = []

    def write(out: Any) -> None:
        result = run()
        family = negotiation.GRAPH if is_triples(result) else negotiation.RESULTS
        found = negotiation.choose(family, accept, fmt)
        chosen[:] = [found.content_type]
        graph.serialize(result, out, found.name)

    body = workers.buffered(write)
    return Response(body, content_type=chosen[0], headers=[("Vary", "Accept"), *(headers or {}).items()])


def sparql_response(sparql: str, *, substitutions: dict[str, Any] | None = None,
                    default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
                    accept: str | None = None, fmt: str | None = None,
                    local_copy: bool = False) -> Response:  # fmt: skip
    """For views: a query text under this endpoint's limits and policies, answered negotiated."""
    return answer_sparql(context.endpoint(), sparql, substitutions=substitutions, default_graphs=default_graphs,
                         named_graphs=named_graphs, accept=accept, fmt=fmt,
                         local_copy=local_copy).response()  # fmt: skip


# ------------------------------------------------------------------------------------ the protocol


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise BadRequest(f"the '{name}' parameter was given {len(values)} times; give it once")
    return values[0] if values else None


def _no_empty_graphs(default_graphs: list[str], named_graphs: list[str]) -> None:
    if "" in default_graphs or "" in named_graphs:
        raise BadRequest("an empty default-graph-uri or named-graph-uri: give a graph IRI")


@functools.lru_cache(maxsize=4096)  # clients repeat the same requests (dashboards, pages, benchmarks)
def query_args(raw: str) -> ImmutableMultiDict[str, str]:
    """The URL parameters of a raw query string, decoded once per distinct string.

    The same decoding as werkzeug's (``+`` is a space, bad escapes are replaced), without its
    generic form machinery, which cost more than a small query does.
    """
    # WSGI hands over the URL's bytes as Latin-1; they are UTF-8, like werkzeug reads them.
    with contextlib.suppress(UnicodeEncodeError):  # not Latin-1: already text
        raw = raw.encode("latin-1").decode("utf-8", "replace")
    return ImmutableMultiDict(urllib.parse.parse_qsl(raw, keep_blank_values=True, errors="replace"))


URL_KEYS = ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME", "PATH_INFO")


def endpoint_url(environ: dict[str, Any]) -> str:
    """The URL of the endpoint asked (werkzeug's ``base_url``), computed once per distinct host and path."""
    return _endpoint_url(tuple(environ.get(key) for key in URL_KEYS))


@functools.lru_cache(maxsize=256)  # werkzeug decodes the host and path (IDNA, IRI) anew for every request
def _endpoint_url(values: tuple[str | None, ...]) -> str:
    return Request({key: value for key, value in zip(URL_KEYS, values, strict=True) if value is not None}).base_url


def protocol_answer(endpoint: Endpoint, req: Request) -> Answer | None:
    """Answer a GET/POST query request; None when it asks for no query (the service description)."""
    args = query_args(req.environ.get("QUERY_STRING", ""))
    if req.method == "POST":
        mimetype = req.mimetype
        limit = endpoint.settings.max_query_length
        if mimetype == FORM:
            req.max_form_memory_size = form_body_cap(limit)
            params = req.form
            if "update" in params:
                raise BadRequest("this is the query endpoint: send updates to /update")
            text = _single(params.getlist("query"), "query")
            if text is None:
                raise BadRequest("missing 'query' parameter in the form body")
            default_graphs = params.getlist("default-graph-uri") or args.getlist("default-graph-uri")
            named_graphs = params.getlist("named-graph-uri") or args.getlist("named-graph-uri")
            fmt = params.get("format") or args.get("format")
        elif mimetype == DIRECT:
            if req.content_length and req.content_length > direct_body_cap(limit):
                raise PayloadTooLarge(f"query body exceeds the limit of {limit} characters")
            text = req.get_data(as_text=True)
            default_graphs = args.getlist("default-graph-uri")
            named_graphs = args.getlist("named-graph-uri")
            fmt = args.get("format")
        else:
            raise UnsupportedMediaType(
                f"unsupported Content-Type {mimetype or '(none)'!r}: use {FORM} or {DIRECT}"
                + (" (updates go to /update)" if mimetype == "application/sparql-update" else "")
            )
    else:
        if "update" in args:
            raise BadRequest("SPARQL Update is not accepted by GET: POST it to /update")
        text = _single(args.getlist("query"), "query")
        default_graphs = args.getlist("default-graph-uri")
        named_graphs = args.getlist("named-graph-uri")
        fmt = args.get("format")
        if text is None:
            _no_empty_graphs(default_graphs, named_graphs)
            return None
    if not text.strip():
        raise BadRequest("empty query")
    _no_empty_graphs(default_graphs, named_graphs)
    # Protocol: once the request names graphs, the dataset is exactly those (an empty default graph
    # when only named graphs are given); otherwise the default graph is the union of all graphs.
    dataset_default: list[str] | None = default_graphs or ([] if named_graphs else None)
    environ = req.environ
    result = answer_sparql(endpoint, text, default_graphs=dataset_default, named_graphs=named_graphs or None,
                           accept=environ.get("HTTP_ACCEPT"), fmt=fmt, base_iri=endpoint_url(environ))  # fmt: skip
    result.headers.extend(CORS)
    return result


class FastPath:
    """WSGI layer answering GET/POST /sparql queries without Flask's per-request work."""

    def __init__(self, app: Callable[..., Iterable[bytes]], endpoint: Endpoint) -> None:
        self.app = app
        self.endpoint = endpoint

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/sparql" or environ.get("REQUEST_METHOD") not in ("GET", "POST"):
            return self.app(environ, start_response)
        req = Request(environ)
        try:
            result = protocol_answer(self.endpoint, req)
            if result is None:
                return self.app(environ, start_response)  # the service description, from Flask
            return result(environ, start_response)
        except Exception as exc:  # the one error table (werkzeug's own too); unknown ones are logged as 500
            response = error_response(exc)
            response.headers.extend(CORS)
            return response(environ, start_response)


@bp.route("/sparql", methods=["GET", "POST"])
def query() -> Response:
    """The SPARQL query endpoint (HEAD, and GET without a query: the service description)."""
    result = protocol_answer(context.endpoint(), request)
    if result is None:
        return service_description_response()
    return result.response()


@bp.after_request
def cors(response: Response) -> Response:
    """Let browser clients on other origins query (read-only) the endpoint."""
    if request.path == "/sparql" and "Access-Control-Allow-Origin" not in response.headers:
        response.headers.extend(CORS)
    return response
