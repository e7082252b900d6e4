"""Security of the web surface: escaping, page headers, path traversal, write tokens, SERVICE reach.

The escaping tests build a small sources folder (a copy of tests/data/fixture) whose labels and
document text carry ``<script>`` and ``javascript:``; every page that shows them must show them as
text. The SERVICE tests use endpoints on loopback ports that count their hits.
"""

from __future__ import annotations

import hmac
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.server import create_app

FIXTURE = Path(__file__).parent / "data" / "fixture"
SCRIPT = '<script>alert("x")</script>'
JS_LINK = "javascript:alert(1)"
TOKEN = "security-token"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """The fixture sources with hostile text in a label, an alias and the document (and a statement quoting it)."""

    folder = tmp_path_factory.mktemp("hostile") / "sources"  # kept: pages read the sources (link registry)
    shutil.copytree(FIXTURE, folder)
    entities = folder / "entities" / "fixture.yaml"
    text = entities.read_text(encoding="utf-8")
    text = text.replace("label: Iran\n", f"label: 'Iran {SCRIPT}'\n", 1)
    text = text.replace("aliases: [Islamic Republic of Iran]", f"aliases: ['{JS_LINK}']", 1)
    entities.write_text(text, encoding="utf-8")
    document = folder / "documents" / "excerpt.txt"
    hostile_sentence = f'\nThey wrote {SCRIPT} and <a href="{JS_LINK}">a link</a> in the margin.\n'
    document.write_text(document.read_text(encoding="utf-8") + hostile_sentence, encoding="utf-8")
    registry = folder / "documents.yaml"
    registry.write_text(
        "".join(
            line for line in registry.read_text(encoding="utf-8").splitlines(keepends=True) if "sha256:" not in line
        ),
        encoding="utf-8",
    )
    statements = folder / "statements" / "excerpt.yaml"
    statements.write_text(
        statements.read_text(encoding="utf-8").replace(
            "no_claim:",
            "  - id: hostile\n"
            f"    quote: 'They wrote {SCRIPT} and <a href=\"{JS_LINK}\">a link</a>'\n"
            "    subject: iran\n    predicate: hosts\n    object: taliban\n"
            "no_claim:",
            1,
        ),
        encoding="utf-8",
    )
    graph = KnowledgeGraph(Settings(store_path=":memory:"), sources=folder)
    graph.build()
    return graph


@pytest.fixture(scope="module")
def pages(hostile: KnowledgeGraph) -> FlaskClient:
    return create_app(hostile.settings.with_(update_token=TOKEN), hostile).test_client()


HTML_PAGES = [
    "/resource/iran",
    "/resource/taliban",
    "/resource/",
    "/resource/document/excerpt",
    "/resource/statement/excerpt/hostile",
    "/queries/entity_search?format=html&text=Iran",
    "/?query=" + quote("SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"),
    "/resource/%3Cscript%3Ealert(1)%3C%2Fscript%3E",  # an error page echoing the path
    "/queries/%3Cscript%3E?format=html",
]


@pytest.mark.parametrize("path", HTML_PAGES)
def test_pages_escape_labels_documents_and_results(pages: FlaskClient, path: str) -> None:
    response = pages.get(path, headers={"Accept": "text/html"})
    assert response.mimetype == "text/html", (path, response.status_code)
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body, path
    assert 'href="javascript:' not in body.lower(), path
    assert 'src="javascript:' not in body.lower(), path


def test_the_hostile_text_is_shown_as_text(pages: FlaskClient) -> None:
    actor = pages.get("/resource/iran", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Iran &lt;script&gt;alert(" in actor
    assert JS_LINK in actor  # the alias, as text
    document = pages.get("/resource/document/excerpt", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "&lt;a href=" in document and "&lt;script&gt;" in document


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/resource/iran",
        "/resource/document/excerpt",
        "/ontology",
        "/queries",
        "/resource/no-such-thing",
        "/queries/no-such-query?format=html",
    ],
)
def test_html_pages_carry_the_security_headers(pages: FlaskClient, path: str) -> None:
    response = pages.get(path, headers={"Accept": "text/html"})
    assert response.mimetype == "text/html", path
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "script-src" not in policy or "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_text_and_csv_answers_that_echo_input_are_not_sniffed(pages: FlaskClient) -> None:
    csv = pages.get("/sparql", query_string={"query": f"SELECT ('{SCRIPT}' AS ?x) {{}}", "format": "csv"})
    error = pages.get("/sparql", query_string={"query": f"SELECT {SCRIPT}"})
    assert csv.mimetype == "text/csv" and "<script>alert" in csv.get_data(as_text=True)  # CSV doubles the quotes
    assert error.mimetype == "text/plain" and error.status_code == 400
    for response in (csv, error):
        assert response.headers["X-Content-Type-Options"] == "nosniff"


TRAVERSALS = [
    "/resource/../../../../etc/passwd",
    "/resource/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/resource/document/..%2f..%2fdocuments.yaml",
    "/resource/document/%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/static/../../pyproject.toml",
    "/static/..%2f..%2fpyproject.toml",
    "/static/%2e%2e/%2e%2e/server/__init__.py",
    "/resource/statement/..%2f..%2f/excerpt",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_path_traversal(pages: FlaskClient, path: str) -> None:
    response = pages.get(path)
    assert response.status_code in (400, 404), (path, response.status_code)
    body = response.get_data(as_text=True)
    for leaked in ("root:x:0:0", "[project]", "create_app", "sha256:"):
        assert leaked not in body, path


def test_writes_without_the_token_are_401_with_a_wrong_one_403(pages: FlaskClient, hostile: KnowledgeGraph) -> None:
    before = hostile.stats()
    writes = [
        ("post", "/update", {"data": {"update": "CLEAR ALL"}}),
        (
            "put",
            "/store",
            {
                "query_string": {"graph": "urn:x:g"},
                "data": "<urn:a> <urn:b> <urn:c> .",
                "content_type": "application/n-triples",
            },
        ),
        (
            "post",
            "/store",
            {
                "query_string": {"graph": "urn:x:g"},
                "data": "<urn:a> <urn:b> <urn:c> .",
                "content_type": "application/n-triples",
            },
        ),
        ("delete", "/store", {"query_string": {"graph": "urn:x:g"}}),
    ]
    for method, path, options in writes:
        missing = getattr(pages, method)(path, **options)
        wrong = getattr(pages, method)(path, headers={"Authorization": "Bearer not-the-token"}, **options)
        basic = getattr(pages, method)(path, headers={"Authorization": f"Basic {TOKEN}"}, **options)
        assert (missing.status_code, wrong.status_code, basic.status_code) == (401, 403, 401), (method, path)
        assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert hostile.stats() == before


def test_the_token_is_compared_in_constant_time(pages: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    response = pages.post(
        "/update", data={"update": "CLEAR GRAPH <urn:x:none>"}, headers={"Authorization": "Bearer guess"}
    )
    assert response.status_code == 403
    assert compared == [(b"guess", TOKEN.encode())]


# ------------------------------------------------------------------ SERVICE: allowlist, names, redirects


class Endpoint(http.server.ThreadingHTTPServer):
    """A loopback HTTP endpoint that counts its hits; answers no rows, or redirects to another URL."""

    def __init__(self, redirect_to: str | None = None) -> None:
        self.hits = 0
        self.redirect_to = redirect_to
        super().__init__(("127.0.0.1", 0), _Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/sparql"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Endpoint

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer()

    def _answer(self) -> None:
        self.server.hits += 1
        if self.server.redirect_to:
            self.send_response(307)
            self.send_header("Location", self.server.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"head": {"vars": []}, "results": {"bindings": []}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def target() -> Iterator[Endpoint]:
    endpoint = Endpoint()
    yield endpoint
    endpoint.shutdown()
    endpoint.server_close()


def _federated(kg: KnowledgeGraph, allowlist: str) -> FlaskClient:
    return create_app(kg.settings.with_(federation=True, service_allowlist=allowlist), kg).test_client()


def test_service_to_a_host_off_the_allowlist_is_refused(kg: KnowledgeGraph, target: Endpoint) -> None:
    client = _federated(kg, "https://query.wikidata.org/sparql")
    response = client.get("/sparql", query_string={"query": f"SELECT * {{ SERVICE <{target.url}> {{ ?s ?p ?o }} }}"})
    assert response.status_code == 400
    assert "not in the allowlist" in response.get_data(as_text=True)
    assert target.hits == 0


def test_service_through_a_redirect_does_not_reach_the_other_host(kg: KnowledgeGraph, target: Endpoint) -> None:
    redirector = Endpoint(redirect_to=target.url)
    try:
        client = _federated(kg, redirector.url)
        query = f"SELECT * {{ SERVICE <{redirector.url}> {{ ?s ?p ?o }} }}"
        response = client.get("/sparql", query_string={"query": query})
        assert response.status_code == 502  # pyoxigraph does not follow the 307: the call fails upstream
        assert "Traceback" not in response.get_data(as_text=True)
        assert redirector.hits == 1
        assert target.hits == 0
    finally:
        redirector.shutdown()
        redirector.server_close()


def test_service_to_a_name_that_resolves_to_loopback_is_refused(kg: KnowledgeGraph, target: Endpoint) -> None:
    by_name = target.url.replace("127.0.0.1", "localhost")
    client = _federated(kg, by_name)  # even when the allowlist names it
    response = client.get("/sparql", query_string={"query": f"SELECT * {{ SERVICE <{by_name}> {{ ?s ?p ?o }} }}"})
    assert response.status_code == 400
    assert "resolves to the internal address" in response.get_data(as_text=True)
    assert target.hits == 0
    # Named by its literal address, on purpose, it is called.
    literal = _federated(kg, target.url)
    query = f"SELECT * {{ SERVICE <{target.url}> {{ ?s ?p ?o }} }}"
    assert literal.get("/sparql", query_string={"query": query}).status_code == 200
    assert target.hits == 1


@pytest.mark.parametrize("iri", ["file:///etc/passwd", "ftp://127.0.0.1/x"])
def test_service_to_a_non_http_endpoint_is_refused_even_when_allowlisted(kg: KnowledgeGraph, iri: str) -> None:
    response = _federated(kg, iri).get(
        "/sparql", query_string={"query": f"SELECT * {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}"}
    )
    assert response.status_code == 400
    assert "not an http(s) endpoint" in response.get_data(as_text=True)
