"""Where a quote occurs in its document: the evidence rule's check, with helpful messages when it fails."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from actorgraph.graph.model import Document, Span


def locate_quote(document: Document, quote: str, occurrence: Any = None, starts: list[int] | None = None) -> Span:
    """Find a quote in the document text; raise ValueError when absent or ambiguous.

    starts: the quote's occurrences when already known (``quote_occurrences``).

    >>> doc = Document("d", "d.txt", "T", "Iran and Iran.", "x")
    >>> locate_quote(doc, "and Iran").start
    5
    """
    if starts is None:
        starts = quote_occurrences(document.text, [quote])[quote]
    if not starts:
        raise ValueError(_absent_message(document, quote))
    if occurrence is not None:
        if not isinstance(occurrence, int) or not 1 <= occurrence <= len(starts):
            raise ValueError(f"occurrence must be 1..{len(starts)} for this quote")
        start = starts[occurrence - 1]
    elif len(starts) > 1:
        raise ValueError(
            f"quote is ambiguous: it occurs {len(starts)} times in {document.file} "
            f"(at {', '.join(map(str, starts))}); quote more, or add 'occurrence: N'"
        )
    else:
        start = starts[0]
    return Span(document.id, quote, start, start + len(quote))


INDEX_MIN_TEXT = 200_000  # below this, one regex scan per quote is the faster way
INDEX_PREFIX = 16


def quote_occurrences(text: str, quotes: Iterable[str]) -> dict[str, list[int]]:
    """Start offsets of the non-overlapping verbatim occurrences of each quote (as re.finditer finds them).

    For a long text and many quotes, one pass over the text finds them all (positions whose first
    16 characters begin some quote): a scan of the whole text per quote made loading the candidates
    of a large ingested document quadratic.
    """
    wanted = {q for q in quotes if q}
    if len(text) < INDEX_MIN_TEXT or len(wanted) < 20:
        return {q: [m.start() for m in re.finditer(re.escape(q), text)] for q in wanted}
    found: dict[str, list[int]] = {q: [] for q in wanted}
    by_prefix: dict[str, list[str]] = {}
    for q in wanted:
        if len(q) >= INDEX_PREFIX:
            by_prefix.setdefault(q[:INDEX_PREFIX], []).append(q)
        else:
            found[q] = [m.start() for m in re.finditer(re.escape(q), text)]
    for i in range(len(text) - INDEX_PREFIX + 1):
        group = by_prefix.get(text[i : i + INDEX_PREFIX])
        if group is None:
            continue
        for q in group:
            starts = found[q]
            if text.startswith(q, i) and (not starts or starts[-1] + len(q) <= i):
                starts.append(i)
    return found


def _normalise(text: str) -> str:
    table = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2014": "-", "\u2013": "-"})
    return re.sub(r"\s+", " ", text.translate(table)).strip()


def _absent_message(document: Document, quote: str) -> str:
    short = quote if len(quote) <= 60 else quote[:57] + "..."
    message = f"quote not found verbatim in {document.file}: {short!r}"
    if _normalise(quote) in _normalise(document.text):
        message += " (it matches once quotes, dashes and white space are normalised: copy it exactly)"
    return message
