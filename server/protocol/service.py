"""The SPARQL 1.1 Service Description, the VoID description at /.well-known/void, and /health."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef

from actorgraph.graph.config import Settings
from actorgraph.graph.linking.void import DATASET_IRI
from actorgraph.graph.store import RESULT_FORMATS, convert_rdf
from actorgraph.ontology.vocab import DCTERMS, PREFIXES, SD, VOID
from actorgraph.server.context import kg, settings
from actorgraph.server.protocol import negotiation

bp = Blueprint("service", __name__)

SDNS = Namespace(SD)
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
UNION_NOTE = (
    "The default graph is the union of all named graphs (sd:UnionDefaultGraph), unless the request names "
    "graphs with default-graph-uri / named-graph-uri. The Graph Store's /store?default is different: it is "
    "the store's own default graph, empty after a build (the data is in named graphs). Relative IRIs resolve "
    "against this endpoint's URL. Results are cut at {max_rows} rows; queries end after {timeout:g} s and "
    "may be {max_length} characters long. Federation (SERVICE) is {federation}."
)
PREFIX_MAP = {**PREFIXES, "sd": SD, "formats": str(FORMATS)}


def rdf_response(graph: Graph) -> Response:
    """Serialise a small rdflib graph with pyoxigraph in the negotiated RDF format."""
    fmt = negotiation.choose(negotiation.TRIPLES, request.headers.get("Accept"), request.args.get("format"))
    nt = graph.serialize(format="nt", encoding="utf-8")
    data = convert_rdf(nt, "ntriples", fmt.name, PREFIX_MAP if fmt.name == "turtle" else None)
    response = Response(data, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    return response


def description(settings: Settings, endpoint: str, void_url: str, update_url: str | None) -> Graph:
    """The service description of the endpoint (an rdflib graph)."""
    g = Graph()
    g.bind("sd", SDNS)
    g.bind("formats", FORMATS)
    g.bind("void", Namespace(VOID))
    service = URIRef(endpoint)
    g.add((service, RDF.type, SDNS.Service))
    g.add((service, SDNS.endpoint, service))
    g.add((service, SDNS.supportedLanguage, SDNS.SPARQL11Query))
    if update_url:
        g.add((service, SDNS.supportedLanguage, SDNS.SPARQL11Update))
    for fmt in (*RESULT_FORMATS, *negotiation.GRAPH):
        # W3C's formats namespace by local name: pyoxigraph gives JSON-LD a newer IRI than the registry's.
        g.add((service, SDNS.resultFormat, FORMATS[fmt.kind.iri.rsplit("/", 1)[1]]))
    g.add((service, SDNS.feature, SDNS.UnionDefaultGraph))
    if settings.federation:
        g.add((service, SDNS.feature, SDNS.BasicFederatedQuery))
    g.add((service, SDNS.defaultEntailmentRegime, ENTAILMENT.Simple))
    note = UNION_NOTE.format(
        max_rows=settings.max_rows,
        timeout=settings.query_timeout,
        max_length=settings.max_query_length,
        federation="on, limited to: " + settings.service_allowlist if settings.federation else "off",
    )
    g.add((service, URIRef(DCTERMS + "description"), Literal(note, lang="en")))
    g.add((service, RDFS.comment, Literal(f"Backed by {kg().backend()}.", lang="en")))
    dataset = URIRef(DATASET_IRI)
    g.add((service, SDNS.defaultDataset, dataset))
    g.add((dataset, RDF.type, SDNS.Dataset))
    g.add((dataset, RDFS.seeAlso, URIRef(void_url)))
    default_graph = BNode()
    g.add((dataset, SDNS.defaultGraph, default_graph))
    g.add((default_graph, RDF.type, SDNS.Graph))
    g.add((default_graph, RDFS.comment, Literal("The union of all named graphs.", lang="en")))
    for name in kg().named_graphs():
        named = BNode()
        g.add((dataset, SDNS.namedGraph, named))
        g.add((named, SDNS.name, URIRef(name)))
    return g


def service_description_response() -> Response:
    """The service description for the current request's endpoint URL."""
    config = settings()
    update_url = url_for("update.update", _external=True) if config.update_token else None
    graph = description(config, url_for("sparql.query", _external=True), url_for("service.void", _external=True),
                        update_url)  # fmt: skip
    return rdf_response(graph)


@bp.route("/.well-known/void", methods=["GET"])
def void() -> Response:
    """VoID description of the dataset, with statistics and one subset per named graph."""
    graph = kg().void(sparql_endpoint=url_for("sparql.query", _external=True),
                      data_dump=url_for("gsp.store", _external=True))  # fmt: skip
    response = rdf_response(graph)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/health", methods=["GET"])
def health() -> Response:
    """Liveness and readiness: the store answers a query."""
    return jsonify({"status": "ok", **kg().health()})
