"""SPARQL 1.1 Protocol at /sparql: methods, dataset parameters, errors, limits, CORS, descriptions."""

from __future__ import annotations

import json
import threading

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, Namespace, URIRef

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.ontology.vocab import ENTITIES_GRAPH, TRUTHY_GRAPH, sparql_prefixes
from actorgraph.server import create_app
from actorgraph.server.protocol import workers

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
IRAN_LABEL = sparql_prefixes() + "SELECT ?label WHERE { res:iran rdfs:label ?label }"
BORDERS = sparql_prefixes() + "ASK { res:iran ag:borders res:afghanistan }"


def labels(response_body: bytes) -> list[str]:
    data = json.loads(response_body)
    return [b["label"]["value"] for b in data["results"]["bindings"]]


def test_sparql_get_select_answers_json_with_iran_label(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": IRAN_LABEL})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert labels(response.data) == ["Iran"]


def test_sparql_post_urlencoded_answers_like_get(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": IRAN_LABEL})
    assert response.status_code == 200
    assert labels(response.data) == ["Iran"]


def test_sparql_post_direct_answers_like_get(client: FlaskClient) -> None:
    response = client.post("/sparql", data=IRAN_LABEL.encode(), content_type="application/sparql-query")
    assert response.status_code == 200
    assert labels(response.data) == ["Iran"]


def test_sparql_default_graph_is_union_of_all_graphs(client: FlaskClient) -> None:
    # The border statement's truthy triple lives in the truthy graph, the label in the entities graph.
    union = client.get("/sparql", query_string={"query": BORDERS})
    assert json.loads(union.data)["boolean"] is True


def test_sparql_default_graph_uri_restricts_the_default_graph(client: FlaskClient) -> None:
    only_entities = client.get("/sparql", query_string={"query": BORDERS, "default-graph-uri": ENTITIES_GRAPH})
    only_truthy = client.post("/sparql", data={"query": BORDERS, "default-graph-uri": TRUTHY_GRAPH})
    assert json.loads(only_entities.data)["boolean"] is False
    assert json.loads(only_truthy.data)["boolean"] is True


def test_sparql_named_graph_uri_gives_named_graphs_and_an_empty_default(client: FlaskClient) -> None:
    query = sparql_prefixes() + "SELECT ?g WHERE { GRAPH ?g { res:iran ag:borders res:afghanistan } }"
    response = client.get("/sparql", query_string={"query": query, "named-graph-uri": TRUTHY_GRAPH})
    graphs = [b["g"]["value"] for b in json.loads(response.data)["results"]["bindings"]]
    assert graphs == [TRUTHY_GRAPH]
    default = client.get("/sparql", query_string={"query": BORDERS, "named-graph-uri": TRUTHY_GRAPH})
    assert json.loads(default.data)["boolean"] is False


def test_sparql_malformed_query_is_400_with_parser_position(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "error at 1:26" in response.get_data(as_text=True)


def test_sparql_two_query_parameters_are_400(client: FlaskClient) -> None:
    response = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert response.status_code == 400
    assert "2 times" in response.get_data(as_text=True)


def test_sparql_wrong_method_is_405(client: FlaskClient) -> None:
    response = client.put("/sparql", data=IRAN_LABEL)
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_sparql_wrong_content_type_is_415(client: FlaskClient) -> None:
    response = client.post("/sparql", data=IRAN_LABEL, content_type="text/plain")
    assert response.status_code == 415
    assert "application/sparql-query" in response.get_data(as_text=True)


def test_sparql_update_by_get_is_rejected(client: FlaskClient) -> None:
    on_query = client.get("/sparql", query_string={"update": "CLEAR ALL"})
    on_update = client.get("/update", query_string={"update": "CLEAR ALL"})
    assert on_query.status_code == 400
    assert on_update.status_code == 405
    assert client.get("/sparql", query_string={"query": BORDERS}).json["boolean"] is True  # type: ignore[index]


def test_sparql_head_answers_headers_only(client: FlaskClient) -> None:
    response = client.head("/sparql", query_string={"query": IRAN_LABEL})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert response.data == b""


def test_sparql_cors_on_queries_and_preflight(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": BORDERS}, headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/sparql", headers={"Origin": "https://example.org",
                                                   "Access-Control-Request-Method": "POST"})  # fmt: skip
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


def test_sparql_row_limit_cuts_results(kg: KnowledgeGraph) -> None:
    client = create_app(kg.settings.with_(max_rows=3), kg).test_client()
    response = client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s a ?c }"})
    assert len(response.json["results"]["bindings"]) == 3  # type: ignore[index]
    assert response.headers["X-SPARQL-MaxRows"] == "3"
    full = kg.select("SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c }")
    assert int(full[0]["n"]) > 3


def test_sparql_query_length_limit_is_413(kg: KnowledgeGraph) -> None:
    client = create_app(kg.settings.with_(max_query_length=40), kg).test_client()
    response = client.get("/sparql", query_string={"query": IRAN_LABEL})
    assert response.status_code == 413
    assert "limit of 40" in response.get_data(as_text=True)


def test_sparql_service_refused_before_execution_when_federation_off(client: FlaskClient) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    assert "federation is off" in response.get_data(as_text=True)


def test_sparql_service_outside_allowlist_refused(kg: KnowledgeGraph) -> None:
    settings = kg.settings.with_(federation=True, service_allowlist="http://127.0.0.1:1/sparql")
    client = create_app(settings, kg).test_client()
    query = "PREFIX e: <http://127.0.0.1:2/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    assert "<http://127.0.0.1:2/sparql> is not in the allowlist" in response.get_data(as_text=True)


def test_sparql_large_result_is_streamed_completely(client: FlaskClient, kg: KnowledgeGraph,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setattr(workers, "BUFFER_CAP", 4096)
    monkeypatch.setattr(workers.body, "__defaults__", (4096,))
    response = client.get("/sparql", query_string={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "format": "tsv"})
    assert response.is_streamed
    assert "Content-Length" not in response.headers
    lines = response.get_data(as_text=True).splitlines()
    expected = kg.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
    assert len(lines) - 1 == int(expected)


def test_stream_stops_the_producer_when_the_client_leaves() -> None:
    stopped = threading.Event()

    def endless(out: workers.IO[bytes]) -> None:
        try:
            while True:
                out.write(b"x" * 1000)
        finally:
            stopped.set()

    chunks = workers.stream(endless)
    assert len(next(chunks)) >= workers.CHUNK
    chunks.close()  # what the WSGI server does when the client goes
    assert stopped.wait(3)


def test_sparql_service_description_on_get_without_query(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    endpoint = URIRef("http://localhost/sparql")
    assert (endpoint, SD.feature, SD.UnionDefaultGraph) in graph
    assert (endpoint, SD.endpoint, endpoint) in graph
    names = set(graph.objects(None, SD.name))
    assert URIRef(TRUTHY_GRAPH) in names
    dataset = graph.value(endpoint, SD.defaultDataset)
    assert graph.value(dataset, URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso")) == URIRef(
        "http://localhost/.well-known/void"
    )
    description = str(graph.value(endpoint, URIRef("http://purl.org/dc/terms/description")))
    assert "union of all named graphs" in description


def test_void_counts_triples_per_named_graph(client: FlaskClient, kg: KnowledgeGraph) -> None:
    response = client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format="nt")
    truthy = URIRef(TRUTHY_GRAPH)
    assert graph.value(truthy, VOID.triples) == Literal(kg.store.count(TRUTHY_GRAPH))
    dataset = URIRef("https://w3id.org/actorgraph/dataset")
    assert (dataset, VOID.subset, truthy) in graph
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef("http://localhost/sparql")
    assert int(graph.value(dataset, VOID.triples)) == sum(kg.stats().values())  # type: ignore[arg-type]


def test_health_reports_ok(client: FlaskClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "store": "memory", "read_only": False}


# ------------------------------------------------------------------ relative IRIs, large queries (issue #13)


def test_relative_iris_resolve_against_the_endpoint_url(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
                          headers={"Accept": "application/n-triples"})  # fmt: skip
    assert response.status_code == 200
    assert response.get_data(as_text=True) == (
        '<http://localhost/s> <http://localhost/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )
    select = client.post("/sparql", data="SELECT ?x WHERE { BIND(<item/1> AS ?x) }",
                         content_type="application/sparql-query")  # fmt: skip
    assert select.json["results"]["bindings"] == [{"x": {"type": "uri", "value": "http://localhost/item/1"}}]  # type: ignore[index]


def test_a_query_of_a_megabyte_is_answered_by_every_method(client: FlaskClient) -> None:
    """A generated VALUES block of ~25,000 IRIs (about 1 MB minus a little): the default limit takes it."""
    iris = " ".join(f"<https://w3id.org/actorgraph/resource/x{i:07d}>" for i in range(20_000))
    query = sparql_prefixes() + f"SELECT (COUNT(?s) AS ?n) WHERE {{ VALUES ?s {{ res:iran {iris} }} ?s a ?c }}"
    assert 900_000 < len(query) < 1_000_000
    form = client.post("/sparql", data={"query": query})
    direct = client.post("/sparql", data=query, content_type="application/sparql-query")
    for response in (form, direct):
        assert response.status_code == 200, response.get_data(as_text=True)[:200]
        assert int(response.json["results"]["bindings"][0]["n"]["value"]) >= 1  # type: ignore[index]


def test_a_query_over_the_limit_is_413_by_form_and_body_alike(kg: KnowledgeGraph) -> None:
    client = create_app(kg.settings.with_(max_query_length=1000), kg).test_client()
    query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 1000
    for response in (client.post("/sparql", data={"query": query}),
                     client.post("/sparql", data=query, content_type="application/sparql-query")):  # fmt: skip
        assert response.status_code == 413
        assert "limit of 1000" in response.get_data(as_text=True)
    way_over = client.post("/sparql", data=query * 10, content_type="application/sparql-query")
    assert way_over.status_code == 413


def test_store_default_and_sparql_default_differ_and_the_description_says_so(client: FlaskClient) -> None:
    """/sparql's default graph is the union; /store?default is the store's own, empty after a build (both tested)."""
    union = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert int(union.json["results"]["bindings"][0]["n"]["value"]) > 1000  # type: ignore[index]
    own = client.get("/store?default", headers={"Accept": "application/n-triples"})
    assert own.status_code == 200
    assert own.data.strip() == b""
    graph = Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).data, format="turtle")
    description = str(graph.value(URIRef("http://localhost/sparql"), URIRef("http://purl.org/dc/terms/description")))
    assert "/store?default is different: it is the store's own default graph, empty after a build" in description
    assert "may be 1000000 characters long" in description


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"query": "SELECT (<urn:fn:unknown>(1) AS ?x) {}"}, "query failed: The custom function <urn:fn:unknown>"),
        ({"query": "ASK {}", "named-graph-uri": "not an iri"}, "not a valid IRI: 'not an iri'"),
        ({"query": "ASK {}", "default-graph-uri": "%zz"}, "not a valid IRI: '%zz'"),
        ({"query": "ASK {}", "named-graph-uri": ""}, "an empty default-graph-uri or named-graph-uri"),
        ({"query": ""}, "empty query"),
    ],
)
def test_bad_inputs_that_were_500s_are_400s(client: FlaskClient, params: dict[str, str], message: str) -> None:
    response = client.get("/sparql", query_string=params)
    assert response.status_code == 400
    assert response.get_data(as_text=True).startswith(message)
