"""Graph Store HTTP Protocol at /store: reads for everyone, writes with the token."""

from __future__ import annotations

from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.ontology.vocab import TRUTHY_GRAPH
from actorgraph.server import create_app

TOKEN = "test-update-token"  # conftest's UPDATE_TOKEN, the writer fixture's
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RES = "https://w3id.org/actorgraph/resource/"
IRAN, AFGHANISTAN = URIRef(RES + "iran"), URIRef(RES + "afghanistan")
BORDERS = URIRef("https://w3id.org/actorgraph/ontology#borders")
NEW_GRAPH = "urn:x-test:gsp"


def test_gsp_get_named_graph_as_turtle(writer: FlaskClient) -> None:
    response = writer.get("/store", query_string={"graph": TRUTHY_GRAPH}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    assert (IRAN, BORDERS, AFGHANISTAN) in Graph().parse(data=response.data, format="turtle")


def test_gsp_head_has_headers_only(writer: FlaskClient) -> None:
    response = writer.head("/store", query_string={"graph": TRUTHY_GRAPH, "format": "nt"})
    assert response.status_code == 200
    assert response.mimetype == "application/n-triples"
    assert response.data == b""


def test_gsp_unknown_graph_is_404(writer: FlaskClient) -> None:
    assert writer.get("/store", query_string={"graph": "urn:x-test:none"}).status_code == 404


def test_gsp_default_graph_is_the_stores_own_and_empty(writer: FlaskClient) -> None:
    response = writer.get("/store?default", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.data.strip() == b""


def test_gsp_whole_dataset_as_nquads(writer: FlaskClient) -> None:
    response = writer.get("/store", headers={"Accept": "application/n-quads"})
    assert response.mimetype == "application/n-quads"
    # Parsing the whole dump with rdflib is slow; pyoxigraph writes one canonical line per quad.
    assert f"<{IRAN}> <{BORDERS}> <{AFGHANISTAN}> <{TRUTHY_GRAPH}> ." in response.get_data(as_text=True).splitlines()


def test_gsp_writes_need_the_token(writer: FlaskClient, kg: KnowledgeGraph) -> None:
    body = f"<{RES}iran> <{BORDERS}> <{RES}china> ."
    missing = writer.put("/store", query_string={"graph": NEW_GRAPH}, data=body, content_type="application/n-triples")
    assert missing.status_code == 401
    disabled = create_app(kg=kg).test_client()
    assert disabled.delete("/store", query_string={"graph": TRUTHY_GRAPH}, headers=AUTH).status_code == 403
    assert writer.get("/store", query_string={"graph": NEW_GRAPH}).status_code == 404


def test_gsp_put_post_delete_round_trip(writer: FlaskClient) -> None:
    query = {"graph": NEW_GRAPH}
    put = writer.put("/store", query_string=query, headers=AUTH, content_type="text/turtle",
                     data=f"<{IRAN}> <{BORDERS}> <{RES}china> .")  # fmt: skip
    assert put.status_code == 201
    post = writer.post("/store", query_string=query, headers=AUTH, content_type="application/n-triples",
                       data=f'<{IRAN}> <http://www.w3.org/2000/01/rdf-schema#label> "Iran" .')  # fmt: skip
    assert post.status_code == 204
    got = Graph().parse(data=writer.get("/store", query_string=query, headers={"Accept": "text/turtle"}).data)
    assert set(got) == {(IRAN, BORDERS, URIRef(RES + "china")),
                        (IRAN, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Iran"))}  # fmt: skip
    replaced = writer.put("/store", query_string=query, headers=AUTH, content_type="text/turtle",
                          data=f"<{IRAN}> <{BORDERS}> <{RES}turkey> .")  # fmt: skip
    assert replaced.status_code == 204
    got = Graph().parse(data=writer.get("/store", query_string=query, headers={"Accept": "text/turtle"}).data)
    assert set(got) == {(IRAN, BORDERS, URIRef(RES + "turkey"))}
    assert writer.delete("/store", query_string=query, headers=AUTH).status_code == 204
    assert writer.get("/store", query_string=query).status_code == 404
    assert writer.delete("/store", query_string=query, headers=AUTH).status_code == 404


def test_gsp_bad_payloads(writer: FlaskClient) -> None:
    query = {"graph": NEW_GRAPH}
    wrong_type = writer.put("/store", query_string=query, headers=AUTH, content_type="image/png", data=b"x")
    assert wrong_type.status_code == 415
    broken = writer.put("/store", query_string=query, headers=AUTH, content_type="text/turtle", data="<a> <b> .")
    assert broken.status_code == 400
    both = writer.get(f"/store?default&graph={TRUTHY_GRAPH}")
    assert both.status_code == 400
