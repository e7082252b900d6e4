"""The query page at ``/``, and the template helpers every HTML page of ours uses.

The page is an editor (a textarea, no external script) pre-filled with the PREFIX lines and an
example; the named queries are offered as examples. Running a query fetches ``/sparql`` with
an Accept header for SPARQL JSON and draws the table in the browser (static/query.js).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, render_template, request
from flask.blueprints import BlueprintSetupState
from flask.sansio.app import App

from actorgraph.graph.named_queries import NamedQuery, load_all
from actorgraph.ontology.vocab import AG, GRAPH, PREFIXES, RES, sparql_prefixes
from actorgraph.server.context import kg
from actorgraph.server.web import views

bp = Blueprint("ui", __name__)
_OUTER_WHERE = re.compile(r"^[^#\n]*?\bWHERE\s*\{", re.IGNORECASE | re.MULTILINE)

DEFAULT_QUERY = """\
# What the documents say Iran does, with the evidence sentence for each statement.
SELECT ?relation ?object ?certainty ?document ?quote WHERE {
  ?statement ag:subject res:iran ;
             ag:relation ?relation ;
             ag:object ?object ;
             ag:certainty ?certainty ;
             ag:statementOf ?document ;
             prov:wasDerivedFrom/oa:hasTarget/oa:hasSelector/oa:exact ?quote .
}
ORDER BY ?relation ?object
LIMIT 100
"""


def example_text(query: NamedQuery) -> str:
    """A named query's SPARQL for the editor: parameter defaults bound by a VALUES block to edit.

    The server binds parameters as terms (substitution); in the editor a VALUES block at the
    start of the outer WHERE does the same job visibly. Parameters without default stay unbound.
    """
    bound = [(p.name, sparql_term(p.type, p.default)) for p in query.parameters if p.default is not None]
    match = _OUTER_WHERE.search(query.sparql)
    if not bound or match is None:
        return query.sparql
    names = " ".join(f"?{name}" for name, _ in bound)
    terms = " ".join(term for _, term in bound)
    line = f"\n  VALUES ({names}) {{ ({terms}) }}  # parameters (defaults shown): edit them here"
    return query.sparql[: match.end()] + line + query.sparql[match.end() :]


def sparql_term(kind: str, value: str) -> str:
    """A checked parameter value written as a SPARQL term."""
    if kind == "IRI":
        return f"<{value}>"
    if kind in ("integer", "decimal"):
        return value
    if kind == "boolean":
        return value.lower()
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def href(iri: str) -> str:
    """Where a link to an IRI goes: our resources to their page, ontology terms to /ontology, graphs to /store."""
    if iri.startswith(RES):
        return "/resource/" + quote(iri[len(RES) :], safe="/:@!$&'()*+,;=-._~")
    if iri.startswith(AG):
        return "/ontology#" + iri[len(AG) :]
    if iri.startswith(GRAPH):
        return "/store?graph=" + quote(iri, safe="")  # a named graph of ours: its content (Graph Store)
    # Only web IRIs become links: a javascript: or data: IRI is valid RDF but must not be clickable.
    return iri if iri.lower().startswith(("http://", "https://")) else ""


def compact(iri: str) -> str:
    """An IRI as prefix:local when one of our prefixes fits (and the local part needs no escape)."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and "/" not in iri[len(ns) :] and "#" not in iri[len(ns) :]:
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def install_template_helpers(app: App) -> None:
    """Filters and globals the templates share (once per app: each of our blueprints calls it)."""
    if app.extensions.get("actorgraph-templates"):
        return
    app.extensions["actorgraph-templates"] = True
    app.add_template_filter(href, "href")
    app.add_template_filter(compact, "compact")
    app.context_processor(lambda: {"PREFIXES": PREFIXES, "RES_NS": RES, "GRAPH_NS": GRAPH})


def _on_register(state: BlueprintSetupState) -> None:
    install_template_helpers(state.app)


# Our pages load nothing from elsewhere: say so to the browser, which then refuses injected code.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def secure_html(response: Response) -> Response:
    """Add the security headers to HTML answers (an after_request hook of our blueprints)."""
    if response.mimetype == "text/html":
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
    return response


def secure_every_answer(response: Response) -> Response:
    """The app-wide hook: no answer is content-sniffed (text/plain and CSV echo the client's input),
    and every HTML answer, error pages of any route included, carries the page headers."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return secure_html(response)


bp.record_once(_on_register)
bp.after_request(secure_html)


def examples() -> list[dict[str, Any]]:
    """The named queries as the editor's examples: name, title, description, SPARQL, parameter names."""
    return [
        {
            "name": q.name,
            "title": q.title,
            "description": q.description,
            "sparql": example_text(q),
            "parameters": [p.name for p in q.parameters],
        }
        for q in load_all().values()
    ]


@bp.get("/")
def index() -> str:
    """The query page; ``?query=`` (a permalink) fills the editor and runs the query."""
    given = request.args.get("query", "")
    default = sparql_prefixes() + "\n" + DEFAULT_QUERY
    return render_template(
        "query.html",
        query=given or default,
        default_query=default,
        autorun=bool(given.strip()),
        examples=examples(),
        documents=views.documents(kg()),
        prefixes=PREFIXES,
    )
