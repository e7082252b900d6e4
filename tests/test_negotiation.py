"""Content negotiation: the Accept parser on its own, then every format over HTTP, parsed."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from flask.testing import FlaskClient
from rdflib import Dataset, Graph, Literal, URIRef

from actorgraph.ontology.vocab import sparql_prefixes
from actorgraph.server.protocol.negotiation import GRAPH, RESULTS, NotAcceptable, UnknownFormat, choose, parse_accept

IRAN_LABEL = sparql_prefixes() + "SELECT ?label WHERE { res:iran rdfs:label ?label }"
IRAN_CONSTRUCT = sparql_prefixes() + "CONSTRUCT { res:iran rdfs:label ?label } WHERE { res:iran rdfs:label ?label }"
IRAN = URIRef("https://w3id.org/actorgraph/resource/iran")
LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
SRX = "{http://www.w3.org/2005/sparql-results#}"


def test_parse_accept_orders_by_q() -> None:
    assert parse_accept("text/csv;q=0.5, application/sparql-results+json, */*;q=0.1") == [
        ("application/sparql-results+json", 1.0),
        ("text/csv", 0.5),
        ("*/*", 0.1),
    ]


def test_choose_prefers_the_most_specific_match() -> None:
    assert choose(RESULTS, "text/*, application/sparql-results+xml;q=0.9").name == "csv"
    assert choose(RESULTS, "application/sparql-results+xml, */*;q=0.1").name == "xml"
    assert choose(GRAPH, "application/rdf+xml;q=0.5, text/turtle").name == "turtle"


def test_choose_defaults_when_accept_is_missing_or_anything() -> None:
    assert choose(RESULTS, None).name == "json"
    assert choose(RESULTS, "*/*").name == "json"
    assert choose(GRAPH, "").name == "turtle"
    assert choose(GRAPH, "text/html,application/xhtml+xml,*/*;q=0.8").name == "turtle"


def test_choose_refuses_what_is_not_offered() -> None:
    with pytest.raises(NotAcceptable):
        choose(RESULTS, "image/png")
    with pytest.raises(NotAcceptable):
        choose(GRAPH, "text/turtle;q=0, application/sparql-results+json")
    with pytest.raises(UnknownFormat):
        choose(RESULTS, None, "turtle")


def test_choose_format_parameter_beats_accept() -> None:
    assert choose(RESULTS, "application/sparql-results+json", "csv").name == "csv"
    assert choose(GRAPH, None, "json").name == "jsonld"
    assert choose(GRAPH, None, "application/n-quads").name == "nquads"


def test_select_as_xml_lists_the_label(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": IRAN_LABEL},
                          headers={"Accept": "application/sparql-results+xml"})  # fmt: skip
    assert response.mimetype == "application/sparql-results+xml"
    root = ET.fromstring(response.data)
    literals = [el.text for el in root.iter(f"{SRX}literal")]
    assert literals == ["Iran"]


def test_select_as_csv_and_tsv(client: FlaskClient) -> None:
    as_csv = client.get("/sparql", query_string={"query": IRAN_LABEL}, headers={"Accept": "text/csv"})
    assert as_csv.mimetype == "text/csv"
    assert list(csv.reader(io.StringIO(as_csv.get_data(as_text=True)))) == [["label"], ["Iran"]]
    as_tsv = client.get("/sparql", query_string={"query": IRAN_LABEL, "format": "tsv"})
    assert as_tsv.mimetype == "text/tab-separated-values"
    assert as_tsv.get_data(as_text=True).splitlines() == ["?label", '"Iran"@en']


def test_ask_as_json_and_xml(client: FlaskClient) -> None:
    ask = sparql_prefixes() + "ASK { res:iran ag:borders res:afghanistan }"
    assert client.get("/sparql", query_string={"query": ask}).json == {"head": {}, "boolean": True}
    as_xml = client.get("/sparql", query_string={"query": ask, "format": "xml"})
    assert ET.fromstring(as_xml.data).find(f"{SRX}boolean").text == "true"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
    ],
)
def test_construct_in_each_triple_format(client: FlaskClient, accept: str, media_type: str,
                                         rdflib_format: str) -> None:  # fmt: skip
    response = client.get("/sparql", query_string={"query": IRAN_CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media_type
    graph = Graph().parse(data=response.data, format=rdflib_format)
    assert set(graph) == {(IRAN, LABEL, Literal("Iran", lang="en"))}


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("nquads", "nquads"), ("trig", "trig")])
def test_construct_in_quad_formats(client: FlaskClient, fmt: str, rdflib_format: str) -> None:
    response = client.get("/sparql", query_string={"query": IRAN_CONSTRUCT, "format": fmt})
    assert response.status_code == 200
    dataset = Dataset().parse(data=response.data, format=rdflib_format)
    assert (IRAN, LABEL, Literal("Iran", lang="en")) in set(dataset.triples((None, None, None)))


def test_default_formats_when_accept_missing_or_anything(client: FlaskClient) -> None:
    select = client.get("/sparql", query_string={"query": IRAN_LABEL}, headers={"Accept": "*/*"})
    construct = client.get("/sparql", query_string={"query": IRAN_CONSTRUCT})
    assert select.mimetype == "application/sparql-results+json"
    assert json.loads(select.data)["results"]["bindings"][0]["label"]["value"] == "Iran"
    assert construct.mimetype == "text/turtle"


def test_unacceptable_accept_is_406(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": IRAN_LABEL}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.get_data(as_text=True)
    bad_format = client.get("/sparql", query_string={"query": IRAN_LABEL, "format": "turtle"})
    assert bad_format.status_code == 400
