"""The build: sources -> checked model -> RDF -> a new store swapped in atomically."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset

from actorgraph.graph.errors import StoreError
from actorgraph.graph.model import Corpus
from actorgraph.graph.rdf import corpus_nquads
from actorgraph.graph.reasoning import infer, reason_in_memory
from actorgraph.graph.remote import RemoteStore
from actorgraph.graph.sources import load_corpus
from actorgraph.graph.store import GraphStore, Store, build_store, current_target
from actorgraph.ontology.vocab import ENRICHMENT_GRAPH, INFERRED_GRAPH

Step = Callable[[str], None]
Progress = Callable[[int, int], None]  # (triples uploaded, of how many) while a remote store is written
REASON_STEP = "reason (OWL 2 RL closure, alliance conclusions)"
# Graphs a rebuild carries over from the current store because the sources cannot make them.
KEPT_GRAPHS = (ENRICHMENT_GRAPH,)


@dataclass
class BuildReport:
    """What a build did: documents, statements and quads per named graph."""

    documents: int
    entities: int
    statements_per_document: dict[str, int]
    quads_per_graph: dict[str, int] = field(default_factory=dict)
    location: str | None = None
    inference: str | None = None  # the reasoner's summary when the build ran it

    @property
    def statements(self) -> int:
        return sum(self.statements_per_document.values())

    @property
    def quads(self) -> int:
        return sum(self.quads_per_graph.values())


def dataset_nquads(dataset: Dataset) -> bytes:
    data = dataset.serialize(format="nquads")
    return data.encode("utf-8") if isinstance(data, str) else data


def fill_store(store: GraphStore, corpus: Corpus, step: Step = lambda _: None) -> None:
    """Compile the corpus and load it into an (empty) store."""
    step("compile RDF")
    nquads = corpus_nquads(corpus)
    step("load into Oxigraph")
    # The store is new and swapped in only when the build succeeds, so the bulk loader's lack of a
    # transaction costs nothing here, and it is about five times cheaper on disk.
    store.bulk_load(nquads, "nquads")


def build(
    store_path: Path | None,
    sources: Path | None = None,
    step: Step = lambda _: None,
    memory_store: GraphStore | None = None,
    *,
    reason: bool = False,
) -> BuildReport:
    """Check every source, compile, and write the store (on disk atomically, or into memory_store).

    Raises SourceError (file and line) before anything is written when a source is wrong.
    """
    step("read and check sources")
    corpus = load_corpus(sources)
    report = BuildReport(
        documents=len(corpus.documents),
        entities=len(corpus.entities),
        statements_per_document={f.document: len(f.statements) for f in corpus.files},
    )
    if memory_store is not None:
        fill_store(memory_store, corpus, step)
        if reason:
            report.inference = _reason(memory_store, step)
        report.quads_per_graph = memory_store.counts_per_graph()
        return report
    assert store_path is not None
    counts: dict[str, int] = {}
    kept = kept_graphs(store_path, step)

    def fill(store: GraphStore) -> None:
        fill_store(store, corpus, step)
        for graph, ntriples in kept.items():
            store.load(ntriples, "ntriples", graph)
        if reason:  # before the swap: readers never see a store without its inferred graph
            report.inference = _reason(store, step)
        counts.update(store.counts_per_graph())

    step("swap the new store in")
    location = build_store(store_path, fill)
    report.quads_per_graph = counts
    report.location = str(location)
    return report


def kept_graphs(store_path: Path, step: Step = lambda _: None) -> dict[str, bytes]:
    """The graphs of the current store that a rebuild keeps (not made from the sources): N-Triples by graph.

    The enrichment graph holds Wikidata facts fetched by ``link enrich``; the sources cannot
    rebuild it, so it passes from the old store to the new one. No store (or one that cannot be
    opened, as after a crash) keeps nothing, and says so.
    """
    if current_target(store_path) is None:
        return {}
    try:
        current = GraphStore.open(store_path, read_only=True)
    except StoreError as exc:
        step(f"the current store cannot be read ({exc}); its enrichment graph is not kept")
        return {}
    kept: dict[str, bytes] = {}
    for graph in KEPT_GRAPHS:
        if current.graph_exists(graph):
            out = io.BytesIO()
            current.dump_graph(out, "ntriples", graph)
            kept[graph] = out.getvalue()
    if kept:
        step("keep the enrichment graph of the current store")
    return kept


def build_remote(
    target: RemoteStore,
    sources: Path | None = None,
    step: Step = lambda _: None,
    *,
    reason: bool = False,
    progress: Progress = lambda _done, _total: None,
) -> BuildReport:
    """Build in memory (reasoning there too), then switch every graph in on the remote store at once.

    Readers of the remote store see the old graphs until the one switch request, then the new
    ones; a failure before it leaves the old graphs (RemoteStore.switch).
    """
    work = GraphStore.memory()
    report = build(None, sources, step, memory_store=work, reason=reason)
    step("upload and switch in")
    target.publish(work, progress, keep=KEPT_GRAPHS)
    report.location = target.endpoint.query_url
    return report


def copy_store(source: Store, target: Store | Path, step: Step = lambda _: None,
               progress: Progress = lambda _done, _total: None) -> dict[str, int]:  # fmt: skip
    """Copy every graph of source to target (a remote store, or a folder built atomically); the counts.

    Raises StoreError when the target's quads per graph differ from the source's afterwards.
    """
    step("read the source")
    expected = source.counts_per_graph()
    buffer = io.BytesIO()
    source.dump(buffer, "nquads")
    step("write the target")
    if not isinstance(target, Path):
        assert isinstance(target, RemoteStore), "a store to copy into is a remote store or a folder"
        work = GraphStore.memory()
        work.bulk_load(buffer.getvalue(), "nquads")
        target.publish(work, progress)
        written = target.counts_per_graph()
    else:
        counts: dict[str, int] = {}

        def fill(store: GraphStore) -> None:
            store.bulk_load(buffer.getvalue(), "nquads")
            counts.update(store.counts_per_graph())

        build_store(target, fill)
        written = counts
    if written != expected:
        differ = sorted(g for g in set(expected) | set(written) if expected.get(g) != written.get(g))
        raise StoreError(f"the copy does not match its source in {len(differ)} graphs: {', '.join(differ[:5])}")
    return written


def _reason(store: GraphStore, step: Step) -> str:
    step(REASON_STEP)
    return infer(store).summary()


def reason_store(store_path: Path, step: Step = lambda _: None) -> str:
    """Add the inferred graph to the store at store_path: copy it into a new build, reason, swap.

    The on-disk store is opened read-only everywhere else (a server may be reading it), so the
    reasoner writes a copy and swaps it in atomically, as a build does. Returns the summary.
    """
    step("copy the current store")
    current = GraphStore.open(store_path, read_only=True)
    buffer = io.BytesIO()
    current.dump(buffer, "nquads")
    del current
    step(REASON_STEP)
    report, inferred = reason_in_memory(buffer.getvalue())

    def fill(store: GraphStore) -> None:
        store.bulk_load(buffer.getvalue(), "nquads")
        store.replace_graph(INFERRED_GRAPH, inferred, "ntriples")

    step("swap the new store in")
    build_store(store_path, fill)
    return report.summary()
