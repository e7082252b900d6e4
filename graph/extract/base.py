"""What every extractor returns: mentions, new-entity candidates and relation proposals.

Extractors are pure (document text + entity registry in, proposals out, no store access)
and pluggable: the package (``graph.extract``) knows them by name. Every proposal passes the
same quote verification (``verify``) before it becomes a candidate statement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from actorgraph.graph.extract.families import SYMMETRIC
from actorgraph.graph.model import Entity

Progress = Callable[[int, int], None]


def no_progress(_done: int, _total: int) -> None:
    """A progress callback that does nothing."""


@dataclass(frozen=True)
class Mention:
    """A registry entity named in the text at [start, end)."""

    entity: str
    start: int
    end: int
    surface: str
    confidence: float = 1.0
    how: str = "exact"  # exact | variant | fuzzy


@dataclass(frozen=True)
class EntityCandidate:
    """A name the registry lacks, with a suggested ontology class."""

    name: str
    suggested_type: str
    start: int
    end: int
    count: int = 1
    confidence: float = 0.5
    # How proposals name it before review: "new:<slug of name>", unique within one result.
    key: str = ""
    aliases: tuple[str, ...] = ()  # other spellings seen in the text (an acronym in brackets, ...)


@dataclass(frozen=True)
class Proposal:
    """A relation between two entities with its evidence quote and qualifiers (not yet verified)."""

    subject: str
    predicate: str
    object: str
    quote: str
    start: int | None = None  # where the extractor says the quote is (checked by verify)
    end: int | None = None
    confidence: float = 0.5
    certainty: str = "stated"
    attributed_to: tuple[str, ...] = ()
    at: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    place: str | None = None
    quantity: int | None = None
    unit: str | None = None
    family: str | None = None
    note: str | None = None
    cue: str | None = None  # which rule proposed it (for tuning and error analysis)

    def located(self, start: int, end: int) -> Proposal:
        return replace(self, start=start, end=end)


@dataclass
class ExtractionResult:
    """Everything an extractor proposes for one document, plus what verification dropped."""

    extractor: str
    mentions: list[Mention] = field(default_factory=list)
    new_entities: list[EntityCandidate] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)

    def drop(self, reason: str) -> None:
        self.dropped[reason] = self.dropped.get(reason, 0) + 1


class Extractor(Protocol):
    """The interface of an extractor."""

    name: str
    version: str

    def extract(self, text: str, entities: dict[str, Entity], progress: Progress = no_progress) -> ExtractionResult:
        """Propose mentions, new entities and relations for one text."""
        ...


def most_confident(proposals: list[Proposal], by: Callable[[Proposal], object]) -> list[Proposal]:
    """One proposal per (sentence, by(p), pair), the pair unordered for symmetric families; the most confident wins.

    Sorted by position, then subject, predicate and object.
    """
    best: dict[tuple[object, ...], Proposal] = {}
    for p in proposals:
        pair: tuple[str, ...] = (p.subject, p.object)
        if p.family in SYMMETRIC:
            pair = tuple(sorted(pair))
        key = (p.start, by(p), *pair)
        if key not in best or p.confidence > best[key].confidence:
            best[key] = p
    return sorted(best.values(), key=lambda p: (p.start or 0, p.subject, p.predicate, p.object))
