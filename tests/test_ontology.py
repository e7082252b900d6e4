"""The ontology: parses, declares its classes and properties (HermiT's checks are in test_hermit.py)."""

from __future__ import annotations

import rdflib

from actorgraph.ontology import load_ontology, ontology_terms
from actorgraph.ontology.vocab import AG


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
