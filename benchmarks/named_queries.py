"""Time of each named query on the real graph, as a ratio to a baseline query run in the same process.

    .venv/bin/python benchmarks/named_queries.py            # every analyst query, defaults, best of 3
    .venv/bin/python benchmarks/named_queries.py --naive    # also adversaries_at_year as first written

The baseline lists every statement with its evidence sentence (the pattern nearly every named
query starts from). A ratio of 5 means "as long as listing all evidence five times". The naive
form shows why some queries compute their relation or class sets once, in a sub-select placed
first: written as FILTER EXISTS with a property path, the set is recomputed for every row.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from actorgraph.graph.api import KnowledgeGraph, term_for
from actorgraph.graph.config import Settings
from actorgraph.graph.named_queries import get, load_all
from actorgraph.ontology.vocab import sparql_prefixes

BASELINE = """
SELECT ?statement ?quote WHERE {
  ?statement a ag:Statement ; prov:wasDerivedFrom/oa:hasTarget/oa:hasSelector/oa:exact ?quote .
}
"""

# adversaries_at_year as first written: the adversary relations as FILTER EXISTS with a path.
NAIVE_ADVERSARIES = """
SELECT ?actor ?year ?adversary ?adversaryLabel ?relation ?direction ?when ?certainty ?document ?quote ?statement
WHERE {
  {
    ?statement ag:subject ?actor ; ag:object ?adversary .
    BIND("actor -> adversary" AS ?direction)
  } UNION {
    ?statement ag:object ?actor ; ag:subject ?adversary .
    BIND("adversary -> actor" AS ?direction)
  }
  ?statement a ag:Statement ;
      ag:relation ?relationNode ;
      ag:certainty ?certaintyNode ;
      ag:statementOf ?doc ;
      prov:wasDerivedFrom/oa:hasTarget/oa:hasSelector/oa:exact ?quote .
  FILTER(isIRI(?adversary) && ?certaintyNode NOT IN (ag:Denied, ag:Forecast))
  FILTER EXISTS {
    VALUES ?adverse { ag:hostileTo ag:opposes ag:attacks ag:targets ag:threatens ag:disputeWith
                      ag:distrusts ag:imprisons }
    ?relationNode rdfs:subPropertyOf* ?adverse .
  }
  OPTIONAL { ?statement ag:pointInTime ?at }
  OPTIONAL { ?statement ag:startTime ?start }
  OPTIONAL { ?statement ag:endTime ?end }
  FILTER(BOUND(?at) || BOUND(?start) || BOUND(?end))
  # Years of the interval: the first four characters of xsd:gYear, gYearMonth and date values.
  BIND(IF(BOUND(?start), xsd:integer(SUBSTR(STR(?start), 1, 4)),
       IF(BOUND(?at) && !BOUND(?end), xsd:integer(SUBSTR(STR(?at), 1, 4)), -9999)) AS ?fromYear)
  BIND(IF(BOUND(?end), xsd:integer(SUBSTR(STR(?end), 1, 4)),
       IF(BOUND(?at) && !BOUND(?start), xsd:integer(SUBSTR(STR(?at), 1, 4)), 9999)) AS ?toYear)
  FILTER(?fromYear <= ?year && ?year <= ?toYear)
  ?relationNode rdfs:label ?relation .
  ?certaintyNode rdfs:label ?certainty .
  ?adversary rdfs:label ?adversaryLabel .
  BIND(IF(BOUND(?at), STR(?at), CONCAT(COALESCE(STR(?start), ""), "..", COALESCE(STR(?end), ""))) AS ?when)
  BIND(STRAFTER(STR(?doc), "/resource/document/") AS ?document)
}
ORDER BY ?adversaryLabel ?when ?document
"""


def count(result: Any) -> int:
    """Rows of a SELECT result."""
    return sum(1 for _ in result)


def best_of(runs: int, func: Callable[[], int]) -> tuple[float, int]:
    """The fastest of several runs (seconds) and the row count."""
    best, rows = float("inf"), 0
    for _ in range(runs):
        start = time.perf_counter()
        rows = func()
        best = min(best, time.perf_counter() - start)
    return best, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per query; the fastest counts")
    parser.add_argument("--naive", action="store_true", help="also time adversaries_at_year as first written")
    args = parser.parse_args()

    kg = KnowledgeGraph(Settings(store_path=":memory:"))
    started = time.perf_counter()
    report = kg.build()
    print(f"built in memory: {report.statements} statements, {report.quads} quads "
          f"({time.perf_counter() - started:.1f}s)")  # fmt: skip

    def rows_of(sparql: str) -> Callable[[], int]:
        return lambda: count(kg.query(sparql_prefixes() + sparql))

    base, base_rows = best_of(args.runs, rows_of(BASELINE))
    print(f"baseline (every statement with its quote): {base * 1000:.1f} ms, {base_rows} rows\n")
    print(f"{'query':30s} {'rows':>5s} {'ms':>9s} {'ratio':>7s}")
    total = 0.0
    for name in sorted(n for n in load_all() if not n.startswith("reasoning_")):
        query = get(name)
        bindings = {k: term_for(kind, value) for k, (kind, value) in query.bindings({}).items()}

        def run(sparql: str = query.sparql, subs: dict[str, object] = bindings) -> int:
            return count(kg.query(sparql, substitutions=subs))

        seconds, rows = best_of(args.runs, run)
        total += seconds
        print(f"{name:30s} {rows:5d} {seconds * 1000:9.1f} {seconds / base:7.1f}")
    print(f"{'all queries':30s} {'':5s} {total * 1000:9.1f} {total / base:7.1f}")

    if args.naive:
        subs = {k: term_for(kind, value) for k, (kind, value) in get("adversaries_at_year").bindings({}).items()}
        shipped, _ = best_of(1, lambda: count(kg.run_named("adversaries_at_year")))
        naive, _ = best_of(1, lambda: count(kg.query(sparql_prefixes() + NAIVE_ADVERSARIES, substitutions=subs)))
        print(f"\nadversaries_at_year with FILTER EXISTS + path: {naive * 1000:.0f} ms (ratio {naive / base:.0f}); "
              f"as shipped: {shipped * 1000:.0f} ms (ratio {shipped / base:.1f})")  # fmt: skip


if __name__ == "__main__":
    main()
