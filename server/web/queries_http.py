"""Named queries over HTTP: ``/queries`` lists them, ``/queries/<name>?param=value`` runs one.

Parameters are checked against the query's header and bound as RDF terms by the core
(KnowledgeGraph.run_named, pyoxigraph substitutions), never pasted into the SPARQL text. An
empty value counts as not given. Answers are negotiated like /sparql's (SPARQL JSON, XML, CSV,
TSV; Turtle and friends for CONSTRUCT), with an HTML page for browsers; ``format`` overrides.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for

from actorgraph.graph.errors import QueryParameterError, UnknownFormat
from actorgraph.graph.named_queries import NamedQuery, get, load_all
from actorgraph.server.context import kg
from actorgraph.server.errors import NotAcceptable, wants_html
from actorgraph.server.protocol.sparql import sparql_response
from actorgraph.server.web import views
from actorgraph.server.web.ui import install_template_helpers, secure_html

bp = Blueprint("queries", __name__)
bp.record_once(lambda state: install_template_helpers(state.app))
bp.after_request(secure_html)

# The list's own formats (not serialisations of RDF): ?format= names, by media type.
LIST_FORMATS = {"json": "application/json", "html": "text/html"}
LIST_MEDIA = {"application/json": "json", "text/html": "html", "application/xhtml+xml": "html"}
RESERVED = frozenset({"format", "candidates"})
HTML_ROWS = 1000  # rows drawn on the HTML page; the downloads carry all of them


def describe(query: NamedQuery, caveat: str | None = None) -> dict[str, Any]:
    """The JSON description of a named query (with what is wrong with this store's answer, if known)."""
    return {
        **({"caveat": caveat} if caveat else {}),
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


@bp.get("/queries")
def index() -> Response:
    """Every named query with its parameters, as JSON or as an HTML page."""
    queries = list(load_all().values())
    caveats = kg().named_query_caveats()
    if _list_format() == "html":
        return Response(render_template("queries.html", queries=queries, caveats=caveats), mimetype="text/html")
    body = json.dumps({"queries": [describe(q, caveats.get(q.name)) for q in queries]}, ensure_ascii=False, indent=2)
    response = Response(body, content_type="application/json; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


def _list_format() -> str:
    """json or html: ``format`` first, then Accept; JSON first, so */* (curl, scripts) gets data.

    Raises UnknownFormat, NotAcceptable.
    """
    fmt = request.args.get("format")
    if fmt:
        wanted = fmt.strip().lower()
        found = LIST_MEDIA.get(wanted) or (wanted if wanted in LIST_FORMATS else None)
        if found is None:
            raise UnknownFormat(f"unknown format {fmt!r}; one of: {', '.join(LIST_FORMATS)}")
        return found
    if not request.accept_mimetypes:
        return "json"
    best = request.accept_mimetypes.best_match(list(LIST_MEDIA))
    if best is None:
        raise NotAcceptable(f"cannot produce any of: {request.headers.get('Accept')}; available: "
                            + ", ".join(LIST_FORMATS.values()))  # fmt: skip
    return LIST_MEDIA[best]


@bp.get("/queries/<name>")
def run(name: str) -> Response:
    """Run a named query with the parameters given in the URL."""
    params = {k: v for k, v in request.args.items() if k not in RESERVED and v != ""}
    candidates = request.args.get("candidates") == "1"  # unreviewed candidates only when asked
    html = wants_html(request, by_default=False)
    graph = kg()
    query = get(name)  # an unknown name is a 404 by the error table
    if html:
        try:
            result = graph.run_named(name, params, include_candidates=candidates)  # checks and binds the parameters
        except QueryParameterError as exc:
            # Not an error page: the form again, with its values and what is wrong with them.
            return _page(query, params, error=str(exc), status=400)
        return _page(query, params, result=result)
    # The endpoint's own limits (row cap), negotiation and streaming, as for /sparql.
    sparql, options = graph.prepare_named(name, params, include_candidates=candidates)
    response = sparql_response(sparql, **options, accept=request.headers.get("Accept"), fmt=request.args.get("format"))
    response.headers["Access-Control-Allow-Origin"] = "*"
    caveat = graph.named_query_caveat(name)
    if caveat:
        # RFC 9110's Warning is obsolete, but clients and proxies still show a 199 "miscellaneous warning".
        quoted = caveat.replace("\\", "\\\\").replace('"', '\\"')
        response.headers["Warning"] = f'199 actorgraph "{quoted}"'
        response.headers["Access-Control-Expose-Headers"] = "Warning"
    return response


def _page(
    query: NamedQuery, params: dict[str, str], *, result: Any = None, error: str | None = None, status: int = 200
) -> Response:
    table = views.result_table(kg(), result, HTML_ROWS) if result is not None else None
    values = {p.name: params.get(p.name, p.default or "") for p in query.parameters}
    caveat = kg().named_query_caveat(query.name)
    html = render_template("named_query.html", query=query, values=values, table=table, error=error, params=params,
                           caveat=caveat)  # fmt: skip
    return Response(html, status, mimetype="text/html")
