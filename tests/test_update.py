"""SPARQL Update at /update: off by default, Bearer token, atomic, protocol errors."""

from __future__ import annotations

from flask.testing import FlaskClient

from actorgraph.ontology.vocab import TRUTHY_GRAPH, sparql_prefixes

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


def test_update_without_or_with_a_wrong_token_is_401(writer: FlaskClient) -> None:
    missing = writer.post("/update", data={"update": "CLEAR ALL"})
    wrong = writer.post("/update", data={"update": "CLEAR ALL"}, headers={"Authorization": "Bearer nope"})
    assert missing.status_code == wrong.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
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


def test_update_load_refused_when_federation_off(writer: FlaskClient) -> None:
    response = writer.post("/update", data={"update": "LOAD <http://127.0.0.1:9/data.ttl>"}, headers=AUTH)
    assert response.status_code == 400
    assert "LOAD" in response.get_data(as_text=True)
