"""HermiT (through owlready2) over the ontology and, optionally, the data: consistency and classification.

For development and CI, never on a request path: it starts a Java process.
When HermiT finds ontology plus data inconsistent, we say which individuals and which
statements are involved (by scanning for disjoint types), not a Java stack trace.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from actorgraph.graph.errors import OntologyError
from actorgraph.ontology import load_ontology


@dataclass
class ConsistencyResult:
    """HermiT's verdict, with the classes it inferred for individuals and an explanation if inconsistent."""

    consistent: bool
    individuals: int
    inferred_types: dict[str, list[str]] = field(default_factory=dict)
    explanation: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verdict = "consistent" if self.consistent else "INCONSISTENT"
        return f"HermiT: ontology plus {self.individuals} individuals is {verdict}"


def data_graph(sources: Path | None = None) -> rdflib.Graph:
    """Ontology + entity types + truthy triples: what the reasoner should see."""
    from actorgraph.graph.rdf import entity_quads, truthy_quads
    from actorgraph.graph.sources import load_corpus

    corpus = load_corpus(sources)
    graph = rdflib.Graph()
    for s, p, o, _g in entity_quads(corpus.entities.values()):
        if p == RDF.type:
            graph.add((s, p, o))
    for s, p, o, _g in truthy_quads(corpus.statements):
        graph.add((s, p, owl2_literal(o)))
    return graph


# XSD types outside the OWL 2 datatype map; HermiT refuses them ("not part of the OWL 2 datatype map").
NON_OWL2_DATATYPES = frozenset(str(rdflib.XSD) + t for t in ("gYear", "gYearMonth", "date", "gMonth", "gDay"))


def owl2_literal(term: rdflib.term.Node) -> rdflib.term.Node:
    """Years, year-months and dates become plain strings for HermiT (it reasons about classes, not dates)."""
    if isinstance(term, rdflib.Literal) and term.datatype is not None and str(term.datatype) in NON_OWL2_DATATYPES:
        return rdflib.Literal(str(term))
    return term


def check_consistency(
    sources: Path | None = None, *, with_data: bool = True, extra: rdflib.Graph | None = None
) -> ConsistencyResult:
    """Run HermiT; extra triples (a test fixture) are added to the data. Raises OntologyError without Java."""
    if shutil.which("java") is None:
        raise OntologyError("HermiT needs Java on PATH (apt-get install default-jre-headless)")
    graph = rdflib.Graph()
    for triple in load_ontology():
        graph.add(triple)
    data = data_graph(sources) if with_data else rdflib.Graph()
    if extra is not None:
        for triple in extra:
            data.add(triple)
    for triple in data:
        graph.add(triple)
    return _run_hermit(graph, data)


def _run_hermit(graph: rdflib.Graph, data: rdflib.Graph) -> ConsistencyResult:
    import owlready2

    individuals = {
        str(s) for s, o in data.subject_objects(RDF.type) if str(o).startswith("https://w3id.org/actorgraph/")
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "actorgraph.nt"
        graph.serialize(destination=str(path), format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return ConsistencyResult(False, len(individuals), explanation=explain_disjointness(graph, data))
    inferred = {
        ind.iri: sorted(c.iri for c in ind.is_a if hasattr(c, "iri"))
        for ind in onto.individuals()
        if ind.iri in individuals
    }
    return ConsistencyResult(True, len(individuals), inferred_types=inferred)


def explain_disjointness(ontology_and_data: rdflib.Graph, data: rdflib.Graph) -> list[str]:
    """Individuals whose (asserted or superclass) types are declared disjoint, with the triples involved."""
    g = ontology_and_data

    def supers(cls: rdflib.term.Node) -> set[rdflib.term.Node]:
        return {c for c in g.transitive_objects(cls, RDFS.subClassOf) if c is not None}

    disjoint = {(a, b) for a, b in g.subject_objects(OWL.disjointWith)}
    disjoint |= {(b, a) for a, b in disjoint}
    found = []
    for ind in set(data.subjects(RDF.type, None)):
        asserted = list(data.objects(ind, RDF.type))
        for x in asserted:
            for y in asserted:
                hits = [(a, b) for a in supers(x) for b in supers(y) if (a, b) in disjoint]
                if hits and str(x) < str(y):
                    a, b = hits[0]
                    found.append(f"{ind} is typed {x} and {y}, but {a} owl:disjointWith {b}")
    return found or ["HermiT found the ontology plus data inconsistent (no disjoint typing found to blame)"]
