"""The parse extractor: who did what to whom, read from spaCy's dependency parse.

For every sentence it takes the verbs and nouns the lexicon knows (lexicon.yaml) and reads
their arguments from the parse, not from word distance. The work is shared out:

- ``referents``: who each word refers to (registry names, new names, demonyms, anaphors);
- ``arguments``: the parties of a predicate (subjects, objects, coordination, inherited subjects);
- ``verb_frames``: verbs, participles ("Iran-backed groups") and adjectives of relation;
- ``noun_frames``: nominalisations, role nouns, possessed organs, "X in Y", "anti-X";
- ``qualifiers``: what the text says of the claim (attribution, certainty, negation, time, place,
  quantity) and its quote, the sentence as it stands in the text, with its offsets.

This module holds the extractor and the reader that walks each sentence's tokens and hands
each to the frames it can start.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from actorgraph.graph.config import Settings
from actorgraph.graph.extract.arguments import ArgumentReader
from actorgraph.graph.extract.base import ExtractionResult, Progress, Proposal, most_confident, no_progress
from actorgraph.graph.extract.lexicon import Lexicon, load_lexicon
from actorgraph.graph.extract.mentions import Gazetteer
from actorgraph.graph.extract.name_refs import Names
from actorgraph.graph.extract.nlp import load_pipeline, parse
from actorgraph.graph.extract.noun_frames import GOVERNING, NounFrames
from actorgraph.graph.extract.qualifiers import Qualifiers
from actorgraph.graph.extract.referents import NameResolver
from actorgraph.graph.extract.verb_frames import VerbFrames
from actorgraph.graph.extract.verify import ClaimLines
from actorgraph.graph.model import Entity

VERSION = "0.1.0"
ADJ_DEPS = frozenset({"acomp", "oprd", "amod", "appos"})
AUXILIARIES = frozenset({"be", "have", "do", "get", "will", "shall", "can", "may", "must"})


class ParseExtractor:
    """Extractor 'parse': spaCy dependency parse + lexicon.yaml; no network, no model of its own."""

    name = "parse"

    def __init__(self, model: str | None = None, lexicon: Lexicon | None = None) -> None:
        self.model = model or Settings.from_env().spacy_model
        self.lexicon = lexicon or load_lexicon()
        self.version = f"{VERSION} ({self.lexicon.version}; {self.model})"

    def extract(self, text: str, entities: dict[str, Entity], progress: Progress = no_progress) -> ExtractionResult:
        doc = parse(text, self.model)
        names = NameResolver(doc, entities, Gazetteer(entities), self.lexicon).resolve()
        reader = SentenceReader(doc, names, self.lexicon, irregular_verbs(self.model))
        sentences = list(doc.sents)
        lines = ClaimLines(text)
        proposals: list[Proposal] = []
        for done, sentence in enumerate(sentences, start=1):
            if lines.claims(sentence.start_char):  # a title, heading or reference entry asserts nothing
                proposals.extend(reader.read(sentence))
            progress(done, len(sentences))
        result = ExtractionResult(self.name)
        result.mentions = sorted(names.mentions, key=lambda m: (m.start, m.end))
        result.new_entities = names.candidates()
        result.proposals = dedupe(proposals)
        return result


class SentenceReader:
    """Proposals of one sentence at a time, from the parse and the resolved names."""

    def __init__(self, doc: Doc, names: Names, lexicon: Lexicon, irregular: dict[str, str] | None = None) -> None:
        self.doc = doc
        self.names = names
        self.lex = lexicon
        self.irregular = irregular or {}  # irregular verb form -> lemma ("struck" -> "strike")
        arguments = ArgumentReader(names, lexicon)
        qualifiers = Qualifiers(doc.text, arguments, lexicon)  # Doc.text joins every token on each access: once here
        self.verbs = VerbFrames(doc, lexicon, arguments, qualifiers)
        self.nouns = NounFrames(doc, names, lexicon, arguments, qualifiers)

    def read(self, sentence: Span) -> Iterator[Proposal]:
        yield from self.nouns.offices.read(sentence)  # hook of ext-roles: "Turkish President X", "Iran's minister"
        for token in sentence:
            lemma = token.lemma_.lower()
            # a word of a name ("forces trained by NATO" as a registry label) is no predicate
            in_name = self.names.ref(token) is not None
            if token.pos_ in ("VERB", "AUX") and lemma in self.lex.verbs and token.dep_ != "amod" and not in_name:
                yield from self.verbs.verb(token, sentence)
            elif token.dep_ == "amod" and token.tag_ == "VBN" and lemma in self.lex.verbs:
                yield from self.verbs.backed(token, sentence)
            elif (main := self._misparsed_verb(token)) is not None:
                yield from self.verbs.verb(token, sentence, lemma=main, body=token.head)
            if token.pos_ == "VERB" and in_name and lemma in self.lex.verbs:
                yield from self.verbs.inside_name(token, sentence)
            if token.pos_ in ("VERB", "AUX") and not in_name:
                yield from self.verbs.happening(token, sentence)
            yield from self.verbs.events(token, sentence)  # hook of ext-events: nominalisations, "in the war against"
            in_proper_name = token.pos_ == "PROPN" and self.names.ref(token) is not None
            # a word of a proper name ("Northern Alliance", "Supreme Leader Khamenei") is no predicate
            if token.pos_ in ("NOUN", "PROPN") and lemma in self.lex.nouns and not in_proper_name:
                yield from self.nouns.noun(token, sentence)
            if (
                lemma in self.lex.roles
                and not in_proper_name
                and (token.pos_ in ("NOUN", "PROPN") or token.dep_ == "amod")
            ):
                yield from self.nouns.role(token, sentence)
            if token.lower_ == "home" and any(c.dep_ == "prep" and c.lower_ == "to" for c in token.children):
                yield from self.nouns.home_to(token, sentence)
            if lemma in GOVERNING and token.pos_ == "NOUN":  # hook of rel-nouns: "Niger's junta under X"
                yield from self.nouns.governed(token, sentence)
            if token.pos_ in ("ADJ", "VERB") and token.lower_ in self.lex.adjectives and token.dep_ in ADJ_DEPS:
                yield from self.verbs.adjective(token, sentence)
            if token.lower_ == "anti" and token.i + 2 < sentence.end and self.doc[token.i + 1].text == "-":
                yield from self.nouns.anti(token, sentence)
            ref = self.names.ref(token)
            if ref is not None and ref.kind in ("organ", "group") and token == _name_root(token, self.names):
                yield from self.nouns.possessed(token, ref, sentence)
                yield from self.nouns.based(token, ref, sentence)

    def _misparsed_verb(self, token: Token) -> str | None:
        """The lemma of a lexicon verb the parser took for an auxiliary: "jets struck suspected hideouts" parsed
        as "struck" (lemma "struck") the auxiliary of "suspected"."""
        if token.pos_ != "AUX" or token.dep_ != "aux" or token.head.tag_ != "VBN" or token.i > token.head.i:
            return None
        lemma = self.irregular.get(token.lower_, token.lemma_.lower())
        return lemma if lemma in self.lex.verbs and lemma not in AUXILIARIES else None


def _name_root(token: Token, names: Names) -> Token:
    """The head of the multi-word name this token belongs to."""
    ref = names.ref(token)
    while token.head is not token and names.ref(token.head) == ref and token.dep_ in ("compound", "flat", "nmod"):
        token = token.head
    return token


@lru_cache(maxsize=4)
def irregular_verbs(model: str) -> dict[str, str]:
    """Irregular verb forms of the pipeline's lemmatizer ("struck" -> "strike"), {} if it has no such table."""
    try:
        lemmatizer = load_pipeline(model).get_pipe("lemmatizer")
        table = lemmatizer.lookups.get_table("lemma_exc")["verb"]  # type: ignore[attr-defined]
    except (KeyError, AttributeError):  # a pipeline without a rule lemmatizer (a user's own model) has no table
        return {}
    return {form: lemmas[0] for form, lemmas in table.items() if lemmas}


def dedupe(proposals: list[Proposal]) -> list[Proposal]:
    """One proposal per (sentence, predicate, pair); symmetric families in either order; the most confident wins."""
    return most_confident(proposals, by=lambda p: p.predicate)
