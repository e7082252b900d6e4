"""OWL 2 RL inference: the rule files run to a fixpoint, with an explanation per triple.

Two engines give the same rounds: "python" (the default, actorgraph.graph.fixpoint, which compiles
the rule files' bodies into Python loops over hash indexes) and "sparql", described here, which
runs them as SPARQL updates inside Oxigraph. Explanations are always computed in SPARQL.

Each rule is one file ``queries/rules/<rule-id>.rq``: a CONSTRUCT whose template is the
conclusion (one triple pattern) and whose WHERE is the rule body, plus a header::

    # rule: cax-sco
    # title: Class membership goes up the subclass hierarchy
    # premise: ?c1 rdfs:subClassOf ?c2
    # premise: ?x rdf:type ?c1
    # key: ?x ?c1                  (optional: rows sharing these values form one derivation)

The engine wraps every rule into one SPARQL Update (``INSERT … USING <input graphs> WHERE``)
that adds the conclusions the input and the inferred graph do not hold yet, and runs all rules
round after round until a round adds nothing. Everything goes into ``…/graph/inferred``, never
into an asserted graph. With explanations on, every inferred triple gets a node
``res:triple/<sha1>`` (an ``rdf:Statement`` with rdf:subject/predicate/object) and one
``ag:Derivation`` per way it was first derived: ``ag:rule`` (a ``res:rule/<id>`` node),
``ag:conclusion`` and ``prov:wasDerivedFrom`` the premise triple nodes. Premises that were
asserted say where (``ag:assertedIn``) and, for truthy triples, ``prov:wasDerivedFrom`` the
statement nodes of the documents behind them. A triple's node IRI is a hash of the triple,
so SPARQL and Python (``triple_iri``) find it the same way.
"""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from actorgraph.graph import fixpoint
from actorgraph.graph.errors import KGError
from actorgraph.graph.store import GraphStore
from actorgraph.ontology import vocab as v

RULE_BASE = v.RES + "rule/"
TRIPLE_BASE = v.RES + "triple/"
DERIVATION_BASE = v.RES + "derivation/"
EXPLANATION_BASES = (RULE_BASE, TRIPLE_BASE, DERIVATION_BASE)
INPUT_GRAPHS: tuple[str, ...] = (v.ONTOLOGY_GRAPH, v.ENTITIES_GRAPH, v.TRUTHY_GRAPH)
SPEC = "https://www.w3.org/TR/owl2-profiles/#Reasoning_in_OWL_2_RL_and_RDF_Graphs_using_Rules"
MAX_ROUNDS = 100
RDF_TYPE = v.RDF + "type"

_TERM = r"(?:\?\w+|<[^>\s]*>|[A-Za-z][\w-]*:[\w-]*|a)"
_PATTERN = re.compile(rf"^\s*({_TERM})\s+({_TERM})\s+({_TERM})\s*\.?\s*$")
_CONSTRUCT = re.compile(r"CONSTRUCT\s*\{(?P<head>[^{}]*)\}\s*WHERE\s*(?P<body>\{.*\})\s*$", re.S | re.I)


class RuleError(KGError):
    """A rule file does not follow the rule format (see actorgraph.graph.reasoning)."""


Pattern = tuple[str, str, str]


@dataclass(frozen=True)
class Rule:
    """One OWL 2 RL rule: its id, the conclusion pattern, the premise patterns and the SPARQL body."""

    id: str
    title: str
    description: str
    prologue: str
    conclusion: Pattern
    premises: tuple[Pattern, ...]
    key: tuple[str, ...]
    body: str
    sparql: str

    @property
    def iri(self) -> str:
        return RULE_BASE + self.id


def _pattern(text: str, where: str) -> Pattern:
    match = _PATTERN.match(text)
    if not match:
        raise RuleError(f"{where}: not a triple pattern: {text!r}")
    s, p, o = match.groups()
    return s, ("rdf:type" if p == "a" else p), o


def parse_rule(name: str, text: str) -> Rule:
    """Read one rule file: header lines, then PREFIX lines, then a one-triple CONSTRUCT."""
    meta: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = re.match(r"^#\s*(\w+):\s*(.*)$", line)
        if match:
            meta.setdefault(match.group(1), []).append(match.group(2).strip())
    start = re.search(r"\bCONSTRUCT\b", text, re.I)
    match = _CONSTRUCT.search(text)
    if start is None or match is None:
        raise RuleError(f"rules/{name}.rq: expected 'CONSTRUCT {{ one triple }} WHERE {{ … }}'")
    prologue = "\n".join(line for line in text[: start.start()].splitlines() if not line.startswith("#"))
    premises = tuple(_pattern(p, f"rules/{name}.rq premise") for p in meta.get("premise", []))
    if not premises:
        raise RuleError(f"rules/{name}.rq: a rule needs at least one '# premise:' line")
    key = tuple(t for line in meta.get("key", []) for t in line.split())
    return Rule(
        id=" ".join(meta.get("rule", [name])),
        title=" ".join(meta.get("title", [name])),
        description=" ".join(meta.get("description", [])),
        prologue=prologue.strip(),
        conclusion=_pattern(match.group("head").strip(), f"rules/{name}.rq conclusion"),
        premises=premises,
        key=key,
        body=match.group("body"),
        sparql=text,
    )


@cache
def load_rules() -> tuple[Rule, ...]:
    """Every rule shipped in queries/rules, sorted by id."""
    folder = resources.files("actorgraph.queries") / "rules"
    rules = [
        parse_rule(entry.name[:-3], entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".rq")
    ]
    return tuple(sorted(rules, key=lambda r: r.id))


# ---------------------------------------------------------------------------- SPARQL generation


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
    import hashlib

    key = triple_key(s, p, o, literal=literal, datatype=datatype, lang=lang)
    return TRIPLE_BASE + hashlib.sha1(key.encode("utf-8")).hexdigest()  # noqa: S324 - an identifier, not security


def _variables(patterns: Iterable[Pattern]) -> list[str]:
    seen: list[str] = []
    for pattern in patterns:
        for term in pattern:
            if term.startswith("?") and term not in seen:
                seen.append(term)
    return seen


def _pattern_text(pattern: Pattern) -> str:
    return " ".join(pattern)


ROUND_BASE = v.INFERRED_GRAPH + "/round/"


def round_graph(number: int) -> str:
    """The scratch graph holding the triples first inferred in a round (dropped at the end)."""
    return f"{ROUND_BASE}{number}"


def _premise_regex(pattern: Pattern) -> re.Pattern[str]:
    """The premise as written in the body (``a`` or ``rdf:type``), whole terms only."""
    s, p, o = (re.escape(t) for t in pattern)
    if pattern[1] == "rdf:type":
        p = r"(?:rdf:type|a)"
    return re.compile(rf"(?<![\w?]){s}\s+{p}\s+{o}(?![\w-])")


Terms = tuple[set[str], set[str]]  # the predicates, and the rdf:type classes, that occur in a graph


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
        if terms is not None and not _may_match(rule, premise, terms):
            continue
        variants.append(inner[: match.start()] + f"GRAPH <{delta}> {{ {match.group(0)} }}" + inner[match.end() :])
    return variants


def _where(
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
    using, where = _where(rule, read, delta, " ".join(_variables([rule.conclusion])), terms)
    head = _pattern_text(rule.conclusion)
    return f"{rule.prologue}\nINSERT {{ GRAPH <{write}> {{ {head} }} }}\n{using}\nWHERE {{\n  {where}\n}}"


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
    variables = " ".join(_variables([rule.conclusion, *rule.premises, *[(k, k, k) for k in rule.key]]))
    using, where = _where(rule, read, delta, variables, terms)
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
    head = _pattern_text(rule.conclusion)
    return (
        f"{rule.prologue}\nINSERT {{ GRAPH <{target}> {{\n    {template_text} .\n}} }}\n{using}\n"
        f"WHERE {{\n  {where}\n  GRAPH <{new}> {{ {head} }}\n  {bind_text}\n}}"
    )


# ---------------------------------------------------------------------------- the fixpoint


@dataclass
class ClosureReport:
    """What a closure run did: rounds, new triples (conclusions only), explanation size, time."""

    rounds: int
    inferred: int
    quads: int
    seconds: float
    closure_seconds: float = 0.0
    per_rule: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"OWL 2 RL closure: {self.inferred} inferred triples in {self.rounds} rounds, "
            f"{self.quads} quads with explanations, {self.seconds:.2f} s "
            f"({self.closure_seconds:.2f} s closure, the rest explanations)"
        )


def _count(store: GraphStore, graph: str) -> int:
    result = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(next(iter(result))["n"].value)


def _not_explanation(var: str) -> str:
    return " && ".join(f'!STRSTARTS(STR({var}), "{base}")' for base in EXPLANATION_BASES)


def count_inferred(store: GraphStore, target: str = v.INFERRED_GRAPH) -> int:
    """Inferred triples in the target graph, not counting explanation nodes."""
    result = store.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{target}> {{ ?s ?p ?o }} FILTER({_not_explanation('?s')}) }}"
    )
    return int(next(iter(result))["n"].value)


def _present(store: GraphStore, graphs: Iterable[str]) -> tuple[set[str], set[str]]:
    """The predicates, and the classes of rdf:type triples, that occur in some graphs (full IRIs)."""
    values = " ".join(f"<{g}>" for g in graphs)
    preds = store.select(f"SELECT DISTINCT ?p WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}")
    kinds = store.select(f"SELECT DISTINCT ?c WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s a ?c }} }}")
    return (
        {row["p"].value for row in preds},
        {row["c"].value for row in kinds},
    )


@cache  # asked for every premise of every rule in every round: the answer never changes
def _expand(term: str, prologue: str) -> str | None:
    """The IRI of a constant term (prefixed with the rule's own PREFIX lines), None for a variable."""
    if term.startswith("?"):
        return None
    if term.startswith("<"):
        return term[1:-1]
    prefix, _, local = term.partition(":")
    match = re.search(rf"PREFIX\s+{re.escape(prefix)}:\s*<([^>]*)>", prologue, re.I)
    return match.group(1) + local if match else None


def can_fire(rule: Rule, predicates: set[str], kinds: set[str]) -> bool:
    """False when some premise needs a predicate (or an rdf:type class) absent from the graphs read."""
    for _s, p, o in rule.premises:
        pred = _expand(p, rule.prologue)
        if pred is not None and pred not in predicates:
            return False
        kind = _expand(o, rule.prologue) if pred == RDF_TYPE else None
        if kind is not None and kind not in kinds:
            return False
    return True


def _request(rules: list[Rule], updates: list[str]) -> str:
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


def _may_match(rule: Rule, premise: Pattern, terms: Terms) -> bool:
    """Whether the premise can match a triple of a graph with these predicates and classes."""
    predicates, kinds = terms
    pred = _expand(premise[1], rule.prologue)
    if pred is None:
        return True
    if pred not in predicates:
        return False
    kind = _expand(premise[2], rule.prologue) if pred == RDF_TYPE else None
    return kind is None or kind in kinds


def touches(rule: Rule, predicates: set[str], kinds: set[str]) -> bool:
    """Whether some premise of the rule can match a triple of a graph with these predicates and classes."""
    return any(_may_match(rule, premise, (predicates, kinds)) for premise in rule.premises)


def closure_rounds(
    store: GraphStore, graphs: tuple[str, ...], rules: tuple[Rule, ...], max_rounds: int = MAX_ROUNDS
) -> list[str]:
    """Run the rules to a fixpoint; returns the round graphs, each holding the triples first inferred then.

    Raises KGError when the fixpoint is not reached within max_rounds.
    """
    rounds: list[str] = []
    predicates: set[str] = set()
    kinds: set[str] = set()
    new_predicates: set[str] = set()
    new_kinds: set[str] = set()
    seen = store.triple_set(graphs)  # what holds so far: a round keeps only what is not in it
    while True:
        number = len(rounds) + 1
        if number > max_rounds:
            raise KGError(f"no fixpoint after {max_rounds} rounds")
        write = round_graph(number)
        store.update(f"DROP SILENT GRAPH <{write}>")
        read = (*graphs, *rounds)
        delta = rounds[-1] if rounds else None
        # Skip the rules that cannot fire (a premise that nothing read can match) and, after round 1,
        # those with no premise the last round's new triples can match (they would find nothing new).
        if delta is None:
            predicates, kinds = _present(store, read)
        else:
            new_predicates, new_kinds = _present(store, [delta])
            predicates, kinds = predicates | new_predicates, kinds | new_kinds
        firing = [
            rule
            for rule in rules
            if can_fire(rule, predicates, kinds) and (delta is None or touches(rule, new_predicates, new_kinds))
        ]
        if firing:
            terms = (new_predicates, new_kinds) if delta else None
            updates = [rule_update(rule, read, write, delta=delta, terms=terms) for rule in firing]
            store.update(_request(firing, updates))
        if store.keep_new(write, seen) == 0:
            store.update(f"DROP SILENT GRAPH <{write}>")
            return rounds
        rounds.append(write)


def graphs_ntriples(store: GraphStore, graphs: Iterable[str]) -> str:
    """The triples of some named graphs as one N-Triples text (a triple in two graphs appears twice)."""
    buffer = io.BytesIO()
    for graph in graphs:
        store.dump(buffer, "ntriples", graph=graph)
    return buffer.getvalue().decode("utf-8")


def python_closure_rounds(
    store: GraphStore,
    graphs: tuple[str, ...],
    rules: tuple[Rule, ...],
    write_to: Callable[[int], str],
    max_rounds: int = MAX_ROUNDS,
) -> list[int]:
    """The same rounds as closure_rounds, computed in Python (actorgraph.graph.fixpoint); returns their sizes.

    Round n is written into the graph write_to(n) by a second thread while the next rounds are
    computed: Oxigraph parses and stores without holding Python's lock, so on two cores the
    writing mostly overlaps the computing. Raises KGError when the fixpoint is not reached
    within max_rounds.
    """
    asserted = fixpoint.parse_ntriples(graphs_ntriples(store, graphs))
    compiled = [fixpoint.compile_rule(rule.id, rule.sparql) for rule in rules]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="closure-writer") as writer:
        written: list[Future[None]] = []

        def write(triples: set[fixpoint.Triple]) -> None:
            text = fixpoint.ntriples(triples)
            graph = write_to(len(written) + 1)
            written.append(writer.submit(store.load, text, "ntriples", graph, trusted=True))

        rounds = fixpoint.closure(asserted, compiled, max_rounds, on_round=write)
        for future in written:
            future.result()  # a failed write raises here
    return [len(triples) for triples in rounds]


ENGINES = ("python", "sparql")


def materialise(
    store: GraphStore,
    *,
    graphs: Iterable[str] = INPUT_GRAPHS,
    target: str = v.INFERRED_GRAPH,
    explain: bool = True,
    rules: Iterable[Rule] | None = None,
    max_rounds: int = MAX_ROUNDS,
    engine: str = "python",
) -> ClosureReport:
    """Replace the target graph with the OWL 2 RL closure of the input graphs (conclusions and explanations).

    engine "python" computes the rounds in Python and writes each new triple once; "sparql" runs the rule
    files as SPARQL updates inside Oxigraph. Both give the same rounds, hence the same triples
    and explanations. Raises KGError when the fixpoint is not reached within max_rounds, or
    for an unknown engine.
    """
    started = time.perf_counter()
    graphs = tuple(graphs)
    chosen = tuple(rules) if rules is not None else load_rules()
    store.update(f"DROP SILENT GRAPH <{target}>")
    sizes: list[int] | None = None  # the size of each round, when known without counting in the store
    if engine == "sparql":
        rounds = closure_rounds(store, graphs, chosen, max_rounds)
    elif engine == "python":
        # with explanations, the rounds stay apart (they are explained round by round, in SPARQL)
        sizes = python_closure_rounds(
            store, graphs, chosen, round_graph if explain else (lambda _number: target), max_rounds
        )
        rounds = [round_graph(number) for number in range(1, len(sizes) + 1)] if explain else []
    else:
        raise KGError(f"unknown reasoning engine {engine!r}: choose one of {', '.join(ENGINES)}")
    closure_seconds = time.perf_counter() - started
    if explain:
        for number, new in enumerate(rounds):
            read = (*graphs, *rounds[:number])
            delta = rounds[number - 1] if number else None
            predicates, kinds = _present(store, read)
            terms = _present(store, [delta]) if delta else None
            firing = [
                rule
                for rule in chosen
                if can_fire(rule, predicates, kinds) and (terms is None or touches(rule, *terms))
            ]
            if firing:
                updates = [explanation_update(rule, read, new, target, delta=delta, terms=terms) for rule in firing]
                store.update(_request(firing, updates))
    for new in rounds:
        store.update(f"ADD SILENT <{new}> TO <{target}>")
        store.update(f"DROP SILENT GRAPH <{new}>")
    if explain:
        _describe_rules(store, chosen, target)
        _link_premises(store, graphs, target)
    # without explanations the python engine's target holds its conclusions and nothing else
    counted = sizes is not None and not explain
    inferred = sum(sizes or ()) if counted else count_inferred(store, target)
    report = ClosureReport(
        rounds=(len(sizes) if sizes is not None else len(rounds)) + 1,
        inferred=inferred,
        quads=inferred if counted else _count(store, target),
        seconds=time.perf_counter() - started,
        closure_seconds=closure_seconds,
    )
    if explain:
        report.per_rule = rule_counts(store, target)
    return report


def sparql_string(text: str) -> str:
    """A SPARQL string literal (JSON escapes are valid SPARQL escapes)."""
    return json.dumps(text)


def _describe_rules(store: GraphStore, rules: Iterable[Rule], target: str) -> None:
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


def _link_premises(store: GraphStore, graphs: tuple[str, ...], target: str) -> None:
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


def rule_counts(store: GraphStore, target: str = v.INFERRED_GRAPH) -> dict[str, int]:
    """How many inferred triples each rule derived (a triple can count for several rules)."""
    result = store.select(
        f"SELECT ?id (COUNT(DISTINCT ?t) AS ?n) WHERE {{ GRAPH <{target}> {{ "
        f"?d <{v.AG}rule> ?r ; <{v.AG}conclusion> ?t . ?r <{v.AG}ruleId> ?id }} }} GROUP BY ?id"
    )
    return {row["id"].value: int(row["n"].value) for row in result}


def inferred_triples(store: GraphStore, target: str = v.INFERRED_GRAPH) -> set[tuple[str, str, str]]:
    """The inferred triples (no explanation nodes) as N-Triples term strings."""
    result = store.select(
        f"SELECT ?s ?p ?o WHERE {{ GRAPH <{target}> {{ ?s ?p ?o }} FILTER({_not_explanation('?s')}) }}"
    )
    return {(str(row["s"]), str(row["p"]), str(row["o"])) for row in result}


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


# ---------------------------------------------------------------------------- the owlrl reference

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
    import owlrl
    import rdflib

    from actorgraph.graph.store import parse_ntriples_terms

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


# ---------------------------------------------------------------------------- everything the reasoner writes


@dataclass
class InferenceReport:
    """The OWL 2 RL closure and the alliance conclusions written into the inferred graph."""

    closure: ClosureReport
    triads: int
    seconds: float

    def summary(self) -> str:
        return f"{self.closure.summary()}; {self.triads} triads and their hypotheses in {self.seconds:.2f} s in all"


def infer(store: GraphStore, *, explain: bool = True) -> InferenceReport:
    """Replace …/graph/inferred: the OWL 2 RL closure with explanations, then ties, triads and hypotheses.

    An on-disk store is copied into memory first and only the inferred graph is written back:
    the rounds are hundreds of small updates, each a RocksDB transaction on disk.
    """
    from actorgraph.graph.network import write_conclusions

    started = time.perf_counter()
    work = store
    if store.location is not None:
        work = GraphStore.memory()
        buffer = io.BytesIO()
        store.dump(buffer, "nquads")
        work.load(buffer.getvalue(), "nquads")
    closure = materialise(work, explain=explain)
    triads = write_conclusions(work)
    if work is not store:
        buffer = io.BytesIO()
        work.dump(buffer, "ntriples", graph=v.INFERRED_GRAPH)
        store.replace_graph(v.INFERRED_GRAPH, buffer.getvalue(), "ntriples")
    return InferenceReport(closure, triads, time.perf_counter() - started)
