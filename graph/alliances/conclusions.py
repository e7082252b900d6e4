"""The alliance network read from the store, and its conclusions written back as RDF.

``AllianceAnalysis`` reads the statement nodes once (not the truthy triples: dates and certainty
live on the statements) and builds the signed network (actorgraph.graph.alliances.network) for
any year or interval. ``write_conclusions`` puts ties, triads and hypotheses into the inferred
graph as ag:Tie, ag:Triad and ag:Hypothesis resources with prov:wasDerivedFrom links to the
statements.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from actorgraph.graph.alliances.network import (
    CERTAINTY_WEIGHTS,
    FUTURE,
    PAST,
    RELATION_WEIGHTS,
    SPONSORSHIP,
    Evidence,
    ProxyChain,
    SignedNetwork,
    Tie,
    Triad,
    local,
    pair,
    year_of,
)
from actorgraph.graph.store import Store
from actorgraph.ontology import vocab as v
from actorgraph.ontology.vocab import AG, RES

# ---------------------------------------------------------------------------- reading the store


class AllianceAnalysis:
    """Reads the statements of a store once, then answers for any year or interval."""

    def __init__(self, store: Store) -> None:
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


def relation_weights(store: Store) -> dict[str, float]:
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


def agents(store: Store) -> tuple[dict[str, str], dict[str, str]]:
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


def document_present(store: Store) -> dict[str, int]:
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


def part_of(store: Store) -> dict[str, tuple[str, str]]:
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


def write_conclusions(
    store: Store, analysis: AllianceAnalysis | None = None, top: int | None = None, graph: str = v.INFERRED_GRAPH
) -> int:
    """Add ties, triads and hypotheses for every year the statements mention to the inferred graph (or graph).

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
        store.load("\n".join(lines).encode("utf-8"), "turtle", graph=graph)
    return triads
