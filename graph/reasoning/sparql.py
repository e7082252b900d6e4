"""The SPARQL engine: the rule files run as SPARQL updates inside Oxigraph, round by round.

The engine wraps every rule into one SPARQL Update (``INSERT … USING <input graphs> WHERE``)
that adds the conclusions the input and the inferred graph do not hold yet, and runs all rules
round after round until a round adds nothing. Round n writes into a scratch graph
(``round_graph(n)``); actorgraph.graph.reasoning.closure adds the rounds to ``…/graph/inferred``,
never to an asserted graph. The Python engine (actorgraph.graph.reasoning.fixpoint) computes the
same rounds; the explanations (actorgraph.graph.reasoning.explanations) reuse this module's
semi-naive rule bodies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from actorgraph.graph.errors import KGError, RuleError
from actorgraph.graph.reasoning.rules import (
    EXPLANATION_BASES,
    MAX_ROUNDS,
    Pattern,
    Rule,
    Terms,
    can_fire,
    premise_may_match,
    touches,
)
from actorgraph.graph.store import GraphStore, Store
from actorgraph.ontology import vocab as v

# ---------------------------------------------------------------------------- SPARQL generation


def pattern_variables(patterns: Iterable[Pattern]) -> list[str]:
    """The variables of some patterns, each once, in order of appearance."""
    seen: list[str] = []
    for pattern in patterns:
        for term in pattern:
            if term.startswith("?") and term not in seen:
                seen.append(term)
    return seen


def pattern_text(pattern: Pattern) -> str:
    """A pattern as SPARQL text (its terms are written as in the rule file)."""
    return " ".join(pattern)


ROUND_BASE = v.INFERRED_GRAPH + "/round/"


def round_graph(number: int, base: str = ROUND_BASE) -> str:
    """The scratch graph holding the triples first inferred in a round (dropped at the end)."""
    return f"{base}{number}"


def _premise_regex(pattern: Pattern) -> re.Pattern[str]:
    """The premise as written in the body (``a`` or ``rdf:type``), whole terms only."""
    s, p, o = (re.escape(t) for t in pattern)
    if pattern[1] == "rdf:type":
        p = r"(?:rdf:type|a)"
    return re.compile(rf"(?<![\w?]){s}\s+{p}\s+{o}(?![\w-])")


def delta_variants(rule: Rule, delta: str, terms: Terms | None = None) -> list[str] | None:
    """Semi-naive bodies: one per premise, that premise matched against the last round's new triples.

    With the delta's terms, a premise nothing in the delta can match gets no variant: it would
    find nothing, and Oxigraph would still evaluate the rest of its body over every graph read.
    None when a premise is not written verbatim in the body (the rule then runs in full every round).
    """
    inner = rule.body.strip()[1:-1]
    variants = []
    for premise in rule.premises:
        match = _premise_regex(premise).search(inner)
        if match is None:
            return None
        if terms is not None and not premise_may_match(rule, premise, terms):
            continue
        variants.append(inner[: match.start()] + f"GRAPH <{delta}> {{ {match.group(0)} }}" + inner[match.end() :])
    return variants


def rule_where(
    rule: Rule, read: Iterable[str], delta: str | None, variables: str, terms: Terms | None = None
) -> tuple[str, str]:
    """USING clauses and the rule body (semi-naive when delta is given) as a DISTINCT subquery."""
    using = "\n".join(f"USING <{g}>" for g in read)
    body = rule.body
    variants = delta_variants(rule, delta, terms) if delta else None
    if variants is not None:
        using += f"\nUSING NAMED <{delta}>"
        body = "{ " + " UNION ".join("{ " + variant + " }" for variant in variants or ["FILTER(false)"]) + " }"
    subject = rule.conclusion[0]
    guard = f"FILTER(!isLITERAL({subject}))" if subject.startswith("?") else ""
    return using, f"{{ SELECT DISTINCT {variables} WHERE {body} }}\n  {guard}"


def rule_update(
    rule: Rule, read: Iterable[str], write: str, *, delta: str | None = None, terms: Terms | None = None
) -> str:
    """The SPARQL Update that writes one round of a rule's conclusions into the graph ``write``.

    The body reads the graphs ``read``; with delta, only derivations using at least one triple of
    that graph are tried (semi-naive evaluation). Conclusions that already hold are written too:
    an anti-join (NOT EXISTS, MINUS) costs more in Oxigraph than removing them after the round.
    """
    using, where = rule_where(rule, read, delta, " ".join(pattern_variables([rule.conclusion])), terms)
    head = pattern_text(rule.conclusion)
    return f"{rule.prologue}\nINSERT {{ GRAPH <{write}> {{ {head} }} }}\n{using}\nWHERE {{\n  {where}\n}}"


# ---------------------------------------------------------------------------- reading the graphs


def count_quads(store: Store, graph: str) -> int:
    """Every triple of a graph, explanation nodes included."""
    # The graph is named: on a server a scratch graph is not part of the dataset readers see.
    result = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", named_graphs=[graph])
    return int(next(iter(result))["n"].value)


def not_explanation(var: str) -> str:
    """A SPARQL condition: var is not one of the explanation nodes (rules, triples, derivations)."""
    return " && ".join(f'!STRSTARTS(STR({var}), "{base}")' for base in EXPLANATION_BASES)


def count_inferred(store: Store, target: str = v.INFERRED_GRAPH) -> int:
    """Inferred triples in the target graph, not counting explanation nodes."""
    result = store.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{target}> {{ ?s ?p ?o }} FILTER({not_explanation('?s')}) }}",
        named_graphs=[target],
    )
    return int(next(iter(result))["n"].value)


def present_terms(store: Store, graphs: Iterable[str]) -> tuple[set[str], set[str]]:
    """The predicates, and the classes of rdf:type triples, that occur in some graphs (full IRIs)."""
    graphs = list(graphs)
    values = " ".join(f"<{g}>" for g in graphs)
    # GROUP BY, not DISTINCT: Virtuoso plans DISTINCT over GRAPH ?g as a scan of every quad.
    preds = store.select(
        f"SELECT ?p WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?p", named_graphs=graphs
    )
    kinds = store.select(
        f"SELECT ?c WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s a ?c }} }} GROUP BY ?c", named_graphs=graphs
    )
    return (
        {row["p"].value for row in preds},
        {row["c"].value for row in kinds},
    )


def inferred_triples(store: Store, target: str = v.INFERRED_GRAPH) -> set[tuple[str, str, str]]:
    """The inferred triples (no explanation nodes) as N-Triples term strings."""
    result = store.select(
        f"SELECT ?s ?p ?o WHERE {{ GRAPH <{target}> {{ ?s ?p ?o }} FILTER({not_explanation('?s')}) }}",
        named_graphs=[target],
    )
    return {(str(row["s"]), str(row["p"]), str(row["o"])) for row in result}


# ---------------------------------------------------------------------------- the fixpoint


def one_request(rules: list[Rule], updates: list[str]) -> str:
    """Several rule updates as one SPARQL Update request: the PREFIX lines once, then the operations.

    Raises RuleError when two rules bind a prefix to different namespaces.
    """
    prefixes: dict[str, str] = {}
    for rule in rules:
        for line in rule.prologue.splitlines():
            name = line.split(":", 1)[0]
            if prefixes.setdefault(name, line.strip()) != line.strip():
                raise RuleError(f"rule {rule.id} binds {name.split()[-1]}: differently from another rule")
    operations = [update[len(rule.prologue) :].strip() for rule, update in zip(rules, updates, strict=True)]
    return "\n".join(prefixes.values()) + "\n" + " ;\n".join(operations)


def drop_known_on_server(store: Store, write: str, read: Iterable[str]) -> int:
    """Remove from the round graph write the triples some graph of read holds; returns how many are left.

    The remote counterpart of GraphStore.keep_new: the server compares the round with each graph
    it read (an index lookup per triple of the round), so no triple leaves the server.
    """
    deletes = [
        f"DELETE {{ GRAPH <{write}> {{ ?s ?p ?o }} }} "
        f"WHERE {{ GRAPH <{write}> {{ ?s ?p ?o }} GRAPH <{g}> {{ ?s ?p ?o }} }}"
        for g in read
    ]
    store.update(" ;\n".join(deletes))
    return count_quads(store, write)


def closure_rounds(
    store: Store,
    graphs: tuple[str, ...],
    rules: tuple[Rule, ...],
    max_rounds: int = MAX_ROUNDS,
    round_base: str = ROUND_BASE,
) -> list[str]:
    """Run the rules to a fixpoint; returns the round graphs, each holding the triples first inferred then.

    The embedded store keeps what holds so far in a Python set; on a server (any other Store) the
    server removes a round's known triples itself (drop_known_on_server). Raises KGError when the
    fixpoint is not reached within max_rounds.
    """
    rounds: list[str] = []
    predicates: set[str] = set()
    kinds: set[str] = set()
    new_predicates: set[str] = set()
    new_kinds: set[str] = set()
    # what holds so far: a round keeps only what is not in it
    seen = store.triple_set(graphs) if isinstance(store, GraphStore) else None
    while True:
        number = len(rounds) + 1
        if number > max_rounds:
            raise KGError(f"no fixpoint after {max_rounds} rounds")
        write = round_graph(number, round_base)
        store.update(f"DROP SILENT GRAPH <{write}>")
        read = (*graphs, *rounds)
        delta = rounds[-1] if rounds else None
        # Skip the rules that cannot fire (a premise that nothing read can match) and, after round 1,
        # those with no premise the last round's new triples can match (they would find nothing new).
        if delta is None:
            predicates, kinds = present_terms(store, read)
        else:
            new_predicates, new_kinds = present_terms(store, [delta])
            predicates, kinds = predicates | new_predicates, kinds | new_kinds
        firing = [
            rule
            for rule in rules
            if can_fire(rule, predicates, kinds) and (delta is None or touches(rule, new_predicates, new_kinds))
        ]
        if firing:
            terms = (new_predicates, new_kinds) if delta else None
            updates = [rule_update(rule, read, write, delta=delta, terms=terms) for rule in firing]
            store.update(one_request(firing, updates))
        left = (
            store.keep_new(write, seen)
            if isinstance(store, GraphStore) and seen is not None
            else drop_known_on_server(store, write, read)
        )
        if left == 0:
            store.update(f"DROP SILENT GRAPH <{write}>")
            return rounds
        rounds.append(write)
