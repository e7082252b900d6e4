"""SPARQL Update at /update: off by default, Bearer token, atomic, protocol errors."""

from __future__ import annotations

import socket

from flask.testing import FlaskClient

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.ontology.vocab import TRUTHY_GRAPH, sparql_prefixes
from actorgraph.server import create_app

TOKEN = "test-update-token"  # conftest's UPDATE_TOKEN, the writer fixture's
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def ask(writer: FlaskClient, pattern: str) -> bool:
    response = writer.get("/sparql", query_string={"query": sparql_prefixes() + f"ASK {{ {pattern} }}"})
    return bool(response.json["boolean"])  # type: ignore[index]


def test_update_is_off_without_a_configured_token(client: FlaskClient) -> None:
    response = client.post("/update", data={"update": "CLEAR ALL"}, headers=AUTH)
    assert response.status_code == 403
    assert "--update-token" in response.get_data(as_text=True)
    assert ask(client, "res:iran ag:borders res:afghanistan")


def test_update_without_a_token_is_401_with_a_wrong_token_403(writer: FlaskClient) -> None:
    missing = writer.post("/update", data={"update": "CLEAR ALL"})
    wrong = writer.post("/update", data={"update": "CLEAR ALL"}, headers={"Authorization": "Bearer nope"})
    assert missing.status_code == 401
    assert wrong.status_code == 403
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert wrong.get_data(as_text=True) == "the bearer token is wrong\n"
    assert ask(writer, "res:iran ag:borders res:afghanistan")


def test_update_form_post_with_token_inserts(writer: FlaskClient) -> None:
    update = sparql_prefixes() + f"INSERT DATA {{ GRAPH <{TRUTHY_GRAPH}> {{ res:iran ag:borders res:pakistan }} }}"
    response = writer.post("/update", data={"update": update}, headers=AUTH)
    assert response.status_code == 204
    assert ask(writer, "res:iran ag:borders res:pakistan")


def test_update_direct_post_with_token_deletes(writer: FlaskClient) -> None:
    update = sparql_prefixes() + "DELETE WHERE { GRAPH ?g { res:iran skos:altLabel 'Iranian regime'@en } }"
    assert ask(writer, "res:iran skos:altLabel 'Iranian regime'@en")
    response = writer.post("/update", data=update, content_type="application/sparql-update", headers=AUTH)
    assert response.status_code == 204
    assert not ask(writer, "res:iran skos:altLabel 'Iranian regime'@en")


def test_update_is_atomic_when_a_later_operation_fails(writer: FlaskClient) -> None:
    update = (sparql_prefixes() + "INSERT DATA { GRAPH <urn:x-test:g> { res:iran ag:borders res:china } } ;\n"
              f"CREATE GRAPH <{TRUTHY_GRAPH}>")  # fmt: skip
    response = writer.post("/update", data={"update": update}, headers=AUTH)
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)
    assert not ask(writer, "res:iran ag:borders res:china")


def test_update_malformed_is_400_and_wrong_type_415(writer: FlaskClient) -> None:
    malformed = writer.post("/update", data={"update": "INSERT DATA { <a> }"}, headers=AUTH)
    assert malformed.status_code == 400
    assert "error at 1:" in malformed.get_data(as_text=True)
    wrong_type = writer.post("/update", data="CLEAR ALL", content_type="text/plain", headers=AUTH)
    assert wrong_type.status_code == 415


def test_update_load_from_an_allowlisted_endpoint_that_is_down_is_502_and_writes_nothing(
    writable: KnowledgeGraph,
) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/data.ttl"
    settings = writable.settings.with_(update_token=TOKEN, federation=True, service_allowlist=dead)
    writer = create_app(settings, writable).test_client()
    update = f"INSERT DATA {{ GRAPH <urn:x:g> {{ <urn:x:s> <urn:x:p> 1 }} }}; LOAD <{dead}>"
    response = writer.post("/update", data={"update": update}, headers=AUTH)
    assert response.status_code == 502, response.get_data(as_text=True)
    assert "LOAD or SERVICE endpoint of the update failed" in response.get_data(as_text=True)
    assert not ask(writer, "GRAPH <urn:x:g> { ?s ?p ?o }")  # one transaction: the INSERT is gone too


def test_update_load_refused_when_federation_off(writer: FlaskClient) -> None:
    response = writer.post("/update", data={"update": "LOAD <http://127.0.0.1:9/data.ttl>"}, headers=AUTH)
    assert response.status_code == 400
    assert "LOAD" in response.get_data(as_text=True)


# ------------------------------------------------------------------ the rest of the protocol (issue #13)

G1, G2 = "urn:x-test:using-1", "urn:x-test:using-2"


def _post_update(writer: FlaskClient, update: str, **params: str | list[str]) -> tuple[int, str]:
    response = writer.post("/update", data={"update": update, **params}, headers=AUTH)
    return response.status_code, response.get_data(as_text=True)


def test_using_graph_uri_sets_the_dataset_of_the_where(writer: FlaskClient) -> None:
    seed = f"INSERT DATA {{ GRAPH <{G1}> {{ <urn:a> <urn:p> 1 }} GRAPH <{G2}> {{ <urn:b> <urn:p> 2 }} }}"
    assert _post_update(writer, seed) == (204, "")
    copy = "INSERT { GRAPH <urn:x-test:out> { ?s <urn:copied> ?o } } WHERE { ?s <urn:p> ?o }"
    assert _post_update(writer, copy, **{"using-graph-uri": G1}) == (204, "")
    assert ask(writer, "GRAPH <urn:x-test:out> { <urn:a> <urn:copied> 1 }")
    assert not ask(writer, "GRAPH <urn:x-test:out> { <urn:b> <urn:copied> 2 }")  # G2 was not in the dataset
    named = "INSERT { GRAPH <urn:x-test:out> { ?s <urn:from> ?g } } WHERE { GRAPH ?g { ?s <urn:p> ?o } }"
    assert _post_update(writer, named, **{"using-named-graph-uri": G2}) == (204, "")
    assert ask(writer, f"GRAPH <urn:x-test:out> {{ <urn:b> <urn:from> <{G2}> }}")
    assert not ask(writer, f"GRAPH <urn:x-test:out> {{ <urn:a> <urn:from> <{G1}> }}")


def test_using_named_graph_uri_applies_to_delete_where_too(writer: FlaskClient) -> None:
    seed = f"INSERT DATA {{ GRAPH <{G1}> {{ <urn:c> <urn:q> 1 }} GRAPH <{G2}> {{ <urn:c> <urn:q> 1 }} }}"
    assert _post_update(writer, seed) == (204, "")
    update = "DELETE WHERE { GRAPH ?g { <urn:c> <urn:q> ?o } }"
    assert _post_update(writer, update, **{"using-named-graph-uri": G1}) == (204, "")
    assert not ask(writer, f"GRAPH <{G1}> {{ <urn:c> <urn:q> 1 }}")
    assert ask(writer, f"GRAPH <{G2}> {{ <urn:c> <urn:q> 1 }}")  # G2 was not in the dataset


def test_using_graph_uri_with_using_or_with_in_the_update_is_400(writer: FlaskClient) -> None:
    for update in (f"INSERT {{ <urn:x> <urn:y> 1 }} USING <{G1}> WHERE {{ ?s ?p ?o }}",
                   f"WITH <{G1}> INSERT {{ <urn:x> <urn:y> 1 }} WHERE {{ ?s ?p ?o }}"):  # fmt: skip
        status, body = _post_update(writer, update, **{"using-graph-uri": G2})
        assert status == 400
        assert body == "using-graph-uri / using-named-graph-uri cannot be combined with USING or WITH in the update\n"
    assert not ask(writer, "<urn:x> <urn:y> 1")


def test_using_graph_uri_must_be_an_iri(writer: FlaskClient) -> None:
    status, body = _post_update(writer, "INSERT { <urn:x> <urn:y> 2 } WHERE { ?s ?p ?o }",
                                **{"using-graph-uri": "urn:a> } ; DROP ALL ; INSERT { <urn:b"})  # fmt: skip
    assert status == 400
    assert body.startswith("not a valid IRI")
    assert ask(writer, "res:iran ag:borders res:afghanistan")


def test_using_graph_uri_in_the_url_of_a_direct_post(writer: FlaskClient) -> None:
    seed = f"INSERT DATA {{ GRAPH <{G1}> {{ <urn:d> <urn:r> 1 }} }}"
    assert _post_update(writer, seed) == (204, "")
    response = writer.post("/update", query_string={"using-graph-uri": G1}, headers=AUTH,
                           data="INSERT { GRAPH <urn:x-test:out2> { ?s <urn:r> ?o } } WHERE { ?s <urn:r> ?o }",
                           content_type="application/sparql-update")  # fmt: skip
    assert response.status_code == 204
    assert ask(writer, "GRAPH <urn:x-test:out2> { <urn:d> <urn:r> 1 }")


def test_update_relative_iris_resolve_against_the_endpoint_url(writer: FlaskClient) -> None:
    assert _post_update(writer, "INSERT DATA { GRAPH <g> { <s> <p> 1 } }") == (204, "")
    assert ask(writer, "GRAPH <http://localhost/g> { <http://localhost/s> <http://localhost/p> 1 }")


def test_update_empty_is_400(writer: FlaskClient) -> None:
    assert _post_update(writer, "  ") == (400, "empty update\n")
