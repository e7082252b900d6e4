"""VoID description of the dataset (https://www.w3.org/TR/void/), computed from the store.

The statistics (triples per named graph, distinct subjects, properties, classes) need full
scans, so they are computed once per opened store and cached; a rebuild opens a new store
and so gets fresh numbers. The description is returned as an rdflib Graph; the web layer
serialises it with pyoxigraph in the negotiated format.

It includes one linkset per external dataset we link to (Wikidata, DBpedia, GeoNames), with
the number of ``skos:exactMatch`` links (docs/linking.md).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, RDFS, SKOS, XSD

from actorgraph.graph.linking.registry import DBPEDIA_RESOURCE, GEONAMES_FEATURE, WIKIDATA_ENTITY, Link
from actorgraph.graph.store import Store
from actorgraph.ontology import vocab as v
from actorgraph.ontology.vocab import AG, BASE, DCTERMS, RES, SD, VOID

Triple = tuple[URIRef, URIRef, URIRef | Literal]

DATASET_IRI = BASE + "dataset"
V = Namespace(VOID)
DCT = Namespace(DCTERMS)
SDNS = Namespace(SD)


# --------------------------------------------------------------------------- linksets


@dataclass(frozen=True)
class LinkTarget:
    """An external dataset we link to, as VoID describes it."""

    key: str
    title: str
    homepage: str
    uri_space: str
    sparql_endpoint: str | None = None

    @property
    def iri(self) -> URIRef:
        """The IRI our VoID description gives the target dataset."""
        return URIRef(f"{v.BASE}void/target/{self.key}")


TARGETS = (
    LinkTarget(
        "wikidata", "Wikidata", "https://www.wikidata.org/", WIKIDATA_ENTITY, "https://query.wikidata.org/sparql"
    ),
    LinkTarget("dbpedia", "DBpedia", "https://www.dbpedia.org/", DBPEDIA_RESOURCE, "https://dbpedia.org/sparql"),
    LinkTarget("geonames", "GeoNames", "https://www.geonames.org/", GEONAMES_FEATURE),
)


def linkset_iri(target: LinkTarget) -> URIRef:
    """The IRI of our linkset to a target dataset."""
    return URIRef(f"{v.BASE}void/linkset/{target.key}")


def linkset_counts(links: Iterable[Link]) -> dict[str, int]:
    """skos:exactMatch links per target dataset, counted from the registry."""
    counts = {t.key: 0 for t in TARGETS}
    for link in links:
        for kind in link.iris():
            counts[kind] += 1
    return counts


def stored_linkset_counts(store: Store) -> dict[str, int]:
    """skos:exactMatch links per target dataset, counted in the store's links graph (what is served)."""
    counts = {}
    for target in TARGETS:
        sparql = (
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{v.LINKS_GRAPH}> {{ ?s <{SKOS.exactMatch}> ?o }} "
            f'FILTER(STRSTARTS(STR(?o), "{target.uri_space}")) }}'
        )
        counts[target.key] = next(int(row[0].value) for row in store.query(sparql))  # type: ignore[union-attr]
    return counts


def void_linksets(counts: Mapping[str, int], dataset: str) -> list[Triple]:
    """VoID linksets of `dataset`: target dataset, link predicate and count, for each target."""
    triples: list[Triple] = []
    for target in TARGETS:
        linkset = linkset_iri(target)
        triples += [
            (linkset, RDF.type, V.Linkset),
            (linkset, RDFS.label, Literal(f"ActorGraph to {target.title}", lang="en")),
            (linkset, V.subjectsTarget, URIRef(dataset)),
            (linkset, V.objectsTarget, target.iri),
            (linkset, V.linkPredicate, SKOS.exactMatch),
            (linkset, V.triples, Literal(counts.get(target.key, 0), datatype=XSD.integer)),
            (URIRef(dataset), V.subset, linkset),
            (target.iri, RDF.type, V.Dataset),
            (target.iri, DCT.title, Literal(target.title)),
            (target.iri, FOAF.homepage, URIRef(target.homepage)),
            (target.iri, V.uriSpace, Literal(target.uri_space)),
        ]
        if target.sparql_endpoint:
            triples.append((target.iri, V.sparqlEndpoint, URIRef(target.sparql_endpoint)))
    return triples


# --------------------------------------------------------------------------- the dataset and its statistics


@dataclass(frozen=True)
class Statistics:
    """Counts over the whole store and per named graph."""

    triples: int
    distinct_subjects: int
    properties: int
    classes: int
    per_graph: dict[str, int]


_cache: weakref.WeakKeyDictionary[Store, Statistics] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def statistics(store: Store) -> Statistics:
    """The dataset's VoID statistics (cached per opened store)."""
    with _lock:
        cached = _cache.get(store)
        if cached is not None:
            return cached
        stats = _compute(store)
        _cache[store] = stats
        return stats


def _count(store: Store, sparql: str, *, union: bool = True) -> int:
    for row in store.query(sparql, union_default=union):  # type: ignore[union-attr]
        return int(row[0].value)
    return 0


def _compute(store: Store) -> Statistics:
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


def void_graph(store: Store, *, sparql_endpoint: str | None = None, data_dump: str | None = None) -> Graph:
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
    for triple in void_linksets(stored_linkset_counts(store), DATASET_IRI):
        g.add(triple)
    return g
