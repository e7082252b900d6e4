"""HTTP benchmark: in-process pyoxigraph vs our server (timeouts and limits on) vs rdflib-endpoint.

    .venv/bin/python benchmarks/sparql_http.py            # ~1M-triple synthetic graph + our real graph
    .venv/bin/python benchmarks/sparql_http.py --quick    # ~100k triples, shorter runs (a few minutes)

Needs the ``bench`` extra (rdflib-endpoint, uvicorn) for the baseline; ``--skip-rdflib`` runs without it.
Prints queries per second per query and system, and the ratios the issue sets targets for:
HTTP/in-process with one client (lookup >= 0.8), four clients / single-thread in-process (>= 1.8),
ours / rdflib-endpoint (>= 15); plus the peak RSS of a worker streaming a million-row result, and
the watchdog's cost per request. Not part of the test suite.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would shadow the
# standard library's http package (urllib and http.client import it).
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import http.client
import multiprocessing
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.graph.store import GraphStore, build_store

AG = "https://w3id.org/actorgraph/ontology#"
RES = "https://w3id.org/actorgraph/resource/"
GRAPH = "https://w3id.org/actorgraph/graph/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_GYEAR = "http://www.w3.org/2001/XMLSchema#gYear"
RELATIONS = ["supports", "hostileTo", "cooperatesWith", "fundedBy", "memberOf", "alliedWith", "attacked", "hosts"]
CERTAINTY = ["Stated", "Reported", "Alleged", "Suspected", "Denied", "Assessed"]
PREFIXES = f"PREFIX ag: <{AG}>\nPREFIX res: <{RES}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
JSON_RESULTS = "application/sparql-results+json"


# ---------------------------------------------------------------------------------------------- data


def synthetic_nquads(path: Path, statements: int, actors: int, seed: int = 20261121) -> int:
    """Write a graph shaped like ours (actors; statement nodes per document graph; truthy triples)."""
    rng = random.Random(seed)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        entities = f"<{GRAPH}entities>"
        for i in range(actors):
            actor = f"<{RES}actor-{i}>"
            out.write(f'{actor} <{RDFS_LABEL}> "Actor {i}"@en {entities} .\n')
            out.write(f"{actor} <{RDF_TYPE}> <{AG}{'State' if i % 10 == 0 else 'ArmedGroup'}> {entities} .\n")
            count += 2
        truthy = f"<{GRAPH}truthy>"
        for n in range(statements):
            doc = f"<{GRAPH}doc/doc-{n % 10}>"
            node = f"<{RES}statement/doc-{n % 10}/s{n}>"
            subject, obj = rng.randrange(actors), rng.randrange(actors)
            relation = rng.choice(RELATIONS)
            year = rng.randrange(1979, 2025)
            out.write(f"{node} <{RDF_TYPE}> <{AG}Statement> {doc} .\n")
            out.write(f"{node} <{AG}subject> <{RES}actor-{subject}> {doc} .\n")
            out.write(f"{node} <{AG}relation> <{AG}{relation}> {doc} .\n")
            out.write(f"{node} <{AG}object> <{RES}actor-{obj}> {doc} .\n")
            out.write(f'{node} <{AG}startTime> "{year}"^^<{XSD_GYEAR}> {doc} .\n')
            out.write(f"{node} <{AG}certainty> <{AG}{rng.choice(CERTAINTY)}> {doc} .\n")
            out.write(f"{node} <http://www.w3.org/ns/prov#wasAttributedTo> <{RES}author-{n % 25}> {doc} .\n")
            out.write(f"<{RES}actor-{subject}> <{AG}{relation}> <{RES}actor-{obj}> {truthy} .\n")
            count += 8
    return count


def synthetic_store(folder: Path, statements: int, actors: int) -> tuple[Path, Path, int]:
    """(store path, nquads file, triples) of the synthetic graph, built once with bulk_load."""
    data = folder / "synthetic.nq"
    triples = synthetic_nquads(data, statements, actors)
    store = folder / "synthetic-store"

    def fill(target: GraphStore) -> None:
        target.raw.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)

    build_store(store, fill)
    return store, data, triples


def real_store(folder: Path) -> tuple[Path, Path, int]:
    """Our graph from the shipped sources, and its N-Quads dump for rdflib-endpoint."""
    store = folder / "real-store"
    kg = KnowledgeGraph(Settings(store_path=str(store)))
    report = kg.build()
    data = folder / "real.nq"
    with data.open("wb") as out:
        KnowledgeGraph(Settings(store_path=str(store))).export(out, "nquads")
    return store, data, report.quads


def synthetic_queries(actors: int) -> dict[str, Callable[[random.Random], str]]:
    """Each benchmark query as a function of a random generator (so runs vary the constants)."""

    def lookup(r: random.Random) -> str:
        return PREFIXES + f'SELECT ?s WHERE {{ ?s rdfs:label "Actor {r.randrange(actors)}"@en }}'

    def relation(r: random.Random) -> str:
        return PREFIXES + (
            f"SELECT ?st ?o ?t WHERE {{ ?st ag:subject res:actor-{r.randrange(actors)} ; ag:relation ag:supports ; "
            f'ag:object ?o ; ag:startTime ?t FILTER(?t >= "2001"^^<{XSD_GYEAR}>) }}'
        )

    def two_hop(r: random.Random) -> str:
        return PREFIXES + f"SELECT ?b ?c WHERE {{ res:actor-{r.randrange(actors)} ag:supports ?b . ?b ag:supports ?c }}"

    def aggregation(r: random.Random) -> str:
        return PREFIXES + (
            f"SELECT ?rel (COUNT(*) AS ?n) WHERE {{ ?st ag:relation ?rel ; ag:certainty ag:{r.choice(CERTAINTY)} }} "
            "GROUP BY ?rel"
        )

    def construct(r: random.Random) -> str:
        return PREFIXES + (
            f"CONSTRUCT {{ ?st ?p ?o }} WHERE {{ ?st ag:subject res:actor-{r.randrange(actors)} ; ?p ?o }}"
        )

    return {"label lookup": lookup, "time-filtered relation": relation, "2-hop join": two_hop,
            "aggregation": aggregation, "CONSTRUCT": construct}  # fmt: skip


def real_queries() -> dict[str, Callable[[random.Random], str]]:
    names = ["Iran", "Taliban", "Afghanistan", "Pakistan", "United States", "Russia"]
    return {
        "label lookup": lambda r: PREFIXES + f'SELECT ?s WHERE {{ ?s rdfs:label "{r.choice(names)}"@en }}',
        "time-filtered relation": lambda r: (
            PREFIXES + "SELECT ?st ?rel ?o ?t WHERE { ?st ag:subject res:iran ; ag:relation ?rel ; ag:object ?o . "
            "OPTIONAL { ?st ag:pointInTime ?t } FILTER(!BOUND(?t) || STR(?t) >= '2001') }"
        ),
        "2-hop join": lambda r: PREFIXES + "SELECT ?b ?c WHERE { res:iran ?p ?b . ?b ?q ?c FILTER(isIRI(?c)) }",
        "aggregation": lambda r: PREFIXES + "SELECT ?rel (COUNT(*) AS ?n) WHERE { ?st ag:relation ?rel } GROUP BY ?rel",
        "CONSTRUCT": lambda r: PREFIXES + "CONSTRUCT { res:iran ?p ?o } WHERE { res:iran ?p ?o }",
    }


# ---------------------------------------------------------------------------------------------- clients


def run_in_process(store_path: Path, make: Callable[[random.Random], str], seconds: float) -> float:
    """Queries per second in this process, single thread, results serialised as the server would."""
    store = ox.Store.read_only(str((store_path.parent / store_path.readlink()).resolve()))
    rng = random.Random(1)
    done, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        result = store.query(make(rng), use_default_graph_as_union=True)
        if isinstance(result, ox.QueryTriples):
            result.serialize(format=ox.RdfFormat.TURTLE)
        else:
            result.serialize(format=ox.QueryResultsFormat.JSON)
        done += 1
    return done / seconds


def _http_loop(args: tuple[str, int, str, str, float, int]) -> int:
    """One client: GET queries on one (re)connecting HTTP connection for some seconds."""
    host, port, path, kind, seconds, seed = args
    make = (synthetic_queries(int(kind.split(":")[1])) if kind.startswith("synthetic") else real_queries())[
        kind.split(":")[2]
    ]
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(host, port, timeout=120)
    done, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        query = urllib.parse.urlencode({"query": make(rng)})
        conn.request("GET", f"{path}?{query}", headers={"Accept": "*/*"})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status} for {kind}")
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
        done += 1
    conn.close()
    return done


def run_http(url: tuple[str, int, str], kind: str, seconds: float, clients: int) -> float:
    """Queries per second with this many concurrent client processes."""
    host, port, path = url
    jobs = [(host, port, path, kind, seconds, seed) for seed in range(clients)]
    if clients == 1:
        return _http_loop(jobs[0]) / seconds
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        return sum(pool.map(_http_loop, jobs)) / seconds


# ---------------------------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(port: int, path: str, process: subprocess.Popen[bytes], limit: float = 900) -> None:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path + "?query=" + urllib.parse.quote("ASK {}"), headers={"Accept": JSON_RESULTS})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("server did not start")


def start_ours(store: Path, workers: int, max_rows: int, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    args = [sys.executable, "-m", "actorgraph.graph", "serve", "--store", str(store), "--port", str(port),
            "--workers", str(workers), "--timeout", "30", "--max-rows", str(max_rows)]  # fmt: skip
    process = subprocess.Popen(args, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    wait_until_up(port, "/sparql", process)
    return process, port


def start_bare(app: str, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn (sync workers, as ours) serving one of bare_wsgi's fixed-answer apps."""
    port = free_port()
    args = [sys.executable, "-m", "gunicorn", "--chdir", str(Path(__file__).resolve().parent), "--workers",
            str(workers), "--bind", f"127.0.0.1:{port}", f"bare_wsgi:{app}"]  # fmt: skip
    process = subprocess.Popen(args, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    wait_until_up(port, "/sparql", process)
    return process, port


def bare_floor(kind: str, query: str, workers: int, seconds: float, folder: Path) -> dict[str, float]:
    """Queries per second, one client, of gunicorn answering a fixed body without and with Flask."""
    rates = {}
    for app in ("raw", "flask_app"):
        process, port = start_bare(app, workers, folder / f"bare-{app}.log")
        try:
            rates[app] = run_http(("127.0.0.1", port, "/sparql"), f"{kind}:{query}", seconds, 1)
        finally:
            stop(process)
    return rates


def start_rdflib_endpoint(data: Path, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    args = [sys.executable, "-m", "rdflib_endpoint", "serve", str(data), "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(args, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    wait_until_up(port, "/", process)
    return process, port


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().split(") ", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# ---------------------------------------------------------------------------------------------- measures


def large_result(port: int, master: int, rows: int) -> dict[str, float]:
    """Stream a million-row SELECT over HTTP: seconds, MB, rows, and the workers' peak RSS before/after."""
    before = max(peak_rss_mb(p) for p in children(master))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    query = urllib.parse.urlencode({"query": f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {rows}", "format": "tsv"})
    started = time.perf_counter()
    conn.request("GET", f"/sparql?{query}")
    response = conn.getresponse()
    size = lines = 0
    while chunk := response.read(1 << 16):
        size += len(chunk)
        lines += chunk.count(b"\n")
    took = time.perf_counter() - started
    after = max(peak_rss_mb(p) for p in children(master))
    return {"seconds": took, "mb": size / 1e6, "rows": lines - 1, "rss_before": before, "rss_after": after}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def in_process_large(store_path: Path, rows: int) -> dict[str, float]:
    """The same result serialised in memory in this process (what not streaming would cost)."""
    store = ox.Store.read_only(str((store_path.parent / store_path.readlink()).resolve()))
    before = rss_mb(os.getpid())
    started = time.perf_counter()
    data = store.query(f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {rows}", use_default_graph_as_union=True)
    body = data.serialize(format=ox.QueryResultsFormat.TSV) or b""
    took = time.perf_counter() - started
    growth = rss_mb(os.getpid()) - before  # measured while the body is still held
    return {"seconds": took, "mb": len(body) / 1e6, "rss_growth": growth}


def watchdog_cost(calls: int = 20000) -> float:
    """Microseconds the timeout watchdog adds to one request (a trivial WSGI app, with and without it)."""
    from actorgraph.server.protocol.workers import Watchdog

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    guarded = Watchdog(app, 30.0)

    def call(target: Any) -> float:
        started = time.perf_counter()
        for _ in range(calls):
            body = target({}, lambda status, headers, exc_info=None: None)
            if hasattr(body, "close"):
                body.close()
        return (time.perf_counter() - started) / calls

    call(guarded)
    return (call(guarded) - call(app)) * 1e6


# ---------------------------------------------------------------------------------------------- main


def bench_dataset(name: str, kind: str, store: Path, data: Path, queries: dict[str, Any], args: argparse.Namespace,
                  folder: Path) -> None:  # fmt: skip
    seconds = args.seconds
    print(f"\n## {name}", flush=True)
    inproc = {q: run_in_process(store, make, seconds) for q, make in queries.items()}
    ours, port = start_ours(store, args.workers, args.max_rows, folder / f"ours-{name}.log")
    try:
        one = {q: run_http(("127.0.0.1", port, "/sparql"), f"{kind}:{q}", seconds, 1) for q in queries}
        four = {q: run_http(("127.0.0.1", port, "/sparql"), f"{kind}:{q}", seconds, 4) for q in queries}
        big: dict[str, float] | str | None = None
        if kind.startswith("synthetic"):
            try:
                big = large_result(port, ours.pid, args.large_rows)
            except (OSError, http.client.HTTPException) as exc:
                big = f"failed: {exc!r}"
    finally:
        stop(ours)
    floor = bare_floor(kind, "label lookup", args.workers, seconds, folder) if "label lookup" in queries else {}
    rdflib: dict[str, float] = {}
    if not args.skip_rdflib:
        started = time.perf_counter()
        baseline, bport = start_rdflib_endpoint(data, folder / f"rdflib-{name}.log")
        print(f"(rdflib-endpoint loaded {data.name} in {time.perf_counter() - started:.0f} s)", flush=True)
        try:
            rdflib = {q: run_http(("127.0.0.1", bport, "/"), f"{kind}:{q}", seconds, 1) for q in queries}
        finally:
            stop(baseline)
    header = "| query | in-process q/s | HTTP 1 client q/s (x in-proc) | HTTP 4 clients q/s (x in-proc) |"
    header += " rdflib-endpoint q/s | ours / rdflib |" if rdflib else ""
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for q in queries:
        row = f"| {q} | {inproc[q]:.0f} | {one[q]:.0f} ({one[q] / inproc[q]:.2f}x) | {four[q]:.0f} "
        row += f"({four[q] / inproc[q]:.2f}x) |"
        if rdflib:
            ratio = one[q] / rdflib[q] if rdflib[q] else float("inf")
            row += f" {rdflib[q]:.1f} | {ratio:.1f}x |"
        print(row, flush=True)
    if floor:
        lookup = inproc["label lookup"]
        print(f"\nfloor of the HTTP stack, label-lookup client, fixed answer and no query: gunicorn alone "
              f"{floor['raw']:.0f} q/s ({floor['raw'] / lookup:.2f}x in-process), gunicorn + Flask "
              f"{floor['flask_app']:.0f} q/s ({floor['flask_app'] / lookup:.2f}x); ours "
              f"{one['label lookup'] / floor['flask_app']:.2f}x of bare Flask")  # fmt: skip
    if isinstance(big, str):
        print(f"\nlarge result: {big}")
    elif big:
        memory = in_process_large(store, args.large_rows)
        print(f"\nlarge result ({big['rows']:.0f} rows, {big['mb']:.0f} MB TSV) over HTTP in {big['seconds']:.1f} s; "
              f"worker peak RSS {big['rss_before']:.0f} MB before, {big['rss_after']:.0f} MB after "
              f"(in memory in-process: {memory['seconds']:.1f} s, RSS +{memory['rss_growth']:.0f} MB)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="~100k triples and 1 s per measurement")
    parser.add_argument("--seconds", type=float, default=None, help="Duration of each measurement")
    parser.add_argument("--workers", type=int, default=4, help="Server worker processes")
    parser.add_argument("--skip-rdflib", action="store_true", help="Do not run the rdflib-endpoint baseline")
    parser.add_argument("--skip-real", action="store_true", help="Only the synthetic graph")
    args = parser.parse_args()
    statements = 12_000 if args.quick else 120_000
    actors = 2_000 if args.quick else 20_000
    args.seconds = args.seconds or (1.0 if args.quick else 3.0)
    args.large_rows = 100_000 if args.quick else 1_000_000
    args.max_rows = args.large_rows + 1  # the row limit stays on, above the large result
    folder = Path(tempfile.mkdtemp(prefix="actorgraph-bench-"))
    try:
        print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; pyoxigraph {ox.__version__}")
        print(f"watchdog cost per request: {watchdog_cost():.1f} us")
        started = time.perf_counter()
        store, data, triples = synthetic_store(folder, statements, actors)
        print(f"synthetic graph: {triples} triples, built in {time.perf_counter() - started:.0f} s", flush=True)
        bench_dataset(f"synthetic ({triples} triples)", f"synthetic:{actors}", store, data,
                      synthetic_queries(actors), args, folder)  # fmt: skip
        if not args.skip_real:
            store, data, quads = real_store(folder)
            bench_dataset(f"real graph ({quads} quads)", "real:0", store, data, real_queries(), args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
