"""HTTP benchmark: our server against Oxigraph's own server, Virtuoso and rdflib-endpoint, through wrk.

    make bench-http                                            # installs wrk (apt) and the bench extra, runs --quick
    .venv/bin/python benchmarks/sparql_http.py --quick         # ~100k triples, 3 s per measurement
    .venv/bin/python benchmarks/sparql_http.py                 # ~1M triples
    .venv/bin/python benchmarks/sparql_http.py --skip virtuoso --skip rdflib

Every system serves the same quads (the synthetic graph shaped like ours, and our real graph),
queried with the same requests by the same C load generator (``wrk``, Debian's package; without
it a Python client is the fallback), at 1 and 4 connections, in one run. It prints queries per
second for each system and every ratio ours / other; the floor of the HTTP stack (granian
answering a constant through the same front, and in-process with no hand-off); the hand-off
cost per query; a runaway query beside four connections of lookups (when it is ended, and the
throughput the others keep); and a large result's time and the query processes' peak memory.
Not part of the test suite.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would shadow the
# standard library's http package (urllib and http.client import it).
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)
    sys.path.append(str(Path(__file__).resolve().parent))  # for synthetic.py, after the standard library

import argparse
import http.client
import multiprocessing
import os
import random
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
import synthetic
from synthetic import AG, CERTAINTY, RES, XSD_GYEAR

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.graph.store import GraphStore, build_store
from actorgraph.server import wire
from actorgraph.server.query_process import Handler

PREFIXES = f"PREFIX ag: <{AG}>\nPREFIX res: <{RES}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
JSON_RESULTS = "application/sparql-results+json"
Rates = dict[str, dict[tuple[str, int], list[float]]]  # system -> (query, connections) -> q/s of each round


# ---------------------------------------------------------------------------------------------- data


def synthetic_nquads(path: Path, statements: int, actors: int, seed: int = 20261121) -> int:
    """Write a graph shaped like ours (benchmarks/synthetic.py's statement_nquads); the number of quads."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for line in synthetic.statement_nquads(statements, actors, seed):
            out.write(line)
            count += 1
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

LUA = """
local paths = {%s}
local accept = "%s"
local i = 0
init = function(args) i = math.random(#paths) end
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Accept"] = accept})
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def accept_for(name: str) -> str:
    return "text/turtle" if name == "CONSTRUCT" else JSON_RESULTS


def request_paths(path: str, make: Callable[[random.Random], str], count: int = 200) -> list[str]:
    rng = random.Random(7)
    return [f"{path}?{urllib.parse.urlencode({'query': make(rng)})}" for _ in range(count)]


def run_wrk(port: int, paths: list[str], accept: str, seconds: float, connections: int, folder: Path) -> float:
    """Queries per second (only 2xx answers count; errors are reported)."""
    script = folder / "bench.lua"
    script.write_text(LUA % (", ".join('"' + p.replace('"', '\\"') + '"' for p in paths), accept))
    threads = min(connections, 2)
    done = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "60s",
                           "-s", str(script), f"http://127.0.0.1:{port}"], capture_output=True, text=True)  # fmt: skip
    found = [line for line in done.stdout.splitlines() if line.startswith("RESULT")]
    if not found:
        print(f"  (wrk failed: {done.returncode} {done.stderr[-300:]!r})", flush=True)
        return float("nan")
    requests, micros, bad, broken = (int(x) for x in found[0].split()[1:])
    if bad or broken:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", paths[0], headers={"Accept": accept})
            sample = conn.getresponse()
            now = f"{sample.status} {sample.read()[:120]!r}"
        except (OSError, http.client.HTTPException) as exc:
            now = repr(exc)
        print(f"  ({bad} non-2xx answers, {broken} socket errors; one request now: {now})", flush=True)
    return (requests - bad - broken) / (micros / 1e6)


def _python_loop(args: tuple[int, list[str], str, float]) -> int:
    """The fallback client: one keep-alive http.client connection (reconnecting when closed)."""
    port, paths, accept, seconds = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    done, end, i = 0, time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        conn.request("GET", paths[i % len(paths)], headers={"Accept": accept})
        response = conn.getresponse()
        response.read()
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
        done += response.status == 200
        i += 1
    conn.close()
    return done


def run_python(port: int, paths: list[str], accept: str, seconds: float, connections: int) -> float:
    jobs = [(port, paths[i:] + paths[:i], accept, seconds) for i in range(connections)]
    with multiprocessing.get_context("fork").Pool(connections) as pool:
        return sum(pool.map(_python_loop, jobs)) / seconds


def load(port: int, paths: list[str], accept: str, seconds: float, connections: int, folder: Path) -> float:
    if shutil.which("wrk"):
        return run_wrk(port, paths, accept, seconds, connections, folder)
    return run_python(port, paths, accept, seconds, connections)


# ---------------------------------------------------------------------------------------------- servers


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    path: str  # the query endpoint's path

    def stop(self) -> None:
        stop(self.process)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(port: int, path: str, process: subprocess.Popen[bytes], limit: float = 1800) -> None:
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


def spawn(name: str, args: list[str], log: Path, path: str = "/sparql", port: int | None = None,
          env: dict[str, str] | None = None, cwd: Path | None = None) -> Server:  # fmt: skip
    port = port or free_port()
    args = [a.replace("{port}", str(port)) for a in args]
    process = subprocess.Popen(args, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env, cwd=cwd)
    wait_until_up(port, path, process)
    return Server(name, process, port, path)


def resolved(store: Path) -> Path:
    return (store.parent / store.readlink()).resolve() if store.is_symlink() else store


def start_ours(store: Path, workers: int, max_rows: int, timeout: float, log: Path, *, cache: bool = False) -> Server:
    """Our server; without its response cache unless asked (wrk repeats 200 queries, which a cache flatters)."""
    args = [sys.executable, "-m", "actorgraph.graph", "serve", "--store", str(store), "--port", "{port}",
            "--workers", str(workers), "--timeout", f"{timeout:g}", "--max-rows", str(max_rows),
            *([] if cache else ["--cache-mb", "0"])]  # fmt: skip
    return spawn("ours", args, log)


def start_granian(target: str, threads: int, log: Path, store: Path | None = None, factory: bool = False) -> Server:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent))  # to import bare_wsgi
    if store:
        env["ACTORGRAPH_STORE"] = str(store)
    args = [sys.executable, "-m", "granian", "--interface", "wsgi", "--blocking-threads", str(threads), "--port",
            "{port}", "--no-ws", "--log-level", "warning", *(["--factory"] if factory else []), target]  # fmt: skip
    # Not from the checkout: granian names the module after a working directory that is a package.
    return spawn(target, args, log, env=env, cwd=log.parent)


def start_oxigraph(store: Path, timeout: float | None, log: Path) -> Server:
    """Oxigraph's own server (the `oxigraph` package) on a copy of the same store, read-only.

    Without a timeout by default: with ``--timeout-s``, oxigraph 0.5.13 serves about 7x fewer
    requests and answers some with ``500 Resource temporarily unavailable (os error 11)``, so the
    table measures it at its fastest; the runaway measurement turns the timeout on.
    """
    copy = store.parent / f"{store.name}-oxigraph"
    if not copy.exists():
        shutil.copytree(resolved(store), copy)
    beside = Path(sys.executable).parent / "oxigraph"  # the package's binary, in this virtualenv
    binary = str(beside) if beside.exists() else "oxigraph"
    return spawn("oxigraph", [binary, "serve-read-only", "--location", str(copy), "--bind", "127.0.0.1:{port}",
                              "--union-default-graph", *(["--timeout-s", f"{timeout:g}"] if timeout else [])],
                 log, path="/query")  # fmt: skip


VIRTUOSO_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 0
FileExtend = 200
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = {isql}
DirsAllowed = ., {data}, /usr/share/virtuoso-opensource-7/vad
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
ServerThreads = 20
CheckpointInterval = 0
[HTTPServer]
ServerPort = {port}
ServerRoot = {db}
ServerThreads = 20
MaxKeepAlives = 100
KeepAliveTimeout = 10
[SPARQL]
ResultSetMaxRows = 2000000
MaxQueryExecutionTime = {timeout}
MaxQueryCostEstimationTime = 0
DefaultQuery = ASK {{}}
"""


def start_virtuoso(data: Path, timeout: float, log: Path) -> Server:
    """Debian's Virtuoso 7 on a loopback port with a temporary database, loaded with the same N-Quads."""
    db = data.parent / f"virtuoso-{data.stem}"
    db.mkdir(exist_ok=True)
    port, isql = free_port(), free_port()
    ini = db / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(db=db, data=data.parent, isql=isql, port=port, timeout=int(timeout)))
    process = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=db,
                               stdout=log.open("wb"), stderr=subprocess.STDOUT)  # fmt: skip
    deadline = time.monotonic() + 120
    loader = f"ld_dir('{data.parent}', '{data.name}', 'urn:x-bench:default'); rdf_loader_run(); checkpoint;"
    while True:
        done = subprocess.run(["isql-vt", str(isql), "dba", "dba", f"exec={loader}"], capture_output=True, text=True)
        if done.returncode == 0:
            break
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise RuntimeError(f"virtuoso did not start: {done.stdout[-500:]} {done.stderr[-500:]}")
        time.sleep(1)
    wait_until_up(port, "/sparql", process)
    return Server("virtuoso", process, port, "/sparql")


def start_rdflib_endpoint(data: Path, log: Path) -> Server:
    return spawn("rdflib-endpoint", [sys.executable, "-m", "rdflib_endpoint", "serve", str(data), "--host", "127.0.0.1",
                                     "--port", "{port}"], log, path="/")  # fmt: skip


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(") ", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found: list[int] = []
    frontier = [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# ---------------------------------------------------------------------------------------------- measures


def large_result(server: Server, rows: int) -> dict[str, float]:
    """A SELECT of `rows` rows as TSV over HTTP: seconds, MB, rows, and the server processes' peak RSS."""
    before = max([peak_rss_mb(p) for p in [server.process.pid, *descendants(server.process.pid)]])
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    query = urllib.parse.urlencode({"query": f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {rows}"})
    started = time.perf_counter()
    conn.request("GET", f"{server.path}?{query}", headers={"Accept": "text/tab-separated-values"})
    response = conn.getresponse()
    size = lines = 0
    while chunk := response.read(1 << 16):
        size += len(chunk)
        lines += chunk.count(b"\n")
    took = time.perf_counter() - started
    after = max([peak_rss_mb(p) for p in [server.process.pid, *descendants(server.process.pid)]])
    return {"seconds": took, "mb": size / 1e6, "rows": lines - 1, "rss_before": before, "rss_after": after}


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def runaway_beside_lookups(server: Server, paths: list[str], seconds: float, folder: Path) -> dict[str, float]:
    """Lookups at 4 connections alone, again while a fifth connection sends one runaway query, and alone
    once more: the shared machine's load drifts, so "alone" is the mean of the runs before and after."""
    before = load(server.port, paths, JSON_RESULTS, seconds, 4, folder)
    outcome: dict[str, float] = {}

    def runaway() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
        started = time.perf_counter()
        try:
            conn.request("GET", f"{server.path}?{urllib.parse.urlencode({'query': RUNAWAY})}",
                         headers={"Accept": JSON_RESULTS})  # fmt: skip
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            print(f"  (the runaway request failed: {exc!r})", flush=True)
            return
        outcome.update(status=response.status, seconds=time.perf_counter() - started)

    thread = threading.Thread(target=runaway)
    thread.start()
    beside = load(server.port, paths, JSON_RESULTS, seconds, 4, folder)
    thread.join()
    time.sleep(1.0)  # the ended process's replacement settles
    after = load(server.port, paths, JSON_RESULTS, seconds, 4, folder)
    return {"alone": (before + after) / 2, "beside": beside, **outcome}


def _constant_app(environ: dict[str, object], start_response: Callable[..., object]) -> list[bytes]:
    start_response("200 OK", [("Content-Type", JSON_RESULTS), ("Content-Length", "2")])
    return [b"{}"]


def handoff_cost(calls: int = 5000) -> float:
    """Microseconds one request costs to hand to a query process and back (a constant app behind the
    same wire, in another process), beyond calling the app in place."""

    front, back = socket.socketpair()

    def serve() -> None:
        front.close()  # the child's copy: the parent's close must end the connection
        Handler(_constant_app).serve(back)

    child = multiprocessing.get_context("fork").Process(target=serve)
    child.start()
    back.close()
    strings = {"REQUEST_METHOD": "GET", "PATH_INFO": "/sparql", "QUERY_STRING": "query=ASK%7B%7D",
               "HTTP_ACCEPT": JSON_RESULTS, "REMOTE_ADDR": "127.0.0.1"}  # fmt: skip
    reader = wire.Reader(front)

    def remote() -> None:
        front.sendall(wire.frame(wire.REQUEST, wire.encode((strings, b""))))
        reader.read()

    def local() -> None:
        _constant_app(dict(strings), lambda *a: None)

    def per_call(call: Callable[[], None]) -> float:
        started = time.perf_counter()
        for _ in range(calls):
            call()
        return (time.perf_counter() - started) / calls

    per_call(remote)
    cost = (per_call(remote) - per_call(local)) * 1e6
    front.close()
    child.join(timeout=5)
    return cost


# ---------------------------------------------------------------------------------------------- main


CACHED = "ours with its response cache"
INPROCESS = "our app in granian's process"


def ratio_columns(systems: list[str]) -> list[tuple[str, str]]:
    """(numerator, denominator) of every ratio printed: ours against each other system, and the cache's gain."""
    pairs = [("ours", s) for s in systems if s not in ("ours", CACHED)]
    if CACHED in systems:
        pairs += [(CACHED, "oxigraph"), (CACHED, "ours")]
    return [(a, b) for a, b in pairs if a in systems and b in systems]


def table(title: str, queries: list[str], rates: Rates) -> None:
    """Medians over the rounds; the spread (lowest-highest over the rounds) of ours / oxigraph."""
    systems = list(rates)
    pairs = ratio_columns(systems)
    print(f"\n### {title}\n")
    header = ("| query | conns | " + " | ".join(f"{s} q/s" for s in systems) + " | "
              + " | ".join(f"{a} / {b}" for a, b in pairs) + " | ours / oxigraph per round |")  # fmt: skip
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for q in queries:
        for conns in (1, 4):
            runs = {s: rates[s].get((q, conns), []) for s in systems}
            values = {s: statistics.median(v) if v else float("nan") for s, v in runs.items()}
            ratios = [values[a] / values[b] if values[b] else float("nan") for a, b in pairs]
            rounds = [o / x for o, x in zip(runs.get("ours", []), runs.get("oxigraph", []), strict=False) if x]
            spread = ", ".join(f"{r:.2f}x" for r in rounds) or "-"
            print(f"| {q} | {conns} | " + " | ".join(f"{values[s]:.0f}" for s in systems) + " | "
                  + " | ".join(f"{r:.2f}x" for r in ratios) + f" | {spread} |", flush=True)  # fmt: skip


def load_average() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def measure_interleaved(servers: dict[str, Server], queries: dict[str, Callable[[random.Random], str]],
                        args: argparse.Namespace, folder: Path) -> Rates:  # fmt: skip
    """Every system on every query and connection count, one after another for each cell, in rounds.

    All systems run at once (each idle while another is measured), so the systems compared in one
    cell are measured seconds apart, under the same load of this shared machine; each round reverses
    the order.
    """
    rates: Rates = {name: {} for name in servers}
    order = list(servers)
    for round_ in range(args.rounds):
        for name, make in queries.items():
            for conns in (1, 4):
                for system in order if round_ % 2 == 0 else order[::-1]:
                    server = servers[system]
                    rate = load(server.port, request_paths(server.path, make), accept_for(name), args.seconds, conns,
                                folder)  # fmt: skip
                    rates[system].setdefault((name, conns), []).append(rate)
            print(f"  round {round_ + 1}: {name} done ({load_average()})", flush=True)
    return rates


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of these processes so far (0 for one that is gone)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def cpu_costs(server: Server, queries: dict[str, Callable[[random.Random], str]], calls: int = 400) -> dict[str, float]:
    """Microseconds of the server's CPU (all its processes) per request, one keep-alive connection.

    Unlike queries per second, this hardly depends on what else the shared machine runs.
    """
    pids = [server.process.pid, *descendants(server.process.pid)]
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    costs = {}
    for name, make in queries.items():
        paths = request_paths(server.path, make)
        headers = {"Accept": accept_for(name)}
        for path in paths[:20]:  # warm up
            conn.request("GET", path, headers=headers)
            conn.getresponse().read()
        before = cpu_seconds(pids)
        for i in range(calls):
            conn.request("GET", paths[i % len(paths)], headers=headers)
            conn.getresponse().read()
        costs[name] = (cpu_seconds(pids) - before) / calls * 1e6
    conn.close()
    return costs


def cost_table(queries: list[str], costs: dict[str, dict[str, float]]) -> None:
    if "ours" not in costs or "oxigraph" not in costs:
        return
    print("\nCPU per request (all of the server's processes, one connection, 400 requests):\n")
    print("| query | ours us | oxigraph us | oxigraph / ours (the q/s ratio the CPU allows) |\n|---|---|---|---|")
    for q in queries:
        ours, ox = costs["ours"][q], costs["oxigraph"][q]
        print(f"| {q} | {ours:.0f} | {ox:.0f} | {ox / ours if ours else float('nan'):.2f}x |", flush=True)


def bench_dataset(name: str, store: Path, data: Path, queries: dict[str, Callable[[random.Random], str]],
                  args: argparse.Namespace, folder: Path, *, floors: bool) -> None:  # fmt: skip
    print(f"\n## {name}", flush=True)
    starters: dict[str, Callable[[], Server]] = {
        "ours": lambda: start_ours(store, args.workers, args.max_rows, 30, folder / "ours.log"),
        CACHED: lambda: start_ours(store, args.workers, args.max_rows, 30, folder / "ours-cache.log", cache=True),
        "oxigraph": lambda: start_oxigraph(store, None, folder / "oxigraph.log"),
        "virtuoso": lambda: start_virtuoso(data, 30, folder / "virtuoso.log"),
        "rdflib": lambda: start_rdflib_endpoint(data, folder / "rdflib.log"),
    }
    if floors:
        starters[INPROCESS] = lambda: start_granian("bare_wsgi:inprocess", 2 * args.workers + 4,
                                                    folder / "inprocess.log", store, factory=True)  # fmt: skip
    servers: dict[str, Server] = {}
    try:
        for system, start in starters.items():
            if system in args.skip or (system == CACHED and "cache" in args.skip):
                continue
            started = time.perf_counter()
            try:
                servers[system] = start()
            except (RuntimeError, OSError) as exc:
                print(f"{system}: did not start ({exc})", flush=True)
                continue
            print(f"({system} up in {time.perf_counter() - started:.0f} s)", flush=True)
        print(f"measuring ({load_average()})", flush=True)
        rates = measure_interleaved(servers, queries, args, folder)
        costs = {system: cpu_costs(servers[system], queries) for system in ("ours", "oxigraph") if system in servers}
    finally:
        for server in servers.values():
            server.stop()
    table(name, list(queries), rates)
    cost_table(list(queries), costs)
    if floors and "label lookup" in queries:
        floor_and_handoff(queries["label lookup"], rates, args, folder)


def floor_and_handoff(lookup: Callable[[random.Random], str], rates: Rates,
                      args: argparse.Namespace, folder: Path) -> None:  # fmt: skip
    server = start_granian("bare_wsgi:raw", 2 * args.workers + 4, folder / "raw.log")
    try:
        paths = request_paths("/sparql", lookup)
        raw = {c: load(server.port, paths, JSON_RESULTS, args.seconds, c, folder) for c in (1, 4)}
    finally:
        server.stop()
    print(f"\nfloor: granian answering a constant {raw[1]:.0f} q/s at 1 connection, {raw[4]:.0f} at 4")
    inproc = rates.get(INPROCESS, {})
    ours = rates.get("ours", {})
    if inproc and ours:
        one_ours, one_in = statistics.median(ours[("label lookup", 1)]), statistics.median(inproc[("label lookup", 1)])
        cost = (1 / one_ours - 1 / one_in) * 1e6
        said = f"{cost:.0f} us" if cost > 0 else "none visible (the app in granian's process was slower)"
        print(f"hand-off cost per lookup at 1 connection from the table: {said} "
              f"(ours {one_ours:.0f} q/s, the same app in granian's process {one_in:.0f} q/s)")  # fmt: skip


def bench_runaway(store: Path, queries: dict[str, Callable[[random.Random], str]], args: argparse.Namespace,
                  folder: Path) -> None:  # fmt: skip
    print("\n## A runaway query beside 4 connections of lookups (timeout 3 s)", flush=True)
    for system, start in (("ours", lambda: start_ours(store, args.workers, args.max_rows, 3, folder / "ours-3.log")),
                          ("oxigraph", lambda: start_oxigraph(store, 3, folder / "oxigraph-3.log"))):  # fmt: skip
        if system in args.skip:
            continue
        server = start()
        try:
            time.sleep(3.0)  # our spare query process starts (at low priority) after the server answers
            for _ in range(args.rounds):
                found = runaway_beside_lookups(server, request_paths(server.path, queries["label lookup"]),
                                               max(args.seconds, 6), folder)  # fmt: skip
                print(f"{system}: runaway answered {found.get('status')} after {found.get('seconds', float('nan')):.2f}"
                      f" s; lookups {found['alone']:.0f} q/s alone, {found['beside']:.0f} q/s beside it "
                      f"({found['beside'] / found['alone']:.0%}) ({load_average()})", flush=True)  # fmt: skip
        except (OSError, http.client.HTTPException, ZeroDivisionError) as exc:
            print(f"{system}: failed under the runaway measurement: {exc!r}", flush=True)
        finally:
            server.stop()


def bench_large(store: Path, args: argparse.Namespace, folder: Path) -> None:
    print(f"\n## A large result ({args.large_rows} rows as TSV), and the servers' peak memory", flush=True)
    for system, start in (("ours", lambda: start_ours(store, args.workers, args.max_rows, 30, folder / "ours-l.log")),
                          ("oxigraph", lambda: start_oxigraph(store, None, folder / "oxigraph-l.log"))):  # fmt: skip
        if system in args.skip:
            continue
        server = start()
        try:
            big = large_result(server, args.large_rows)
            rss = f"peak RSS of its processes {big['rss_before']:.0f} MB before, {big['rss_after']:.0f} MB after"
            print(f"{system}: {big['rows']:.0f} rows ({big['mb']:.0f} MB) in {big['seconds']:.2f} s; {rss}", flush=True)
        except (OSError, http.client.HTTPException) as exc:
            print(f"{system}: failed: {exc!r}", flush=True)
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="~100k triples and 3 s per measurement")
    parser.add_argument("--seconds", type=float, default=None, help="Duration of each measurement")
    parser.add_argument("--workers", type=int, default=4, help="Our server's query processes")
    parser.add_argument("--large-rows", type=int, default=None, help="Rows of the large result")
    parser.add_argument("--rounds", type=int, default=1, help="Measurements of each cell (the table gives medians)")
    parser.add_argument("--skip", action="append", default=[], help="ours, cache, oxigraph, virtuoso, rdflib, real")
    args = parser.parse_args()
    statements = 12_000 if args.quick else 120_000
    actors = 2_000 if args.quick else 20_000
    args.seconds = args.seconds or (3.0 if args.quick else 5.0)
    args.large_rows = args.large_rows or (100_000 if args.quick else 1_000_000)
    args.max_rows = args.large_rows + 1  # the row limit stays on, above the large result
    folder = Path(tempfile.mkdtemp(prefix="actorgraph-bench-"))
    (folder / "large").mkdir()
    try:
        print(f"{load_average()} at the start")
        print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; pyoxigraph {ox.__version__}; "
              f"client: {'wrk' if shutil.which('wrk') else 'python http.client (wrk not found)'}")  # fmt: skip
        print(f"hand-off to a query process and back (constant app, Unix socket): {handoff_cost():.0f} us per request")
        started = time.perf_counter()
        store, data, triples = synthetic_store(folder, statements, actors)
        print(f"synthetic graph: {triples} triples, built in {time.perf_counter() - started:.0f} s", flush=True)
        synthetic = synthetic_queries(actors)
        bench_dataset(f"synthetic ({triples} triples)", store, data, synthetic, args, folder, floors=True)
        bench_runaway(store, synthetic, args, folder)
        if args.large_rows > triples:  # a graph big enough for the large result
            big_store, _, big_triples = synthetic_store(folder / "large", args.large_rows // 8 + 1, actors)
            print(f"(large graph: {big_triples} triples)", flush=True)
            bench_large(big_store, args, folder)
        else:
            bench_large(store, args, folder)
        if "real" not in args.skip:
            store, data, quads = real_store(folder)
            bench_dataset(f"real graph ({quads} quads)", store, data, real_queries(), args, folder, floors=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
