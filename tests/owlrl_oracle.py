"""The reference for the OWL 2 RL rules in tests and benchmarks: owlrl's closure, and which triples to compare.

Test-only: owlrl comes with the test extra. The benchmark (benchmarks/reasoning.py) imports it too.
"""

from __future__ import annotations

import time

import owlrl
import pyoxigraph as ox
import rdflib

from actorgraph.graph.reasoning.rules import RDF_TYPE
from actorgraph.ontology import vocab as v

BUILTIN = (v.RDF, v.RDFS, v.OWL, v.XSD)
_THING = {f"<{v.OWL}Thing>", f"<{v.OWL}Nothing>"}


def covered(triple: tuple[str, str, str]) -> bool:
    """Whether a triple (N-Triples terms) is of a kind our rules produce, for comparing with owlrl.

    Left out: reflexive triples (eq-ref, scm-cls, scm-op, scm-dp: x sameAs x, c subClassOf c),
    owl:Thing and owl:Nothing, and facts about the RDF/RDFS/OWL/XSD vocabularies themselves
    (axiomatic triples, datatype typing). Every other kind must agree exactly.
    """
    s, p, o = triple
    if s.startswith('"') or s == o or s in _THING or o in _THING:
        return False
    if any(s.startswith(f"<{ns}") for ns in BUILTIN):
        return False
    return not (p == f"<{RDF_TYPE}>" and any(o.startswith(f"<{ns}") for ns in BUILTIN))


def owlrl_closure(ntriples: str) -> tuple[set[tuple[str, str, str]], float]:
    """The new triples owlrl's OWL-RL closure adds to an N-Triples graph (as N-Triples terms) and its time.

    Needs the test extra (owlrl). Axiomatic and datatype axioms are off, as in our rules.
    """
    graph = rdflib.Graph()
    graph.parse(data=ntriples, format="nt")
    before = set(graph)
    started = time.perf_counter()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    seconds = time.perf_counter() - started
    added = rdflib.Graph()
    for triple in set(graph) - before:
        if not isinstance(triple[0], rdflib.Literal):  # owlrl keeps literal subjects; RDF 1.1 has none
            added.add(triple)
    return parse_ntriples_terms(added.serialize(format="nt")), seconds


def parse_ntriples_terms(data: str) -> set[tuple[str, str, str]]:
    """Triples of an N-Triples text as Oxigraph's N-Triples term strings (for comparing graphs)."""
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}
