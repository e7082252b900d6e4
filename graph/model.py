"""The statement model: documents, entities, statements and their evidence.

Plain frozen dataclasses, no RDF: `graph.sources` fills them from the YAML sources,
`graph.rdf` turns them into quads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CERTAINTIES = ("stated", "reported", "alleged", "suspected", "denied", "assessed", "forecast")


@dataclass(frozen=True)
class Origin:
    """Where something was written: a source file and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Document:
    """A source document with its text and bibliographic metadata."""

    id: str
    file: str
    title: str
    text: str
    sha256: str
    authors: tuple[str, ...] = ()
    author_roles: tuple[str, ...] = ()
    date: str | None = None
    venue: str | None = None
    language: str = "en"
    origin: Origin | None = None


@dataclass(frozen=True)
class Entity:
    """An entry of the entity registry."""

    id: str
    types: tuple[str, ...]
    label: str
    aliases: tuple[str, ...] = ()
    description: str | None = None
    origin: Origin | None = None
    # Names the texts use for this entity by metonymy ("Tehran" for Iran): searchable, never displayed.
    metonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Span:
    """A verbatim quote located in a document: [start, end) in Unicode code points."""

    document: str
    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class LiteralValue:
    """A typed literal object: lexical form plus an XSD datatype local name (or a language)."""

    lexical: str
    datatype: str = "string"
    language: str | None = None


@dataclass(frozen=True)
class Statement:
    """One claim taken from a document, with its qualifiers and its evidence."""

    document: str
    local_id: str
    subject: str
    predicate: str
    evidence: Span
    object: str | None = None
    value: LiteralValue | None = None
    certainty: str = "stated"
    attributed_to: tuple[str, ...] = ()
    start: LiteralValue | None = None
    end: LiteralValue | None = None
    point_in_time: LiteralValue | None = None
    place: str | None = None
    quantity: LiteralValue | None = None
    unit: str | None = None
    role: str | None = None
    cites: tuple[str, ...] = ()
    note: str | None = None
    # Statements of other documents this one contradicts, as "doc-id/statement-id".
    contradicts: tuple[str, ...] = ()
    candidate: bool = False
    confidence: float | None = None
    extractor: str | None = None
    origin: Origin | None = None
    # Who reviewed (accepted, corrected or wrote) the statement in the review pages, and when (ISO 8601).
    reviewed_by: str | None = None
    reviewed_at: str | None = None


@dataclass(frozen=True)
class Citation:
    """A footnote of a document, as given: author, title, venue, date."""

    document: str
    local_id: str
    number: int | None
    evidence: Span
    author: str | None = None
    title: str | None = None
    venue: str | None = None
    date: str | None = None
    origin: Origin | None = None


@dataclass(frozen=True)
class NoClaim:
    """A passage the curators marked as carrying no claim (rhetoric, transition), with why."""

    document: str
    local_id: str
    evidence: Span
    reason: str
    origin: Origin | None = None


@dataclass
class StatementFile:
    """Everything one per-document statements file holds."""

    document: str
    path: str
    statements: list[Statement] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    no_claims: list[NoClaim] = field(default_factory=list)


@dataclass(frozen=True)
class NewEntity:
    """A name an extractor found in a document that the registry lacks, awaiting review.

    Candidate statements name it by its key ("new:<slug>") until a reviewer accepts it into
    the registry or merges it into an existing entity as an alias.
    """

    document: str
    key: str
    label: str
    suggested_type: str
    aliases: tuple[str, ...] = ()
    confidence: float = 0.5
    extractor: str | None = None


@dataclass(frozen=True)
class EntityMention:
    """A span of a document naming an entity: a registry id, or the key of a NewEntity of that document."""

    entity: str
    evidence: Span
    confidence: float = 1.0


@dataclass
class CandidateFile:
    """What candidates/<doc>.yaml holds for the build: the new-entity candidates and the mentions."""

    document: str
    path: str
    extractor: str | None = None
    new_entities: dict[str, NewEntity] = field(default_factory=dict)
    mentions: list[EntityMention] = field(default_factory=list)


@dataclass
class Corpus:
    """All sources, loaded and checked: the input of a build."""

    documents: dict[str, Document]
    entities: dict[str, Entity]
    files: list[StatementFile]
    links: dict[str, dict[str, object]] = field(default_factory=dict)
    # Per ingested document: new-entity candidates and entity mentions (candidates/<doc>.yaml).
    candidates: list[CandidateFile] = field(default_factory=list)

    @property
    def statements(self) -> list[Statement]:
        return [s for f in self.files for s in f.statements]

    @property
    def citations(self) -> list[Citation]:
        return [c for f in self.files for c in f.citations]

    @property
    def no_claims(self) -> list[NoClaim]:
        return [n for f in self.files for n in f.no_claims]
