"""Regression tests for the two security defects the hostile probe found (issue #13, items 1 and 2).

1. A short query nested thousands of levels deep overflowed the engine's stack and killed the
   worker (a segmentation fault). If the guard let one through, this test process would die.
2. With federation on, a redeclared PREFIX or BASE got a SERVICE call past the allowlist. A second
   endpoint on a loopback port counts the calls it receives: it must receive none.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.errors import InvalidQuery
from actorgraph.ontology.vocab import ENTITIES_GRAPH
from actorgraph.server import create_app

TOKEN = "s3cret-token"

DEEP_SHAPES = {
    "2,218 nested braces (the probe's 4.4 KB query)": "SELECT * WHERE " + "{" * 2218 + "}" * 2218,
    "nested blank-node brackets": "SELECT * WHERE { ?s ?p " + "[ ?p " * 300 + "1" + " ]" * 300 + " }",
    "a run of 50,000 '!'": "ASK { FILTER(" + "!" * 50_000 + "true) }",
    "10,000 '&&' in a row": "ASK { FILTER(" + " && ".join(["true"] * 10_000) + ") }",
    "5,000 BINDs": "SELECT * { " + " ".join(f"BIND(1 AS ?v{i})" for i in range(5000)) + " }",
    "braces spelled as \\u escapes": "SELECT * WHERE " + "\\u007B" * 3000 + "}" * 3000,
    "braces hidden behind closers in a string": "SELECT * { "
    + ("{" * 60 + ' FILTER("' + "}" * 60 + '") ') * 40
    + "}" * 2400
    + " }",
}


@pytest.mark.parametrize("query", DEEP_SHAPES.values(), ids=DEEP_SHAPES.keys())
def test_too_deep_or_long_chained_query_is_400_not_a_crash(kg: KnowledgeGraph, query: str) -> None:
    client = create_app(kg.settings.with_(max_query_length=1_000_000), kg).test_client()
    response = client.post("/sparql", data=query, content_type="application/sparql-query")
    assert response.status_code == 400
    assert "the limit is" in response.get_data(as_text=True)
    # The worker is still there and answers the next client.
    assert client.get("/sparql", query_string={"query": "ASK { ?s a ?t }"}).status_code == 200


def test_deep_update_is_400_and_changes_nothing(writable: KnowledgeGraph) -> None:
    client = create_app(writable.settings.with_(update_token=TOKEN), writable).test_client()
    before = writable.stats()
    deep = "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> " + "[ <urn:x:p> " * 400 + "1" + " ]" * 400 + " } }"
    response = client.post(
        "/update", data=deep, content_type="application/sparql-update", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 400
    assert "nests 402 levels" in response.get_data(as_text=True)
    assert writable.stats() == before


def test_the_guard_lets_real_queries_through(kg: KnowledgeGraph) -> None:
    iris = [row["e"] for row in kg.select(f"SELECT DISTINCT ?e WHERE {{ GRAPH <{ENTITIES_GRAPH}> {{ ?e a ?type }} }}")]
    assert len(iris) > 100
    # A generated query: a VALUES block of a thousand IRIs, and a long (but sane) filter.
    values = " ".join(f"<{iri}>" for iri in (iris * 10)[:1000])
    alternatives = " || ".join(f"?e = <{iri}>" for iri in iris[:200])
    query = f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ VALUES ?e {{ {values} }} FILTER({alternatives}) }}"
    assert kg.select(query)[0]["n"] == "200"
    # The depth a person writes: a dozen nested groups and parentheses.
    nested = "ASK " + "{ " * 12 + "FILTER(" + "(" * 12 + "true" + ")" * 12 + ")" + " }" * 12
    assert bool(kg.query(nested)) is True


def test_the_guard_names_its_limit_in_the_error(kg: KnowledgeGraph) -> None:
    with pytest.raises(InvalidQuery, match=r"nests 2218 levels deep .* the limit is 64"):
        kg.query(DEEP_SHAPES["2,218 nested braces (the probe's 4.4 KB query)"])


# ------------------------------------------------------------------ the SERVICE allowlist bypass


class CountingEndpoint:
    """A SPARQL endpoint on a loopback port that answers no rows and counts every request."""

    def __init__(self) -> None:
        self.hits = 0
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sparql"

    def app(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.hits += 1
        Request(environ).get_data()
        body = '{"head": {"vars": []}, "results": {"bindings": []}}'
        return Response(body, content_type="application/sparql-results+json")(environ, start_response)


@pytest.fixture
def endpoints() -> Iterator[tuple[CountingEndpoint, CountingEndpoint]]:
    """An allowlisted endpoint and another one, each counting its calls."""
    pair = (CountingEndpoint(), CountingEndpoint())
    threads = [threading.Thread(target=e.server.serve_forever, daemon=True) for e in pair]
    for thread in threads:
        thread.start()
    yield pair
    for endpoint in pair:
        endpoint.server.shutdown()


def test_redeclared_prefix_or_base_cannot_reach_a_host_off_the_allowlist(
    kg: KnowledgeGraph, endpoints: tuple[CountingEndpoint, CountingEndpoint]
) -> None:
    allowed, other = endpoints
    client = create_app(kg.settings.with_(federation=True, service_allowlist=allowed.url), kg).test_client()
    allowed_base = allowed.url.rsplit("/", 1)[0] + "/"
    other_base = other.url.rsplit("/", 1)[0] + "/"
    attempts = [
        f"PREFIX c: <{allowed_base}> PREFIX c: <{other_base}> SELECT * {{ SERVICE c:sparql {{ ?s ?p ?o }} }}",
        f"PREFIX c: <{other_base}> PREFIX c: <{allowed_base}> SELECT * {{ SERVICE c:sparql {{ ?s ?p ?o }} }}",
        f"BASE <{allowed_base}> BASE <{other_base}> SELECT * {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        f"BASE <{other_base}> SELECT * {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    ]
    for query in attempts:
        response = client.post("/sparql", data=query, content_type="application/sparql-query")
        assert response.status_code == 400, query
    assert other.hits == 0
    # The allowlisted endpoint, written in full, is still called.
    query = f"SELECT * {{ SERVICE <{allowed.url}> {{ ?s ?p ?o }} }}"
    response = client.post("/sparql", data=query, content_type="application/sparql-query")
    assert response.status_code == 200
    assert allowed.hits == 1
    assert other.hits == 0
