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
# One token of a transliterated name that opens with a lower-case article or ezafe: "al-'Adl", "ul-Haq", "e-Taiba".
PARTICLE_WORD = re.compile(r"(?:al|ul|el|ar|ash|as|ad|ud|ur|e|i|wal)-['’`]?[A-Z]\w*")
# Plural nouns that take a possessive inside an organisation's name: "Uganda People's Defence Force".
NAME_POSSESSORS = frozenset({"people", "peoples", "workers", "martyrs", "women", "farmers", "mothers", "nations"})
# Lower-case heads that make a place's or a person's name a faction's: "the Kabul circle", "the Haqqani network".
GROUP_TAILS = frozenset({"circle", "shura", "network", "faction", "wing", "clan"})
# Institutions named after what they belong to: "the Political Bureau of the Taliban", "Mausoleum of X".
PLACE_OF_HEADS = frozenset({"mausoleum", "shrine", "tomb"})
OF_HEADS = PLACE_OF_HEADS | {"bureau", "committee", "wing", "office", "commission"}


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
        if result and _joined_by_of(doc, result[-1], start, lexicon):
            result[-1] = doc[result[-1].start : end]
            continue
        if start >= 2 and doc[start - 1].lower_ == "of" and doc[start - 2].lower_ in PLACE_OF_HEADS:
            start -= 2  # "the mausoleum of Ayatollah Khomeini" names a place even in lower case
        result.extend(_cut_at_possessives(doc[start:end]))
    return result


def _joined_by_of(doc: Doc, before: Span, start: int, lexicon: Lexicon) -> bool:
    """'the Political Bureau' + 'of the' + 'Taliban': an institution named after whom it belongs to (not a state's
    ministry: "the Ministry of Defence of Pakistan" stays with the state)."""
    of = before.end
    if of >= len(doc) or doc[of].lower_ != "of" or before[-1].lower_ not in OF_HEADS:
        return False
    if not before[-1].text[:1].isupper():
        return False
    after = of + 1 + (of + 1 < len(doc) and doc[of + 1].lower_ == "the")
    if after != start:
        return False
    owner = doc[start].lower_
    return owner not in lexicon.states and owner not in lexicon.demonyms and owner not in lexicon.capitals


def _extend_right(doc: Doc, end: int) -> int:
    """Over the rest of a transliterated name NER cut short: "Jama'at Nusrat al-Islam wal-Muslimin"."""
    while end < len(doc):
        t = doc[end]
        hyphen = t.text in ("-", "–") and doc[end - 1].whitespace_ == "" and t.whitespace_ == ""
        particle = t.lower_ in PARTICLES | {"wal", "wa"} and end + 1 < len(doc) and doc[end + 1].text in ("-", "–")
        name_part = t.pos_ == "PROPN" and t.text[:1].isupper() and t.ent_iob_ != "B" and t.is_alpha
        joined_part = PARTICLE_WORD.fullmatch(t.text) is not None and doc[end - 1].whitespace_ != ""
        tail = t.lower_ in GROUP_TAILS and t.pos_ == "NOUN" and doc[end - 1].dep_ == "compound"
        if not (hyphen or particle or joined_part or tail or (name_part and doc[end - 1].text in ("-", "–"))):
            break
        end += 1
        if tail:
            break  # "the Kabul circle": the head ends the name
    return end


def _compound_unit(doc: Doc, head: Token, lexicon: Lexicon) -> Span | None:
    """A proper noun with the proper nouns, hyphens and particles compounded to its left, stopping at titles."""
    particle_head = PARTICLE_WORD.fullmatch(head.text) is not None  # "al-Shabaab" in lower case is still a name
    if (head.pos_ != "PROPN" and not particle_head) or head.ent_type_ in (
        "DATE",
        "TIME",
        "CARDINAL",
        "ORDINAL",
        "MONEY",
        "PERCENT",
    ):
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
    return unit if head.text[:1].isupper() or particle_head else None


def _cut_at_possessives(span: Span) -> list[Span]:
    parts: list[Span] = []
    start = span.start
    for t in span:
        if (t.dep_ == "case" or t.text in ("'s", "’s")) and not _inside_name(t):
            if t.i > start:
                parts.append(span.doc[start : t.i])
            start = t.i + 1
    if span.end > start:
        parts.append(span.doc[start : span.end])
    return parts


def _inside_name(possessive: Token) -> bool:
    """ "People's" in "Uganda People's Defence Force" belongs to the name; "Iran's" in "Iran's IRGC" does not."""
    doc = possessive.doc
    before = doc[possessive.i - 1] if possessive.i > 0 else None
    after = doc[possessive.i + 1] if possessive.i + 1 < len(doc) else None
    return before is not None and after is not None and before.lower_ in NAME_POSSESSORS and after.text[:1].isupper()


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
        if t.is_sent_start or t.is_space or any(ch in FOOTNOTE_MARKS for ch in t.text) or t.text in (".", "!", "?"):
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
