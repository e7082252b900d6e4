"""The front's response cache against a real server: repeated queries skip the query processes, and
updates and Graph Store writes are seen at once (server/cache.py; rebuilds: test_live_server.py)."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import httpx
import pytest
from proc_stats import query_processes
from server_process import FIXTURE_SOURCES, build_store, start_server

from actorgraph.ontology.vocab import sparql_prefixes

pytestmark = pytest.mark.live

BORDER = sparql_prefixes() + "ASK { res:iran ag:borders res:taliban }"
IRAN_LABEL = sparql_prefixes() + "SELECT ?label WHERE { res:iran rdfs:label ?label }"
TOKEN = {"Authorization": "Bearer tok3n"}


def asks(http: httpx.Client, url: str) -> bool:
    response = http.get(url, params={"query": BORDER}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    answer: bool = response.json()["boolean"]
    return answer


def test_live_a_repeated_query_is_answered_by_the_front_while_every_query_process_is_stopped(tmp_path: Path) -> None:
    store = build_store(tmp_path / "store", FIXTURE_SOURCES)
    server = start_server(["--store", str(store), "--workers", "2", "--timeout", "3"], tmp_path / "server.log")
    stopped: set[int] = set()
    try:
        with httpx.Client(timeout=10) as http:
            first = http.get(server.sparql, params={"query": IRAN_LABEL})
            assert first.status_code == 200
            # The cache answers only what the front would relay: headers over 64 KiB are still a 431.
            huge = http.get(server.sparql, params={"query": IRAN_LABEL}, headers={"X-Padding": "x" * 70_000})
            assert huge.status_code == 431
            stopped = query_processes(server.process.pid)
            assert len(stopped) == 3  # two query processes, and the spare held back for a replacement
            for pid in stopped:
                os.kill(pid, signal.SIGSTOP)
            started = time.monotonic()
            again = http.get(server.sparql, params={"query": IRAN_LABEL})
            assert again.status_code == 200 and time.monotonic() - started < 1
            assert again.content == first.content
            assert again.headers["content-type"] == first.headers["content-type"]
            assert again.headers["access-control-allow-origin"] == "*"
            # Another query needs a query process: none answers, so it times out (3 s).
            other = http.get(server.sparql, params={"query": IRAN_LABEL + " LIMIT 1"})
            assert other.status_code == 503
    finally:
        for pid in stopped:
            with contextlib.suppress(ProcessLookupError):  # the timeout ended it (SIGKILL)
                os.kill(pid, signal.SIGCONT)
        server.stop()


def test_live_updates_and_graph_store_writes_are_seen_by_the_next_repeated_query(tmp_path: Path) -> None:
    store = build_store(tmp_path / "store", FIXTURE_SOURCES)
    server = start_server(["--store", str(store), "--update-token", "tok3n"], tmp_path / "server.log")
    graph = "urn:x-test:cache"
    try:
        with httpx.Client(timeout=10) as http:
            assert asks(http, server.sparql) is False
            assert asks(http, server.sparql) is False  # now from the cache
            update = sparql_prefixes() + f"INSERT DATA {{ GRAPH <{graph}> {{ res:iran ag:borders res:taliban }} }}"
            assert http.post(server.url + "/update", data={"update": update}, headers=TOKEN).status_code == 204
            assert asks(http, server.sparql) is True
            assert asks(http, server.sparql) is True
            dropped = http.delete(server.url + "/store", params={"graph": graph}, headers=TOKEN)
            assert dropped.status_code == 204
            assert asks(http, server.sparql) is False
    finally:
        server.stop()


def test_live_without_the_cache_a_repeated_query_needs_a_query_process(tmp_path: Path) -> None:
    store = build_store(tmp_path / "store", FIXTURE_SOURCES)
    server = start_server(["--store", str(store), "--workers", "1", "--timeout", "2", "--cache-mb", "0"],
                          tmp_path / "server.log")  # fmt: skip
    stopped: set[int] = set()
    try:
        with httpx.Client(timeout=10) as http:
            assert http.get(server.sparql, params={"query": IRAN_LABEL}).status_code == 200
            stopped = query_processes(server.process.pid)
            for pid in stopped:
                os.kill(pid, signal.SIGSTOP)
            assert http.get(server.sparql, params={"query": IRAN_LABEL}).status_code == 503
    finally:
        for pid in stopped:
            with contextlib.suppress(ProcessLookupError):  # the timeout ended it (SIGKILL)
                os.kill(pid, signal.SIGCONT)
        server.stop()
