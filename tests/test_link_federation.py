"""Joining our entities' Wikidata links with a remote endpoint through SERVICE (a local fixture endpoint)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from rdflib import RDFS, Graph, Literal, URIRef
from werkzeug.serving import make_server
from wikidata_mock import ANSWERS

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.ontology.vocab import LINKS_GRAPH, sparql_prefixes
from actorgraph.server import create_app

WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"


def wikidata_like_triples() -> Graph:
    """The recorded API answers of tests/data/wikidata as Wikidata Query Service triples (labels, P31)."""
    graph = Graph()
    for path in sorted(ANSWERS.glob("Q*.json")):
        for qid, entity in json.loads(path.read_text(encoding="utf-8"))["entities"].items():
            for lang, label in entity.get("labels", {}).items():
                graph.add((URIRef(WD + qid), RDFS.label, Literal(label["value"], lang=lang)))
            for claim in entity.get("claims", {}).get("P31", []):
                target = claim["mainsnak"]["datavalue"]["value"]["id"]
                graph.add((URIRef(WD + qid), URIRef(WDT + "P31"), URIRef(WD + target)))
    return graph


@pytest.fixture(scope="module")
def remote_endpoint() -> Iterator[str]:
    """A second ActorGraph server on localhost whose store holds the Wikidata-like triples."""
    remote = KnowledgeGraph(Settings(store_path=":memory:"))
    remote.store.load(wikidata_like_triples().serialize(format="nt"), "ntriples", graph="urn:x-fixture:wikidata")
    server = make_server("127.0.0.1", 0, create_app(kg=remote), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sparql"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_link_federation_joins_our_entities_with_remote_labels(kg: KnowledgeGraph, remote_endpoint: str) -> None:
    settings = kg.settings.with_(federation=True, service_allowlist=remote_endpoint)
    client = create_app(settings, kg).test_client()
    query = (
        sparql_prefixes()
        + f"""
        SELECT ?entity ?persian WHERE {{
          GRAPH <{LINKS_GRAPH}> {{ ?entity skos:exactMatch ?item }}
          SERVICE <{remote_endpoint}> {{ ?item rdfs:label ?persian FILTER(LANG(?persian) = "fa") }}
        }}"""
    )
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200, response.get_data(as_text=True)
    bindings = json.loads(response.data)["results"]["bindings"]
    assert [(b["entity"]["value"], b["persian"]["value"]) for b in bindings] == [
        ("https://w3id.org/actorgraph/resource/afghanistan", "افغانستان")
    ]


def test_link_federation_filters_our_states_by_remote_class(kg: KnowledgeGraph, remote_endpoint: str) -> None:
    """Which of our linked entities does the remote endpoint call a sovereign state (Q3624078)?"""
    settings = kg.settings.with_(federation=True, service_allowlist=remote_endpoint)
    client = create_app(settings, kg).test_client()
    query = (
        sparql_prefixes()
        + f"""
        SELECT ?label WHERE {{
          ?entity ag:wikidataId ?qid ; rdfs:label ?label .
          BIND(IRI(CONCAT(STR(wd:), ?qid)) AS ?item)
          SERVICE <{remote_endpoint}> {{ ?item <{WDT}P31> wd:Q3624078 }}
        }} ORDER BY ?label"""
    )
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [b["label"]["value"] for b in json.loads(response.data)["results"]["bindings"]] == ["Afghanistan", "Iran"]
