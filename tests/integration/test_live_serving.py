"""The serving design against a real server process: keep-alive, runaway queries ended without
disturbing others, a share kept for cheap queries, bounded request reading, and a clean shutdown."""

from __future__ import annotations

import contextlib
import http.client
import signal
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from proc_stats import descendants
from server_process import FIXTURE_SOURCES, LiveServer, build_store, start_server

from actorgraph.ontology.vocab import sparql_prefixes

pytestmark = pytest.mark.live

IRAN_LABEL = sparql_prefixes() + "SELECT ?label WHERE { res:iran rdfs:label ?label }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def address(server: LiveServer) -> tuple[str, int]:
    parts = urlsplit(server.url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def label_path() -> str:
    return "/sparql?" + urlencode({"query": IRAN_LABEL})


def test_live_two_requests_share_one_connection(live: LiveServer) -> None:
    conn = http.client.HTTPConnection(*address(live), timeout=10)
    try:
        conn.request("GET", label_path(), headers={"Accept": "application/sparql-results+json"})
        first = conn.getresponse()
        assert first.status == 200 and b"Iran" in first.read()
        assert (first.getheader("Connection") or "").lower() != "close"
        sock = conn.sock
        conn.request("GET", label_path(), headers={"Accept": "application/sparql-results+json"})
        second = conn.getresponse()
        assert second.status == 200 and b"Iran" in second.read()
        assert conn.sock is sock  # the same socket: the server kept the connection open
    finally:
        conn.close()


def test_live_runaway_query_leaves_a_concurrent_cheap_query_alone(live: LiveServer) -> None:
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        response = httpx.get(live.sparql, params={"query": RUNAWAY}, timeout=30)
        outcome.update(status=response.status_code, text=response.text, took=time.monotonic() - started)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.2)
    statuses = []
    with httpx.Client(timeout=10) as http:  # one keep-alive connection while the runaway runs
        while thread.is_alive():
            response = http.get(live.sparql, params={"query": IRAN_LABEL})
            statuses.append((response.status_code, response.json()["results"]["bindings"][0]["label"]["value"]))
    thread.join()
    assert outcome["status"] == 503 and "timed out" in str(outcome["text"])
    assert float(outcome["took"]) < 2 + 1  # type: ignore[arg-type]  # the live server's timeout is 2 s
    assert len(statuses) >= 5 and set(statuses) == {(200, "Iran")}


def test_live_long_running_queries_past_a_clients_share_are_ended_early(live: LiveServer) -> None:
    # Three query processes: one client may hold at most one with a long-running query (3 // 2).
    results: list[tuple[int, str, float]] = []

    def runaway() -> None:
        started = time.monotonic()
        response = httpx.get(live.sparql, params={"query": RUNAWAY}, timeout=30)
        results.append((response.status_code, response.text, time.monotonic() - started))

    threads = [threading.Thread(target=runaway) for _ in range(2)]
    for thread in threads:
        thread.start()
        time.sleep(0.1)
    cheap = httpx.get(live.sparql, params={"query": IRAN_LABEL}, timeout=10)
    for thread in threads:
        thread.join()
    assert cheap.status_code == 200
    ended_early = [r for r in results if "long-running" in r[1]]
    timed_out = [r for r in results if "timed out" in r[1]]
    assert len(ended_early) == 1 and len(timed_out) == 1
    assert ended_early[0][0] == 503 and ended_early[0][2] < 1.5  # past slow_after (0.5 s), not the timeout
    assert httpx.get(live.url + "/health", timeout=10).json()["status"] == "ok"


def test_live_a_body_shorter_than_its_length_does_not_hold_the_server(live: LiveServer) -> None:
    slow = socket.create_connection(address(live), timeout=10)
    try:
        started = time.monotonic()
        slow.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 1000\r\n\r\nASK {")  # fmt: skip
        time.sleep(0.2)
        answered = httpx.get(live.sparql, params={"query": IRAN_LABEL}, timeout=5)
        assert answered.status_code == 200
        assert time.monotonic() - started < 1.5  # served while the slow body is still pending
        reply = slow.recv(4096)
        assert reply.startswith(b"HTTP/1.1 408")
        assert time.monotonic() - started < 2 + 1.5  # the body timeout is the query timeout here (2 s)
    finally:
        slow.close()


def test_live_an_oversized_request_line_is_refused_quickly(live: LiveServer) -> None:
    for size, expected in ((200_000, {414}), (20_000_000, {414, 431})):
        sock = socket.create_connection(address(live), timeout=10)
        try:
            started = time.monotonic()
            with contextlib.suppress(OSError):  # the server may answer and close before the whole line is sent
                sock.sendall(b"GET /sparql?query=" + b"a" * size + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            status = int(sock.recv(4096).split(b" ", 2)[1])
            assert status in expected
            assert time.monotonic() - started < 2
        finally:
            sock.close()
    assert httpx.get(live.sparql, params={"query": IRAN_LABEL}, timeout=10).status_code == 200


def test_live_sigterm_shuts_down_cleanly(tmp_path: Path) -> None:
    store = build_store(tmp_path / "store", FIXTURE_SOURCES)
    server = start_server(["--store", str(store), "--workers", "2"], tmp_path / "server.log")
    try:
        assert httpx.get(server.sparql, params={"query": IRAN_LABEL}, timeout=10).status_code == 200
        below = descendants(server.process.pid)
        assert len(below) >= 3  # the front and its two query processes
        server.process.send_signal(signal.SIGTERM)
        code = server.process.wait(timeout=20)
    finally:
        if server.process.poll() is None:
            server.stop()
    log = server.log.read_text()
    assert code == 0, log
    assert "Segmentation fault" not in log and "signal 11" not in log and "Traceback" not in log
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in below):
        time.sleep(0.1)
    assert not [pid for pid in below if Path(f"/proc/{pid}").exists()]  # no process left behind


def test_live_a_timeout_on_the_writer_keeps_its_writes_and_the_next_request_is_served(tmp_path: Path) -> None:
    store = build_store(tmp_path / "store", FIXTURE_SOURCES)
    server = start_server(["--store", str(store), "--update-token", "tok3n", "--timeout", "1"], tmp_path / "server.log")
    try:
        with httpx.Client(timeout=20) as http:
            update = "INSERT DATA { GRAPH <urn:x-test:kept> { <urn:x-test:a> <urn:x-test:b> <urn:x-test:c> } }"
            done = http.post(server.url + "/update", data={"update": update},
                             headers={"Authorization": "Bearer tok3n"})  # fmt: skip
            assert done.status_code == 204
            started = time.monotonic()
            runaway = http.get(server.sparql, params={"query": RUNAWAY})
            assert runaway.status_code == 503 and "timed out" in runaway.text
            assert time.monotonic() - started < 1 + 1
            # The writer was ended and replaced: the next requests are served, and the write is there.
            deadline = time.monotonic() + 30
            ask = http.get(server.sparql, params={"query": "ASK { <urn:x-test:a> <urn:x-test:b> <urn:x-test:c> }"})
            while ask.status_code == 503 and time.monotonic() < deadline:  # waiting for the replacement
                time.sleep(0.2)
                ask = http.get(server.sparql, params={"query": "ASK { <urn:x-test:a> <urn:x-test:b> <urn:x-test:c> }"})
            assert ask.status_code == 200 and ask.json()["boolean"] is True
    finally:
        server.stop()


def test_live_a_large_answer_read_slowly_outlives_the_timeout_and_arrives_whole(live: LiveServer) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    expected = int(httpx.get(live.sparql, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                             timeout=10).json()["results"]["bindings"][0]["n"]["value"])  # fmt: skip
    started = time.monotonic()
    size = lines = 0
    with httpx.stream("GET", live.sparql, params={"query": query, "format": "tsv"}, timeout=30) as response:
        assert response.status_code == 200
        assert "content-length" not in response.headers  # over 1 MiB: streamed
        for chunk in response.iter_raw(1 << 16):
            size += len(chunk)
            lines += chunk.count(b"\n")
            time.sleep(0.05)  # a slow client: the whole answer takes longer than the 2 s timeout
    assert time.monotonic() - started > 2
    assert size > 1 << 20 and lines - 1 == expected
