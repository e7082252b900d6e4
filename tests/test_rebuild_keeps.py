"""Rebuilds keep what the sources cannot make (the enrichment graph) and every build still being read."""

from __future__ import annotations

import gc
from pathlib import Path

from actorgraph.graph import leases
from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.graph.store import GraphStore, builds_dir, current_target
from actorgraph.ontology.vocab import ENRICHMENT_GRAPH

FIXTURE = Path(__file__).parent / "data" / "fixture"
FACT = (
    "<https://w3id.org/actorgraph/resource/iran> <http://www.wikidata.org/prop/direct/P36> "
    "<http://www.wikidata.org/entity/Q3616> .\n"
)


def _graph(path: Path) -> KnowledgeGraph:
    return KnowledgeGraph(Settings(store_path=str(path)), sources=FIXTURE)


def test_a_rebuild_keeps_the_enrichment_graph(tmp_path: Path) -> None:
    path = tmp_path / "store"
    _graph(path).build()
    writer = GraphStore.open(path, read_only=False)
    writer.replace_graph(ENRICHMENT_GRAPH, FACT, "ntriples")
    del writer  # release RocksDB's lock
    steps: list[str] = []
    _graph(path).build(steps.append)
    assert "keep the enrichment graph of the current store" in steps
    rebuilt = _graph(path)
    assert rebuilt.stats()[ENRICHMENT_GRAPH] == 1
    assert rebuilt.select(f"SELECT ?o WHERE {{ GRAPH <{ENRICHMENT_GRAPH}> {{ ?s ?p ?o }} }}") == [
        {"o": "http://www.wikidata.org/entity/Q3616"}
    ]


def test_a_build_without_enrichment_keeps_nothing(tmp_path: Path) -> None:
    path = tmp_path / "store"
    _graph(path).build()
    steps: list[str] = []
    _graph(path).build(steps.append)
    assert "keep the enrichment graph of the current store" not in steps
    assert ENRICHMENT_GRAPH not in _graph(path).stats()


def test_two_quick_rebuilds_keep_the_build_a_reader_still_holds(tmp_path: Path) -> None:
    path = tmp_path / "store"
    _graph(path).build()
    reader = _graph(path)
    first = current_target(path)
    assert first is not None
    reader.open()  # the reader holds a lease on the first build
    assert leases.in_use(first)
    _graph(path).build()
    _graph(path).build()  # without the lease, this prune would delete the first build
    assert first.is_dir()
    assert int(reader.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]) > 100
    reader.close()  # the store object is gone, and with it the lease
    gc.collect()
    assert not leases.in_use(first)
    _graph(path).build()
    assert not first.exists()  # the next build prunes it
    assert len(list(builds_dir(path).iterdir())) == 2
