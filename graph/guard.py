"""Refuse SPARQL whose syntax tree would be too deep for the engine's stack, before it is parsed.

Oxigraph's parser, optimiser and evaluator recurse over the syntax tree, and so does freeing
it. A tree thousands of levels deep overflows the thread's stack and the process dies with a
segmentation fault (measured with pyoxigraph 0.5 on an 8 MiB stack: 2,218 nested ``{`` in a
4.4 KB query, 250 nested ``[``, 50,000 ``!``, 5,000 ``BIND`` or 10,000 ``&&``/``+``/``UNION``
in a row). A bigger stack only moves the limit, and the tree is also freed in other threads, so
the text is bounded instead, with two measures a reader can check by eye:

- **nesting**: how deep ``{``, ``(`` and ``[`` open inside each other, a run of ``!`` counting one
  level per ``!``; at most ``MAX_NESTING``;
- **chained operators**: how many operators and keywords that each add a level to a chain
  (``&&`` ``||`` ``+`` ``-`` ``*`` ``/`` ``|`` ``^`` and UNION, OPTIONAL, MINUS, BIND, FILTER, ...)
  the text holds; at most ``MAX_OPERATORS``. Long lists of terms (VALUES blocks, ``IN (...)``,
  CONCAT's arguments) are flat in the engine and are not counted.

Both limits are far above what people and query builders write (our longest named query nests
9 levels and has 80 operators) and far below what crashes (at most a third of it).

The text is scanned with string literals and comments blanked (a brace in a string is not
syntax). IRIs and names are blanked too when they cannot be anything else: an ``<...>`` that
could also be read as ``<`` and ``>`` around an expression keeps its characters, so nothing the
engine would read as syntax is hidden. SPARQL lets ``\\u`` escapes stand anywhere, so the text is
also measured with them decoded, and the larger measure counts.
"""

from __future__ import annotations

import re

from actorgraph.graph.errors import InvalidQuery

MAX_NESTING = 64
MAX_OPERATORS = 1000

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# Strings (long forms first) and comments: blanked, whatever they hold. An IRI is matched here too,
# so that a '#' inside it does not start a comment.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n\r]*",
)
# Characters an expression needs and a plain IRI seldom has: an <...> holding one is not blanked.
_EXPRESSION_CHARS = re.compile(r"[()\[\]!&|*+,;=]")
# Variables, prefixed names, language tags and a literal's '^^': their '-', '.' and '^' are not operators.
_NAME = re.compile(
    r"[?$][\w\u00b7-\U0010ffff]+|(?:[A-Za-z][\w.\-]*)?:[\w\-.:%\u00b7-\U0010ffff]*|@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^",
    re.ASCII,
)
_OPERATOR = re.compile(
    r"&&|\|\||[+\-*/|^]|\b(?:UNION|OPTIONAL|MINUS|BIND|FILTER|EXISTS|GRAPH|SERVICE|SELECT|CONSTRUCT)\b",
    re.IGNORECASE,
)
_OPENERS = "{(["
_CLOSERS = "})]"


def check_query_shape(sparql: str) -> None:
    """Raise InvalidQuery when a query or update nests or chains deeper than the engine can take."""
    if len(sparql) < 512 and sum(sparql.count(c) for c in "{([!") <= MAX_NESTING:
        return  # too short to hold anything near the limits: the common case costs a few counts
    texts = [sparql]
    decoded = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), sparql)
    if decoded != sparql:
        texts.append(decoded)
    for text in texts:
        code = _blank_opaque(text)
        depth = nesting(code)
        if depth > MAX_NESTING:
            raise InvalidQuery(f"the query nests {depth} levels deep (brackets and '!'); the limit is {MAX_NESTING}")
        operators = len(_OPERATOR.findall(_NAME.sub(" ", code)))
        if operators > MAX_OPERATORS:
            raise InvalidQuery(
                f"the query chains {operators} operators and keywords; the limit is {MAX_OPERATORS}"
                " (for long lists of alternatives, use VALUES or IN)"
            )


def nesting(code: str) -> int:
    """The deepest nesting of brackets in code (strings and comments already blanked); '!' adds a level each."""
    depth = deepest = 0
    bangs = 0
    for char in code:
        if char in _OPENERS:
            depth += 1
            deepest = max(deepest, depth + bangs)
            bangs = 0
        elif char in _CLOSERS:
            depth = max(depth - 1, 0)
            bangs = 0
        elif char == "!":
            bangs += 1
            deepest = max(deepest, depth + bangs)
        elif not char.isspace():
            bangs = 0
    return deepest


def _blank_opaque(text: str) -> str:
    def blank(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith("<") and _EXPRESSION_CHARS.search(token):
            return token  # could be '<' ... '>' around an expression: keep it visible
        return " " * len(token)

    return _OPAQUE.sub(blank, text)
