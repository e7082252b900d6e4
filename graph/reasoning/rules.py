"""The rule file format: one OWL 2 RL rule per file ``queries/rules/<rule-id>.rq``.

A rule is a CONSTRUCT whose template is the conclusion (one triple pattern) and whose WHERE is
the rule body, plus a header::

    # rule: cax-sco
    # title: Class membership goes up the subclass hierarchy
    # premise: ?c1 rdfs:subClassOf ?c2
    # premise: ?x rdf:type ?c1
    # key: ?x ?c1                  (optional: rows sharing these values form one derivation)

Both engines read the same files: actorgraph.graph.reasoning.sparql runs them as SPARQL
updates, actorgraph.graph.reasoning.fixpoint compiles their bodies into Python. This module
also holds what both need to know about premises (which rules can fire on which graphs) and
the IRIs the reasoner mints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from actorgraph.graph.errors import RuleError
from actorgraph.ontology import vocab as v
from actorgraph.queries import rule_texts

RULE_BASE = v.RES + "rule/"
TRIPLE_BASE = v.RES + "triple/"
DERIVATION_BASE = v.RES + "derivation/"
EXPLANATION_BASES = (RULE_BASE, TRIPLE_BASE, DERIVATION_BASE)
INPUT_GRAPHS: tuple[str, ...] = (v.ONTOLOGY_GRAPH, v.ENTITIES_GRAPH, v.TRUTHY_GRAPH)
MAX_ROUNDS = 100
RDF_TYPE = v.RDF + "type"

_TERM = r"(?:\?\w+|<[^>\s]*>|[A-Za-z][\w-]*:[\w-]*|a)"
_PATTERN = re.compile(rf"^\s*({_TERM})\s+({_TERM})\s+({_TERM})\s*\.?\s*$")
_CONSTRUCT = re.compile(r"CONSTRUCT\s*\{(?P<head>[^{}]*)\}\s*WHERE\s*(?P<body>\{.*\})\s*$", re.S | re.I)

Pattern = tuple[str, str, str]
Terms = tuple[set[str], set[str]]  # the predicates, and the rdf:type classes, that occur in a graph


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
    rules = [parse_rule(name, text) for name, text in rule_texts().items()]
    return tuple(sorted(rules, key=lambda r: r.id))


# ---------------------------------------------------------------------------- which rules can fire


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


def premise_may_match(rule: Rule, premise: Pattern, terms: Terms) -> bool:
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
    return any(premise_may_match(rule, premise, (predicates, kinds)) for premise in rule.premises)
