"""Where the names are in a parsed text: NER names widened to the proper-noun compounds they head, and
proper-noun compounds NER missed; cut at possessives, split on coordination, trimmed of articles and titles.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from actorgraph.graph.extract.lexicon import Lexicon

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"})
PARTICLES = frozenset({"i", "e", "al", "ul", "el", "ur", "ud", "bin", "ibn", "-"})
FOOTNOTE_MARKS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹")
LEADING_WORDS = frozenset({"the", "mr", "mrs", "ms", "dr", "mr.", "mrs.", "ms.", "dr."})
ACRONYM = re.compile(r"[A-Z][A-Za-z]*[A-Z]+[a-z]?")


def name_spans(doc: Doc, lexicon: Lexicon) -> list[Span]:
    """NER names, widened to the proper-noun compound they head ("Tehrik-i-Taliban Pakistan"), plus such
    compounds NER missed; cut at a possessive ("Iran's IRGC" is two names)."""
    units = [u for u in (_compound_unit(doc, t, lexicon) for t in doc) if u is not None]
    spans: list[tuple[int, int]] = []
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS:
            continue
        start, end = ent.start, ent.end
        for u in units:
            if u.start < end and start < u.end:
                start, end = min(start, u.start), max(end, u.end)
        spans.append((start, end))
    covered = {i for s, e in spans for i in range(s, e)}
    spans += [(u.start, u.end) for u in units if not any(i in covered for i in range(u.start, u.end))]
    result: list[Span] = []
    for start, end in sorted({(s, _extend_right(doc, e)) for s, e in spans}):
        if result and start < result[-1].end:
            continue  # already inside the name before, widened
        result.extend(_cut_at_possessives(doc[start:end]))
    return result


def _extend_right(doc: Doc, end: int) -> int:
    """Over the rest of a transliterated name NER cut short: "Jama'at Nusrat al-Islam wal-Muslimin"."""
    while end < len(doc):
        t = doc[end]
        hyphen = t.text in ("-", "–") and doc[end - 1].whitespace_ == "" and t.whitespace_ == ""
        particle = t.lower_ in PARTICLES | {"wal", "wa"} and end + 1 < len(doc) and doc[end + 1].text in ("-", "–")
        name_part = t.pos_ == "PROPN" and t.text[:1].isupper() and t.ent_iob_ != "B" and t.is_alpha
        if not (hyphen or particle or (name_part and doc[end - 1].text in ("-", "–"))):
            break
        end += 1
    return end


def _compound_unit(doc: Doc, head: Token, lexicon: Lexicon) -> Span | None:
    """A proper noun with the proper nouns, hyphens and particles compounded to its left, stopping at titles."""
    if head.pos_ != "PROPN" or head.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT"):
        return None
    if head.dep_ in ("compound", "flat", "nmod") and head.head.pos_ == "PROPN" and head.head.i > head.i:
        return None  # not the head of its compound
    left = head.i
    j = head.i - 1
    while j >= 0:
        t = doc[j]
        hyphen_left = j > 0 and doc[j - 1].text in ("-", "–")
        joined = t.text in ("-", "–") or doc[j + 1].text in ("-", "–") or t.whitespace_ == "" or hyphen_left
        if hyphen_left and j > 1 and doc[j - 2].is_lower and t.text[:1].isupper():
            break  # "anti-Taliban Northern Alliance": the prefixed name is not part of the next one
        name_part = t.pos_ == "PROPN" and t.text[:1].isupper() and t.lower_ not in lexicon.titles
        particle = t.lower_ in PARTICLES and joined
        if not (name_part or particle or (t.text in ("-", "–") and t.whitespace_ == "")):
            break
        if t.dep_ not in ("compound", "flat", "nmod", "punct", "amod") and not particle:
            break
        left = j
        j -= 1
    while left < head.i and not doc[left].text[:1].isupper():
        left += 1
    unit = doc[left : head.i + 1]
    if len(unit) == 1 and not (_standalone(head) and not head.ent_type_):
        return None
    return unit if head.text[:1].isupper() else None


def _cut_at_possessives(span: Span) -> list[Span]:
    parts: list[Span] = []
    start = span.start
    for t in span:
        if t.dep_ == "case" or t.text in ("'s", "’s"):
            if t.i > start:
                parts.append(span.doc[start : t.i])
            start = t.i + 1
    if span.end > start:
        parts.append(span.doc[start : span.end])
    return parts


def split_coordination(span: Span) -> list[Span]:
    """'Khyber Pakhtunkhwa and Balochistan' -> the two names; a name with no 'and' or comma stays whole."""
    cuts = [t.i for t in span if (t.dep_ == "cc" and t.text != "&") or t.text in (",", ";")]
    if not cuts:
        return [span]
    parts: list[Span] = []
    start = span.start
    for cut in [*cuts, span.end]:
        if cut > start:
            parts.append(span.doc[start:cut])
        start = cut + 1
    return parts


def trim(span: Span, lexicon: Lexicon) -> Span:
    """Without a leading article, title or role ("the former Head of ..."), a trailing possessive or punctuation;
    and within one sentence."""
    start, end = span.start, span.end
    doc = span.doc
    for t in span[1:]:
        if t.is_sent_start or any(ch in FOOTNOTE_MARKS for ch in t.text) or t.text in (".", "!", "?"):
            end = t.i  # "population.¹¹ Nevertheless": a footnote mark or a full stop ends the name
            break
    while start < end and (
        doc[start].dep_ == "det"
        or doc[start].is_punct
        or doc[start].lower_ in LEADING_WORDS
        or doc[start].lower_ in lexicon.titles
        or doc[start].lower_ in lexicon.roles
        or (doc[start].lower_ in ("of", "former") and start > span.start)
    ):
        start += 1
    while end > start and (doc[end - 1].dep_ == "case" or doc[end - 1].is_punct or doc[end - 1].text in ("'s", "’s")):
        end -= 1
    return doc[start:end]


def _standalone(token: Token) -> bool:
    """A lone proper noun is a name unless it only opens the sentence (where any word is capitalised)."""
    return (not token.is_sent_start and len(token.text) >= 3) or ACRONYM.fullmatch(token.text) is not None
