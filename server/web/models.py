"""The read models the Linked Data pages render: terms, statements, resources, documents, tables.

Plain data built by views.py; templates read their fields. ``segments`` cuts a document's text
at every evidence span so document.html can anchor and highlight each one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import pairwise

from actorgraph.ontology.vocab import AG, BASE, PREFIXES


@dataclass(frozen=True)
class Term:
    """An RDF term for display: an IRI (with its best label) or a literal (with datatype/language)."""

    value: str
    kind: str = "iri"
    datatype: str | None = None
    language: str | None = None
    label: str | None = None

    @property
    def is_iri(self) -> bool:
        return self.kind == "iri"

    @property
    def text(self) -> str:
        """The label of an IRI, else its local name; a literal's lexical form."""
        if self.kind != "iri":
            return self.value
        return self.label or local_name(self.value)


@dataclass
class StatementView:
    """One statement node with everything a reader needs to judge it."""

    iri: str
    subject: Term
    relation: Term
    object: Term
    document: Term | None = None
    local_id: str = ""
    certainty: Term | None = None
    candidate: bool = False
    attributed_to: list[Term] = field(default_factory=list)
    start: Term | None = None
    end: Term | None = None
    point_in_time: Term | None = None
    place: Term | None = None
    quantity: Term | None = None
    unit: str | None = None
    role: str | None = None
    note: str | None = None
    confidence: str | None = None
    cites: list[Term] = field(default_factory=list)
    quote: str | None = None
    prefix: str = ""
    suffix: str = ""
    span: tuple[int, int] | None = None
    reviewed_by: str | None = None
    reviewed_at: str | None = None

    @property
    def when(self) -> str:
        """The statement's time as written: a point, a range, or an open start/end."""
        if self.point_in_time is not None:
            return self.point_in_time.value
        if self.start is not None and self.end is not None:
            return f"{self.start.value} – {self.end.value}"
        if self.start is not None:
            return f"from {self.start.value}"
        if self.end is not None:
            return f"until {self.end.value}"
        return ""

    @property
    def anchor(self) -> str:
        """The id of the evidence span on the document page."""
        return span_anchor(*self.span) if self.span else ""

    @property
    def summary(self) -> str:
        return f"{self.subject.text} {self.relation.text} {self.object.text}"

    def sort_key(self) -> tuple[str, str, str]:
        when = self.point_in_time or self.start or self.end
        return (when.value if when else "9999", self.document.value if self.document else "", self.local_id)


@dataclass
class RelationGroup:
    """Statements sharing one relation, in the order they happened."""

    relation: Term
    statements: list[StatementView]


@dataclass
class ResourceView:
    """Everything the HTML page of one resource shows."""

    iri: str
    label: str
    kind: str  # actor | statement | document | citation | resource
    types: list[Term] = field(default_factory=list)
    labels: list[Term] = field(default_factory=list)
    aliases: list[Term] = field(default_factory=list)
    descriptions: list[Term] = field(default_factory=list)
    external_links: list[Term] = field(default_factory=list)
    properties: list[tuple[Term, list[Term]]] = field(default_factory=list)
    as_subject: list[RelationGroup] = field(default_factory=list)
    as_object: list[RelationGroup] = field(default_factory=list)
    attributed: list[StatementView] = field(default_factory=list)
    as_place: list[StatementView] = field(default_factory=list)
    incoming: list[tuple[Term, Term]] = field(default_factory=list)
    statement: StatementView | None = None
    same_evidence: list[StatementView] = field(default_factory=list)

    @property
    def statement_count(self) -> int:
        groups = self.as_subject + self.as_object
        return sum(len(g.statements) for g in groups) + len(self.attributed) + len(self.as_place)


@dataclass(frozen=True)
class Span:
    """An evidence span of a document and the numbers of the statements it supports."""

    start: int
    end: int
    numbers: tuple[int, ...]
    others: tuple[Term, ...] = ()  # citations and no-claim passages anchored here

    @property
    def anchor(self) -> str:
        return span_anchor(self.start, self.end)


@dataclass(frozen=True)
class Segment:
    """A run of document text covered by the same set of spans."""

    text: str
    spans: tuple[Span, ...]
    opens: tuple[Span, ...]  # spans starting here: their anchors go on this segment
    closes: tuple[Span, ...]  # spans ending here: their statement links follow this segment


@dataclass
class DocumentView:
    """A document with its text cut at every evidence span, and its numbered statements."""

    resource: ResourceView
    text: str
    statements: list[StatementView]
    spans: list[Span]
    segments: list[Segment]


@dataclass
class ResultTable:
    """Query results ready to render: SELECT rows, an ASK answer, or CONSTRUCT triples as rows."""

    variables: list[str]
    rows: list[list[Term | None]]
    boolean: bool | None = None
    truncated: bool = False


@dataclass
class OntologyTerm:
    """A class or property of the ontology, with how often statements use it."""

    term: Term
    kind: str  # class | object property | datatype property | annotation property
    definition: str = ""
    parents: list[Term] = field(default_factory=list)
    domains: list[Term] = field(default_factory=list)
    ranges: list[Term] = field(default_factory=list)
    uses: int = 0


def local_name(iri: str) -> str:
    """The part of an IRI after its namespace: after '#', else after the last '/'."""
    for sep in ("#", "/"):
        if sep in iri:
            tail = iri.rsplit(sep, 1)[1]
            if tail:
                return tail
    return iri


def span_anchor(start: int, end: int) -> str:
    return f"ev-{start}-{end}"


def segments(text: str, spans: list[Span]) -> list[Segment]:
    """Cut text at every span edge; each segment knows the spans covering, opening and closing it."""
    edges = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    result = []
    for a, b in pairwise(edges):
        if a == b:
            continue
        covering = tuple(s for s in spans if s.start <= a and b <= s.end)
        result.append(
            Segment(
                text[a:b],
                covering,
                tuple(s for s in covering if s.start == a),
                tuple(s for s in covering if s.end == b),
            )
        )
    return result


def display_types(types: list[Term]) -> list[Term]:
    """Types worth showing: no skolemised ontology expressions (the reasoner's unionOf classes);
    other vocabularies' classes by prefixed name, so org:, foaf: and schema:Organization stay apart."""
    shown = []
    for t in types:
        if t.value.startswith(BASE + ".well-known/genid/"):
            continue
        if not t.value.startswith(AG):
            prefix = next((p for p, ns in PREFIXES.items() if t.value.startswith(ns)), None)
            if prefix:
                t = replace(t, label=f"{prefix}:{t.value[len(PREFIXES[prefix]) :]}")
        shown.append(t)
    return sorted(shown, key=lambda t: (not t.value.startswith(AG), t.text))
