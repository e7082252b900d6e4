"""Each backend directly, in-process: embedded Oxigraph, Oxigraph's server, Virtuoso 7 (docs/deploy.md).

For the synthetic graph (10^6 quads; 10^7 with --big) and our real graph: load time (through the
Store interface: bulk load on disk, staged Graph Store uploads and one switch on a server), then
the latency of lookup, time-filtered relation, 2-hop join, aggregation, CONSTRUCT and a large
result, and the memory of each process. On the real graph also the reasoning time (read, reason
in memory, write back the inferred graph). The servers are started as the tests start them.

    .venv/bin/python benchmarks/backends.py [--quads 1000000] [--big] [--seconds 3] [--skip-virtuoso]

The HTTP benchmark with a load generator is benchmarks/sparql_http.py (not this file).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.graph.remote import RemoteStore
from actorgraph.graph.servers import Server, oxigraph_server, virtuoso_server
from actorgraph.graph.store import GraphStore, Store, build_store, serialize_results

AG = "https://w3id.org/actorgraph/ontology#"
RES = "https://w3id.org/actorgraph/resource/"
GRAPH = "https://w3id.org/actorgraph/graph/"
XSD_GYEAR = "http://www.w3.org/2001/XMLSchema#gYear"
RELATIONS = ["supports", "hostileTo", "cooperatesWith", "fundedBy", "memberOf", "alliedWith", "attacked", "hosts"]
CERTAINTY = ["Stated", "Reported", "Alleged", "Suspected", "Denied", "Assessed"]
PREFIXES = f"PREFIX ag: <{AG}>\nPREFIX res: <{RES}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
Query = Callable[[random.Random], str]


def synthetic_lines(statements: int, actors: int, seed: int = 20261121) -> Iterator[str]:
    """N-Quads shaped like ours: actors, statement nodes in ten document graphs, truthy triples (8 a statement)."""
    rng = random.Random(seed)
    rdf_type, label = (
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
        "<http://www.w3.org/2000/01/rdf-schema#label>",
    )
    for i in range(actors):
        yield f'<{RES}actor-{i}> {label} "Actor {i}"@en <{GRAPH}entities> .\n'
        yield f"<{RES}actor-{i}> {rdf_type} <{AG}{'State' if i % 10 == 0 else 'ArmedGroup'}> <{GRAPH}entities> .\n"
    for n in range(statements):
        doc, node = f"<{GRAPH}doc/doc-{n % 10}>", f"<{RES}statement/doc-{n % 10}/s{n}>"
        subject, obj, relation = rng.randrange(actors), rng.randrange(actors), rng.choice(RELATIONS)
        yield f"{node} {rdf_type} <{AG}Statement> {doc} .\n"
        yield f"{node} <{AG}subject> <{RES}actor-{subject}> {doc} .\n"
        yield f"{node} <{AG}relation> <{AG}{relation}> {doc} .\n"
        yield f"{node} <{AG}object> <{RES}actor-{obj}> {doc} .\n"
        yield f'{node} <{AG}startTime> "{rng.randrange(1979, 2025)}"^^<{XSD_GYEAR}> {doc} .\n'
        yield f"{node} <{AG}certainty> <{AG}{rng.choice(CERTAINTY)}> {doc} .\n"
        yield f"{node} <http://www.w3.org/ns/prov#wasAttributedTo> <{RES}author-{n % 25}> {doc} .\n"
        yield f"<{RES}actor-{subject}> <{AG}{relation}> <{RES}actor-{obj}> <{GRAPH}truthy> .\n"


def synthetic_queries(actors: int) -> dict[str, Query]:
    return {
        "lookup": lambda r: PREFIXES + f'SELECT ?s WHERE {{ ?s rdfs:label "Actor {r.randrange(actors)}"@en }}',
        "time-filtered relation": lambda r: PREFIXES + (
            f"SELECT ?st ?o ?t WHERE {{ ?st ag:subject res:actor-{r.randrange(actors)} ; ag:relation ag:supports ; "
            f'ag:object ?o ; ag:startTime ?t FILTER(?t >= "2001"^^<{XSD_GYEAR}>) }}'),
        "2-hop join": lambda r: PREFIXES + (
            f"SELECT ?b ?c WHERE {{ res:actor-{r.randrange(actors)} ag:supports ?b . ?b ag:supports ?c }}"),
        "aggregation": lambda r: PREFIXES + (
            f"SELECT ?rel (COUNT(*) AS ?n) WHERE {{ ?st ag:relation ?rel ; ag:certainty ag:{r.choice(CERTAINTY)} }} "
            "GROUP BY ?rel"),
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


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def load_embedded(folder: Path, data: Path) -> tuple[GraphStore, float]:
    started = time.perf_counter()

    def fill(store: GraphStore) -> None:
        store.bulk_load(data.read_bytes(), "nquads")

    target = build_store(folder / "store", fill)
    seconds = time.perf_counter() - started
    return GraphStore.open(target), seconds


def load_remote(server: Server, data: Path) -> tuple[RemoteStore, float]:
    store = RemoteStore.from_settings(Settings(store_path=server.url, store_kind=server.kind, query_timeout=600),
                                      read_only=False)  # fmt: skip
    started = time.perf_counter()
    work = GraphStore.memory()
    work.bulk_load(data.read_bytes(), "nquads")
    store.publish(work)
    return store, time.perf_counter() - started


def bench(label: str, stores: dict[str, tuple[Store, float, int]], queries: dict[str, Query], seconds: float,
          results: dict[str, object]) -> None:  # fmt: skip
    for backend, (store, load_seconds, pid) in stores.items():
        row: dict[str, object] = {"load_s": round(load_seconds, 2), "quads": store.count()}
        for name, make in queries.items():
            try:
                row[name] = latency_ms(store, make, seconds)
            except Exception as exc:  # a backend that cannot answer one query still gets its other numbers
                row[name] = f"error: {str(exc)[:160]}"
        row["rss_mb"] = rss_mb(pid)
        results[f"{label} / {backend}"] = row
        print(json.dumps({f"{label} / {backend}": row}), flush=True)


def reasoning_times(servers: dict[str, Server], folder: Path) -> dict[str, float]:
    """Seconds of `actorgraph reason` on our graph per backend (read, reason in memory, write back)."""
    times: dict[str, float] = {}
    settings = {"embedded (disk)": Settings(store_path=str(folder / "reason-store"), read_only=False),
                **{name: Settings(store_path=s.url, store_kind=s.kind, read_only=False, query_timeout=600)
                   for name, s in servers.items()}}  # fmt: skip
    for name, config in settings.items():
        graph = KnowledgeGraph(config)
        graph.build()
        started = time.perf_counter()
        graph.reason()
        times[name] = round(time.perf_counter() - started, 2)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quads", type=int, default=1_000_000, help="synthetic graph size (about)")
    parser.add_argument("--big", action="store_true", help="10^7 quads instead")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per query and backend")
    parser.add_argument("--skip-virtuoso", action="store_true")
    parser.add_argument("--output", type=Path, default=None, help="write the numbers as JSON here")
    args = parser.parse_args()
    quads = 10_000_000 if args.big else args.quads
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        folder = Path(tmp)
        starters = {"oxigraph server": oxigraph_server}
        if not args.skip_virtuoso:
            starters["virtuoso"] = virtuoso_server
        servers: dict[str, Server] = {}
        for name, start in starters.items():
            (folder / name).mkdir()
            servers[name] = stack.enter_context(start(folder / name))
        statements, actors = quads // 8, max(1000, quads // 200)
        data = folder / "synthetic.nq"
        with data.open("w", encoding="utf-8") as out:
            out.writelines(synthetic_lines(statements, actors))
        real = folder / "real.nq"
        memory = KnowledgeGraph(Settings(store_path=":memory:"))
        memory.build()
        with real.open("wb") as out:
            memory.store.dump(out, "nquads")
        for label, source, queries in (("real graph", real, real_queries()),
                                       (f"synthetic {quads:.0e} quads", data, synthetic_queries(actors))):  # fmt: skip
            stores: dict[str, tuple[Store, float, int]] = {}
            (folder / label).mkdir()
            embedded, seconds = load_embedded(folder / label, source)
            stores["embedded"] = (embedded, seconds, os.getpid())
            for name, server in servers.items():
                remote, seconds = load_remote(server, source)
                stores[name] = (remote, seconds, server.pid)
            bench(label, stores, queries, args.seconds, results)
        results["reasoning (real graph), seconds"] = reasoning_times(servers, folder)
        print(json.dumps({"reasoning (real graph), seconds": results["reasoning (real graph), seconds"]}))
        results["benchmark process peak rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if args.output:
        args.output.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
