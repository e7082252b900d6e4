"""VoID description of the dataset (https://www.w3.org/TR/void/), computed from the store.

The statistics (triples per named graph, distinct subjects, properties, classes) need full
scans, so they are computed once per opened store and cached; a rebuild opens a new store
and so gets fresh numbers. The description is returned as an rdflib Graph; the web layer
serialises it with pyoxigraph in the negotiated format.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import XSD

from actorgraph.graph.store import GraphStore
from actorgraph.ontology.vocab import AG, BASE, DCTERMS, RES, SD, VOID

DATASET_IRI = BASE + "dataset"
V = Namespace(VOID)
DCT = Namespace(DCTERMS)
SDNS = Namespace(SD)


@dataclass(frozen=True)
class Statistics:
    """Counts over the whole store and per named graph."""

    triples: int
    distinct_subjects: int
    properties: int
    classes: int
    per_graph: dict[str, int]


_cache: weakref.WeakKeyDictionary[GraphStore, Statistics] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def statistics(store: GraphStore) -> Statistics:
    """The dataset's VoID statistics (cached per opened store)."""
    with _lock:
        cached = _cache.get(store)
        if cached is not None:
            return cached
        stats = _compute(store)
        _cache[store] = stats
        return stats


def _count(store: GraphStore, sparql: str, *, union: bool = True) -> int:
    for row in store.query(sparql, union_default=union):  # type: ignore[union-attr]
        return int(row[0].value)
    return 0


def _compute(store: GraphStore) -> Statistics:
    per_graph = {}
    for row in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):  # type: ignore[union-attr]
        per_graph[row["g"].value] = int(row["n"].value)
    return Statistics(
        triples=sum(per_graph.values()) + _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", union=False),
        distinct_subjects=_count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        properties=_count(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"),
        classes=_count(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"),
        per_graph=per_graph,
    )


def void_graph(store: GraphStore, *, sparql_endpoint: str | None = None, data_dump: str | None = None) -> Graph:
    """The VoID description: the dataset, its statistics, and one subset per named graph."""
    stats = statistics(store)
    g = Graph()
    g.bind("void", V)
    g.bind("dcterms", DCT)
    g.bind("sd", SDNS)
    dataset = URIRef(DATASET_IRI)
    g.add((dataset, RDF.type, V.Dataset))
    g.add((dataset, DCT.title, Literal("ActorGraph", lang="en")))
    about = (
        "State, non-state and proxy actors and their relations, each statement with its evidence in the "
        "source documents; one named graph per document plus truthy, entity and ontology graphs."
    )
    g.add((dataset, DCT.description, Literal(about, lang="en")))
    g.add((dataset, V.vocabulary, URIRef(AG)))
    g.add((dataset, V.uriSpace, Literal(RES)))
    g.add((dataset, V.triples, Literal(stats.triples, datatype=XSD.integer)))
    g.add((dataset, V.distinctSubjects, Literal(stats.distinct_subjects, datatype=XSD.integer)))
    g.add((dataset, V.properties, Literal(stats.properties, datatype=XSD.integer)))
    g.add((dataset, V.classes, Literal(stats.classes, datatype=XSD.integer)))
    if sparql_endpoint:
        g.add((dataset, V.sparqlEndpoint, URIRef(sparql_endpoint)))
    if data_dump:
        g.add((dataset, V.dataDump, URIRef(data_dump)))
    for name, count in sorted(stats.per_graph.items()):
        # Each named graph is a subset; its IRI names both the graph and the subset.
        subset = URIRef(name)
        g.add((dataset, V.subset, subset))
        g.add((subset, RDF.type, V.Dataset))
        g.add((subset, SDNS.name, subset))
        g.add((subset, V.triples, Literal(count, datatype=XSD.integer)))
    # Linksets to Wikidata, DBpedia and GeoNames, counted in the links graph (docs/linking.md).
    from actorgraph.graph.linking import stored_linkset_counts, void_linksets

    for triple in void_linksets(stored_linkset_counts(store), DATASET_IRI):
        g.add(triple)
    return g
