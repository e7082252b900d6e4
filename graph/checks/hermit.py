"""HermiT (through owlready2) over the ontology and, optionally, the data: consistency and classification.

For development and CI, never on a request path: it starts a Java process.
When HermiT finds ontology plus data inconsistent, we say which individuals and which
statements are involved (by scanning for disjoint types), not a Java stack trace: the OWL 2 RL
rules (actorgraph.graph.reasoning) derive both memberships of each clash with their premises,
down to the statements and the entity registry lines they come from.

Classification fills the defined class ag:ProxyActor (a non-state actor that is ag:proxyOf a
state or state organ; ag:proxyOf is the inverse of ag:sponsors, whose subproperties are
ag:funds, ag:arms and ag:directs): ``ConsistencyResult.proxies`` lists them, and
``proxy_evidence`` the sponsorship statements behind each.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from actorgraph.graph.build import dataset_nquads
from actorgraph.graph.errors import OntologyError
from actorgraph.graph.rdf import NOT_TRUTHY, compile_corpus, entity_quads, truthy_quads
from actorgraph.graph.reasoning import clashes, compact, materialise
from actorgraph.graph.sources import load_corpus
from actorgraph.graph.store import GraphStore
from actorgraph.ontology import load_ontology
from actorgraph.ontology.vocab import AG, ENTITIES_GRAPH, RES, TRUTHY_GRAPH, statement_iri

PROXY_ACTOR = AG + "ProxyActor"


@dataclass
class ConsistencyResult:
    """HermiT's verdict, with the classes it inferred for individuals and an explanation if inconsistent."""

    consistent: bool
    individuals: int
    inferred_types: dict[str, list[str]] = field(default_factory=dict)
    explanation: list[str] = field(default_factory=list)
    proxies: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verdict = "consistent" if self.consistent else "INCONSISTENT"
        return f"HermiT: ontology plus {self.individuals} individuals is {verdict}"


def data_graph(sources: Path | None = None) -> rdflib.Graph:
    """Ontology + entity types + truthy triples: what the reasoner should see."""
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
    return _run_hermit(graph, data, sources)


def _run_hermit(graph: rdflib.Graph, data: rdflib.Graph, sources: Path | None = None) -> ConsistencyResult:
    import owlready2  # optional at run time (HermiT needs Java); its import alone costs ~40 ms

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
            explanation = explain_disjointness(graph, data) + explain_clashes(data, sources)
            return ConsistencyResult(False, len(individuals), explanation=explanation)
        # world.individuals() lists only owl:NamedIndividual declarations, which our data has none of.
        found = {iri: world[iri] for iri in sorted(individuals)}
        inferred = {
            iri: sorted(c.iri for c in ind.is_a if hasattr(c, "iri")) for iri, ind in found.items() if ind is not None
        }
        proxy_class = world[PROXY_ACTOR]
        proxies = sorted({ind.iri for ind in proxy_class.instances()}) if proxy_class is not None else []
    return ConsistencyResult(True, len(individuals), inferred_types=inferred, proxies=proxies)


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


def explain_clashes(data: rdflib.Graph, sources: Path | None = None) -> list[str]:
    """Each clash (member of two disjoint classes) with the derivation of both memberships.

    The shipped corpus is compiled (for the statement nodes behind truthy triples), the data's
    triples (types to the entities graph, the rest to truthy) are added, and the OWL 2 RL rules
    explain every rdf:type involved down to asserted triples, statements and registry lines.
    """
    corpus = load_corpus(sources)
    store = GraphStore.memory()
    store.load(dataset_nquads(compile_corpus(corpus)), "nquads")
    types, others = rdflib.Graph(), rdflib.Graph()
    for triple in data:
        (types if triple[1] == RDF.type else others).add(triple)
    store.load(types.serialize(format="nt").encode("utf-8"), "ntriples", graph=ENTITIES_GRAPH)
    store.load(others.serialize(format="nt").encode("utf-8"), "ntriples", graph=TRUTHY_GRAPH)
    materialise(store)
    registry = {(RES + e.id, AG + kind): str(e.origin) for e in corpus.entities.values() for kind in e.types}
    lines = []
    for clash in clashes(store):
        lines.append(clash.describe())
        for step in clash.because:
            s, p, o = step.triple
            if p == str(RDF.type) and step.rule is None:
                where = registry.get((s, o))
                source = f"the entity registry at {where}" if where else "the extra data (not in the sources)"
                lines.append(f"  {compact(s)} a {compact(o)} comes from {source}")
    return lines


@dataclass(frozen=True)
class ProxyEvidence:
    """A statement that makes an actor a proxy: a state or organ sponsors (funds, arms, directs) it."""

    proxy: str
    sponsor: str
    relation: str
    statement: str


def proxy_evidence(proxies: list[str], sources: Path | None = None) -> list[ProxyEvidence]:
    """The sponsorship statements (not denied or forecast) whose object is one of the proxies."""
    corpus = load_corpus(sources)
    organs = {"State", "StateOrgan", "Government", "Ministry", "ArmedForce", "IntelligenceService",
              "DiplomaticMission", "Legislature"}  # fmt: skip
    found = []
    for st in corpus.statements:
        if st.object is None or RES + st.object not in proxies or st.certainty in NOT_TRUTHY or st.candidate:
            continue
        sponsor = corpus.entities.get(st.subject)
        if st.predicate in ("sponsors", "funds", "arms", "directs") and sponsor and organs & set(sponsor.types):
            found.append(ProxyEvidence(RES + st.object, RES + st.subject, st.predicate,
                                       statement_iri(st.document, st.local_id)))  # fmt: skip
    return sorted(found, key=lambda e: (e.proxy, e.statement))
