"""Graph Store HTTP Protocol at /store: reads for everyone, writes with the token."""

from __future__ import annotations

import io

import pytest
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


# ------------------------------------------------------------------ the rest of the protocol (issue #13)


def test_gsp_post_to_a_new_graph_is_201_with_location_then_merges(writer: FlaskClient) -> None:
    graph = "urn:x-test:gsp-post"
    created = writer.post("/store", query_string={"graph": graph}, headers=AUTH, content_type="text/turtle",
                          data=f"<{IRAN}> <{BORDERS}> <{RES}iraq> .")  # fmt: skip
    assert created.status_code == 201
    assert created.headers["Location"] == "http://localhost/store?graph=urn:x-test:gsp-post"
    merged = writer.post("/store", query_string={"graph": graph}, headers=AUTH, content_type="text/turtle",
                         data=f"<{IRAN}> <{BORDERS}> <{RES}turkey> .")  # fmt: skip
    assert merged.status_code == 204
    assert "Location" not in merged.headers
    got = Graph().parse(data=writer.get(created.headers["Location"], headers={"Accept": "text/turtle"}).data)
    assert set(got) == {(IRAN, BORDERS, URIRef(RES + "iraq")), (IRAN, BORDERS, URIRef(RES + "turkey"))}


def test_gsp_post_to_the_store_creates_a_graph_the_server_names(writer: FlaskClient) -> None:
    created = writer.post("/store", headers=AUTH, content_type="application/n-triples",
                          data=f"<{IRAN}> <{BORDERS}> <{RES}oman> .")  # fmt: skip
    assert created.status_code == 201
    location = created.headers["Location"]
    assert location.startswith("http://localhost/store?graph=https://w3id.org/actorgraph/graph/upload/")
    got = Graph().parse(data=writer.get(location, headers={"Accept": "text/turtle"}).data)
    assert set(got) == {(IRAN, BORDERS, URIRef(RES + "oman"))}


def test_gsp_multipart_post_loads_every_file_in_one_write(writer: FlaskClient) -> None:
    graph = "urn:x-test:gsp-multipart"
    files = {
        "a": (io.BytesIO(b"@prefix r: <https://w3id.org/actorgraph/resource/> . _:b0 r:p r:one ."), "a.ttl"),
        "b": (io.BytesIO(b"_:b0 <https://w3id.org/actorgraph/resource/p> <x> ."), "b.data", "text/turtle"),
    }
    response = writer.post("/store", query_string={"graph": graph}, headers=AUTH, data=files,
                           content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 201, response.get_data(as_text=True)
    got = Graph().parse(
        data=writer.get("/store", query_string={"graph": graph}, headers={"Accept": "text/turtle"}).data
    )
    objects = sorted(str(o) for _s, _p, o in got)
    assert objects == [RES + "one", "urn:x"]  # the relative <x> against the graph IRI (RFC 3986)
    assert len({s for s, _p, _o in got}) == 2  # each file's _:b0 is its own node


def test_gsp_multipart_with_one_broken_file_writes_nothing(writer: FlaskClient) -> None:
    graph = "urn:x-test:gsp-multipart-broken"
    files = {
        "a": (io.BytesIO(b"<urn:a> <urn:b> <urn:c> ."), "a.nt"),
        "b": (io.BytesIO(b"<urn:a> <urn:b> ."), "broken.ttl"),
    }
    response = writer.post("/store", query_string={"graph": graph}, headers=AUTH, data=files,
                           content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 400
    assert response.get_data(as_text=True).startswith("invalid turtle document in 'broken.ttl':")
    assert writer.get("/store", query_string={"graph": graph}).status_code == 404


def test_gsp_upload_errors_say_what_they_are_not_invalid_sparql(writer: FlaskClient) -> None:
    response = writer.put("/store", query_string={"graph": NEW_GRAPH}, headers=AUTH, content_type="text/turtle",
                          data="<a> <b> .")  # fmt: skip
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert body.startswith("invalid turtle document: ")
    assert "SPARQL" not in body


@pytest.mark.parametrize("graph", ["%zz", "not an iri", "urn:a> } } ; DROP ALL ; INSERT DATA { GRAPH <urn:b"])
def test_gsp_invalid_or_injected_graph_iris_are_400(writer: FlaskClient, graph: str) -> None:
    for method in ("get", "put", "post", "delete"):
        response = getattr(writer, method)("/store", query_string={"graph": graph}, headers=AUTH,
                                           content_type="text/turtle", data="<urn:a> <urn:b> <urn:c> .")  # fmt: skip
        assert response.status_code == 400, (method, response.status_code)
        assert response.get_data(as_text=True).startswith("not a valid IRI")
    assert writer.get("/store", query_string={"graph": TRUTHY_GRAPH}).status_code == 200
