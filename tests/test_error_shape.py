"""The error contract: status, content type and body shape of each error class on each surface.

Three surfaces (server/errors.py): the SPARQL protocol and data answers in text/plain, the JSON
API in {"ok": false, "error", "status"}, the pages in error.html. One table gives the status.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.graph.errors import (
    InvalidIRI,
    InvalidQuery,
    KGError,
    QueryEvaluationError,
    QueryParameterError,
    ReadOnlyStore,
    ServiceNotAllowed,
    StoreError,
    UnknownFormat,
    UnknownQuery,
)
from actorgraph.server import create_app, errors
from actorgraph.server.protocol.workers import timeout_message

TOKEN = "test-update-token"  # conftest's UPDATE_TOKEN, the writer fixture's

# Every class of the table, with the status it must give.
TABLE: list[tuple[BaseException, int]] = [
    (InvalidQuery("Unexpected token", 1, 8), 400),
    (QueryEvaluationError("The custom function <x:f> is not supported"), 400),
    (QueryParameterError("year must be an integer"), 400),
    (UnknownFormat("unknown format 'png'"), 400),
    (ServiceNotAllowed("SERVICE <http://x/> is not in the allowlist"), 400),
    (InvalidIRI("not a valid IRI: 'a b'"), 400),
    (errors.BadRequest("missing 'query' parameter"), 400),
    (errors.Unauthorized("a valid 'Authorization: Bearer <token>' header is required"), 401),
    (errors.Forbidden("writes are disabled"), 403),
    (ReadOnlyStore("the store is open read-only"), 403),
    (errors.NotFound("no graph <urn:x>"), 404),
    (UnknownQuery("no named query 'x'"), 404),
    (errors.MethodNotAllowed("SPARQL Update must be sent by POST", {"Allow": "POST, OPTIONS"}), 405),
    (errors.NotAcceptable("cannot produce any of: image/png"), 406),
    (errors.PayloadTooLarge("query too long"), 413),
    (errors.UnsupportedMediaType("unsupported Content-Type 'text/plain'"), 415),
    (KGError("a core error without a class of its own"), 500),
    (StoreError("no store at var/store: run 'actorgraph build' first"), 503),
    (errors.QueryTimeout("Query timed out"), 503),
]


def assert_text_error(response: TestResponse, status: int) -> str:
    """The SPARQL protocol's shape: the status, text/plain, one message ending in a newline."""
    assert response.status_code == status
    assert response.mimetype == "text/plain"
    body = response.get_data(as_text=True)
    assert body.endswith("\n") and body.strip()
    return body


def assert_json_error(response: TestResponse, status: int) -> str:
    """The JSON API's shape: exactly {ok: false, error: <message>, status: <status>}."""
    assert response.status_code == status
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert set(data) == {"ok", "error", "status"}
    assert data["ok"] is False
    assert data["status"] == status
    assert isinstance(data["error"], str) and data["error"]
    message: str = data["error"]
    return message


def assert_html_error(response: TestResponse, status: int) -> str:
    """The pages' shape: error.html with the status in its heading and the message in its paragraph."""
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert f"<h1>{status} · " in page
    assert '<p class="error-message">' in page
    return page


@pytest.fixture(scope="module")
def app(kg: KnowledgeGraph) -> Flask:
    return create_app(kg=kg)


@pytest.mark.parametrize(("exc", "status"), TABLE, ids=lambda v: type(v).__name__ if isinstance(v, Exception) else "")
def test_error_table_gives_each_class_its_status_on_every_surface(app: Flask, exc: BaseException,
                                                                  status: int) -> None:  # fmt: skip
    with app.test_request_context("/"):
        found = errors.problem(exc)
        assert found.status == status
        text = errors.error_response(exc, "text")
        json_answer = errors.error_response(exc, "json")
        html = errors.error_response(exc, "html")
    for response in (text, json_answer, html):
        assert response.status_code == status
    assert text.mimetype == "text/plain" and text.get_data(as_text=True) == found.message + "\n"
    assert json_answer.get_json() == {"ok": False, "error": found.message, "status": status}
    assert html.mimetype == "text/html" and f"<h1>{status} · " in html.get_data(as_text=True)
    if isinstance(exc, errors.HTTPError):
        for response in (text, json_answer, html):
            assert all(response.headers[k] == v for k, v in exc.headers.items())


def test_an_unknown_exception_is_a_logged_500_without_details(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    with app.test_request_context("/"):
        response = errors.error_response(RuntimeError("secret internals"), "json")
    assert response.get_json() == {"ok": False, "error": "Internal server error (logged).", "status": 500}
    assert "secret internals" in caplog.text


# ------------------------------------------------------------------------------ the text surface


def test_sparql_errors_are_text_plain(client: FlaskClient) -> None:
    parse = assert_text_error(client.get("/sparql", query_string={"query": "SELECT WHERE"}), 400)
    assert parse.startswith("Invalid SPARQL:")
    evaluation = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { BIND(<urn:x:f>(1) AS ?x) }"})
    assert "urn:x:f" in assert_text_error(evaluation, 400)
    bad_iri = client.get("/sparql", query_string={"query": "ASK {}", "default-graph-uri": "not an iri"})
    assert "not an iri" in assert_text_error(bad_iri, 400)
    service = client.get("/sparql", query_string={"query": "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }"})
    assert "federation is off" in assert_text_error(service, 400)
    assert_text_error(client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "image/png"}), 406)
    assert_text_error(client.get("/sparql", query_string={"query": "ASK {}", "format": "png"}), 400)
    assert_text_error(client.post("/sparql", data="ASK {}", content_type="text/plain"), 415)
    assert client.get("/sparql", query_string={"query": "SELECT WHERE"}).headers["Access-Control-Allow-Origin"] == "*"


def test_update_and_graph_store_errors_are_text_plain(client: FlaskClient, writer: FlaskClient) -> None:
    assert "--update-token" in assert_text_error(client.post("/update", data={"update": "CLEAR ALL"}), 403)
    unauthorized = writer.post("/update", data={"update": "CLEAR ALL"})
    assert_text_error(unauthorized, 401)
    assert unauthorized.headers["WWW-Authenticate"].startswith("Bearer")
    get = writer.get("/update")
    assert_text_error(get, 405)
    assert sorted(get.headers["Allow"].split(", ")) == ["OPTIONS", "POST"]  # werkzeug's 405: no GET offered
    auth = {"Authorization": f"Bearer {TOKEN}"}
    created_twice = writer.post("/update", data={"update": "CREATE GRAPH <urn:x:g> ; CREATE GRAPH <urn:x:g>"},
                                headers=auth)  # fmt: skip
    assert "nothing was changed" in assert_text_error(created_twice, 400)
    assert_text_error(writer.get("/store", query_string={"graph": "urn:x:none"}), 404)
    assert_text_error(writer.put("/store?graph=urn:x:g", data="x", content_type="image/png", headers=auth), 415)


def test_named_query_and_picture_errors_are_text_plain_for_data_clients(client: FlaskClient) -> None:
    assert_text_error(client.get("/queries/no_such_query"), 404)
    assert_text_error(client.get("/network.svg"), 400)
    assert_text_error(client.get("/no/such/route"), 404)


def test_a_missing_store_is_a_503(tmp_path: Path) -> None:
    missing = create_app(kg=KnowledgeGraph(Settings(store_path=str(tmp_path / "none")))).test_client()
    assert "actorgraph build" in assert_text_error(missing.get("/sparql", query_string={"query": "ASK {}"}), 503)
    assert "actorgraph build" in assert_json_error(missing.get("/health"), 503)


def test_the_watchdog_timeout_is_the_tables_text_answer() -> None:
    head, _, body = timeout_message(2.5).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0] == "HTTP/1.1 503 Service Unavailable"
    assert "Content-Type: text/plain; charset=utf-8" in lines
    assert f"Content-Length: {len(body)}" in lines
    assert "Retry-After: 1" in lines and "Connection: close" in lines
    assert body == b"Query timed out: it ran longer than the server's limit of 2.5 s.\n"


# ------------------------------------------------------------------------------ the JSON surface


def test_json_api_errors_have_one_shape(client: FlaskClient) -> None:
    assert "png" in assert_json_error(client.get("/queries", query_string={"format": "png"}), 400)
    assert_json_error(client.get("/queries", headers={"Accept": "image/png"}), 406)


# ------------------------------------------------------------------------------ the HTML surface


def test_page_errors_render_the_error_page(client: FlaskClient) -> None:
    page = assert_html_error(client.get("/resource/no-such-actor"), 404)
    assert "The graph has no resource https://w3id.org/actorgraph/resource/no-such-actor." in page
    assert_html_error(client.get("/resource/no such actor", headers={"Accept": "text/html"}), 404)
    assert_html_error(client.get("/queries/no_such_query", headers={"Accept": "text/html"}), 404)
    assert_html_error(client.get("/queries/no_such_query", query_string={"format": "html"}), 404)
    assert_text_error(client.get("/resource/no-such-actor", headers={"Accept": "text/turtle"}), 404)
    assert_text_error(client.get("/resource/iran", headers={"Accept": "image/png"}), 406)
