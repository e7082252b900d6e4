"""Sentences of a document with their offsets: pysbd, run line by line so that headings and notes
stay sentences of their own. Used by the coverage report and the rule-based extractor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pysbd

from actorgraph.graph.model import Span


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document, as [start, end) offsets into its text."""

    start: int
    end: int
    text: str

    def overlaps(self, span: Span) -> bool:
        return bool(span.start < self.end and self.start < span.end)


@cache
def _segmenter():  # type: ignore[no-untyped-def]
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def sentences(text: str) -> list[Sentence]:
    """Split a text into sentences with offsets (each non-blank line separately)."""
    result: list[Sentence] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            for span in _segmenter().segment(line):
                raw = span.sent
                stripped = raw.strip()
                if not stripped:
                    continue
                start = offset + span.start + (len(raw) - len(raw.lstrip()))
                result.append(Sentence(start, start + len(stripped), stripped))
        offset += len(line)
    return result
