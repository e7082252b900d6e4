"""Real clients against a real server process: SPARQLWrapper, rdflib's SPARQLStore, timeouts,
federation through a second local endpoint, and a rebuild while clients keep querying."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from server_process import FIXTURE_SOURCES, LiveServer, build_store, copy_sources, start_server
from SPARQLWrapper import JSON, SPARQLWrapper

from actorgraph.ontology.vocab import sparql_prefixes

pytestmark = pytest.mark.live

RES = "https://w3id.org/actorgraph/resource/"
IRAN_LABEL = sparql_prefixes() + "SELECT ?label WHERE { res:iran rdfs:label ?label }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_live_sparqlwrapper_select_returns_iran_label(live: LiveServer) -> None:
    client = SPARQLWrapper(live.sparql)
    client.setQuery(IRAN_LABEL)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert [b["label"]["value"] for b in result["results"]["bindings"]] == ["Iran"]  # type: ignore[index,call-overload]


def test_live_rdflib_sparqlstore_reads_the_border(live: LiveServer) -> None:
    graph = Graph(store=SPARQLStore(live.sparql))
    borders = URIRef("https://w3id.org/actorgraph/ontology#borders")
    assert (URIRef(RES + "iran"), borders, URIRef(RES + "afghanistan")) in graph
    rows = list(graph.query(IRAN_LABEL))
    assert rows[0][0] == Literal("Iran", lang="en")  # type: ignore[index]


def test_live_runaway_query_ends_503_while_others_are_answered(live: LiveServer) -> None:
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        response = httpx.post(live.sparql, data={"query": RUNAWAY}, timeout=30)
        outcome.update(status=response.status_code, text=response.text, took=time.monotonic() - started)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    answered = []
    with httpx.Client(timeout=10) as http:  # one client: creating one costs more than a query
        while thread.is_alive():
            response = http.get(live.sparql, params={"query": IRAN_LABEL})
            answered.append(response.json()["results"]["bindings"][0]["label"]["value"])
            time.sleep(0.05)
    thread.join()
    assert outcome["status"] == 503
    assert "timed out" in str(outcome["text"])
    assert 1.9 < float(outcome["took"]) < 6  # type: ignore[arg-type]
    assert len(answered) >= 5 and set(answered) == {"Iran"}
    # The worker that was ended has been replaced: the server still answers.
    assert httpx.get(live.url + "/health", timeout=10).json()["status"] == "ok"


def closed_port_url() -> str:
    """The URL of an endpoint on a loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/sparql"


def test_live_federation_joins_an_allowlisted_endpoint_and_refuses_others(live: LiveServer, built_store: Path,
                                                                          tmp_path: Path) -> None:  # fmt: skip
    dead = closed_port_url()
    front = start_server(["--store", str(built_store), "--workers", "2", "--federation",
                          "--service-allowlist", f"{live.sparql} {dead}"], tmp_path / "front.log")  # fmt: skip
    try:
        # An allowlisted endpoint that is down: the upstream's failure (502, with the engine's reason), not
        # a crashed query process (the engine's I/O error used to be taken for a gone front).
        down = f"SELECT * WHERE {{ SERVICE <{dead}> {{ ?s ?p ?o }} }}"
        response = httpx.get(front.sparql, params={"query": down}, timeout=30)
        assert response.status_code == 502, response.text
        assert "SERVICE endpoint of the query failed" in response.text and "refused" in response.text
        assert "replaced" not in (tmp_path / "front.log").read_text()
        # The border is matched locally, the neighbour's label fetched from the other endpoint.
        joined = sparql_prefixes() + (
            "SELECT ?label WHERE { res:iran ag:borders ?country . "
            f"SERVICE <{live.sparql}> {{ ?country rdfs:label ?label }} }}"
        )
        response = httpx.get(front.sparql, params={"query": joined}, timeout=30)
        assert response.status_code == 200, response.text
        labels = {b["label"]["value"] for b in response.json()["results"]["bindings"]}
        assert "Afghanistan" in labels
        refused = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
        response = httpx.get(front.sparql, params={"query": refused}, timeout=30)
        assert response.status_code == 400
        assert "not in the allowlist" in response.text
    finally:
        front.stop()


def test_live_rebuild_while_serving_has_no_failed_requests(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path / "sources")
    store = build_store(tmp_path / "store", sources)
    server = start_server(["--store", str(store), "--workers", "2"], tmp_path / "server.log")
    marker = sparql_prefixes() + "SELECT ?label WHERE { res:rebuild-marker rdfs:label ?label }"
    statuses: list[int] = []
    seen: list[list[str]] = []
    stop = threading.Event()

    def keep_querying() -> None:
        with httpx.Client(timeout=10) as http:
            while not stop.is_set():
                response = http.get(server.sparql, params={"query": marker})
                statuses.append(response.status_code)
                seen.append([b["label"]["value"] for b in json.loads(response.content)["results"]["bindings"]])
                time.sleep(0.01)  # leave the build some CPU on a 2-core machine

    try:
        client = threading.Thread(target=keep_querying)
        client.start()
        time.sleep(0.5)
        with (sources / "entities" / "fixture.yaml").open("a", encoding="utf-8") as registry:
            registry.write("\n- id: rebuild-marker\n  type: [State, Country]\n  label: Rebuild Marker\n")
        subprocess.run([sys.executable, "-m", "actorgraph.graph", "build", "--store", str(store),
                        "--sources", str(sources)], check=True, capture_output=True)  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (not seen or seen[-1] != ["Rebuild Marker"]):
            time.sleep(0.1)
        time.sleep(0.3)
        stop.set()
        client.join()
    finally:
        stop.set()
        server.stop()
    assert set(statuses) == {200}
    assert seen[0] == [] and seen[-1] == ["Rebuild Marker"]
    # Once the new store answered, no request went back to the old one.
    first_new = seen.index(["Rebuild Marker"])
    assert all(labels == ["Rebuild Marker"] for labels in seen[first_new:])


def test_live_update_with_token_writes_through_the_single_writer(tmp_path: Path) -> None:
    store = build_store(tmp_path / "store", FIXTURE_SOURCES)
    server = start_server(["--store", str(store), "--update-token", "tok3n"], tmp_path / "server.log")
    try:
        with httpx.Client(timeout=10) as http:
            update = sparql_prefixes() + "INSERT DATA { GRAPH <urn:x-test:live> { res:iran ag:borders res:taliban } }"
            refused = http.post(server.url + "/update", data={"update": update})
            assert refused.status_code == 401
            done = http.post(server.url + "/update", data={"update": update},
                             headers={"Authorization": "Bearer tok3n"})  # fmt: skip
            assert done.status_code == 204
            ask = sparql_prefixes() + "ASK { res:iran ag:borders res:taliban }"
            assert http.get(server.sparql, params={"query": ask}).json()["boolean"] is True
            assert http.get(server.url + "/health").json()["read_only"] is False
    finally:
        server.stop()
