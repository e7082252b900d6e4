"""HermiT through owlready2: the shipped data is consistent, ProxyActor is filled, a clash is explained."""

from __future__ import annotations

import re

import pytest
import rdflib

from actorgraph.graph import reasoning
from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.checks.hermit import ConsistencyResult, check_consistency, proxy_evidence
from actorgraph.graph.config import Settings
from actorgraph.ontology.vocab import AG, INFERRED_GRAPH, RES

pytestmark = pytest.mark.java
STATEMENT = RES + "statement/"


@pytest.fixture(scope="module")
def hermit() -> ConsistencyResult:
    """One HermiT run over the ontology and the shipped data (entity types and truthy triples)."""
    return check_consistency()


def test_hermit_finds_the_shipped_data_consistent_and_classifies_proxies(hermit: ConsistencyResult) -> None:
    assert hermit.consistent, hermit.explanation
    # Iran directs (and the Quds Force funds) the Fatemiyoun Division; the Quds Force arms and funds the Taliban.
    assert {RES + "fatemiyoun-division", RES + "taliban"} <= set(hermit.proxies)
    assert AG + "ProxyActor" in hermit.inferred_types[RES + "fatemiyoun-division"]
    assert RES + "iran" not in hermit.proxies  # a state is never a proxy (State is disjoint with NonStateActor)


def test_hermit_proxies_come_with_the_sponsorship_statements(hermit: ConsistencyResult) -> None:
    evidence = {(e.proxy, e.sponsor, e.relation, e.statement) for e in proxy_evidence(hermit.proxies)}
    assert (
        RES + "fatemiyoun-division",
        RES + "iran",
        "directs",
        STATEMENT + "yousafzai-2024/iran-directs-fatemiyoun",
    ) in evidence
    assert (
        RES + "taliban",
        RES + "quds-force",
        "arms",
        STATEMENT + "nabil-commentary/quds-force-arms-taliban",
    ) in evidence
    assert {e[0] for e in evidence} == set(hermit.proxies)  # every proxy has a statement behind it


def test_hermit_and_the_owl_rl_rules_find_the_same_proxies(hermit: ConsistencyResult) -> None:
    kg = KnowledgeGraph(Settings(store_path=":memory:"))
    kg.build()
    reasoning.materialise(kg.store, explain=False)
    rows = kg.select(f"SELECT ?p WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?p a <{AG}ProxyActor> }} }}")
    assert {row["p"] for row in rows} == set(hermit.proxies)


def test_hermit_reports_a_state_typed_non_state_actor_with_the_triples_involved() -> None:
    fixture = rdflib.Graph()
    taliban = rdflib.URIRef(RES + "taliban")
    fixture.add((taliban, rdflib.RDF.type, rdflib.URIRef(AG + "State")))
    fixture.add((taliban, rdflib.RDF.type, rdflib.URIRef(AG + "InsurgentGroup")))  # as in the entity registry
    result = check_consistency(with_data=False, extra=fixture)
    assert not result.consistent
    text = "\n".join(result.explanation)
    assert "res:taliban is a ag:State and a ag:NonStateActor, but ag:State owl:disjointWith ag:NonStateActor" in text
    assert "res:taliban rdf:type ag:NonStateActor  [by rule cax-sco]" in text
    assert "res:taliban a ag:State comes from the extra data (not in the sources)" in text
    # The registry types the Taliban an InsurgentGroup and a PoliticalMovement: either explains NonStateActor.
    assert re.search(r"res:taliban a ag:(InsurgentGroup|PoliticalMovement) comes from the entity registry at "
                     r"\S*entities/core\.yaml:\d+", text), text  # fmt: skip


def test_hermit_finds_the_ontology_and_the_data_consistent() -> None:
    result = check_consistency()
    assert result.consistent
    assert result.individuals >= 40


def test_hermit_finds_a_state_typed_non_state_actor_inconsistent() -> None:
    fixture = rdflib.Graph()
    taliban = rdflib.URIRef(RES + "taliban")
    fixture.add((taliban, rdflib.RDF.type, rdflib.URIRef(AG + "State")))  # the Taliban are typed a NonStateActor
    result = check_consistency(extra=fixture)
    assert not result.consistent
    assert any(str(taliban) in line and "disjointWith" in line for line in result.explanation), result.explanation
