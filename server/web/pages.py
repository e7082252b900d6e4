"""Linked Data: every resource IRI of ours dereferences here, with content negotiation.

Our IRIs are ``https://w3id.org/actorgraph/resource/<path>``; this application serves each at
``/resource/<path>`` (a w3id.org redirect would point the public IRIs at a deployment). Browsers
get an HTML page (actor, statement or document); clients asking for Turtle, JSON-LD, N-Triples or
RDF/XML get the resource's RDF description, serialised by pyoxigraph through the core.
``?format=ttl|jsonld|nt|rdf|html`` overrides the Accept header (for links and browsers).
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, render_template, request, url_for

from actorgraph.graph.store import TRIPLE_FORMATS, Format
from actorgraph.ontology.vocab import AG, RES
from actorgraph.server.context import kg
from actorgraph.server.errors import NotAcceptable, NotFound
from actorgraph.server.web import views
from actorgraph.server.web.models import local_name
from actorgraph.server.web.ui import install_template_helpers, secure_html

bp = Blueprint("pages", __name__)
bp.record_once(lambda state: install_template_helpers(state.app))
bp.after_request(secure_html)

HTML = "text/html"
# Media type -> format, from the one table; its order is the server's preference under */*.
RDF_MEDIA: dict[str, Format] = {f.media_type: f for f in TRIPLE_FORMATS}
OFFERED = [HTML, "application/xhtml+xml", *RDF_MEDIA, "application/json"]
# ?format= values: html, and each triple format's name, extension and short aliases (json, xml, rdf ...).
FORMAT_PARAM = {"html": HTML} | {
    name: f.media_type for f in TRIPLE_FORMATS for name in (f.name, f.extension, *f.aliases) if "/" not in name
}
ALTERNATES = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples"}


def choose_media() -> str:
    """The media type to answer with: ?format= first, then Accept. Raises NotAcceptable."""
    fmt = request.args.get("format")
    if fmt:
        media = FORMAT_PARAM.get(fmt.lower())
    elif not request.accept_mimetypes:
        media = HTML  # no Accept header: a person typing the URL, most likely
    else:
        media = request.accept_mimetypes.best_match(OFFERED)
        if media == "application/xhtml+xml":
            media = HTML
        elif media == "application/json":
            media = "application/ld+json"  # JSON is what JSON-LD is
    if media is None:
        raise NotAcceptable(f"this resource is available as {', '.join([HTML, *RDF_MEDIA])}", _headers(request.path))
    return media


def _headers(path: str) -> dict[str, str]:
    """Vary and the Link to the alternate serialisations: on every answer, errors too."""
    # Percent-encoded: a header is Latin-1 without control characters, a path may hold any character
    # (NUL, non-Latin-1), and a raw one made the WSGI server answer a bare 500.
    target = quote(path, safe="/-._~!$&'()*+,;=:@")
    links = [f'<{target}?format={fmt}>; rel="alternate"; type="{media}"' for fmt, media in ALTERNATES.items()]
    return {"Vary": "Accept", "Link": ", ".join(links)}


@bp.get("/resource/")
def index() -> str:
    """Every actor, place and event of the graph by type, and the documents."""
    return render_template("index.html", groups=views.entity_index(kg()), documents=views.documents(kg()))


@bp.get("/resource/<path:rest>")
def resource(rest: str) -> Response:
    """One resource: an HTML page for browsers, its RDF description for clients."""
    iri = RES + rest
    media = choose_media()
    response = _rdf(iri, media) if media != HTML else _page(iri, rest)
    if response is None:
        raise NotFound(f"The graph has no resource {iri}.", _headers(request.path))
    response.headers.update(_headers(request.path))
    return response


def _rdf(iri: str, media: str) -> Response | None:
    data = views.resource_rdf(kg(), iri, RDF_MEDIA[media].name)
    if data is None or not data.strip() or iri.encode() not in data.replace(b"\\/", b"/"):
        return None
    response = Response(data, content_type=f"{media}; charset=utf-8")
    response.headers["Access-Control-Allow-Origin"] = "*"  # the data is public; browser apps may fetch it
    return response


def _page(iri: str, rest: str) -> Response | None:
    head, _, tail = rest.partition("/")
    candidates = request.args.get("candidates") == "1"  # unreviewed candidates only when asked
    if head == "document" and tail and "/" not in tail:
        document = views.document_view(kg(), tail, include_candidates=candidates)
        if document is None:
            return None
        html = render_template("document.html", view=document.resource, doc=document, formats=ALTERNATES)
        return Response(html, mimetype=HTML)
    view = views.describe_resource(kg(), iri, include_candidates=candidates)
    if view is None:
        return None
    template = "statement.html" if view.kind == "statement" else "resource.html"
    link = kg().link_of(rest) if "/" not in rest else None  # how each external identifier was checked
    return Response(render_template(template, view=view, formats=ALTERNATES, link=link), mimetype=HTML)


@bp.get("/ontology")
def ontology() -> Response:
    """The ontology: a page of its classes and properties, or its Turtle/JSON-LD/N-Triples."""
    media = choose_media()
    if media != HTML:
        response = Response(views.ontology_rdf(kg(), RDF_MEDIA[media].name), content_type=f"{media}; charset=utf-8")
        response.headers["Access-Control-Allow-Origin"] = "*"
    else:
        terms = views.ontology_terms(kg())
        html = render_template("ontology.html", terms=terms, AG=AG, local_name=local_name, formats=ALTERNATES)
        response = Response(html, mimetype=HTML)
    response.headers.update(_headers(url_for("pages.ontology")))
    return response
