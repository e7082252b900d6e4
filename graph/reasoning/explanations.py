"""Explanations: how each inferred triple was derived, and the clashes (rule cax-dw) explained.

With explanations on, every inferred triple gets a node ``res:triple/<sha1>`` (an
``rdf:Statement`` with rdf:subject/predicate/object) and one ``ag:Derivation`` per way it was
first derived: ``ag:rule`` (a ``res:rule/<id>`` node), ``ag:conclusion`` and
``prov:wasDerivedFrom`` the premise triple nodes. Premises that were asserted say where
(``ag:assertedIn``) and, for truthy triples, ``prov:wasDerivedFrom`` the statement nodes of the
documents behind them. A triple's node IRI is a hash of the triple, so SPARQL and Python
(``triple_iri``) find it the same way. Explanations are always computed in SPARQL, round by
round, whichever engine computed the rounds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from actorgraph.graph.reasoning.rules import (
    DERIVATION_BASE,
    INPUT_GRAPHS,
    RDF_TYPE,
    TRIPLE_BASE,
    Pattern,
    Rule,
    Terms,
    can_fire,
    touches,
)
from actorgraph.graph.reasoning.sparql import one_request, pattern_text, pattern_variables, present_terms, rule_where
from actorgraph.graph.store import GraphStore, Store
from actorgraph.ontology import vocab as v

SPEC = "https://www.w3.org/TR/owl2-profiles/#Reasoning_in_OWL_2_RL_and_RDF_Graphs_using_Rules"

# ---------------------------------------------------------------------------- the explanation nodes


def _obj_key(term: str) -> str:
    """SPARQL expression: the object's hash key (literals keep datatype and language)."""
    return (
        f'IF(isLITERAL({term}), CONCAT("\\"", STR({term}), "\\"^^", STR(DATATYPE({term})), "@", LANG({term})), '
        f"STR({term}))"
    )


def _triple_key(pattern: Pattern) -> str:
    s, p, o = pattern
    return f'CONCAT(STR({s}), " ", STR({p}), " ", {_obj_key(o)})'


def _triple_node(pattern: Pattern) -> str:
    return f'IRI(CONCAT("{TRIPLE_BASE}", SHA1({_triple_key(pattern)})))'


def triple_key(s: str, p: str, o: str, *, literal: bool = False, datatype: str = "", lang: str = "") -> str:
    """The same key as the SPARQL of the rules, computed in Python."""
    obj = f'"{o}"^^{datatype}@{lang}' if literal else o
    return f"{s} {p} {obj}"


def triple_iri(s: str, p: str, o: str, *, literal: bool = False, datatype: str = "", lang: str = "") -> str:
    """The explanation node of a triple (IRIs as strings; literals need literal=True and their datatype)."""
    key = triple_key(s, p, o, literal=literal, datatype=datatype, lang=lang)
    return TRIPLE_BASE + hashlib.sha1(key.encode("utf-8")).hexdigest()  # noqa: S324 - an identifier, not security


def explanation_update(
    rule: Rule,
    read: Iterable[str],
    new: str,
    target: str,
    *,
    delta: str | None = None,
    terms: Terms | None = None,
) -> str:
    """The SPARQL Update that explains the conclusions first inferred in one round (graph ``new``).

    Premises come from the graphs ``read`` (asserted, or inferred in earlier rounds), so every
    explanation is well-founded; each derivation becomes an ag:Derivation node in the target.
    """
    variables = " ".join(pattern_variables([rule.conclusion, *rule.premises, *[(k, k, k) for k in rule.key]]))
    using, where = rule_where(rule, read, delta, variables, terms)
    using += f"\nUSING NAMED <{new}>"
    rdf, prov, ag = v.RDF, v.PROV, v.AG
    s, p, o = rule.conclusion
    template = [
        f"?_t a <{rdf}Statement> ; <{rdf}subject> {s} ; <{rdf}predicate> {p} ; <{rdf}object> {o} ; "
        f"<{ag}derivation> ?_d",
        f"?_d a <{ag}Derivation> ; <{ag}rule> <{rule.iri}> ; <{ag}conclusion> ?_t",
    ]
    binds = [f"BIND({_triple_node(rule.conclusion)} AS ?_t)"]
    for i, premise in enumerate(rule.premises):
        ps, pp, po = premise
        template.append(f"?_d <{prov}wasDerivedFrom> ?_p{i}")
        template.append(f"?_p{i} a <{rdf}Statement> ; <{rdf}subject> {ps} ; <{rdf}predicate> {pp} ; <{rdf}object> {po}")
        binds.append(f"BIND({_triple_node(premise)} AS ?_p{i})")
    parts = [f"STR({k})" for k in rule.key] if rule.key else [f"STR(?_p{i})" for i in range(len(rule.premises))]
    derivation_key = ' , " " , '.join([f'"{rule.id}"', "STR(?_t)", *parts])
    binds.append(f'BIND(IRI(CONCAT("{DERIVATION_BASE}", SHA1(CONCAT({derivation_key})))) AS ?_d)')
    template_text = " .\n    ".join(template)
    bind_text = "\n  ".join(binds)
    head = pattern_text(rule.conclusion)
    return (
        f"{rule.prologue}\nINSERT {{ GRAPH <{target}> {{\n    {template_text} .\n}} }}\n{using}\n"
        f"WHERE {{\n  {where}\n  GRAPH <{new}> {{ {head} }}\n  {bind_text}\n}}"
    )


def explain_rounds(
    store: Store, graphs: tuple[str, ...], rounds: list[str], rules: Iterable[Rule], target: str
) -> None:
    """Explain the triples of each round graph, round by round, into the target graph.

    Round k's premises are read from the input graphs and the earlier rounds, seeded (semi-naive)
    with round k-1; rules that cannot fire, or that no premise of round k-1 can seed, are skipped.
    """
    for number, new in enumerate(rounds):
        read = (*graphs, *rounds[:number])
        delta = rounds[number - 1] if number else None
        predicates, kinds = present_terms(store, read)
        terms = present_terms(store, [delta]) if delta else None
        firing = [
            rule for rule in rules if can_fire(rule, predicates, kinds) and (terms is None or touches(rule, *terms))
        ]
        if firing:
            updates = [explanation_update(rule, read, new, target, delta=delta, terms=terms) for rule in firing]
            store.update(one_request(firing, updates))


def sparql_string(text: str) -> str:
    """A SPARQL string literal (JSON escapes are valid SPARQL escapes)."""
    return json.dumps(text)


def describe_rules(store: Store, rules: Iterable[Rule], target: str) -> None:
    """A node per rule (id, title, description, link to the OWL 2 RL table)."""
    lines = []
    for rule in rules:
        lines.append(
            f"<{rule.iri}> a <{v.AG}Rule> ; <{v.AG}ruleId> {sparql_string(rule.id)} ; "
            f"<{v.RDFS}label> {sparql_string(rule.title)} ; "
            f"<{v.DCTERMS}description> {sparql_string(rule.description)} ; "
            f"<{v.RDFS}seeAlso> <{SPEC}> ."
        )
    store.update(f"INSERT DATA {{ GRAPH <{target}> {{\n" + "\n".join(lines) + "\n} }")


def link_premises(store: Store, graphs: tuple[str, ...], target: str) -> None:
    """Say where asserted premises come from, down to the statement nodes behind truthy triples."""
    rdf, prov, ag = v.RDF, v.PROV, v.AG
    values = " ".join(f"<{g}>" for g in graphs)
    premise = (
        f"GRAPH <{target}> {{ ?d <{prov}wasDerivedFrom> ?t . "
        f"?t <{rdf}subject> ?s ; <{rdf}predicate> ?p ; <{rdf}object> ?o }}"
    )
    store.update(
        f"INSERT {{ GRAPH <{target}> {{ ?t <{ag}assertedIn> ?g }} }} WHERE {{ {premise} "  # noqa: S608 - our IRIs
        f"VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    store.update(
        f"INSERT {{ GRAPH <{target}> {{ ?t <{prov}wasDerivedFrom> ?st }} }} WHERE {{ {premise} "
        f"GRAPH <{v.TRUTHY_GRAPH}> {{ ?s ?p ?o }} "
        f"GRAPH ?dg {{ ?st <{ag}subject> ?s ; <{ag}relation> ?p ; <{ag}object> ?o ; <{ag}certainty> ?c }} "
        f"FILTER(?c NOT IN (<{ag}Denied>, <{ag}Forecast>)) }}"
    )


def rule_counts(store: Store, target: str = v.INFERRED_GRAPH) -> dict[str, int]:
    """How many inferred triples each rule derived (a triple can count for several rules)."""
    result = store.select(
        f"SELECT ?id (COUNT(DISTINCT ?t) AS ?n) WHERE {{ GRAPH <{target}> {{ "
        f"?d <{v.AG}rule> ?r ; <{v.AG}conclusion> ?t . ?r <{v.AG}ruleId> ?id }} }} GROUP BY ?id",
        named_graphs=[target],  # on a server, the target may be a scratch graph readers do not see
    )
    return {row["id"].value: int(row["n"].value) for row in result}


# ---------------------------------------------------------------------------- explanations


@dataclass(frozen=True)
class Step:
    """One step of an explanation: a triple, how it holds (rule, or the graph that asserts it) and its sources."""

    triple: tuple[str, str, str]
    depth: int
    rule: str | None = None
    asserted_in: tuple[str, ...] = ()
    statements: tuple[str, ...] = ()


def explain(
    store: GraphStore, s: str, p: str, o: str, *, target: str = v.INFERRED_GRAPH, max_depth: int = 12
) -> list[Step]:
    """The derivation tree of an inferred triple (IRIs), depth-first, first derivation of each triple."""
    steps: list[Step] = []
    seen: set[str] = set()

    def walk(node: str, depth: int) -> None:
        if node in seen or depth > max_depth:
            return
        seen.add(node)
        rows = list(
            store.select(
                f"SELECT ?s ?p ?o ?rule ?d ?g ?st WHERE {{ GRAPH <{target}> {{ "
                f"<{node}> <{v.RDF}subject> ?s ; <{v.RDF}predicate> ?p ; <{v.RDF}object> ?o . "
                f"OPTIONAL {{ <{node}> <{v.AG}derivation> ?d . ?d <{v.AG}rule>/<{v.AG}ruleId> ?rule }} "
                f"OPTIONAL {{ <{node}> <{v.AG}assertedIn> ?g }} "
                f"OPTIONAL {{ <{node}> <{v.PROV}wasDerivedFrom> ?st }} }} }} ORDER BY ?d",
            )
        )
        if not rows:
            return
        first = rows[0]
        triple = (first["s"].value, first["p"].value, first["o"].value)
        derivation = first["d"].value if first["d"] is not None else None
        rule = first["rule"].value if first["rule"] is not None else None
        graphs = tuple(sorted({r["g"].value for r in rows if r["g"] is not None}))
        statements = tuple(sorted({r["st"].value for r in rows if r["st"] is not None}))
        steps.append(Step(triple, depth, rule, graphs, statements))
        if derivation is None:
            return
        premises = store.select(
            f"SELECT ?t WHERE {{ GRAPH <{target}> {{ <{derivation}> <{v.PROV}wasDerivedFrom> ?t }} }} ORDER BY ?t"
        )
        for row in premises:
            walk(row["t"].value, depth + 1)

    walk(triple_iri(s, p, o), 0)
    return steps


# ---------------------------------------------------------------------------- consistency (cax-dw)


def compact(iri: str) -> str:
    """An IRI with the usual prefixes (ag:, res:, rdf: …), for messages."""
    for prefix, ns in sorted(v.PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


@dataclass(frozen=True)
class Clash:
    """An individual that belongs to two disjoint classes, with the explanation of both memberships."""

    individual: str
    class1: str
    class2: str
    because: tuple[Step, ...]

    def describe(self) -> str:
        """The clash and both derivations, one premise per line, indented by depth."""
        lines = [
            f"{compact(self.individual)} is a {compact(self.class1)} and a {compact(self.class2)}, "
            f"but {compact(self.class1)} owl:disjointWith {compact(self.class2)}"
        ]
        for step in self.because:
            how = f"by rule {step.rule}" if step.rule else "asserted in " + ", ".join(step.asserted_in or ("?",))
            lines.append("  " * (step.depth + 1) + " ".join(compact(t) for t in step.triple) + f"  [{how}]")
            for statement in step.statements:
                lines.append("  " * (step.depth + 2) + f"from statement {statement}")
        return "\n".join(lines)


def clashes(store: GraphStore, *, graphs: Iterable[str] = INPUT_GRAPHS, target: str = v.INFERRED_GRAPH) -> list[Clash]:
    """Rule cax-dw over the materialised closure: members of two disjoint classes, explained."""
    using = " ".join(f"<{g}>" for g in (*graphs, target))
    rows = store.select(
        f"SELECT DISTINCT ?x ?c1 ?c2 WHERE {{ VALUES ?g {{ {using} }} VALUES ?h {{ {using} }} VALUES ?k {{ {using} }} "
        f"GRAPH ?g {{ ?c1 <{v.OWL}disjointWith> ?c2 }} GRAPH ?h {{ ?x a ?c1 }} GRAPH ?k {{ ?x a ?c2 }} }} "
        "ORDER BY ?x ?c1 ?c2"
    )
    found = []
    for row in rows:
        x, c1, c2 = (row[k].value for k in ("x", "c1", "c2"))
        steps: list[Step] = []
        for cls in (c1, c2):
            explained = explain(store, x, RDF_TYPE, cls, target=target)
            steps.extend(explained or [_asserted_step(store, (x, RDF_TYPE, cls), graphs)])
        found.append(Clash(x, c1, c2, tuple(steps)))
    return found


def _asserted_step(store: GraphStore, triple: tuple[str, str, str], graphs: Iterable[str]) -> Step:
    s, p, o = triple
    where = [g for g in graphs if store.ask(f"ASK {{ GRAPH <{g}> {{ <{s}> <{p}> <{o}> }} }}")]
    return Step(triple, 0, None, tuple(where))
