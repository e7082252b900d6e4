"""Names the registry lacks: new-entity candidates with a suggested class, and near-spellings.

Capitalised word sequences that no registry mention covers are candidates; one that is a
near-spelling of a registry name (rapidfuzz, ``Gazetteer.fuzzy``) becomes a fuzzy mention
instead. The class is suggested from the name's words (``type_hints`` in ``cues.yaml``).
"""

from __future__ import annotations

import re
from collections import Counter

from actorgraph.graph.extract.base import EntityCandidate, Mention
from actorgraph.graph.extract.cues import TABLE
from actorgraph.graph.extract.lexicon import load_lexicon
from actorgraph.graph.extract.mentions import Gazetteer
from actorgraph.graph.extract.name_spans import ACRONYM
from actorgraph.graph.sentences import Sentence, sentences

STOP_NAMES = TABLE.stop_names
_PLACE_CONTEXT = re.compile(r"\b(?:in|at|near|into|across|outside|inside)\s+(?:the\s+)?$")
TYPE_HINTS = TABLE.type_hints


_NAME = re.compile(
    r"\b[A-Z][\w'’-]*[\w](?:(?:\s+|\s*-\s*)(?:(?:of|al|ul|el|bin|ibn|the|and|for|e|i|ud|ad)[\s-]+)?[A-Z][\w'’-]*[\w])*"
)


def suggest_type(name: str, context: str = "") -> tuple[str, float]:
    """A class for an unknown name from its words (Province, Ministry, Militia, Person, …), then from what the
    parse lexicon knows of names (states, demonyms, capitals, titles, movement prefixes) and the words before it."""
    for pattern, kind in TYPE_HINTS:
        if pattern.search(name):
            return kind, 0.6
    if re.search(r"\b(?:Mr|Mrs|Dr|Mullah|said|told|President|Minister)\.?\s*$", context):
        return "Person", 0.5
    known = _lexicon_type(name, context)
    if known is not None:
        return known
    words = name.split()
    if 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words):
        return "Person", 0.3  # two or three capitalised words with no organisation word: often a person
    return "Agent", 0.2


def _lexicon_type(name: str, context: str) -> tuple[str, float] | None:
    lexicon = load_lexicon()
    folded = name.lower()
    words = [re.sub(r"['’`]", "", w) for w in folded.split()]
    if folded in lexicon.states or folded in lexicon.demonyms:
        return "State", 0.5
    if words and words[0].rstrip(".") in lexicon.titles and len(words) > 1:
        return "Person", 0.5  # "General Sultani Makenga"
    if any(w in lexicon.group_prefixes or w.split("-")[0] in lexicon.group_prefixes for w in words):
        return "ArmedGroup", 0.5  # "Lashkar-e-Taiba", "Jaish al-Adl"
    if words and words[-1] in lexicon.name_heads:
        return lexicon.name_heads[words[-1]], 0.4  # "Shia Muslims", "Baloch People"
    if folded in lexicon.capitals or (len(words) <= 2 and _PLACE_CONTEXT.search(context)):
        return "City", 0.3  # "in Peshawar": a place something happens in
    if ACRONYM.fullmatch(name):
        return "NonStateActor", 0.3  # an organisation's initials
    return None


def new_entity_candidates(
    text: str, mentions: list[Mention], gazetteer: Gazetteer, sents: list[Sentence] | None = None
) -> tuple[list[Mention], list[EntityCandidate]]:
    """Capitalised names the registry lacks: near-spellings become fuzzy mentions, the rest candidates."""
    # One flag per character says whether a registry mention covers it: an overlap test per name
    # that costs the name's length, not the number of mentions (linear in the text, not quadratic).
    covered = bytearray(len(text) + 1)
    for m in mentions:
        covered[m.start : m.end] = b"\x01" * (m.end - m.start)
    starts = {s.start + len(s.text) - len(s.text.lstrip()) for s in (sents if sents is not None else sentences(text))}
    fuzzy: list[Mention] = []
    found: dict[str, list[tuple[int, int]]] = {}
    close_names: dict[str, tuple[str, float] | None] = {}
    for match in _NAME.finditer(text):
        start, end = match.span()
        name = match.group(0)
        if any(covered[start:end]):
            continue
        if re.search(r"['’]s$", name):
            name, end = name[:-2], end - 2
        words = name.split()
        while words and words[0].lower() in STOP_NAMES:
            start += len(words[0]) + 1
            words = words[1:]
        if not words or (len(words) == 1 and (words[0].lower() in STOP_NAMES or len(words[0]) < 3)):
            continue
        name = " ".join(words)
        if name.isupper() and len(name) <= 2:
            continue
        if name not in close_names:
            close_names[name] = gazetteer.fuzzy(name)
        close = close_names[name]
        if close is not None:
            fuzzy.append(
                Mention(close[0], start, start + len(name), text[start : start + len(name)], close[1], "fuzzy")
            )
            continue
        found.setdefault(name, []).append((start, start + len(name)))
    candidates: list[EntityCandidate] = []
    for name, spans in found.items():
        # A lone capitalised word that only ever opens a sentence is an ordinary word, not a name.
        if len(name.split()) == 1 and all(s in starts for s, _ in spans):
            continue
        first = spans[0]
        kind, confidence = suggest_type(name, text[max(0, first[0] - 20) : first[0]])
        candidates.append(EntityCandidate(name, kind, first[0], first[1], len(spans), confidence))
    counts = Counter(c.name for c in candidates)
    return fuzzy, sorted(candidates, key=lambda c: (-c.count, -counts[c.name], c.start))
