"""Named queries over HTTP: ``/queries`` lists them, ``/queries/<name>?param=value`` runs one.

Parameters are checked against the query's header and bound as RDF terms by the core
(KnowledgeGraph.run_named, pyoxigraph substitutions), never pasted into the SPARQL text. An
empty value counts as not given. Answers are negotiated like /sparql's (SPARQL JSON, XML, CSV,
TSV; Turtle and friends for CONSTRUCT), with an HTML page for browsers; ``format`` overrides.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request, url_for

from actorgraph.graph.errors import QueryParameterError, UnknownQuery
from actorgraph.graph.named_queries import NamedQuery, get, load_all
from actorgraph.graph.store import QueryResult
from actorgraph.server.errors import error_response
from actorgraph.server.negotiation import RESULTS, Format, NotAcceptable, UnknownFormat, choose
from actorgraph.server.sparql import query_response
from actorgraph.server.ui import install_template_helpers, kg, secure_html

bp = Blueprint("queries", __name__)
bp.record_once(lambda state: install_template_helpers(state.app))
bp.after_request(secure_html)

HTML = Format("html", "text/html", ("html", "application/xhtml+xml"))
# JSON first: a client saying */* (curl, scripts) gets data; browsers ask for text/html by name.
LIST_FORMATS = (Format("json", "application/json", ("json",)), HTML)
RESERVED = frozenset({"format", "candidates"})
HTML_ROWS = 1000  # rows drawn on the HTML page; the downloads carry all of them


def describe(query: NamedQuery) -> dict[str, Any]:
    """The JSON description of a named query."""
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "parameters": [
            {"name": p.name, "type": p.type, "default": p.default, "required": p.required, "help": p.help}
            for p in query.parameters
        ],
        "tags": list(query.tags),
        "url": url_for("queries.run", name=query.name),
        "sparql": query.sparql,
    }


def _negotiate(formats: tuple[Format, ...]) -> Format:
    return choose(formats, request.headers.get("Accept"), request.args.get("format"))


def _error(exc: Exception, html: bool) -> Response:
    """The error as an HTML page for browsers, else the protocol's text/plain answer."""
    response = error_response(exc)
    if html:
        title = {400: "Bad request", 404: "Not found", 406: "Not acceptable"}.get(response.status_code, "Error")
        body = render_template("error.html", status=response.status_code, title=title, message=str(exc))
        response = Response(body, response.status_code, mimetype="text/html")
    return response


@bp.get("/queries")
def index() -> Response:
    """Every named query with its parameters, as JSON or as an HTML page."""
    queries = list(load_all().values())
    try:
        fmt = _negotiate(LIST_FORMATS)
    except (NotAcceptable, UnknownFormat) as exc:
        return _error(exc, html=False)
    if fmt is HTML:
        return Response(render_template("queries.html", queries=queries), mimetype="text/html")
    response = Response(
        _json({"queries": [describe(q) for q in queries]}), content_type="application/json; charset=utf-8"
    )
    response.headers["Vary"] = "Accept"
    return response


def _json(data: Any) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, indent=2)


@bp.get("/queries/<name>")
def run(name: str) -> Response:
    """Run a named query with the parameters given in the URL."""
    params = {k: v for k, v in request.args.items() if k not in RESERVED and v != ""}
    candidates = request.args.get("candidates") == "1"  # unreviewed candidates only when asked
    wants_html = _wants_html()
    graph = kg()
    try:
        query = get(name)
        result = graph.run_named(name, params, include_candidates=candidates)  # checks and binds the parameters
    except (UnknownQuery, QueryParameterError) as exc:
        if wants_html and isinstance(exc, QueryParameterError):
            return _page(get(name), params, error=str(exc), status=400)
        return _error(exc, wants_html)
    if wants_html:
        return _page(query, params, result=result)
    pending = [result]

    def again() -> QueryResult:
        # The endpoint's own negotiation and streaming: the first call takes the result at hand,
        # a later one (streaming a large answer) runs the query again.
        return pending.pop() if pending else graph.run_named(name, params, include_candidates=candidates)

    try:
        return query_response(
            again,
            accept=request.headers.get("Accept"),
            fmt=request.args.get("format"),
            headers={"Access-Control-Allow-Origin": "*"},
        )
    except (NotAcceptable, UnknownFormat) as exc:
        return _error(exc, html=False)


def _wants_html() -> bool:
    """HTML when format=html, or when the Accept header prefers it to every data format."""
    fmt = request.args.get("format")
    if fmt:
        return fmt.lower() in ("html", "text/html")
    try:
        return choose((*RESULTS, HTML), request.headers.get("Accept")) is HTML
    except NotAcceptable:
        return False


def _page(
    query: NamedQuery, params: dict[str, str], *, result: Any = None, error: str | None = None, status: int = 200
) -> Response:
    table = kg().result_table(result, HTML_ROWS) if result is not None else None
    values = {p.name: params.get(p.name, p.default or "") for p in query.parameters}
    html = render_template("named_query.html", query=query, values=values, table=table, error=error, params=params)
    return Response(html, status, mimetype="text/html")
