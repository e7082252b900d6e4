"""Linked Data: every resource IRI of ours dereferences here, with content negotiation.

Our IRIs are ``https://w3id.org/actorgraph/resource/<path>``; this application serves each at
``/resource/<path>`` (a w3id.org redirect would point the public IRIs at a deployment). Browsers
get an HTML page (actor, statement or document); clients asking for Turtle, JSON-LD, N-Triples or
RDF/XML get the resource's RDF description, serialised by pyoxigraph through the core.
``?format=ttl|jsonld|nt|rdf|html`` overrides the Accept header (for links and browsers).
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for

from actorgraph.graph.describe import local_name
from actorgraph.ontology.vocab import AG, RES
from actorgraph.server.ui import install_template_helpers, kg, secure_html

bp = Blueprint("pages", __name__)
bp.record_once(lambda state: install_template_helpers(state.app))
bp.after_request(secure_html)

HTML = "text/html"
# Media type -> core serialisation name; the order is the server's preference under */*.
RDF_MEDIA = {
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/n-triples": "ntriples",
    "application/rdf+xml": "rdfxml",
}
OFFERED = [HTML, "application/xhtml+xml", *RDF_MEDIA, "application/json"]
FORMAT_PARAM = {
    "html": HTML,
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "json": "application/ld+json",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "rdf": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
    "xml": "application/rdf+xml",
}
ALTERNATES = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples"}


def choose_media() -> str | None:
    """The media type to answer with: ?format= first, then Accept; None when nothing offered is acceptable."""
    fmt = request.args.get("format")
    if fmt:
        return FORMAT_PARAM.get(fmt.lower())
    if not request.accept_mimetypes:
        return HTML  # no Accept header: a person typing the URL, most likely
    best = request.accept_mimetypes.best_match(OFFERED)
    if best == "application/xhtml+xml":
        return HTML
    if best == "application/json":
        return "application/ld+json"  # JSON is what JSON-LD is
    return best


def not_acceptable() -> Response:
    offered = ", ".join([HTML, *RDF_MEDIA])
    return Response(f"406 Not Acceptable: this resource is available as {offered}\n", 406, mimetype="text/plain")


def not_found_page(iri: str, media: str) -> Response:
    if media == HTML:
        body = render_template("error.html", status=404, title="Not found", message=f"The graph has no resource {iri}.")
        return Response(body, 404, mimetype=HTML)
    return Response(f"404 Not Found: the graph has no resource {iri}\n", 404, mimetype="text/plain")


def _link_header(path: str) -> str:
    links = [f'<{path}?format={fmt}>; rel="alternate"; type="{media}"' for fmt, media in ALTERNATES.items()]
    return ", ".join(links)


@bp.get("/resource/")
def index() -> str:
    """Every actor, place and event of the graph by type, and the documents."""
    return render_template("index.html", groups=kg().entity_index(), documents=kg().documents())


@bp.get("/resource/<path:rest>")
def resource(rest: str) -> Response:
    """One resource: an HTML page for browsers, its RDF description for clients."""
    iri = RES + rest
    media = choose_media()
    if media is None:
        return not_acceptable()
    try:
        response = _rdf(iri, media) if media != HTML else _page(iri, rest)
    except ValueError:  # not a valid IRI (a space, '<' ...): nothing of ours has that name
        response = None
    if response is None:
        response = not_found_page(iri, media)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = _link_header(request.path)
    return response


def _rdf(iri: str, media: str) -> Response | None:
    data = kg().resource_rdf(iri, RDF_MEDIA[media])
    if not data.strip() or iri.encode() not in data.replace(b"\\/", b"/"):
        return None
    response = Response(data, content_type=f"{media}; charset=utf-8")
    response.headers["Access-Control-Allow-Origin"] = "*"  # the data is public; browser apps may fetch it
    return response


def _page(iri: str, rest: str) -> Response | None:
    head, _, tail = rest.partition("/")
    candidates = request.args.get("candidates") == "1"  # unreviewed candidates only when asked
    if head == "document" and tail and "/" not in tail:
        document = kg().document_view(tail, include_candidates=candidates)
        if document is None:
            return None
        html = render_template("document.html", view=document.resource, doc=document, formats=ALTERNATES)
        return Response(html, mimetype=HTML)
    view = kg().describe_resource(iri, include_candidates=candidates)
    if view is None:
        return None
    template = "statement.html" if view.kind == "statement" else "resource.html"
    return Response(render_template(template, view=view, formats=ALTERNATES), mimetype=HTML)


@bp.get("/ontology")
def ontology() -> Response:
    """The ontology: a page of its classes and properties, or its Turtle/JSON-LD/N-Triples."""
    media = choose_media()
    if media is None:
        return not_acceptable()
    if media != HTML:
        response = Response(kg().ontology_rdf(RDF_MEDIA[media]), content_type=f"{media}; charset=utf-8")
        response.headers["Access-Control-Allow-Origin"] = "*"
    else:
        terms = kg().ontology_terms()
        html = render_template("ontology.html", terms=terms, AG=AG, local_name=local_name, formats=ALTERNATES)
        response = Response(html, mimetype=HTML)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = _link_header(url_for("pages.ontology"))
    return response
