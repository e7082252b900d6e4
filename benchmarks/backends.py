"""Each backend at scale: embedded Oxigraph, Oxigraph's server, Virtuoso 7 (docs/deploy.md).

For our real graph and the synthetic graph (synthetic.py, deterministic) at each --sizes quads:

- load time: a build on disk (bulk load) for embedded; for a server, the build's way: the quads in
  an in-memory store, then staged Graph Store uploads in chunks and one switch (RemoteStore.publish);
- the latency of lookup, time-filtered relation, 2-hop join, aggregation, CONSTRUCT and a large
  result in process through the Store interface (embedded in this process; a server over HTTP);
- with wrk at 1 and 4 connections: each server's own endpoint, and `actorgraph serve` in front of
  each backend (--store DIR, or --store URL);
- the peak RSS (VmHWM) of every process: each server, `actorgraph serve` with its query processes.

--reasoning times `reason` with both strategies (reason here and write back, or the rules as SPARQL
Update on the server) on our graph and on the OWL 2 RL workload of synthetic.py.

    .venv/bin/python benchmarks/backends.py --sizes 1000000 [10000000] [--seconds 2] [--wrk-seconds 3]
    .venv/bin/python benchmarks/backends.py --sizes --reasoning --reasoning-triples 100000   # reasoning only

Generated N-Quads are kept in --data (default /tmp/actorgraph-bench) and reused. Run it as a script
(a `benchmarks` package in site-packages shadows this folder).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path

# Imported before sparql_http, which takes this folder off sys.path (its name shadows a module there).
import synthetic
from sparql_http import accept_for, descendants, load, peak_rss_mb, spawn
from sparql_http import stop as stop_process

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.graph.errors import KGError
from actorgraph.graph.reasoning import infer, infer_on_server
from actorgraph.graph.remote import RemoteStore
from actorgraph.graph.servers import Server, oxigraph_server, virtuoso_server
from actorgraph.graph.store import GraphStore, Store, build_store, serialize_results
from actorgraph.ontology import vocab as v

AG = "https://w3id.org/actorgraph/ontology#"
RES = "https://w3id.org/actorgraph/resource/"
PREFIXES = f"PREFIX ag: <{AG}>\nPREFIX res: <{RES}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
Query = Callable[[random.Random], str]
Results = dict[str, object]


def synthetic_queries(actors: int) -> dict[str, Query]:
    return {
        "lookup": lambda r: PREFIXES + f'SELECT ?s WHERE {{ ?s rdfs:label "Actor {r.randrange(actors)}"@en }}',
        "time-filtered relation": lambda r: PREFIXES + (
            f"SELECT ?st ?o ?t WHERE {{ ?st ag:subject res:actor-{r.randrange(actors)} ; ag:relation ag:supports ; "
            f'ag:object ?o ; ag:startTime ?t FILTER(?t >= "2001"^^<{synthetic.XSD_GYEAR}>) }}'),
        "2-hop join": lambda r: PREFIXES + (
            f"SELECT ?b ?c WHERE {{ res:actor-{r.randrange(actors)} ag:supports ?b . ?b ag:supports ?c }}"),
        "aggregation": lambda r: PREFIXES + (
            f"SELECT ?rel (COUNT(*) AS ?n) WHERE {{ ?st ag:relation ?rel ; "
            f"ag:certainty ag:{r.choice(synthetic.CERTAINTY)} }} GROUP BY ?rel"),
        "CONSTRUCT": lambda r: PREFIXES + (
            f"CONSTRUCT {{ ?st ?p ?o }} WHERE {{ ?st ag:subject res:actor-{r.randrange(actors)} ; ?p ?o }}"),
        "large result (100k rows)": lambda r: "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 100000",
    }  # fmt: skip


def real_queries() -> dict[str, Query]:
    names = ["Iran", "Taliban", "Afghanistan", "Pakistan", "United States", "Russia"]
    return {
        "lookup": lambda r: PREFIXES + f'SELECT ?s WHERE {{ ?s rdfs:label "{r.choice(names)}"@en }}',
        "time-filtered relation": lambda r: PREFIXES + (
            "SELECT ?st ?rel ?o ?t WHERE { ?st ag:subject res:iran ; ag:relation ?rel ; ag:object ?o . "
            "OPTIONAL { ?st ag:pointInTime ?t } FILTER(!BOUND(?t) || STR(?t) >= '2001') }"),
        "2-hop join": lambda r: PREFIXES + "SELECT ?b ?c WHERE { res:iran ?p ?b . ?b ?q ?c FILTER(isIRI(?c)) }",
        "aggregation": lambda r: PREFIXES + "SELECT ?rel (COUNT(*) AS ?n) WHERE { ?st ag:relation ?rel } GROUP BY ?rel",
        "CONSTRUCT": lambda r: PREFIXES + "CONSTRUCT { res:iran ?p ?o } WHERE { res:iran ?p ?o }",
        "large result (all quads)": lambda r: "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
    }  # fmt: skip


# ---------------------------------------------------------------------------------------------- data


def synthetic_file(folder: Path, quads: int) -> tuple[Path, int]:
    """The synthetic N-Quads of about `quads` quads (written once, then reused) and its number of actors."""
    statements, actors = quads // 8, max(1000, quads // 200)
    path = folder / f"synthetic-{quads}.nq"
    if not path.exists():
        partial = path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as out:
            out.writelines(synthetic.statement_nquads(statements, actors))
        partial.rename(path)
    return path, actors


def real_file(folder: Path) -> Path:
    """Our graph, built from the shipped sources, as N-Quads."""
    path = folder / "real.nq"
    memory = KnowledgeGraph(Settings(store_path=":memory:"))
    memory.build()
    with path.open("wb") as out:
        memory.store.dump(out, "nquads")
    return path


# ---------------------------------------------------------------------------------------------- loading


def own_cpu_s() -> float:
    """CPU seconds of this process, every thread (pyoxigraph's loader and compactions run in ours)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def process_cpu_s(pid: int) -> float:
    """CPU seconds a server process has used so far (utime + stime from /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_embedded(folder: Path, data: Path) -> tuple[Path, dict[str, object]]:
    """A store on disk built from the N-Quads (bulk load, then the symlink swap); its path and times.

    The phases are timed apart: build_store's flush and full compaction (optimize) come after the
    bulk load, and at 10^7 quads they are where the time goes.
    """
    started, cpu, load1 = time.perf_counter(), own_cpu_s(), os.getloadavg()[0]
    phases: dict[str, object] = {}

    def fill(store: GraphStore) -> None:
        store.bulk_load(data.read_bytes(), "nquads")
        phases["bulk_load_s"] = round(time.perf_counter() - started, 1)

    build_store(folder / "store", fill)
    times = {"load_s": round(time.perf_counter() - started, 1), **phases,
             "load_cpu_s": round(own_cpu_s() - cpu, 1), "load1_at_start": round(load1, 2),
             "load1_at_end": round(os.getloadavg()[0], 2)}  # fmt: skip
    return folder / "store", times


def remote_settings(server: Server) -> Settings:
    return Settings(store_path=server.url, store_kind=server.kind, read_only=False, query_timeout=600)


def load_remote(server: Server, data: Path, limit: float) -> dict[str, object]:
    """The build's way onto a server: quads into memory, staged uploads in chunks, one switch.

    A load still running after `limit` seconds is stopped by killing the server: what it reached
    (triples uploaded, seconds, the server's peak memory) is the result.
    """
    store = RemoteStore.from_settings(remote_settings(server))
    started, load1 = time.perf_counter(), os.getloadavg()[0]
    work = GraphStore.memory()
    work.bulk_load(data.read_bytes(), "nquads")
    parsed = time.perf_counter() - started
    progress: dict[str, float] = {"sent": 0, "total": 0, "uploaded_at": 0.0, "server_cpu": process_cpu_s(server.pid)}
    server_cpu, cpu = progress["server_cpu"], own_cpu_s()

    def uploaded(done: int, total: int) -> None:
        progress.update(sent=done, total=total)
        if done == total:  # every graph staged: what follows is the switch (and, on Oxigraph, the staging drop)
            progress.update(uploaded_at=time.perf_counter(), server_cpu=process_cpu_s(server.pid))

    watchdog = threading.Timer(limit, lambda: os.kill(server.pid, 9))
    watchdog.start()
    memory = 0.0
    try:
        store.publish(work, uploaded)
        memory = peak_rss_mb(server.pid)
        ended = time.perf_counter()
        row: dict[str, object] = {"load_s": round(ended - started, 1), "parse_s": round(parsed, 1),
                                  "upload_s": round(progress["uploaded_at"] - started - parsed, 1),
                                  "switch_s": round(ended - progress["uploaded_at"], 1),
                                  "upload_server_cpu_s": round(progress["server_cpu"] - server_cpu, 1),
                                  "switch_server_cpu_s": round(process_cpu_s(server.pid) - progress["server_cpu"], 1),
                                  "client_cpu_s": round(own_cpu_s() - cpu, 1), "load1_at_start": round(load1, 2),
                                  "load1_at_end": round(os.getloadavg()[0], 2)}  # fmt: skip
    except KGError as exc:
        row = {"stopped_after_s": round(time.perf_counter() - started, 1), "error": str(exc)[:200]}
    finally:
        watchdog.cancel()
    row.update(uploaded=progress["sent"], of=progress["total"], server_peak_rss_mb=memory or None)
    return row


def graphs_of(data: Path) -> dict[str, bytes]:
    """The N-Quads file's named graphs as N-Triples, as a build hands them to RemoteStore.switch."""
    work = GraphStore.memory()
    work.bulk_load(data.read_bytes(), "nquads")
    graphs = {}
    for graph in work.named_graphs():
        buffer = io.BytesIO()
        work.dump(buffer, "ntriples", graph=graph)
        graphs[graph] = buffer.getvalue()
    return graphs


def time_switch(server: Server, graphs: dict[str, bytes]) -> dict[str, object]:
    """A rebuild's switch over graphs of the same size: uploads, then the one update, timed apart.

    The first switch puts the graphs in place; the second, timed, replaces them, so its update
    deletes as much as it writes (a rebuild). Server CPU is read from /proc around each phase.
    """
    store = RemoteStore.from_settings(remote_settings(server))
    store.switch(graphs)
    marks: dict[str, float] = {}

    def uploaded(done: int, total: int) -> None:
        if done == total:
            marks.update(uploaded=time.perf_counter(), cpu=process_cpu_s(server.pid))

    started, cpu, load1 = time.perf_counter(), process_cpu_s(server.pid), os.getloadavg()[0]
    row: dict[str, object] = {"quads": sum(data.count(b"\n") for data in graphs.values())}
    try:
        store.switch(graphs, progress=uploaded)
    except KGError as exc:
        row["error"] = str(exc)[:300]
    ended = time.perf_counter()
    row.update(upload_s=round(marks.get("uploaded", ended) - started, 1),
               switch_s=round(ended - marks.get("uploaded", ended), 1),
               upload_server_cpu_s=round(marks.get("cpu", cpu) - cpu, 1),
               switch_server_cpu_s=round(process_cpu_s(server.pid) - marks.get("cpu", cpu), 1),
               server_peak_rss_mb=round(peak_rss_mb(server.pid)), load1=round(load1, 2))  # fmt: skip
    drop_ours(store)
    return row


Starter = Callable[[Path], AbstractContextManager[Server]]


def bench_switch(starters: dict[str, Starter], sizes: list[int], args: argparse.Namespace, folder: Path,
                 results: Results) -> None:  # fmt: skip
    """The switch's time against size, on a fresh server per size (its peak memory is that switch's)."""
    for size in sizes:
        data, _actors = synthetic_file(args.data, size)
        graphs = graphs_of(data)
        for name, start in starters.items():
            if name in args.skip:
                continue
            where = folder / f"switch-{name}-{size}"
            where.mkdir()
            with start(where) as server:
                report(results, f"switch {size:.0e} quads / {name}", time_switch(server, graphs))


# ---------------------------------------------------------------------------------------------- measuring


def latency_ms(store: Store, make: Query, seconds: float) -> dict[str, float]:
    """Median and 90th-percentile latency of a query, its result read and serialised as a server would."""
    rng, times = random.Random(1), []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times) < 3:
        sparql = make(rng)
        started = time.perf_counter()
        result = store.query(sparql)
        serialize_results(result, io.BytesIO(), "ntriples" if "CONSTRUCT" in sparql else "json")
        times.append((time.perf_counter() - started) * 1000)
        if len(times) >= 2000:
            break
    times.sort()
    return {"median_ms": round(statistics.median(times), 2), "p90_ms": round(times[int(len(times) * 0.9)], 2),
            "runs": len(times)}  # fmt: skip


def latencies(store: Store, queries: dict[str, Query], seconds: float) -> dict[str, object]:
    row: dict[str, object] = {}
    for name, make in queries.items():
        try:
            row[name] = latency_ms(store, make, seconds)
        except KGError as exc:  # a backend that cannot answer one query still gets its other numbers
            row[name] = f"error: {str(exc)[:160]}"
    return row


def graph_params(store: Store) -> str:
    """default-graph-uri for every graph of ours: a server's own endpoint then sees the union, as we do."""
    return "&".join(f"default-graph-uri={urllib.parse.quote(g, safe='')}" for g in store.named_graphs())


def throughput(port: int, path: str, extra: str, queries: dict[str, Query], seconds: float,
               folder: Path) -> dict[str, float]:  # fmt: skip
    """Queries per second through wrk at 1 and 4 connections, 200 requests per query cycled."""
    rates: dict[str, float] = {}
    for name, make in queries.items():
        rng = random.Random(7)
        paths = [f"{path}?{urllib.parse.urlencode({'query': make(rng)})}{'&' + extra if extra else ''}"
                 for _ in range(200)]  # fmt: skip
        for connections in (1, 4):
            rates[f"{name} @{connections}"] = round(
                load(port, paths, accept_for(name), seconds, connections, folder), 1
            )
    return rates


@contextmanager
def served(store: str, kind: str | None, folder: Path) -> Iterator[tuple[int, int]]:
    """`actorgraph serve` in front of a store (4 query processes, 60 s timeout); its port and pid."""
    env = {**os.environ, **({"ACTORGRAPH_STORE_KIND": kind} if kind else {})}
    # No response cache: wrk repeats a few hundred queries, which a cache would answer from memory.
    args = [sys.executable, "-m", "actorgraph.graph", "serve", "--store", store, "--port", "{port}", "--workers", "4",
            "--timeout", "60", "--max-rows", "200000", "--cache-mb", "0"]  # fmt: skip
    server = spawn("ours", args, folder / "serve.log", env=env)
    try:
        yield server.port, server.process.pid
    finally:
        stop_process(server.process)


def tree_peak_rss_mb(pid: int) -> float:
    """The peak RSS of a process and its descendants (summed: they run side by side)."""
    return round(sum(peak_rss_mb(p) for p in [pid, *descendants(pid)]), 1)


def port_of(url: str) -> int:
    return int(urllib.parse.urlsplit(url).port or 80)


def bench_dataset(label: str, data: Path, queries: dict[str, Query], servers: dict[str, Server],
                  args: argparse.Namespace, folder: Path, results: Results) -> None:  # fmt: skip
    """Load, latencies, and (with --wrk-seconds) throughput direct and through `actorgraph serve`, per backend."""
    work = folder / re.sub(r"[^\w.-]", "-", label)  # no "+" (1e+06): Virtuoso's ld_dir then finds no file
    work.mkdir()
    path, times = load_embedded(work, data)
    store: Store = GraphStore.open(path)
    row: dict[str, object] = {**times, "quads": store.count(),
                              "in process": latencies(store, queries, args.seconds)}  # fmt: skip
    if args.wrk_seconds:
        with served(str(path), None, work) as (port, pid):
            row["through actorgraph serve"] = throughput(port, "/sparql", "", queries, args.wrk_seconds, work)
            row["actorgraph serve peak_rss_mb"] = tree_peak_rss_mb(pid)
    row["bench process peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    report(results, f"{label} / embedded", row)
    for name, server, loaded in remote_loads(label, data, servers, args, work):
        print(json.dumps({f"{label} / {name} load": loaded}), flush=True)  # kept if a later step fails
        if "load_s" not in loaded:
            report(results, f"{label} / {name}", loaded)
            continue
        remote = RemoteStore.from_settings(remote_settings(server))
        row = {**loaded, "quads": remote.count(), "in process": latencies(remote, queries, args.seconds)}
        if args.wrk_seconds:
            path_only = urllib.parse.urlsplit(server.url).path
            row["direct"] = throughput(port_of(server.url), path_only, graph_params(remote), queries,
                                       args.wrk_seconds, work)  # fmt: skip
            with served(server.url, server.kind, work) as (port, pid):
                row["through actorgraph serve"] = throughput(port, "/sparql", "", queries, args.wrk_seconds, work)
                row["actorgraph serve peak_rss_mb"] = tree_peak_rss_mb(pid)
        row["server peak_rss_mb"] = peak_rss_mb(server.pid)
        report(results, f"{label} / {name}", row)
        drop_ours(remote)  # room for the next dataset


def remote_loads(label: str, data: Path, servers: dict[str, Server], args: argparse.Namespace,
                 work: Path) -> Iterator[tuple[str, Server, dict[str, object]]]:  # fmt: skip
    """Each server loaded with the dataset: the build's way (publish) or, with --bulk, its own bulk loader."""
    if not args.bulk:
        for name, server in servers.items():
            yield name, server, load_remote(server, data, args.load_limit)
        return
    for name in ("oxigraph", "virtuoso"):
        if name in args.skip:
            continue
        folder = work / f"bulk-{name}"
        folder.mkdir()
        loader = bulk_oxigraph if name == "oxigraph" else bulk_virtuoso
        with loader(data, folder, args) as (server, loaded):
            yield name, server, loaded


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def bulk_oxigraph(data: Path, folder: Path, args: argparse.Namespace) -> Iterator[tuple[Server, dict[str, object]]]:
    """`oxigraph load` into a new database (no transaction, no atomic switch), then `oxigraph serve` on it.

    What docs/deploy.md recommends past the size an atomic switch fits in memory (~3 GB per 10^6 quads).
    """
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    started, cpu, load1 = time.perf_counter(), children_cpu_s(), os.getloadavg()[0]
    done = subprocess.run([binary, "load", "--location", str(folder / "db"), "--file", str(data)],
                          capture_output=True, text=True, timeout=args.load_limit, check=False)  # fmt: skip
    loaded: dict[str, object] = {"load_s": round(time.perf_counter() - started, 1), "how": "oxigraph load (bulk)",
                                 "server_cpu_s": round(children_cpu_s() - cpu, 1), "load1_at_start": round(load1, 2),
                                 "load1_at_end": round(os.getloadavg()[0], 2)}  # fmt: skip
    if done.returncode != 0:
        loaded = {"stopped_after_s": loaded["load_s"], "error": (done.stdout + done.stderr)[-300:]}
    with oxigraph_server(folder, timeout_s=None) as server:
        yield server, loaded


@contextmanager
def bulk_virtuoso(data: Path, folder: Path, args: argparse.Namespace) -> Iterator[tuple[Server, dict[str, object]]]:
    """Virtuoso's bulk loader (`ld_dir` + `rdf_loader_run` + `checkpoint`, through isql) into a new database."""
    with virtuoso_server(folder, args.virtuoso_buffers, after_image=args.virtuoso_after_image) as server:
        # The loader reads only from DirsAllowed, and not through a symbolic link (it loaded nothing): a hard link.
        try:
            os.link(data, folder / data.name)
        except OSError:  # another file system
            shutil.copyfile(data, folder / data.name)
        isql_port = next(line.split("=")[1].strip() for line in (folder / "virtuoso.ini").read_text().splitlines()
                         if line.startswith("ServerPort") and "=" in line)  # fmt: skip
        script = f"ld_dir('{folder}', '{data.name}', 'urn:x-bench:default'); rdf_loader_run(); checkpoint;"
        started, cpu, load1 = time.perf_counter(), process_cpu_s(server.pid), os.getloadavg()[0]
        done = subprocess.run(["isql-vt", isql_port, "dba", "dba", f"exec={script}"], capture_output=True, text=True,
                              timeout=args.load_limit, check=False)  # fmt: skip
        loaded: dict[str, object] = {
            "load_s": round(time.perf_counter() - started, 1), "how": "ld_dir + rdf_loader_run (bulk)",
            "server_cpu_s": round(process_cpu_s(server.pid) - cpu, 1), "load1_at_start": round(load1, 2),
            "load1_at_end": round(os.getloadavg()[0], 2),
        }  # fmt: skip
        if done.returncode != 0 or "Error" in done.stdout:
            loaded = {"stopped_after_s": loaded["load_s"], "error": (done.stdout + done.stderr)[-300:]}
        yield server, loaded


def drop_ours(store: RemoteStore) -> None:
    """Drop every graph we see (not the server's own: Virtuoso keeps its configuration in graphs)."""
    graphs = store.named_graphs()
    if graphs:
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))


def report(results: Results, key: str, row: object) -> None:
    results[key] = row
    print(json.dumps({key: row}), flush=True)


# ---------------------------------------------------------------------------------------------- reasoning


def time_strategies(store: Store) -> dict[str, object]:
    """Seconds of infer with each strategy on the same store, and whether they wrote the same graph."""
    row: dict[str, object] = {}
    graphs: dict[str, bytes] = {}
    for strategy in ("copy", "server"):
        started = time.perf_counter()
        try:
            report_ = infer_on_server(store) if strategy == "server" else infer(store, strategy="copy")
        except KGError as exc:
            row[strategy] = f"error: {str(exc)[:200]}"
            continue
        row[f"{strategy}_s"] = round(time.perf_counter() - started, 1)
        row[f"{strategy} closure+explanations_s"] = round(report_.closure.seconds, 1)
        row["inferred"], row["quads written"] = report_.closure.inferred, report_.closure.quads
        buffer = io.BytesIO()
        store.dump_graph(buffer, "ntriples", v.INFERRED_GRAPH)
        graphs[strategy] = buffer.getvalue()
    if len(graphs) == 2:
        row["same graph"] = canonical(graphs["copy"]) == canonical(graphs["server"])
    return row


def canonical(ntriples: bytes) -> set[bytes]:
    copy = GraphStore.memory()
    copy.load(ntriples, "ntriples", v.INFERRED_GRAPH)
    out = io.BytesIO()
    copy.dump_graph(out, "ntriples", v.INFERRED_GRAPH)
    return set(out.getvalue().splitlines())


def reasoning_stores(label: str, servers: dict[str, Server], folder: Path, fill: Callable[[Store], None],
                     embedded: bool = True) -> Iterator[tuple[str, Store]]:  # fmt: skip
    if embedded:
        work = folder / f"reason-{label}"
        work.mkdir()
        graph = KnowledgeGraph(Settings(store_path=str(work / "store"), read_only=False))
        graph.build()
        graph.close()
        store: Store = GraphStore.open(work / "store", read_only=False)
        fill(store)
        yield "embedded (disk)", store
    for name, server in servers.items():
        remote = RemoteStore.from_settings(remote_settings(server))
        drop_ours(remote)
        KnowledgeGraph(remote_settings(server)).build()
        fill(remote)
        yield name, remote


def bench_reasoning(servers: dict[str, Server], folder: Path, args: argparse.Namespace, results: Results) -> None:
    """Both strategies on our graph, then on the OWL 2 RL workload (in place of the truthy graph)."""
    triples, embedded = args.reasoning_triples, not args.reasoning_servers_only
    if not args.skip_real_reasoning:
        for name, store in reasoning_stores("real", servers, folder, lambda _store: None, embedded):
            report(results, f"reasoning, real graph / {name}", time_strategies(store))
    for size in triples:
        workload = synthetic.synthetic_ntriples(individuals=max(100, size // 7)).encode("utf-8")

        def add(store: Store, data: bytes = workload) -> None:
            store.replace_graph(v.TRUTHY_GRAPH, data, "ntriples")

        for name, store in reasoning_stores(f"synthetic-{size}", servers, folder, add, embedded):
            report(results, f"reasoning, synthetic {size} triples / {name}", time_strategies(store))


# ---------------------------------------------------------------------------------------------- tables


def markdown(results: Results) -> str:
    """The README's tables from the JSON: load and latency, throughput, reasoning (queries in their order)."""
    rows = {k: r for k, r in results.items() if isinstance(r, dict) and "in process" in r}
    names = ["lookup", "time-filtered relation", "2-hop join", "aggregation", "CONSTRUCT", "large result"]
    out = ["| graph / backend | load (s) | " + " | ".join(names) + " | server peak RSS (MB) |",
           "|---" * (len(names) + 3) + "|"]  # fmt: skip
    for key, row in rows.items():
        cells = [_ms(cell) for cell in row["in process"].values()]
        memory = _mb(row.get("server peak_rss_mb"))
        out.append(f"| {key} | {row.get('load_s')} | " + " | ".join(cells) + f" | {memory} |")
    out += ["", "q/s at 1 / 4 connections:", "",
            "| graph / backend | via | " + " | ".join(names) + " | serve peak RSS (MB) |",
            "|---" * (len(names) + 3) + "|"]  # fmt: skip
    for key, row in rows.items():
        for via in ("direct", "through actorgraph serve"):
            if via in row:
                rates = list(row[via].values())
                cells = [f"{one} / {four}" for one, four in zip(rates[::2], rates[1::2], strict=True)]
                memory = _mb(row.get("actorgraph serve peak_rss_mb")) if via != "direct" else ""
                out.append(f"| {key} | {via} | " + " | ".join(cells) + f" | {memory} |")
    stopped = {k: r for k, r in results.items() if isinstance(r, dict) and "stopped_after_s" in r}
    out += [f"- {key}: {json.dumps(row)}" for key, row in stopped.items()]
    switches = {k: r for k, r in results.items() if k.startswith("switch") and isinstance(r, dict)}
    if switches:
        out += ["", "| switch / backend | quads | upload (s) | switch wall (s) | switch server CPU (s) | "
                "server peak RSS (MB) | load average | error |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for key, row in switches.items():
            out.append(f"| {key} | {row.get('quads')} | {row.get('upload_s')} | {row.get('switch_s')} | "
                       f"{row.get('switch_server_cpu_s')} | {row.get('server_peak_rss_mb')} | {row.get('load1')} | "
                       f"{row.get('error', '')} |")  # fmt: skip
    reasoning = {k: r for k, r in results.items() if k.startswith("reasoning")}
    if reasoning:
        out += ["", "| reasoning / backend | copy (s) | server (s) | closure + explanations, copy / server (s) | "
                "inferred | quads written | same graph |", "|---|---|---|---|---|---|---|"]  # fmt: skip
        for key, row in reasoning.items():
            assert isinstance(row, dict)
            alone = f"{row.get('copy closure+explanations_s')} / {row.get('server closure+explanations_s')}"
            both = f"{row.get('copy_s', row.get('copy'))} | {row.get('server_s', row.get('server'))}"
            out.append(f"| {key} | {both} | {alone} | {row.get('inferred')} | {row.get('quads written')} | "
                       f"{row.get('same graph')} |")  # fmt: skip
    return "\n".join(out)


def _mb(value: object) -> str:
    return f"{value:.0f}" if isinstance(value, float | int) else ""


def _ms(cell: object) -> str:
    return f"{cell['median_ms']} ms" if isinstance(cell, dict) else str(cell)


# ---------------------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000_000], help="synthetic graph sizes (quads)")
    parser.add_argument("--skip-real", action="store_true", help="no scale measurement on our real graph")
    parser.add_argument("--seconds", type=float, default=2.0, help="seconds per query and backend, in process")
    parser.add_argument("--wrk-seconds", type=float, default=3.0, help="seconds per wrk run (0: no HTTP throughput)")
    parser.add_argument("--load-limit", type=float, default=1800, help="seconds a server may take to load")
    parser.add_argument("--skip", action="append", default=[], choices=["oxigraph", "virtuoso"])
    parser.add_argument("--bulk", action="store_true",
                        help="load each server with its own bulk loader into a new database (not the build's atomic "
                             "staged switch, which needs ~3 GB per 10^6 quads on Oxigraph's server)")  # fmt: skip
    parser.add_argument("--virtuoso-buffers", type=int, default=250_000, help="Virtuoso's page cache (8 KB pages)")
    parser.add_argument(
        "--virtuoso-after-image",
        type=int,
        default=1_500_000_000,
        help="Virtuoso's TransactionAfterImageLimit (bytes): the largest switch it can commit",
    )
    parser.add_argument("--switch", type=int, nargs="*", default=[], help="time a rebuild's switch at these sizes")
    parser.add_argument("--reasoning", action="store_true", help="time both reasoning strategies")
    parser.add_argument("--reasoning-triples", type=int, nargs="*", default=[100_000])
    parser.add_argument("--reasoning-servers-only", action="store_true", help="not the embedded store on disk")
    parser.add_argument("--skip-real-reasoning", action="store_true", help="reason over the synthetic workload only")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "actorgraph-bench")
    parser.add_argument("--output", type=Path, default=None, help="write the numbers as JSON here")
    parser.add_argument("--table", type=Path, default=None, help="print the tables of a JSON written by --output")
    args = parser.parse_args()
    if args.table:
        print(markdown(json.loads(args.table.read_text())))
        return
    args.data.mkdir(parents=True, exist_ok=True)
    results: Results = {"load average at start": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        folder = Path(tmp)
        # No --timeout-s: its per-query timer threads crash the server under wrk (oxigraph_server's doc).
        starters = {"oxigraph": lambda path: oxigraph_server(path, timeout_s=None),
                    "virtuoso": lambda path: virtuoso_server(path, args.virtuoso_buffers,
                                                             after_image=args.virtuoso_after_image)}  # fmt: skip
        if args.switch:
            bench_switch(starters, args.switch, args, folder, results)
        servers: dict[str, Server] = {}
        for name, start in starters.items():
            if name not in args.skip and not args.bulk:  # --bulk starts a fresh server per dataset
                (folder / name).mkdir()
                servers[name] = stack.enter_context(start(folder / name))
        datasets = [] if args.skip_real else [("real graph", real_file(args.data), real_queries())]
        for size in args.sizes:
            started = time.perf_counter()
            data, actors = synthetic_file(args.data, size)
            print(f"synthetic {size:.0e} quads ready in {time.perf_counter() - started:.0f} s", flush=True)
            datasets.append((f"synthetic {size:.0e} quads", data, synthetic_queries(actors)))
        for label, data, queries in datasets:
            bench_dataset(label, data, queries, servers, args, folder, results)
        if args.reasoning:
            bench_reasoning(servers, folder, args, results)
        results["load average at end"] = os.getloadavg()
    if args.output:
        args.output.write_text(json.dumps(results, indent=2))
    print(markdown(results))
    subprocess.run(["uptime"], check=False)


if __name__ == "__main__":
    main()
