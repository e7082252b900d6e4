"""The query page at ``/``, and the template helpers every HTML page of ours uses.

The page is an editor (a textarea, no external script) pre-filled with the PREFIX lines and an
example; the named queries are offered as examples. Running a query fetches ``/sparql`` with
an Accept header for SPARQL JSON and draws the table in the browser (static/query.js).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, current_app, render_template, request
from flask.blueprints import BlueprintSetupState
from flask.sansio.app import App

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.ontology.vocab import AG, PREFIXES, RES, sparql_prefixes

bp = Blueprint("ui", __name__)

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


def kg() -> KnowledgeGraph:
    graph: KnowledgeGraph = current_app.extensions["kg"]
    return graph


def href(iri: str) -> str:
    """Where a link to an IRI goes: our resources to their page here, ontology terms to /ontology, others out."""
    if iri.startswith(RES):
        return "/resource/" + quote(iri[len(RES) :], safe="/:@!$&'()*+,;=-._~")
    if iri.startswith(AG):
        return "/ontology#" + iri[len(AG) :]
    return iri


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
    app.context_processor(lambda: {"PREFIXES": PREFIXES, "RES_NS": RES})


def _on_register(state: BlueprintSetupState) -> None:
    install_template_helpers(state.app)


bp.record_once(_on_register)


@bp.get("/")
def index() -> str:
    """The query page; ``?query=`` (a permalink) fills the editor and runs the query."""
    from actorgraph.queries import load_all

    given = request.args.get("query", "")
    examples: list[dict[str, Any]] = [
        {
            "name": q.name,
            "title": q.title,
            "description": q.description,
            "sparql": q.sparql,
            "parameters": [p.name for p in q.parameters],
        }
        for q in load_all().values()
    ]
    default = sparql_prefixes() + "\n" + DEFAULT_QUERY
    return render_template(
        "query.html",
        query=given or default,
        default_query=default,
        autorun=bool(given.strip()),
        examples=examples,
        documents=kg().documents(),
        prefixes=PREFIXES,
    )
