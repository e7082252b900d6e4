"""Quote verification: a proposal survives only if its quote occurs verbatim in the text.

Every extractor's output passes here. A proposal whose quote is absent is dropped and
counted; one whose quote occurs several times is pinned to the occurrence nearest to
where the extractor said it was (its offsets), and gets an ``occurrence`` number.

Which lines of a text make claims at all (``ClaimLines``) is decided here too: a title, a
heading or an entry of a reference list names actors ("Iran-Taliban growing ties", "The
Rapprochement between X and Y") without the author asserting anything, so the extractors
take no relation from them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from actorgraph.graph.extract.base import ExtractionResult, Proposal
from actorgraph.graph.model import Entity
from actorgraph.graph.sources import quote_occurrences
from actorgraph.ontology import ontology_terms


@dataclass(frozen=True)
class Verified:
    """A proposal whose quote was found: its offsets and which occurrence (1-based) it is."""

    proposal: Proposal
    start: int
    end: int
    occurrence: int
    occurrences: int


def verify(result: ExtractionResult, text: str, entities: dict[str, Entity]) -> list[Verified]:
    """Keep the proposals whose quote is verbatim in text and whose terms exist; count the rest.

    A proposal may name a registry id or one of the result's new-entity candidates by its key.
    """
    terms = ontology_terms()
    known = set(entities) | {c.key for c in result.new_entities if c.key}
    found = quote_occurrences(text, [p.quote for p in result.proposals if p.quote.strip() == p.quote])
    kept: list[Verified] = []
    for proposal in result.proposals:
        named = [
            proposal.subject,
            proposal.object,
            *proposal.attributed_to,
            *([proposal.place] if proposal.place else []),
        ]
        if any(name not in known for name in named):
            result.drop("unknown entity")
            continue
        if proposal.predicate not in terms.properties:
            result.drop("unknown predicate")
            continue
        starts = found.get(proposal.quote, [])
        if not starts:
            result.drop("quote not in text")
            continue
        hint = proposal.start if proposal.start is not None else starts[0]
        index = min(range(len(starts)), key=lambda i: abs(starts[i] - hint))
        start = starts[index]
        kept.append(Verified(proposal, start, start + len(proposal.quote), index + 1, len(starts)))
    return kept


# A note marker opening a line: superscript digits, "[12]", "12." or "12 " (after an optional bullet).
_NOTE_MARKER = re.compile(r"^(?:[-•*]\s*)?(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\^\{[^}]*\}|\[\d+\])")
_NUMBERED = re.compile(r"^(?:[-•*]\s*)?(?:\d+\.?\s+)?")
# What makes a bulleted or numbered line a reference: it opens with a quoted title or with "Author, <quote>",
# or ends with a year (a publication date), or is "Ibid."
_REFERENCE_BODY = re.compile(
    r"^(?:[“\"‘']|[A-Z][\w.'’\- ]{1,60},\s+[“\"‘'*]|ibid\b)|\b(?:1[89]|20)\d\d\)?[.,]?\s*$", re.I
)
# The heading of a reference list: every line after it is a reference.
_REFERENCES_HEADING = re.compile(
    r"^(?:notes?|references|sources|bibliography|endnotes|footnotes|works cited|further reading)"
    r"(?:\s+and\s+(?:notes|references|sources))?:?$",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!;…][\"”’')\]]*$")
HEADING_WORDS = 30  # a heading is short
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")


class ClaimLines:
    """The lines of a text that can make a claim: not its title, headings or reference-list entries."""

    def __init__(self, text: str) -> None:
        self.skipped: list[tuple[int, int]] = []  # [start, end) of lines that make no claim, in order
        offset = 0
        first = True
        in_references = False
        for line in text.splitlines(keepends=True):
            stripped = line.strip()
            if stripped:
                if _REFERENCES_HEADING.match(stripped):
                    in_references = True
                if in_references or is_reference(stripped) or is_heading(stripped, first=first):
                    self.skipped.append((offset, offset + len(line)))
                first = False
            offset += len(line)
        self._starts = [start for start, _ in self.skipped]

    def claims(self, offset: int) -> bool:
        """Whether the character at offset lies on a line that can make a claim."""
        index = bisect.bisect_right(self._starts, offset) - 1
        return index < 0 or not (self.skipped[index][0] <= offset < self.skipped[index][1])


def is_reference(line: str) -> bool:
    """An entry of a reference list: a note marker, or a bullet or number before a quoted title, an
    "Author, 'Title'" or a closing year ("- ³ Refugees in Iran, UNHCR, 2021.", "- Zaheer, "Iran's ...".")."""
    if _NOTE_MARKER.match(line):
        return True
    body = line[_NUMBERED.match(line).end() :]  # type: ignore[union-attr]  # the pattern matches "" at least
    return body != line and bool(_REFERENCE_BODY.search(body))


def is_heading(line: str, *, first: bool = False) -> bool:
    """A title or heading: a short line that does not end like a sentence, and is the text's first line or
    capitalises most of its longer words ("The Inevitable Facts behind the Rapprochement between ...")."""
    if _SENTENCE_END.search(line) or line[:1] in "-•*":
        return False  # a sentence, or a list item (a list's items make claims)
    words = _WORD.findall(line)
    if not words or len(words) > HEADING_WORDS:
        return False
    if first:
        return True
    long_words = [w for w in words if len(w) >= 4]
    return bool(long_words) and sum(w[0].isupper() for w in long_words) >= 0.6 * len(long_words)
