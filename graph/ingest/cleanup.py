"""Clean what PDF text extraction leaves behind, keeping the offset map true.

Steps, in order (each a ``MappedText`` edit, so offsets stay traceable):

1. running headers and footers: short lines that recur at the top or bottom of most
   pages once digits are masked ("April 2024, Vol.42, No.4 (2)", "Page 3"), and bare page numbers;
2. footnote markers glued to words ("Sunni group.2 The", "Taliban³");
3. hyphenation at line ends ("ad-\\nvantage" -> "advantage"; "Afghanistan-\\nIran" keeps its hyphen);
4. line breaks inside paragraphs become spaces; stray blank lines collapse to one paragraph break.
"""

from __future__ import annotations

import re
from collections import Counter

from actorgraph.graph.ingest.text import MappedText

PAGE_BREAK = "\f"
HEADER_ZONE = 2  # lines at the top and at the bottom of a page where running heads live
MAX_HEAD_LENGTH = 80
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_JOURNAL_HEAD = re.compile(
    r"^\s*(?:[A-Z][a-z]+\s+\d{4},\s*)?Vol\.?\s*\d+,\s*No\.?\s*\d+(?:\s*\(\d+\))?\s*$|^\s*(?:Page\s+)?\d{1,4}\s*$"
)


def _mask(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def _page_lines(page: str) -> list[tuple[int, int]]:
    """[start, end) of each non-blank line of a page (end excludes the newline)."""
    spans = []
    for match in re.finditer(r"[^\n]*", page):
        if match.group(0).strip():
            spans.append(match.span())
    return spans


def running_heads(pages: list[str]) -> list[set[int]]:
    """For each page, the indexes (in _page_lines order) of its header and footer lines."""
    zones: list[list[tuple[int, str]]] = []
    for page in pages:
        lines = [page[s:e] for s, e in _page_lines(page)]
        indexes = list(range(len(lines)))
        in_zone = sorted(set(indexes[:HEADER_ZONE] + indexes[-HEADER_ZONE:]))
        zones.append([(i, lines[i]) for i in in_zone])
    # Count each masked line once per page: a head recurs across pages, not within one.
    counts: Counter[str] = Counter(key for zone in zones for key in {_mask(line) for _, line in zone})
    threshold = max(2, (len(pages) + 1) // 2)
    result: list[set[int]] = []
    for zone in zones:
        heads: set[int] = set()
        for i, line in zone:
            if len(line.strip()) > MAX_HEAD_LENGTH:
                continue
            if (len(pages) > 1 and counts[_mask(line)] >= threshold) or _JOURNAL_HEAD.match(line):
                heads.add(i)
        result.append(heads)
    return result


def join_pages(pages: list[str]) -> MappedText:
    """The pages as one text, page breaks as form feeds, with running heads removed."""
    raw = PAGE_BREAK.join(pages)
    mapped = MappedText.identity(raw)
    spans: list[tuple[int, int]] = []
    offset = 0
    for page, heads in zip(pages, running_heads(pages), strict=True):
        for i, (start, end) in enumerate(_page_lines(page)):
            if i in heads:
                # Take the newline after the line too, so no blank line is left behind.
                stop = end + 1 if end < len(page) else end
                spans.append((offset + start, offset + stop))
        offset += len(page) + len(PAGE_BREAK)
    return mapped.delete_spans(spans)


def clean_pdf_text(pages: list[str]) -> MappedText:
    """The cleaned text of a PDF's pages, mapped back to the pages joined by form feeds."""
    text = join_pages(pages)
    text = text.sub(r"[ \t]+\n", "\n")
    # A page break is a line break: a paragraph running over the page must be joined.
    text = text.sub(r"\n*\f\n*", "\n")
    # Footnote markers: superscript digits, or 1-3 digits glued after a word or its punctuation.
    text = text.sub(f"[{SUPERSCRIPTS}]+", "")
    text = text.sub(r"(?<=[a-z)\]”\"’])\d{1,3}(?=[\s.,;:]|$)", "")
    text = text.sub(r"(?<=[a-z)\]”\"’][.,;:])\d{1,3}(?=\s|$)", "")
    # Hyphenation: a lower-case word broken over a line loses the hyphen; compounds keep it.
    text = text.sub(r"(?<=[a-z])-\n(?=[a-z])", "")
    text = text.sub(r"(?<=\w-)\n(?=[A-Z0-9])", "")
    text = _join_lines(text)
    text = text.sub(r"[ \t]{2,}", " ")
    text = text.sub(r"\n{3,}", "\n\n")
    return text.strip()


def _join_lines(text: MappedText) -> MappedText:
    """Line breaks inside a paragraph become spaces; a short line ending a sentence ends its paragraph."""
    lines = text.text.split("\n")
    widths = sorted(len(line) for line in lines if line.strip())
    full = widths[int(len(widths) * 0.8)] if widths else 0
    breaks: list[str] = []
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        stripped = line.rstrip()
        if not stripped or not following.strip():
            breaks.append("\n")
        elif stripped.endswith((".", "?", "!", ":", "”", '"')) and len(stripped) < 0.85 * full:
            breaks.append("\n\n")
        elif len(stripped) < 0.5 * full and not following[:1].islower():
            breaks.append("\n\n")  # a heading or a short line of its own
        else:
            breaks.append(" ")
    replacements = iter(breaks)
    return text.sub(r"\n", lambda _m: next(replacements))
