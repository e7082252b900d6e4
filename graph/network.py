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
and the timeline of a dyad. ``write_conclusions`` puts ties, triads and hypotheses into the
inferred graph as ag:Tie, ag:Triad and ag:Hypothesis resources with prov:wasDerivedFrom links
to the statements.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from actorgraph.graph.store import GraphStore
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

    def has(self, *members: str) -> bool:
        return set(members) <= set(self.members)

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


# ---------------------------------------------------------------------------- reading the store


class AllianceAnalysis:
    """Reads the statements of a store once, then answers for any year or interval."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.weights = relation_weights(store)
        self.labels, self.kinds = agents(store)
        self.present = document_present(store)
        self.evidence = list(self._evidence())

    def _evidence(self) -> Iterator[Evidence]:
        values = " ".join(f"<{AG}{name}>" for name in CERTAINTY_WEIGHTS)
        rows = self.store.select(
            f"""SELECT ?st ?s ?rel ?o ?cert ?start ?end ?at ?doc WHERE {{
              GRAPH ?g {{ ?st a <{AG}Statement> ; <{AG}subject> ?s ; <{AG}relation> ?rel ; <{AG}object> ?o ;
                          <{AG}certainty> ?cert ; <{AG}statementOf> ?doc .
                OPTIONAL {{ ?st <{AG}startTime> ?start }} OPTIONAL {{ ?st <{AG}endTime> ?end }}
                OPTIONAL {{ ?st <{AG}pointInTime> ?at }} }}
              VALUES ?cert {{ {values} }}
            }} ORDER BY ?st"""
        )
        for row in rows:
            rel = row["rel"].value
            subject, obj = row["s"].value, row["o"].value
            if rel not in self.weights or subject == obj or subject not in self.labels or obj not in self.labels:
                continue
            certainty = local(row["cert"].value)
            start, end = self._interval(row, row["doc"].value)
            yield Evidence(
                statement=row["st"].value,
                subject=subject,
                relation=rel,
                object=obj,
                certainty=certainty,
                start=start,
                end=end,
                weight=self.weights[rel] * CERTAINTY_WEIGHTS[certainty],
                document=row["doc"].value,
            )

    def _interval(self, row: Any, document: str) -> tuple[int, int]:
        """When a statement holds (see the module docstring)."""
        at = year_of(row["at"].value if row["at"] else None)
        start = year_of(row["start"].value if row["start"] else None)
        end = year_of(row["end"].value if row["end"] else None)
        present = self.present.get(document, FUTURE)
        if at is not None:
            return at, at
        if start is None and end is None:
            return present, present
        if start is None:
            return (end if end is not None else present), (end if end is not None else present)
        return start, (end if end is not None else max(start, present))

    def years(self) -> list[int]:
        """The years the statements mention (points, starts, ends)."""
        found = {e.start for e in self.evidence} | {e.end for e in self.evidence}
        return sorted(y for y in found if PAST < y < FUTURE)

    def network(self, start: int, end: int | None = None) -> SignedNetwork:
        """The signed network of the statements that hold at some time in [start, end]."""
        end = start if end is None else end
        ties: dict[tuple[str, str], Tie] = {}
        for e in self.evidence:
            if e.holds(start, end):
                key = pair(e.subject, e.object)
                ties.setdefault(key, Tie(*key)).evidence.append(e)
        return SignedNetwork(start, end, ties, self.labels, self.kinds)

    def timeline(self, a: str, b: str) -> list[dict[str, Any]]:
        """Year by year, the tie between a and b: weights, sign and statements (for a plot)."""
        key = pair(a, b)
        mine = [e for e in self.evidence if pair(e.subject, e.object) == key]
        if not mine:
            return []
        points = []
        for year in range(min(e.start for e in mine), max(e.end for e in mine) + 1):
            tie = Tie(*key, [e for e in mine if e.holds(year, year)])
            if tie.evidence:
                points.append({"year": year, **tie.as_dict()})
        return points

    def proxy_chains(self) -> list[ProxyChain]:
        """State or organ -> ... -> sponsored actor: a sponsorship statement, its sponsor's partOf links upwards."""
        sponsorship = [e for e in self.evidence if local(e.relation) in SPONSORSHIP]
        parents = part_of(self.store)
        chains = []
        for e in sponsorship:
            if self.kinds.get(e.subject) not in ("State", "StateOrgan"):
                continue
            path, statements = [e.subject], [e.statement]
            while path[-1] in parents and parents[path[-1]][0] not in path:
                parent, statement = parents[path[-1]]
                path.append(parent)
                statements.append(statement)
            nodes = (*reversed(path), e.object)
            chains.append(ProxyChain(nodes, (*reversed(statements[1:]), statements[0]), e.relation))
        return sorted(set(chains), key=lambda c: (c.nodes, c.relation))


def relation_weights(store: GraphStore) -> dict[str, float]:
    """Signed weight of every property with a signed ancestor (the nearest one decides)."""
    rows = store.select(
        f"""SELECT ?p ?q (COUNT(?mid) AS ?distance) WHERE {{
              GRAPH <{v.ONTOLOGY_GRAPH}> {{ ?p <{v.RDFS}subPropertyOf>* ?mid . ?mid <{v.RDFS}subPropertyOf>* ?q . }}
              FILTER(STRSTARTS(STR(?q), "{AG}"))
            }} GROUP BY ?p ?q"""
    )
    best: dict[str, tuple[int, float]] = {}
    for row in rows:
        name = local(row["q"].value)
        if name in RELATION_WEIGHTS:
            p, distance = row["p"].value, int(row["distance"].value)
            if p not in best or distance < best[p][0]:
                best[p] = (distance, RELATION_WEIGHTS[name])
    return {p: w for p, (_d, w) in best.items()}


def agents(store: GraphStore) -> tuple[dict[str, str], dict[str, str]]:
    """Every agent (instance of a subclass of ag:Agent): its label and its most telling kind."""
    rows = store.select(
        f"""SELECT ?x ?label ?kind WHERE {{
              GRAPH <{v.ENTITIES_GRAPH}> {{ ?x a ?kind . OPTIONAL {{ ?x <{v.RDFS}label> ?label }} }}
              GRAPH <{v.ONTOLOGY_GRAPH}> {{ ?kind <{v.RDFS}subClassOf>* <{AG}Agent> }}
            }} ORDER BY ?x ?kind"""
    )
    labels: dict[str, str] = {}
    kinds: dict[str, str] = {}
    order = ("State", "StateOrgan", "NonStateActor", "Actor", "Person", "Group", "Agent")
    organ_kinds = {"Government", "Ministry", "ArmedForce", "IntelligenceService", "DiplomaticMission", "Legislature"}
    for row in rows:
        x = row["x"].value
        labels[x] = row["label"].value if row["label"] else local(x)
        kind = local(row["kind"].value)
        kind = "StateOrgan" if kind in organ_kinds else kind
        kind = kind if kind in order else "NonStateActor" if kind not in ("Coalition", "Community") else "Actor"
        if x not in kinds or order.index(kind) < order.index(kinds[x]):
            kinds[x] = kind
    return labels, kinds


def document_present(store: GraphStore) -> dict[str, int]:
    """Each document's present: its date's year, else the latest year its own statements mention."""
    dated = {
        row["doc"].value: year_of(row["date"].value)
        for row in store.select(
            f"SELECT ?doc ?date WHERE {{ GRAPH <{v.ENTITIES_GRAPH}> {{ ?doc a <{AG}Document> ; "
            f"<{v.DCTERMS}date> ?date }} }}"
        )
    }
    latest = {
        row["doc"].value: year_of(row["latest"].value)
        for row in store.select(
            f"""SELECT ?doc (MAX(STR(?t)) AS ?latest) WHERE {{ GRAPH ?g {{ ?st <{AG}statementOf> ?doc ;
                  <{AG}certainty> ?c ; ?when ?t . VALUES ?when {{ <{AG}startTime> <{AG}endTime> <{AG}pointInTime> }} }}
                  FILTER(?c != <{AG}Forecast>) }} GROUP BY ?doc"""
        )
    }
    present = {doc: year for doc, year in latest.items() if year is not None}
    present.update({doc: year for doc, year in dated.items() if year is not None})
    return present


def part_of(store: GraphStore) -> dict[str, tuple[str, str]]:
    """Organ -> (the actor it is stated to be part of, the statement), from partOf statements."""
    rows = store.select(
        f"""SELECT ?s ?o ?st WHERE {{ GRAPH ?g {{ ?st a <{AG}Statement> ; <{AG}subject> ?s ;
              <{AG}relation> <{AG}partOf> ; <{AG}object> ?o ; <{AG}certainty> ?c }}
              FILTER(?c NOT IN (<{AG}Denied>, <{AG}Forecast>)) }} ORDER BY ?st"""
    )
    found: dict[str, tuple[str, str]] = {}
    for row in rows:
        found.setdefault(row["s"].value, (row["o"].value, row["st"].value))
    return found


# ---------------------------------------------------------------------------- conclusions as RDF


def _slug(*nodes: str) -> str:
    return "--".join(local(n).replace("/", "_") for n in nodes)


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return f'"{str(value).lower()}"^^<{v.XSD}boolean>'
    if isinstance(value, int):
        return f'"{value}"^^<{v.XSD}integer>'
    if isinstance(value, float):
        return f'"{value:.4f}"^^<{v.XSD}decimal>'
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _tie_triples(tie: Tie, start: int, end: int) -> tuple[str, list[str]]:
    node = f"{RES}tie/{start}-{end}/{_slug(tie.a, tie.b)}"
    lines = [
        f"<{node}> a <{AG}Tie> ; <{AG}tieBetween> <{tie.a}> , <{tie.b}> ; <{AG}sign> {_literal(tie.sign)} ; "
        f"<{AG}weight> {_literal(float(tie.weight))} ; <{AG}fromYear> {_literal(start)} ; "
        f"<{AG}toYear> {_literal(end)} .",
        *(f"<{node}> <{v.PROV}wasDerivedFrom> <{e.statement}> ." for e in tie.evidence),
    ]
    return node, lines


def conclusion_triples(network: SignedNetwork, top: int | None = None) -> list[str]:
    """Turtle lines for the triads and the (top) hypotheses of a network, with their ties."""
    lines: list[str] = []
    ties: dict[tuple[str, str], str] = {}

    def tie_node(tie: Tie) -> str:
        key = (tie.a, tie.b)
        if key not in ties:
            ties[key], more = _tie_triples(tie, network.start, network.end)
            lines.extend(more)
        return ties[key]

    def derived_from_ties(node: str, conclusion_ties: Iterable[Tie]) -> None:
        # A conclusion names the ties it rests on, and PROV says it was derived from them.
        for tie in conclusion_ties:
            t = tie_node(tie)
            lines.append(f"<{node}> <{AG}hasTie> <{t}> ; <{v.PROV}wasDerivedFrom> <{t}> .")

    period = f"{network.start}-{network.end}"
    for triad in network.triads():
        node = f"{RES}triad/{period}/{_slug(*triad.members)}"
        members = " , ".join(f"<{m}>" for m in triad.members)
        lines.append(
            f"<{node}> a <{AG}Triad> ; <{AG}triadMember> {members} ; <{AG}signs> {_literal(triad.signs)} ; "
            f"<{AG}balanced> {_literal(triad.balanced)} ; <{AG}fromYear> {_literal(network.start)} ; "
            f"<{AG}toYear> {_literal(network.end)} ; <{v.RDFS}label> {_literal(_triad_label(network, triad))} ."
        )
        derived_from_ties(node, triad.ties)
    for hyp in network.predictions()[:top]:
        node = f"{RES}hypothesis/{period}/{hyp.pattern}/{_slug(hyp.a, hyp.b)}"
        via = " , ".join(f"<{c}>" for c in hyp.via)
        lines.append(
            f"<{node}> a <{AG}Hypothesis> ; <{AG}hypothesisPair> <{hyp.a}> , <{hyp.b}> ; <{AG}via> {via} ; "
            f"<{AG}pattern> {_literal(hyp.pattern)} ; <{AG}predictedSign> {_literal(hyp.sign)} ; "
            f"<{AG}score> {_literal(float(hyp.score))} ; <{AG}fromYear> {_literal(network.start)} ; "
            f"<{AG}toYear> {_literal(network.end)} ; <{v.RDFS}comment> {_literal('; '.join(hyp.paths()))} ."
        )
        derived_from_ties(node, hyp.ties)
    return lines


def _triad_label(network: SignedNetwork, triad: Triad) -> str:
    names = ", ".join(network.label(m) for m in triad.members)
    state = "balanced" if triad.balanced else "unbalanced"
    period = str(network.start) if network.start == network.end else f"{network.start}-{network.end}"
    return f"{names} ({triad.signs}, {state}, {period})"


def write_conclusions(store: GraphStore, analysis: AllianceAnalysis | None = None, top: int | None = None) -> int:
    """Add ties, triads and hypotheses for every year the statements mention to the inferred graph.

    Returns the number of triads written.
    """
    analysis = analysis or AllianceAnalysis(store)
    lines: list[str] = []
    triads = 0
    for year in analysis.years():
        network = analysis.network(year)
        triads += len(network.triads())
        lines.extend(conclusion_triples(network, top))
    if lines:
        # Turtle-compatible N-Triples-like lines with ';' and ',' lists: load as Turtle.
        store.load("\n".join(lines).encode("utf-8"), "turtle", graph=v.INFERRED_GRAPH)
    return triads
