"""The ontology: parses, loads in owlready2, HermiT finds it consistent; a bad fixture is inconsistent."""

from __future__ import annotations

import rdflib

from actorgraph.ontology import load_ontology, ontology_terms
from actorgraph.ontology.check import check_consistency
from actorgraph.ontology.vocab import AG, RES


def test_ontology_declares_core_classes_and_properties() -> None:
    terms = ontology_terms()
    assert {"State", "StateOrgan", "NonStateActor", "ProxyActor", "Person", "Community", "Attack"} <= terms.classes
    assert {"supports", "funds", "hostileTo", "sponsors", "proxyOf", "partOf", "perpetrator"} <= terms.properties


def test_ontology_symmetric_and_inverse_properties() -> None:
    graph = load_ontology()
    owl = rdflib.OWL
    assert (rdflib.URIRef(AG + "hostileTo"), rdflib.RDF.type, owl.SymmetricProperty) in graph
    assert (rdflib.URIRef(AG + "sponsors"), owl.inverseOf, rdflib.URIRef(AG + "proxyOf")) in graph
    chain = graph.value(rdflib.URIRef(AG + "supports"), owl.propertyChainAxiom)
    assert [str(x) for x in rdflib.collection.Collection(graph, chain)] == [AG + "hasPart", AG + "supports"]


def test_ontology_hermit_finds_ontology_and_data_consistent() -> None:
    result = check_consistency()
    assert result.consistent
    assert result.individuals >= 40


def test_ontology_hermit_finds_state_and_non_state_actor_inconsistent() -> None:
    fixture = rdflib.Graph()
    taliban = rdflib.URIRef(RES + "taliban")
    fixture.add((taliban, rdflib.RDF.type, rdflib.URIRef(AG + "State")))  # the Taliban are typed a NonStateActor
    result = check_consistency(extra=fixture)
    assert not result.consistent
    assert any(str(taliban) in line and "disjointWith" in line for line in result.explanation), result.explanation
