"""The Python engine of the OWL 2 RL rules: compiled from the rule files, the same rounds as the SPARQL engine."""

from __future__ import annotations

import io

import pytest

from actorgraph.graph import reasoning
from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.graph.errors import KGError, UnsupportedRule
from actorgraph.graph.reasoning import fixpoint
from actorgraph.graph.store import GraphStore
from actorgraph.ontology.vocab import AG, INFERRED_GRAPH, RDF, RES

GRAPH = "https://example.org/graph"
PREFIXES = """
@prefix ex: <https://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def rules_by_id() -> dict[str, reasoning.Rule]:
    return {rule.id: rule for rule in reasoning.load_rules()}


def inferred_graph(store: GraphStore) -> set[str]:
    out = io.BytesIO()
    store.dump(out, "ntriples", graph=INFERRED_GRAPH)
    return set(out.getvalue().decode("utf-8").splitlines())


def small_store(turtle: str) -> GraphStore:
    store = GraphStore.memory()
    store.load((PREFIXES + turtle).encode("utf-8"), "turtle", graph=GRAPH)
    return store


def test_fixpoint_compiles_every_shipped_rule_from_its_sparql() -> None:
    rules = rules_by_id()
    compiled = {rid: fixpoint.compile_rule(rid, rule.sparql) for rid, rule in rules.items()}
    assert compiled["cls-int1"].special is not None and not compiled["cls-int1"].bodies  # it counts: hand-written
    assert all(c.bodies for rid, c in compiled.items() if rid != "cls-int1")
    # scm-eqc1 reads c1 owl:equivalentClass c2 both ways round: a UNION, two conjunctions
    assert len(compiled["scm-eqc1"].bodies) == 2
    (uni,) = compiled["cls-uni"].bodies
    assert [a.member for a in uni.atoms].count(True) == 1  # ?l rdf:rest*/rdf:first ?m
    (trans,) = compiled["eq-trans"].bodies
    assert trans.different == (("?x", "?z"),)
    assert trans.head == ("?x", "<http://www.w3.org/2002/07/owl#sameAs>", "?z")


def test_fixpoint_refuses_a_body_it_cannot_evaluate() -> None:
    with pytest.raises(UnsupportedRule, match="unsupported body: LeftJoin"):
        fixpoint.compile_rule("test-optional", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?r } }")
    with pytest.raises(UnsupportedRule, match=r"FILTER\(\?a != \?b\)"):
        fixpoint.compile_rule("test-filter", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(isIRI(?o)) }")
    repeated = fixpoint.compile_rule("test-repeat", "CONSTRUCT { ?s a ?s } WHERE { ?s ?p ?s }")
    with pytest.raises(UnsupportedRule, match="occurs twice"):
        fixpoint.closure([("<x>", "<p>", "<x>")], [repeated], max_rounds=5)


def test_fixpoint_engines_give_the_same_closure_and_explanations_on_our_graph() -> None:
    kg = KnowledgeGraph(Settings(store_path=":memory:"))
    kg.build()
    graphs: dict[str, set[str]] = {}
    reports = {}
    for engine in reasoning.ENGINES:
        reports[engine] = reasoning.materialise(kg.store, explain=True, engine=engine)
        graphs[engine] = inferred_graph(kg.store)
    assert graphs["python"] == graphs["sparql"]
    assert reports["python"].rounds == reports["sparql"].rounds
    assert reports["python"].per_rule == reports["sparql"].per_rule
    proxy = f"<{RES}fatemiyoun-division> <{RDF}type> <{AG}ProxyActor> ."
    assert proxy in graphs["python"]


def test_fixpoint_rounds_are_those_of_the_sparql_engine() -> None:
    # x partOf y partOf z partOf w: the transitive closure needs two rounds, then one that finds nothing
    store = small_store("ex:partOf a owl:TransitiveProperty . ex:x ex:partOf ex:y . ex:y ex:partOf ex:z . "
                        "ex:z ex:partOf ex:w .")  # fmt: skip
    for engine in reasoning.ENGINES:
        report = reasoning.materialise(store, graphs=(GRAPH,), explain=False, engine=engine)
        assert (report.rounds, report.inferred) == (3, 3), engine
        with pytest.raises(KGError, match="no fixpoint after 1 rounds"):
            reasoning.materialise(store, graphs=(GRAPH,), explain=False, engine=engine, max_rounds=1)


def test_fixpoint_drops_conclusions_with_a_literal_subject() -> None:
    # prp-inv1 would give "7" ex:taxOf ex:b; RDF has no literal subjects, and neither engine writes one
    store = small_store('ex:taxId owl:inverseOf ex:taxOf . ex:b ex:taxId "7" . ex:b ex:taxId ex:t .')
    for engine in reasoning.ENGINES:
        reasoning.materialise(store, graphs=(GRAPH,), explain=False, engine=engine)
        triples = reasoning.inferred_triples(store)
        assert triples == {("<https://example.org/t>", "<https://example.org/taxOf>", "<https://example.org/b>")}


def test_fixpoint_unknown_engine_is_refused() -> None:
    with pytest.raises(KGError, match="unknown reasoning engine 'jena': choose one of python, sparql"):
        reasoning.materialise(GraphStore.memory(), graphs=(GRAPH,), engine="jena")


def test_fixpoint_refuses_a_conclusion_variable_that_only_a_bind_sets() -> None:
    with pytest.raises(UnsupportedRule, match=r"rule test-bind: \?c bound by no triple pattern"):
        fixpoint.compile_rule("test-bind", "CONSTRUCT { ?s a ?c } WHERE { ?s ?p ?o BIND(?o AS ?c) }")
