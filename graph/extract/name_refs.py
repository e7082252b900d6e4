"""What the words of a parsed text refer to: a ``Ref`` per token, and the ``Names`` a resolver reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from actorgraph.graph.candidates import new_entity_key
from actorgraph.graph.extract.base import EntityCandidate, Mention
from actorgraph.graph.extract.lexicon import Lexicon
from actorgraph.graph.extract.name_kinds import ACTOR_KINDS
from actorgraph.graph.extract.name_spans import described_spans, longer_spelling

DESCRIBED_CONFIDENCE = 0.4  # a description ("Afghan refugees") is less surely one entity than a name is


@dataclass(frozen=True)
class Ref:
    """What a token refers to: an entity key (registry id or new:<slug>), its coarse kind and how it was found."""

    key: str
    kind: str
    how: str = "name"  # name | demonym | capital | agent | acronym | coref
    also: tuple[str, ...] = ()  # "they" for "the Taliban and the Haqqani Network": the other conjuncts' keys

    @property
    def is_actor(self) -> bool:
        return self.kind in ACTOR_KINDS


@dataclass
class NewName:
    """A name the registry lacks, as first seen, with its suggested class, aliases and how often it recurs."""

    name: str
    kind_class: str
    start: int
    end: int
    confidence: float
    aliases: list[str] = field(default_factory=list)
    count: int = 0


@dataclass
class Names:
    """The result: token index -> Ref, plus the mentions and new-entity candidates to report."""

    refs: dict[int, Ref] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    new: dict[str, NewName] = field(default_factory=dict)
    nested: dict[int, Ref] = field(default_factory=dict)  # start offset -> a registry name inside a longer one

    def ref(self, token: Token) -> Ref | None:
        return self.refs.get(token.i)

    def candidates(self) -> list[EntityCandidate]:
        return sorted(
            (
                EntityCandidate(
                    n.name, n.kind_class, n.start, n.end, max(n.count, 1), n.confidence, key, tuple(n.aliases)
                )
                for key, n in self.new.items()
            ),
            key=lambda c: (-c.count, c.start),
        )


def add_described(doc: Doc, names: Names, lexicon: Lexicon) -> None:
    """New-entity candidates for what the text describes rather than names ("Afghan refugees", "the US military",
    "the Afghanistan-Iran border"), and longer spellings of new names as aliases ("Chabahar port", "the Afghan
    Embassy in Tehran"). Candidates only: what the words refer to in relations stays as resolved."""
    for span, kind_class in described_spans(doc, lexicon):
        if span[-1].i in names.refs and names.refs[span[-1].i].how == "name":
            continue  # the head is part of a proper name
        key = new_entity_key(span.text)
        if key in names.new:
            names.new[key].count += 1
        else:
            names.new[key] = NewName(
                span.text, kind_class, span.start_char, span.end_char, DESCRIBED_CONFIDENCE, count=1
            )
    for key, first, last in _new_name_runs(doc, names):
        longer = longer_spelling(doc, first, last, lexicon)
        new = names.new[key]
        if longer is not None and longer.text not in new.aliases and longer.text != new.name:
            new.aliases.append(longer.text)


def _new_name_runs(doc: Doc, names: Names) -> list[tuple[str, int, int]]:
    """(key, first token, last token) of every stretch of text that names a new entity by name."""
    runs: list[tuple[str, int, int]] = []
    for token in doc:
        ref = names.refs.get(token.i)
        if ref is None or not ref.key.startswith("new:") or ref.how not in ("name", "acronym"):
            continue
        if runs and runs[-1][0] == ref.key and runs[-1][2] == token.i - 1:
            runs[-1] = (ref.key, runs[-1][1], token.i)
        elif ref.key in names.new:
            runs.append((ref.key, token.i, token.i))
    return runs
