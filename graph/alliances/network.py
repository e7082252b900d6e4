"""The signed actor network through time, structural balance, and alliance predictions.

From the statement nodes (not the truthy triples: dates and certainty live on the statements)
we build, for a year or an interval, an undirected signed network of agents:

- a statement counts when its relation has a sign (``RELATION_WEIGHTS``, found through the
  property hierarchy, so a curator's new subproperty of ag:supports is positive) and its
  certainty has a weight (denied and forecast statements never count);
- it holds over ``[start, end]``; a point in time holds that year; a start without an end holds
  until the document's present (its date, else the latest year its statements mention), and an
  undated statement is read as the document's present;
- a tie's weight is the sum of its positive statement weights minus its negative ones, its sign
  the sign of that sum. Each tie keeps the statements behind it.

On that network: Heider's structural balance of triads (balanced when the product of the
signs is positive), common enemies, "enemy of my enemy" and "friend of my enemy" predictions
ranked by the product of the weights they rest on, proxy chains (state -> organ -> proxy),
and the timeline of a dyad. This module is the model and its analytics, with no store:
actorgraph.graph.alliances.conclusions reads the statements (``AllianceAnalysis``) and writes
ties, triads and hypotheses into the inferred graph (``write_conclusions``).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from actorgraph.ontology import vocab as v

AG, RES = v.AG, v.RES

# Relation strength and sign; subproperties inherit from their nearest listed ancestor.
RELATION_WEIGHTS: dict[str, float] = {
    "alliedWith": 1.0,
    "sponsors": 1.0,
    "funds": 1.0,
    "arms": 1.0,
    "directs": 1.0,
    "supports": 0.8,
    "trains": 0.8,
    "cooperatesWith": 0.8,
    "rapprochementWith": 0.6,
    "hosts": 0.5,
    "facilitates": 0.5,
    "recruitsFrom": 0.3,
    "hostileTo": -1.0,
    "attacks": -1.0,
    "kills": -1.0,
    "rivalOf": -0.8,
    "targets": -0.8,
    "persecutes": -0.8,
    "threatens": -0.6,
    "opposes": -0.6,
    "sanctions": -0.6,
    "disputeWith": -0.4,
    "distrusts": -0.4,
    "criticizes": -0.3,
    "accuses": -0.3,
    "pressures": -0.3,
}
CERTAINTY_WEIGHTS: dict[str, float] = {
    "Stated": 1.0,
    "Reported": 0.8,
    "Assessed": 0.7,
    "Alleged": 0.6,
    "Suspected": 0.5,
}
SPONSORSHIP = ("sponsors", "funds", "arms", "directs")
PAST, FUTURE = -10_000, 10_000


def local(iri: str) -> str:
    """The local name of an ag: or res: IRI (the IRI itself otherwise)."""
    for base in (AG, RES):
        if iri.startswith(base):
            return iri[len(base) :]
    return iri


def year_of(lexical: str | None) -> int | None:
    """The year of an xsd:gYear, gYearMonth or date lexical form."""
    if not lexical:
        return None
    match = re.match(r"^(-?\d{4})", lexical)
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Evidence:
    """One statement behind a tie: who, what relation, when it holds, and its signed weight."""

    statement: str
    subject: str
    relation: str
    object: str
    certainty: str
    start: int
    end: int
    weight: float
    document: str

    @property
    def sign(self) -> int:
        return 1 if self.weight > 0 else -1

    def holds(self, start: int, end: int) -> bool:
        return self.start <= end and start <= self.end

    def as_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "subject": local(self.subject),
            "relation": local(self.relation),
            "object": local(self.object),
            "certainty": self.certainty,
            "from": self.start,
            "to": self.end,
            "weight": round(self.weight, 3),
        }


@dataclass
class Tie:
    """The signed relation between two agents over an interval, with its statements."""

    a: str
    b: str
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def positive(self) -> float:
        return sum(e.weight for e in self.evidence if e.weight > 0)

    @property
    def negative(self) -> float:
        return -sum(e.weight for e in self.evidence if e.weight < 0)

    @property
    def weight(self) -> float:
        return self.positive - self.negative

    @property
    def sign(self) -> int:
        return (self.weight > 0) - (self.weight < 0)

    @property
    def sponsorship(self) -> bool:
        return any(local(e.relation) in SPONSORSHIP for e in self.evidence)

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": local(self.a),
            "b": local(self.b),
            "sign": self.sign,
            "weight": round(self.weight, 3),
            "positive": round(self.positive, 3),
            "negative": round(self.negative, 3),
            "statements": [e.as_dict() for e in self.evidence],
        }


def pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


@dataclass
class SignedNetwork:
    """The signed network over [start, end]: agents, labels, kinds and ties."""

    start: int
    end: int
    ties: dict[tuple[str, str], Tie]
    labels: dict[str, str]
    kinds: dict[str, str]

    @cached_property
    def neighbours(self) -> dict[str, dict[str, int]]:
        """Node -> neighbour -> sign (ties of sign 0 are left out)."""
        result: dict[str, dict[str, int]] = defaultdict(dict)
        for (a, b), tie in self.ties.items():
            if tie.sign:
                result[a][b] = tie.sign
                result[b][a] = tie.sign
        return result

    def tie(self, a: str, b: str) -> Tie | None:
        return self.ties.get(pair(a, b))

    def sign(self, a: str, b: str) -> int:
        tie = self.tie(a, b)
        return tie.sign if tie else 0

    def weight(self, a: str, b: str) -> float:
        tie = self.tie(a, b)
        return abs(tie.weight) if tie else 0.0

    @property
    def nodes(self) -> list[str]:
        return sorted({n for key in self.ties for n in key})

    def label(self, node: str) -> str:
        return self.labels.get(node, local(node))

    def triads(self) -> list[Triad]:
        """Every triad whose three ties have a sign, with its balance."""
        found = []
        signed = self.neighbours
        for a in sorted(signed):
            for b, c in itertools.combinations(sorted(n for n in signed[a] if n > a), 2):
                if c in signed[b]:
                    ties = (self.ties[pair(a, b)], self.ties[pair(a, c)], self.ties[pair(b, c)])
                    found.append(Triad((a, b, c), ties, self.start, self.end))
        return found

    def common_enemies(self, a: str, b: str) -> list[tuple[str, float]]:
        """Agents with a negative tie to both a and b, strongest first (weight product)."""
        signed = self.neighbours
        both = [c for c, s in signed.get(a, {}).items() if s < 0 and signed.get(b, {}).get(c, 0) < 0 and c != b]
        return sorted(((c, self.weight(a, c) * self.weight(b, c)) for c in both), key=lambda x: (-x[1], x[0]))

    def predictions(self) -> list[Hypothesis]:
        """Enemy-of-my-enemy (predicted +) and friend-of-my-enemy (predicted -) pairs, ranked by score."""
        signed = self.neighbours
        found: dict[tuple[str, str, str], Hypothesis] = {}
        for c in sorted(signed):
            enemies = sorted(n for n, s in signed[c].items() if s < 0)
            friends = sorted(n for n, s in signed[c].items() if s > 0)
            for a, b in itertools.combinations(enemies, 2):
                if self.sign(a, b) <= 0:
                    self._add(found, "enemy-of-my-enemy", a, b, c, +1)
            for a in enemies:
                for b in friends:
                    if a != b and self.sign(a, b) >= 0:
                        self._add(found, "friend-of-my-enemy", a, b, c, -1)
        return sorted(found.values(), key=lambda h: (-h.score, h.pattern, h.a, h.b))

    def _add(
        self, found: dict[tuple[str, str, str], Hypothesis], pattern: str, a: str, b: str, c: str, sign: int
    ) -> None:
        key = (pattern, *pair(a, b))
        hyp = found.setdefault(key, Hypothesis(pattern, *pair(a, b), sign, self.start, self.end, self.sign(a, b)))
        hyp.via.append(c)
        hyp.score += self.weight(a, c) * self.weight(b, c)
        hyp.ties.extend([self.ties[pair(a, c)], self.ties[pair(b, c)]])

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.start,
            "to": self.end,
            "nodes": [{"id": local(n), "label": self.label(n), "kind": self.kinds.get(n, "")} for n in self.nodes],
            "ties": [t.as_dict() for t in sorted(self.ties.values(), key=lambda t: (t.a, t.b))],
        }


@dataclass
class Triad:
    """Three agents, their three ties, and whether the signs balance."""

    members: tuple[str, str, str]
    ties: tuple[Tie, Tie, Tie]
    start: int
    end: int

    @property
    def signs(self) -> str:
        return "".join(sorted(("+" if t.sign > 0 else "-" for t in self.ties), key=lambda s: s != "+"))

    @property
    def balanced(self) -> bool:
        return self.signs.count("-") % 2 == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "members": [local(m) for m in self.members],
            "signs": self.signs,
            "balanced": self.balanced,
            "from": self.start,
            "to": self.end,
            "ties": [t.as_dict() for t in self.ties],
        }


@dataclass
class Hypothesis:
    """A predicted alignment between a and b through third agents (via), with the ties it rests on."""

    pattern: str
    a: str
    b: str
    sign: int
    start: int
    end: int
    existing: int
    via: list[str] = field(default_factory=list)
    score: float = 0.0
    ties: list[Tie] = field(default_factory=list)

    def paths(self) -> list[str]:
        """Explanation paths in words: 'iran -[-]- iskp -[-]- taliban'."""
        return [
            f"{local(self.a)} ({_sign_text(_tie_sign(self.ties, self.a, c))}) {local(c)} "
            f"({_sign_text(_tie_sign(self.ties, c, self.b))}) {local(self.b)}"
            for c in self.via
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "pattern": self.pattern,
            "a": local(self.a),
            "b": local(self.b),
            "predicted": self.sign,
            "existing": self.existing,
            "score": round(self.score, 3),
            "via": [local(c) for c in self.via],
            "paths": self.paths(),
            "statements": sorted({e.statement for t in self.ties for e in t.evidence}),
        }


def _tie_sign(ties: Iterable[Tie], a: str, b: str) -> int:
    for tie in ties:
        if pair(a, b) == (tie.a, tie.b):
            return tie.sign
    return 0


def _sign_text(sign: int) -> str:
    return "+" if sign > 0 else "-" if sign < 0 else "0"


@dataclass(frozen=True)
class ProxyChain:
    """State -> organ (-> organ) -> sponsored actor, each link with its statements."""

    nodes: tuple[str, ...]
    statements: tuple[str, ...]
    relation: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "chain": [local(n) for n in self.nodes],
            "relation": local(self.relation),
            "statements": list(self.statements),
        }
