"""Load under faults (issue #13): N keep-alive clients send mixed requests (a lookup, a join, a page, a
named query) for T seconds, first alone (the baseline), then while one client sends a runaway query every
5 s (timeout 2 s) and `actorgraph build` rebuilds the served store in the middle.

CI runs N=16, T=15 s per phase; `make soak` runs T=60 s (ACTORGRAPH_LOAD_SECONDS) and its figures go in
benchmarks/README.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from proc_stats import tree_rss_kib
from server_process import LiveServer, build_store, copy_sources, start_server

from actorgraph.ontology.vocab import sparql_prefixes

pytestmark = pytest.mark.live

CLIENTS = int(os.environ.get("ACTORGRAPH_LOAD_CLIENTS", "16"))
SECONDS = float(os.environ.get("ACTORGRAPH_LOAD_SECONDS", "15"))
TIMEOUT = 2.0
RUNAWAY_EVERY = 5.0
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
LOOKUP = sparql_prefixes() + "SELECT ?label WHERE { res:iran rdfs:label ?label }"
JOIN = sparql_prefixes() + (
    "SELECT ?s ?label ?o WHERE { ?st a ag:Statement ; rdf:subject ?s ; rdf:object ?o . ?s rdfs:label ?label }"
)
MARKER = sparql_prefixes() + "SELECT ?label WHERE { res:load-marker rdfs:label ?label }"
MIXED = [
    "/sparql?" + urlencode({"query": LOOKUP}),
    "/sparql?" + urlencode({"query": JOIN}),
    "/resource/iran",
    "/queries/entity_search?" + urlencode({"text": "Iran"}),
]
# Peak resident memory of the server and all its processes (main, front, four query processes). Each
# process holds Python, Flask, rdflib and pyoxigraph (~100-150 MB) and the fixture store is tiny; during the
# rebuild a query process may briefly hold both the old and the new store. 1.5 GB is about twice what six
# such processes need, so it catches a leak or a result held in memory, not ordinary variation.
RSS_BOUND_KIB = 1_500_000
# The mixed clients' throughput under faults, as a share of their baseline. The issue asks for 90 %, which
# the soak run measures (benchmarks/README.md). In CI the 2-core machine is shared with other jobs, and a
# rebuild (a full `actorgraph build`, CPU-bound for seconds) plus a runaway that holds a core (reniced, but
# still runnable) for 2 s of every 5 take real CPU from 16 clients that already saturate both cores: so CI
# asserts 60 %, which still fails if a runaway or the rebuild stalls the server (the failure this guards
# against took throughput from 639 to under 1 request/s).
MIN_SHARE = float(os.environ.get("ACTORGRAPH_LOAD_MIN_SHARE", "0.6"))


@dataclass
class Tally:
    """What the clients saw: answers counted, failures kept with their reason."""

    served: int = 0
    failures: list[str] = field(default_factory=list)
    runaways: list[tuple[int, float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, path: str, response: httpx.Response) -> None:
        with self.lock:
            if response.status_code == 200:
                self.served += 1
            else:
                self.failures.append(f"{path[:60]}: {response.status_code} {response.text[:200]}")


def serve_args(store: Path) -> list[str]:
    """Without the response cache: the load must reach the query processes that the faults hit."""
    return ["--store", str(store), "--timeout", str(TIMEOUT), "--cache-mb", "0"]


def mixed_client(server: LiveServer, stop: threading.Event, tally: Tally, offset: int) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:  # one keep-alive connection
        turn = offset
        while not stop.is_set():
            path = MIXED[turn % len(MIXED)]
            turn += 1
            try:
                tally.count(path, http.get(path))
            except httpx.TransportError as exc:
                with tally.lock:
                    tally.failures.append(f"{path[:60]}: {exc!r}")


def runaway_client(server: LiveServer, stop: threading.Event, tally: Tally) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        started = time.monotonic()
        while not stop.wait(max(0.0, started + RUNAWAY_EVERY - time.monotonic())):  # one every 5 s, on the clock
            started = time.monotonic()
            response = http.get("/sparql", params={"query": RUNAWAY})
            with tally.lock:
                tally.runaways.append((response.status_code, time.monotonic() - started, response.text.strip()))


def sample_rss(server: LiveServer, stop: threading.Event, peak: list[int]) -> None:
    while not stop.wait(0.5):
        peak[0] = max(peak[0], tree_rss_kib(server.process.pid))


def run_phase(server: LiveServer, seconds: float, fault: Callable[[threading.Event, Tally], None] | None) -> Tally:
    """N mixed clients for seconds (and the fault beside them, if any)."""
    tally = Tally()
    stop = threading.Event()
    threads = [threading.Thread(target=mixed_client, args=(server, stop, tally, i)) for i in range(CLIENTS)]
    if fault is not None:
        threads.append(threading.Thread(target=fault, args=(stop, tally)))
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    return tally


def rebuild_in_the_middle(server: LiveServer, store: Path, sources: Path, seconds: float) -> Callable[..., None]:
    def faults(stop: threading.Event, tally: Tally) -> None:
        runaways = threading.Thread(target=runaway_client, args=(server, stop, tally))
        runaways.start()
        if not stop.wait(seconds / 2 - 2):
            with (sources / "entities" / "fixture.yaml").open("a", encoding="utf-8") as registry:
                registry.write("\n- id: load-marker\n  type: [State, Country]\n  label: Load Marker\n")
            subprocess.run([sys.executable, "-m", "actorgraph.graph", "build", "--store", str(store),
                            "--sources", str(sources)], check=True, capture_output=True)  # fmt: skip
        runaways.join()

    return faults


def test_live_mixed_load_keeps_its_throughput_under_runaways_and_a_rebuild(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path / "sources")
    store = build_store(tmp_path / "store", sources)
    server = start_server(serve_args(store), tmp_path / "server.log")
    peak = [0]
    sampling = threading.Event()
    sampler = threading.Thread(target=sample_rss, args=(server, sampling, peak))
    sampler.start()
    try:
        for path in MIXED:  # warm every query process's caches before measuring
            assert httpx.get(server.url + path, timeout=10).status_code == 200
        baseline = run_phase(server, SECONDS, None)
        faulted = run_phase(server, SECONDS, rebuild_in_the_middle(server, store, sources, SECONDS))
        marker = httpx.get(server.sparql, params={"query": MARKER}, timeout=10).json()["results"]["bindings"]
    finally:
        sampling.set()
        sampler.join()
        server.stop()
    share = faulted.served / max(baseline.served, 1)
    print(
        f"\nload under faults: {CLIENTS} clients, {SECONDS:g} s per phase; baseline {baseline.served / SECONDS:.1f}"
        f" req/s, under faults {faulted.served / SECONDS:.1f} req/s ({share:.0%}); runaways "
        f"{[(status, round(took, 2)) for status, took, _ in faulted.runaways]}; peak RSS {peak[0] / 1024:.0f} MiB"
    )
    assert baseline.failures == [] and faulted.failures == [], (baseline.failures + faulted.failures)[:5]
    assert len(faulted.runaways) >= int(SECONDS // RUNAWAY_EVERY) - 1  # one every 5 s (the last may not fit)
    for status, took, text in faulted.runaways:
        assert status == 503 and "timed out" in text, text
        assert took < TIMEOUT + 1.5
    assert [b["label"]["value"] for b in marker] == ["Load Marker"]  # the rebuild was picked up, no restart
    assert baseline.served >= 10 * SECONDS  # the baseline is a real load, not a stalled server
    assert share >= MIN_SHARE, f"{share:.0%} of the baseline throughput"
    assert 0 < peak[0] < RSS_BOUND_KIB


def test_live_a_new_connection_is_served_while_sixteen_keep_alive_clients_are_busy(tmp_path: Path) -> None:
    # It waited for the load to stop while granian's backpressure equalled the request threads (run.py).
    store = build_store(tmp_path / "store", copy_sources(tmp_path / "sources"))
    server = start_server(serve_args(store), tmp_path / "server.log")
    stop = threading.Event()
    tally = Tally()
    clients = [threading.Thread(target=mixed_client, args=(server, stop, tally, i)) for i in range(CLIENTS)]
    try:
        for client in clients:
            client.start()
        time.sleep(2)
        started = time.monotonic()
        try:
            status = httpx.get(server.url + "/health", timeout=10).status_code
        except httpx.TimeoutException:
            status = 0
        waited = time.monotonic() - started
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=60)
        server.stop()
    assert tally.failures == []
    assert status == 200 and waited < 2, f"the 17th connection waited {waited:.1f} s (status {status})"
