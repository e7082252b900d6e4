"""What the text says of a claim: certainty and attribution, time, place, quantity, and the quote.

Attribution and certainty come from reporting verbs ("X denied", "officials said", "analysts
expect"), hedges ("reportedly", "may"), negation and "according to X"; time from the clause's
date (or the sentence's), "since" as a start, "until" as an end, a decade as a span; place from
in/at/near; a number on the object as a quantity. The quote is the sentence as it stands in
the text, with its offsets. ``Qualifiers.proposal`` puts a frame's two parties and all of
these into one ``Proposal``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from actorgraph.graph.extract.arguments import ArgumentReader, Party
from actorgraph.graph.extract.base import Proposal
from actorgraph.graph.extract.families import family_of
from actorgraph.graph.extract.lexicon import ENDED, Frame, Lexicon

MONTHS = {
    m: i
    for i, m in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december"),
        start=1,
    )
}  # fmt: skip
NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"),
    )
}  # fmt: skip
START_PREPOSITIONS = frozenset({"since", "from", "after"})
END_PREPOSITIONS = frozenset({"until", "till", "through", "before"})
PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "inside", "across", "outside"})
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)(s?)\b")
NEW_ENTITY_FACTOR = 0.9
INDIRECT_FACTOR = 0.85  # an argument found through coreference or an inherited subject


@dataclass(frozen=True)
class Claim:
    """Who says it and how sure it is."""

    certainty: str = "stated"
    attributed_to: tuple[str, ...] = ()


class Qualifiers:
    """Qualifiers of a claim at an anchor word, and the proposal that carries them."""

    def __init__(self, text: str, arguments: ArgumentReader, lexicon: Lexicon) -> None:
        self.text = text
        self.args = arguments
        self.lex = lexicon

    def proposal(
        self, frame: Frame, subject: Party, obj: Party, anchor: Token, sentence: Span, *, cue: str
    ) -> Proposal:
        claim = self.claim(anchor, sentence)
        start, end = quote_span(self.text, sentence, anchor)
        confidence = frame.confidence
        if subject.indirect or obj.indirect:
            confidence *= INDIRECT_FACTOR
        if subject.ref.key.startswith("new:") or obj.ref.key.startswith("new:"):
            confidence *= NEW_ENTITY_FACTOR
        times = self.time(anchor, sentence)
        if "at" in times and self.ended(anchor):
            times = {"end_time": times["at"]}  # "in 2019 X stopped funding Y": Y was funded until 2019
        quantity, unit = self.quantity(obj.token)
        if quantity is None:
            quantity, unit = self.casualties(anchor)
        return Proposal(
            subject=subject.ref.key,
            predicate=frame.predicate,
            object=obj.ref.key,
            quote=self.text[start:end],
            start=start,
            end=end,
            confidence=round(confidence, 3),
            certainty=claim.certainty,
            attributed_to=claim.attributed_to,
            place=self.place(anchor),
            quantity=quantity,
            unit=unit,
            family=family_of(frame.predicate),
            cue=cue,
            **times,
        )

    def claim(self, anchor: Token, sentence: Span) -> Claim:
        """Certainty and attribution: negation, hedges, a reporting verb above, 'according to X'."""
        certainty: str | None = None
        modal = False
        sources: list[str] = []
        if any(c.dep_ == "neg" for c in anchor.children):
            certainty = "denied"
        below = anchor  # the word on the path from the anchor just under ``word``
        for word in (anchor, *anchor.ancestors):
            if word is not anchor and semicolon_between(anchor, word):
                break  # "A; B is expected": the parser hangs A under B, the writer did not
            if word is not anchor and below.dep_ in ("nsubj", "nsubjpass", "csubj") and self._reports(word):
                break  # "X, the president of Y, told Z ...": who speaks is the writer's statement, not X's claim
            hedge = next(
                (
                    self.lex.hedges[c.lower_]
                    for c in word.children
                    if c.dep_ in ("advmod", "aux") and c.lower_ in self.lex.hedges
                ),
                None,
            )
            if hedge is not None and certainty is None:
                certainty, modal = hedge, hedge_is_modal(word, self.lex)
            if word is not anchor and self._implicative(word, below) == "denied":
                certainty = "denied"  # "X refused to arm Y", "X failed to reach Y"
            # a verb the parser took for the auxiliary of "suspected" ("jets struck suspected hideouts") is not
            # reported by it: an auxiliary is in its head's own clause
            if word is not anchor and self._reports(word) and below.dep_ != "aux":
                if certainty is None or (modal and certainty != "denied"):
                    # "analysts argue that X may ...": the writer's verb judges, the modal is inside the judgement
                    certainty = self.lex.reporting[word.lemma_.lower()]
                if any(c.dep_ == "neg" for c in word.children) and certainty != "denied":
                    certainty = "denied"
                sources = [p.ref.key for p in self.args.subjects(word) if p.ref.is_actor]
                break
            below = word
        for token in sentence:
            if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
                sources += [p.ref.key for p in self.args.prep_objects(token, "to") if p.ref.key not in sources]
                certainty = certainty or "reported"
        if sources and certainty in (None, "stated"):
            certainty = "reported"
        return Claim(certainty or "stated", tuple(dict.fromkeys(sources)))

    def _implicative(self, word: Token, below: Token) -> str | None:
        """What a verb governing the anchor's clause does to it: "refused to arm" denied, "stopped funding" ended."""
        if word.pos_ != "VERB" or below.dep_ not in ("xcomp", "pcomp", "ccomp"):
            return None
        return self.lex.implicatives.get(word.lemma_.lower())

    def ended(self, anchor: Token) -> bool:
        """Does a verb of the anchor's chain of clauses say the relation stopped ("X stopped funding Y")?"""
        below = anchor
        for word in anchor.ancestors:
            if self._implicative(word, below) == ENDED:
                return True
            if below.dep_ not in ("xcomp", "pcomp", "ccomp", "prep"):
                return False
            below = word
        return False

    def _reports(self, word: Token) -> bool:
        return word.pos_ == "VERB" and word.lemma_.lower() in self.lex.reporting

    def time(self, anchor: Token, sentence: Span) -> dict[str, str]:
        """at / start_time / end_time from the clause's date, else the sentence's only (or opening) date."""
        dates = [e for e in sentence.ents if e.label_ == "DATE" and YEAR.search(e.text)]
        own_clause = anchor if anchor.pos_ in ("VERB", "AUX") else clause_of(anchor)
        # "funded and armed X in the 1980s": the date on the last of verbs sharing a subject is every one's
        own = (own_clause, *(c for c in own_clause.conjuncts if c.i > own_clause.i and not _has_subject(c)))
        in_clause = [d for d in dates if d.root.head == anchor or clause_of(d.root) in own]
        # a date inside another clause ("X, which joined Y in 2012, controls Z") is not this clause's
        dates = [d for d in dates if d in in_clause or clause_of(d.root) in (anchor, *anchor.ancestors)]
        if not dates:
            return {}
        chosen = (
            in_clause[0] if in_clause else dates[0] if len(dates) == 1 or dates[0].start == sentence.start + 1 else None
        )
        if chosen is None:
            return {}
        if chosen.root.head.lower_ == "between":  # "between November 2023 and April 2024"
            until = next((d for d in sentence.ents if d.label_ == "DATE" and d.root.head == chosen.root), None)
            if until is not None and until.root.dep_ == "conj":
                return {"start_time": date_qualifiers(chosen).get("at", ""), "end_time": date_qualifiers(until)["at"]}
        return date_qualifiers(chosen)

    def place(self, anchor: Token) -> str | None:
        for prep in (c for c in anchor.children if c.dep_ == "prep" and c.lower_ in PLACE_PREPOSITIONS):
            for party in self.args.parties(p for p in prep.children if p.dep_ == "pobj"):
                if party.ref.kind == "place" or (party.ref.how == "name" and party.ref.kind == "state"):
                    return party.ref.key
        return None

    def casualties(self, anchor: Token) -> tuple[int | None, str | None]:
        """'attacked X on 7 October, killing about 1,200 people': the count of a participle the act caused."""
        for child in anchor.children:
            frames = self.lex.verbs.get(child.lemma_.lower(), ())
            if child.dep_ in ("advcl", "conj", "xcomp") and any(f.predicate == "kills" for f in frames):
                for obj in (c for c in child.children if c.dep_ == "dobj"):
                    value, noun = self.quantity(obj)
                    if value is not None:
                        return value, f"{noun} killed"
        return None, None

    def quantity(self, token: Token) -> tuple[int | None, str | None]:
        """'killed at least 54 people', 'three US soldiers': the number on the object noun."""
        noun = token if token.pos_ in ("NOUN", "PROPN") and token.dep_ != "compound" else token.head
        for child in noun.children:
            if child.dep_ == "nummod":
                value = number(child.text)
                if value is not None:
                    return value, noun.lower_
        return None, None


def date_qualifiers(date: Span) -> dict[str, str]:
    """'December 2022' -> at 2022-12; 'since October 2023' -> start; 'the 1990s' -> 1990-1999; 'until 2021' -> end."""
    years = YEAR.findall(date.text)
    head = date.root.head if date.root.dep_ == "pobj" else None
    preposition = head.lower_ if head is not None else ""
    if len(years) >= 2 and (preposition in ("between", "from") or "-" in date.text or "–" in date.text):
        return {"start_time": years[0][0], "end_time": years[1][0]}
    year, decade = years[0]
    if decade:
        return {"start_time": year, "end_time": str(int(year) + 9)}
    value = year
    month = next((MONTHS[w.lower()] for w in re.findall(r"[A-Za-z]+", date.text) if w.lower() in MONTHS), None)
    if month is not None:
        value = f"{year}-{month:02d}"
    if preposition in START_PREPOSITIONS:
        return {"start_time": value}
    if preposition in END_PREPOSITIONS:
        return {"end_time": value}
    return {"at": value}


def number(text: str) -> int | None:
    cleaned = text.replace(",", "").lower()
    if cleaned.isdigit():
        return int(cleaned)
    return NUMBER_WORDS.get(cleaned)


def quote_span(text: str, sentence: Span, anchor: Token) -> tuple[int, int]:
    """The sentence's offsets, cut to the line that holds the anchor (spaCy may join a heading to a sentence)."""
    start, end = sentence.start_char, sentence.end_char
    line_start = text.rfind("\n", start, anchor.idx) + 1
    if line_start > start:
        start = line_start
    line_end = text.find("\n", anchor.idx, end)
    if line_end != -1:
        end = line_end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def hedge_is_modal(word: Token, lexicon: Lexicon) -> bool:
    """Is the hedge on this word a modal auxiliary ("may", "will") rather than an adverb ("reportedly")?"""
    return any(c.dep_ == "aux" and c.lower_ in lexicon.hedges for c in word.children) and not any(
        c.dep_ == "advmod" and c.lower_ in lexicon.hedges for c in word.children
    )


def clause_of(token: Token) -> Token:
    """The verb whose clause a token is in (the sentence root when there is none)."""
    top = token
    for ancestor in token.ancestors:
        if ancestor.pos_ in ("VERB", "AUX"):
            return ancestor
        top = ancestor
    return top  # the sentence root (Token.sent would walk the whole document)


def _has_subject(verb: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in verb.children)


def semicolon_between(a: Token, b: Token) -> bool:
    lo, hi = sorted((a.i, b.i))
    return any(t.text == ";" for t in a.doc[lo:hi])
