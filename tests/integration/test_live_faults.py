"""Faults against a real server process (issue #13, "Faults"): a query process killed in the middle of a
query, and SIGTERM in the middle of an update."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
from proc_stats import cpu_ticks, query_processes
from server_process import FIXTURE_SOURCES, build_store, start_server

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.ontology.vocab import sparql_prefixes

pytestmark = pytest.mark.live

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
STATEMENTS = sparql_prefixes() + "SELECT (COUNT(*) AS ?n) WHERE { ?s a ag:Statement }"
ALL_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != <urn:x-test:big>) }"
BIG = "urn:x-test:big"
# A long update: every (subject, object) pair of a cross join of the store with itself, into one graph
# (124,002 triples over the fixture; seconds of work for the single writer).
PAIRS = "GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f }"
LONG_UPDATE = f"INSERT {{ GRAPH <{BIG}> {{ ?a <urn:x-test:pair> ?f }} }} WHERE {{ {PAIRS} }}"
PAIR_COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?a ?f WHERE {{ {PAIRS} }} }}"
BIG_COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BIG}> {{ ?s ?p ?o }} }}"


def in_process_count(store: Path, query: str) -> int:
    return int(KnowledgeGraph(Settings(store_path=str(store))).select(query)[0]["n"])


def served_count(http: httpx.Client, sparql: str, query: str) -> int:
    response = http.get(sparql, params={"query": query})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def busiest(pids: set[int], seconds: float) -> int:
    """The process that used the most CPU over the next seconds (the one running the runaway)."""
    before = {pid: cpu_ticks(pid) for pid in pids}
    time.sleep(seconds)
    return max(pids, key=lambda pid: cpu_ticks(pid) - before[pid])


def settle(pids: set[int], limit: float = 60) -> None:
    """Wait until none of these processes uses CPU for half a second (the spare has started)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = {pid: cpu_ticks(pid) for pid in pids}
        time.sleep(0.5)
        if all(cpu_ticks(pid) == ticks for pid, ticks in before.items()):
            return


def test_live_a_query_process_killed_mid_query_fails_that_request_and_the_next_is_served(tmp_path: Path) -> None:
    store = build_store(tmp_path / "store", FIXTURE_SOURCES)
    expected = in_process_count(store, STATEMENTS)
    server = start_server(["--store", str(store), "--workers", "2", "--timeout", "60"], tmp_path / "server.log")
    outcome: dict[str, object] = {}

    def slow_query() -> None:
        try:
            response = httpx.get(server.sparql, params={"query": RUNAWAY}, timeout=60)
            outcome.update(status=response.status_code, text=response.text)
        except httpx.TransportError as exc:  # a closed connection is an error the client sees too
            outcome.update(status=None, text=repr(exc))

    try:
        workers = query_processes(server.process.pid)
        assert len(workers) == 3  # two query processes, and the spare held back for a replacement
        settle(workers)  # the busiest process below is then the one running the query, not the spare starting
        client = threading.Thread(target=slow_query)
        client.start()
        victim = busiest(workers, 1.5)
        assert client.is_alive()  # the query is still running when its process dies
        os.kill(victim, signal.SIGKILL)
        client.join(timeout=30)
        assert not client.is_alive()
        # The design: the front sees the process's socket close and answers from the error table, a 503.
        assert outcome["status"] == 503, outcome
        assert "ended unexpectedly" in str(outcome["text"]), outcome
        with httpx.Client(timeout=20) as http:
            assert served_count(http, server.sparql, STATEMENTS) == expected
            # The killed process is replaced (by the spare): the server is back to two query processes and
            # a spare (a new one, starting at low priority).
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and len(query_processes(server.process.pid) - {victim}) < 3:
                time.sleep(0.2)
            assert len(query_processes(server.process.pid) - {victim}) == 3
            assert {served_count(http, server.sparql, STATEMENTS) for _ in range(6)} == {expected}
    finally:
        server.stop()
    print(f"killed mid-query: the client saw {outcome['status']} {str(outcome['text']).strip()!r}")


def test_live_sigterm_during_an_update_keeps_all_of_it_or_none(tmp_path: Path) -> None:
    store = build_store(tmp_path / "store", FIXTURE_SOURCES)
    old_quads = in_process_count(store, ALL_QUADS)
    old_statements = in_process_count(store, STATEMENTS)
    all_pairs = in_process_count(store, PAIR_COUNT)
    args = ["--store", str(store), "--update-token", "tok3n", "--timeout", "120"]
    server = start_server(args, tmp_path / "server.log")
    outcome: dict[str, object] = {}

    def update() -> None:
        try:
            response = httpx.post(server.url + "/update", data={"update": LONG_UPDATE},
                                  headers={"Authorization": "Bearer tok3n"}, timeout=120)  # fmt: skip
            outcome.update(status=response.status_code)
        except httpx.TransportError as exc:
            outcome.update(status=repr(exc))

    try:
        writer = threading.Thread(target=update)
        writer.start()
        time.sleep(0.5)
        assert writer.is_alive()  # SIGTERM arrives in the middle of the update
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=120)
        writer.join(timeout=120)
    finally:
        server.stop()
    restarted = start_server(args, tmp_path / "restarted.log")
    try:
        with httpx.Client(timeout=20) as http:
            inserted = served_count(http, restarted.sparql, BIG_COUNT)
            assert inserted in {0, all_pairs}, (inserted, all_pairs, outcome)
            assert served_count(http, restarted.sparql, ALL_QUADS) == old_quads
            assert served_count(http, restarted.sparql, STATEMENTS) == old_statements
    finally:
        restarted.stop()
    print(f"SIGTERM mid-update: {inserted} of {all_pairs} pairs kept; the client saw {outcome.get('status')}")
