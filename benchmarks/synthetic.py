"""Synthetic graphs shaped like ActorGraph's, generated deterministically (a seed, no clock).

- ``statement_nquads``: the data of the scale benchmarks (actors; statement nodes with subject,
  relation, object, year, certainty and attribution in ten document graphs; truthy triples);
- ``synthetic_ntriples``: an OWL 2 RL workload (hierarchies, symmetric, inverse, chain, defined class).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

EX = "https://example.org/synthetic/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"


AG = "https://w3id.org/actorgraph/ontology#"
RES = "https://w3id.org/actorgraph/resource/"
GRAPH = "https://w3id.org/actorgraph/graph/"
XSD_GYEAR = "http://www.w3.org/2001/XMLSchema#gYear"
RELATIONS = ["supports", "hostileTo", "cooperatesWith", "fundedBy", "memberOf", "alliedWith", "attacked", "hosts"]
CERTAINTY = ["Stated", "Reported", "Alleged", "Suspected", "Denied", "Assessed"]


def statement_nquads(statements: int, actors: int, seed: int = 20261121) -> Iterator[str]:
    """N-Quads lines shaped like ours: 2 per actor, then 8 per statement (7 on its node, 1 truthy triple)."""
    rng = random.Random(seed)
    rdf_type, label = f"<{RDF}type>", f"<{RDFS}label>"
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


def _iri(local: str) -> str:
    return f"<{EX}{local}>"


def synthetic_ntriples(individuals: int = 10_000, edges_per_individual: int = 6, seed: int = 7) -> str:
    """N-Triples of a schema (about 200 axioms) plus individuals with one type and a few relations each."""
    rng = random.Random(seed)
    lines: list[str] = []

    def add(s: str, p: str, o: str) -> None:
        lines.append(f"{s} {p} {o} .")

    sub_class, sub_prop = f"<{RDFS}subClassOf>", f"<{RDFS}subPropertyOf>"
    rdf_type, first, rest, nil = f"<{RDF}type>", f"<{RDF}first>", f"<{RDF}rest>", f"<{RDF}nil>"
    # A class tree three levels under Agent, like Actor > Organization > NonStateActor > ArmedGroup.
    classes = ["Agent"]
    leaves: list[str] = []
    for a in range(4):
        add(_iri(f"C{a}"), sub_class, _iri("Agent"))
        classes.append(f"C{a}")
        for b in range(4):
            add(_iri(f"C{a}_{b}"), sub_class, _iri(f"C{a}"))
            for c in range(4):
                add(_iri(f"C{a}_{b}_{c}"), sub_class, _iri(f"C{a}_{b}"))
                leaves.append(f"C{a}_{b}_{c}")
    add(_iri("State"), sub_class, _iri("C0"))
    add(_iri("C1"), f"<{OWL}disjointWith>", _iri("C2"))
    # Properties: two trees (positive, negative), symmetric tops, an inverse pair, a transitive partOf.
    props: list[str] = []
    for top in ("pos", "neg"):
        add(_iri(top), rdf_type, f"<{OWL}SymmetricProperty>")
        add(_iri(top), f"<{RDFS}domain>", _iri("Agent"))
        add(_iri(top), f"<{RDFS}range>", _iri("Agent"))
        for i in range(6):
            add(_iri(f"{top}{i}"), sub_prop, _iri(top))
            props.append(f"{top}{i}")
            for j in range(3):
                add(_iri(f"{top}{i}_{j}"), sub_prop, _iri(f"{top}{i}"))
                props.append(f"{top}{i}_{j}")
    add(_iri("sponsors"), sub_prop, _iri("pos0"))
    add(_iri("sponsors"), f"<{OWL}inverseOf>", _iri("proxyOf"))
    for i in range(3):
        add(_iri(f"funds{i}"), sub_prop, _iri("sponsors"))
        props.append(f"funds{i}")
    add(_iri("partOf"), rdf_type, f"<{OWL}TransitiveProperty>")
    add(_iri("hasPart"), f"<{OWL}inverseOf>", _iri("partOf"))
    add(_iri("pos0"), f"<{OWL}propertyChainAxiom>", _iri("chain"))
    add(_iri("chain"), first, _iri("hasPart"))
    add(_iri("chain"), rest, _iri("chain2"))
    add(_iri("chain2"), first, _iri("pos0"))
    add(_iri("chain2"), rest, nil)
    # A defined class: C1 and (proxyOf some (State or C0_0)), as ProxyActor is defined.
    add(_iri("Proxy"), f"<{OWL}equivalentClass>", _iri("ProxyDef"))
    add(_iri("ProxyDef"), f"<{OWL}intersectionOf>", _iri("pl1"))
    add(_iri("pl1"), first, _iri("C1"))
    add(_iri("pl1"), rest, _iri("pl2"))
    add(_iri("pl2"), first, _iri("ProxyR"))
    add(_iri("pl2"), rest, nil)
    add(_iri("ProxyR"), rdf_type, f"<{OWL}Restriction>")
    add(_iri("ProxyR"), f"<{OWL}onProperty>", _iri("proxyOf"))
    add(_iri("ProxyR"), f"<{OWL}someValuesFrom>", _iri("StateOrOrgan"))
    add(_iri("StateOrOrgan"), f"<{OWL}unionOf>", _iri("ul1"))
    add(_iri("ul1"), first, _iri("State"))
    add(_iri("ul1"), rest, _iri("ul2"))
    add(_iri("ul2"), first, _iri("C0_0"))
    add(_iri("ul2"), rest, nil)
    # Individuals: C0 leaves are "states and organs", C1 leaves "non-state actors", the rest anything.
    for n in range(individuals):
        add(_iri(f"i{n}"), rdf_type, _iri(rng.choice(leaves)))
    for n in range(0, individuals, 50):
        # short partOf chains (organ partOf state) keep the transitive closure linear
        add(_iri(f"i{n + 1}"), _iri("partOf"), _iri(f"i{n}"))
        add(_iri(f"i{n + 2}"), _iri("partOf"), _iri(f"i{n + 1}"))
    for n in range(individuals):
        for _ in range(edges_per_individual):
            add(_iri(f"i{n}"), _iri(rng.choice(props)), _iri(f"i{rng.randrange(individuals)}"))
    return "\n".join(lines) + "\n"
