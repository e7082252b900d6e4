"""What the Python closure's shortcuts must not change (semantics, not timing).

The engine evaluates semi-naively (each round joins against the previous round's new triples
only), copies, swaps or takes one column of a predicate's (subject, object) pairs in one set
operation, skips conclusions already known, and builds the by-subject, by-object and column
indexes lazily, keeping the built ones up to date round by round. Each of these is checked here
against the plain definition: owlrl's closure, the naive rounds (every rule over everything),
and indexes built from scratch.
"""

from __future__ import annotations

import io
from collections import defaultdict

import pytest
from owlrl_oracle import covered, owlrl_closure

from actorgraph.graph import reasoning
from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.graph.reasoning import fixpoint
from actorgraph.graph.store import GraphStore
from actorgraph.ontology.vocab import INFERRED_GRAPH, OWL, RDF, RDFS

GRAPH = "https://example.org/graph"
EX = "https://example.org/"
TYPE, FIRST = f"<{RDF}type>", f"<{RDF}first>"

# Hierarchies with chains and cycles (classes, properties, equivalences, an inverse of a
# sub-property, a symmetric super-property), a transitive chain closing into a cycle, domains and
# ranges inherited down the property chain, sameAs, and defined classes (lists of IRIs: owlrl
# would name blank nodes differently). No literals: owlrl keeps literal subjects and would derive
# from them what RDF cannot state.
CHAINS_AND_CYCLES = """
@prefix ex: <https://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:A rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:C . ex:C rdfs:subClassOf ex:A .
ex:C rdfs:subClassOf ex:D . ex:D owl:equivalentClass ex:E . ex:E rdfs:subClassOf ex:F .
ex:F rdfs:subClassOf ex:G . ex:G rdfs:subClassOf ex:H .
ex:p1 rdfs:subPropertyOf ex:p2 . ex:p2 rdfs:subPropertyOf ex:p3 . ex:p3 rdfs:subPropertyOf ex:p1 .
ex:p3 rdfs:subPropertyOf ex:p4 . ex:p4 rdfs:subPropertyOf ex:p5 . ex:p5 a owl:SymmetricProperty .
ex:p0 rdfs:subPropertyOf ex:p1 . ex:p2 owl:inverseOf ex:q . ex:eqp owl:equivalentProperty ex:p0 .
ex:p5 rdfs:domain ex:A . ex:p4 rdfs:range ex:E . ex:q rdfs:range ex:G .
ex:part a owl:TransitiveProperty .
ex:x1 ex:part ex:x2 . ex:x2 ex:part ex:x3 . ex:x3 ex:part ex:x4 . ex:x4 ex:part ex:x5 .
ex:x5 ex:part ex:x6 . ex:x6 ex:part ex:x7 . ex:x7 ex:part ex:x8 . ex:x8 ex:part ex:x1 .
ex:a ex:eqp ex:b . ex:b ex:p2 ex:c . ex:c ex:q ex:d . ex:d a ex:B . ex:e owl:sameAs ex:a .
ex:Both owl:intersectionOf ex:l1 . ex:l1 rdf:first ex:A ; rdf:rest ex:l2 . ex:l2 rdf:first ex:H ; rdf:rest rdf:nil .
ex:Either owl:unionOf ex:u1 . ex:u1 rdf:first ex:D ; rdf:rest ex:u2 . ex:u2 rdf:first ex:Z ; rdf:rest rdf:nil .
ex:Linked owl:onProperty ex:p5 ; owl:someValuesFrom ex:Both .
"""


def small_store(turtle: str) -> GraphStore:
    store = GraphStore.memory()
    store.load(turtle.encode("utf-8"), "turtle", graph=GRAPH)
    return store


def shipped_rules() -> list[fixpoint.CompiledRule]:
    return [fixpoint.compile_rule(rule.id, rule.sparql) for rule in reasoning.load_rules()]


def naive_rounds(triples: list[fixpoint.Triple], rules: list[fixpoint.CompiledRule]) -> list[set[fixpoint.Triple]]:
    """The rounds by their definition: every rule over everything, round by round, keeping what is new."""
    everything = fixpoint.TripleIndex.of(triples)
    rounds = []
    while True:
        found: fixpoint.Found = defaultdict(set)
        for rule in rules:
            fixpoint.rule_conclusions(rule, everything, None, found)
        new = fixpoint.new_pairs(found, everything)
        if not new:
            return rounds
        rounds.append(fixpoint.triples_of(new))
        everything.merge(fixpoint.TripleIndex(new))


def store_triples(store: GraphStore, graphs: tuple[str, ...]) -> list[fixpoint.Triple]:
    return list(fixpoint.parse_ntriples(reasoning.graphs_ntriples(store, graphs)))


@pytest.fixture(scope="module")
def our_graph() -> KnowledgeGraph:
    graph = KnowledgeGraph(Settings(store_path=":memory:"))
    graph.build()
    return graph


def test_fixpoint_closure_of_chains_and_cycles_equals_owlrl() -> None:
    store = small_store(CHAINS_AND_CYCLES)
    theirs, _seconds = owlrl_closure(reasoning.graphs_ntriples(store, (GRAPH,)))
    reasoning.materialise(store, graphs=(GRAPH,), explain=False, engine="python")
    ours = reasoning.inferred_triples(store)
    assert {t for t in ours if covered(t)} == {t for t in theirs if covered(t)}
    for s, p, o in [
        ("A", f"{RDFS}subClassOf", "H"),  # scm-sco through the cycle and the equivalence
        ("p1", f"{RDFS}subPropertyOf", "p5"),  # scm-spo through the property cycle
        ("a", f"{RDF}type", "H"),  # prp-dom inherited by the sub-property, then cax-sco
        ("c", f"{EX}q", "b"),  # prp-inv1
        ("c", f"{EX}p5", "d"),  # prp-inv2, prp-spo1 round the cycle and up, then prp-symp
        ("b", f"{RDF}type", f"{EX}Linked"),  # cls-svf1 (b p5 a, a is a Both)
        ("x8", f"{EX}part", "x4"),  # prp-trp round the cycle
        ("e", f"{EX}p5", "b"),  # eq-rep-s on a conclusion
        ("a", f"{RDF}type", f"{EX}Both"),  # cls-int1
        ("d", f"{RDF}type", f"{EX}Either"),  # cls-uni
    ]:
        triple = tuple(t if t.startswith("http") else EX + t for t in (s, p, o))
        assert tuple(f"<{t}>" for t in triple) in ours, triple


def test_fixpoint_semi_naive_rounds_equal_the_naive_rounds_on_chains_and_cycles() -> None:
    triples = store_triples(small_store(CHAINS_AND_CYCLES), (GRAPH,))
    rules = shipped_rules()
    semi_naive = [fixpoint.triples_of(new) for new in fixpoint.closure(triples, rules, max_rounds=50)]
    naive = naive_rounds(triples, rules)
    assert len(naive) > 4  # the cycles take several rounds
    assert semi_naive == naive


def test_fixpoint_semi_naive_rounds_equal_the_naive_rounds_on_our_graph(our_graph: KnowledgeGraph) -> None:
    triples = store_triples(our_graph.store, reasoning.INPUT_GRAPHS)
    rules = shipped_rules()
    semi_naive = [fixpoint.triples_of(new) for new in fixpoint.closure(triples, rules, max_rounds=50)]
    assert semi_naive == naive_rounds(triples, rules)
    assert sum(map(len, semi_naive)) > 2000


def inferred_graph(store: GraphStore) -> set[str]:
    """The whole inferred graph, explanations included, as N-Triples lines."""
    out = io.BytesIO()
    store.dump(out, "ntriples", graph=INFERRED_GRAPH)
    return set(out.getvalue().decode("utf-8").splitlines())


def test_fixpoint_engines_explain_chains_and_cycles_alike() -> None:
    store = small_store(CHAINS_AND_CYCLES)
    graphs = {}
    for engine in reasoning.ENGINES:
        reasoning.materialise(store, graphs=(GRAPH,), explain=True, engine=engine)
        graphs[engine] = inferred_graph(store)
    assert graphs["python"] == graphs["sparql"]
    assert len(graphs["python"]) > 1000
    steps = reasoning.explain(store, f"{EX}x8", f"{EX}part", f"{EX}x4")
    assert steps[0].rule == "prp-trp"
    asserted = {step.triple for step in steps if step.rule is None}  # the leaves: asserted premises
    edges = {(f"{EX}x{i}", f"{EX}part", f"{EX}x{i % 8 + 1}") for i in range(1, 9)}
    assert (f"{EX}part", f"{RDF}type", f"{OWL}TransitiveProperty") in asserted
    assert asserted - edges == {(f"{EX}part", f"{RDF}type", f"{OWL}TransitiveProperty")}
    assert asserted & edges


def test_fixpoint_merge_keeps_the_built_indexes_equal_to_fresh_ones() -> None:
    first = [("<a>", "<p>", "<b>"), ("<a>", "<p>", "<c>"), ("<d>", TYPE, "<C>"), ("<l>", FIRST, "<m>")]
    second = [("<e>", "<p>", "<b>"), ("<a>", "<p>", "<f>"), ("<e>", TYPE, "<C>"), ("<g>", "<q>", "<h>")]
    index = fixpoint.TripleIndex.of(first)
    built = (index.spo["<p>"], index.pos["<p>"], index.subjects["<p>"], index.objects[TYPE], index.spo["<q>"])
    index.merge(fixpoint.TripleIndex.of(second))
    fresh = fixpoint.TripleIndex.of(first + second)
    assert index.pairs == fresh.pairs
    assert built == (fresh.spo["<p>"], fresh.pos["<p>"], fresh.subjects["<p>"], fresh.objects[TYPE], fresh.spo["<q>"])
    assert index.spo["<q>"] == {"<g>": {"<h>"}}  # built empty before the merge, filled by it


def test_fixpoint_whole_pair_conclusions_drop_literal_subjects_and_keep_the_rest() -> None:
    # prp-symp and prp-inv1 swap pairs and prp-rng takes objects, in one operation each: a literal
    # object must not become a subject, and must not stop the other pairs' conclusions
    store = small_store(
        "@prefix ex: <https://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> . "
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . "
        'ex:near a owl:SymmetricProperty ; rdfs:range ex:Place . ex:a ex:near "7" , ex:b .'
    )
    reasoning.materialise(store, graphs=(GRAPH,), explain=False, engine="python")
    assert reasoning.inferred_triples(store) == {
        (f"<{EX}b>", f"<{EX}near>", f"<{EX}a>"),
        (f"<{EX}b>", f"<{RDF}type>", f"<{EX}Place>"),
        (f"<{EX}a>", f"<{RDF}type>", f"<{EX}Place>"),
    }


def test_fixpoint_ntriples_writes_every_pair_of_every_predicate() -> None:
    pairs = {"<p>": {("<a>", "<b>"), ("<c>", '"x y"@en')}, "<q>": {("_:n", "<a>")}}
    text = fixpoint.ntriples(pairs)
    assert sorted(text.splitlines()) == ["<a> <p> <b> .", '<c> <p> "x y"@en .', "_:n <q> <a> ."]
    assert set(fixpoint.parse_ntriples(text)) == fixpoint.triples_of(pairs)
