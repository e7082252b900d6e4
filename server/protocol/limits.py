"""The result row limit: rewrite a query's top-level LIMIT so it returns at most N rows.

pyoxigraph's serializers take a whole result, so rows cannot be counted while they are
written; instead the limit goes into the query itself, where the engine also stops early.
A small lexer masks strings, IRIs and comments, finds the query's outermost group and any
trailing VALUES block, and then either lowers an existing top-level LIMIT or inserts one
at the end of the solution modifiers. Subqueries keep their own LIMITs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Strings (long forms first), IRIs and comments: the parts of a query whose content is not syntax.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
)
_FORM = re.compile(r"\b(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", re.IGNORECASE)
_LIMIT = re.compile(r"\bLIMIT\s+(\d+)", re.IGNORECASE)
_VALUES = re.compile(r"\bVALUES\b", re.IGNORECASE)
_BRACE = re.compile(r"[{}]")


# A query of N characters is at most 4N bytes in UTF-8; URL-encoding of a form body adds up to 3x
# more for the characters queries use most, so the body caps are multiples of the length limit.
DIRECT_BYTES_PER_CHAR = 4
FORM_BYTES_PER_CHAR = 12


def direct_body_cap(max_query_length: int) -> int:
    """Most bytes of a query or update sent as the request body (application/sparql-query)."""
    return DIRECT_BYTES_PER_CHAR * max_query_length


def form_body_cap(max_query_length: int) -> int:
    """Most bytes of a URL-encoded form field (query= or update=); werkzeug's own default is 500 kB."""
    return FORM_BYTES_PER_CHAR * max_query_length


@dataclass(frozen=True)
class Limited:
    """A query text after the row limit, and whether it was changed."""

    sparql: str
    changed: bool


def mask(sparql: str) -> str:
    """The query with strings, IRIs and comments blanked out (same length, same offsets)."""
    return _OPAQUE.sub(lambda m: " " * len(m.group(0)), sparql)


@lru_cache(maxsize=4096)  # a pure function of its text: repeated queries (pages, dashboards) lex once
def limit_rows(sparql: str, max_rows: int) -> Limited:
    """Make the query return at most max_rows solutions (ASK and DESCRIBE without a group untouched)."""
    masked = mask(sparql)
    form = _FORM.search(masked)
    if form is None or form.group(1).upper() == "ASK":
        return Limited(sparql, False)
    groups = _top_level_groups(masked)
    if not groups:
        return Limited(sparql, False)
    # A final group preceded by the keyword VALUES is the trailing inline-data block.
    end = len(sparql)
    modifiers_start = groups[-1][1]
    if len(groups) > 1 and _VALUES.search(masked, groups[-2][1], groups[-1][0]):
        values = _VALUES.search(masked, groups[-2][1], groups[-1][0])
        assert values is not None
        end = values.start()
        modifiers_start = groups[-2][1]
    modifiers = masked[modifiers_start:end]
    existing = _LIMIT.search(modifiers)
    if existing:
        if int(existing.group(1)) <= max_rows:
            return Limited(sparql, False)
        start = modifiers_start + existing.start(1)
        stop = modifiers_start + existing.end(1)
        return Limited(sparql[:start] + str(max_rows) + sparql[stop:], True)
    # A newline first, so a trailing comment cannot swallow the clause.
    return Limited(sparql[:end] + f"\nLIMIT {max_rows}\n" + sparql[end:], True)


def _top_level_groups(masked: str) -> list[tuple[int, int]]:
    """(start, end) of each brace group at depth 0; end is just past the closing brace."""
    groups: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for match in _BRACE.finditer(masked):
        i = match.start()
        if match.group(0) == "{":
            if depth == 0:
                start = i
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                groups.append((start, i + 1))
    return groups
