"""Entity mentions through the registry's labels and aliases, with spelling variants.

Names are compared token by token after normalisation, so these match each other:
Mazar-e Sharif / Mazar-i-Sharif (ezafe vowel, hyphen or space), Jaish al-'Adl / Jaish ul-Adl
(Arabic article al/ul/el, apostrophes), al-Masri / Al-Masri (case), Iran's / Iran (possessive).
What still differs after that (Jundallah / Jundullah, Al-Qaeda / Al-Qaida) is matched by
rapidfuzz against the registry's names with a lower confidence. Short all-capital aliases
(US, IS, IRGC) match case-sensitively so "us" and "is" stay words.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from actorgraph.graph.extract.base import Mention
from actorgraph.graph.model import Entity

TOKEN = re.compile(r"[^\W_]+(?:['’`][^\W_]+)*", re.UNICODE)
ARTICLES = {"al", "ul", "el", "ol", "ad", "ud", "an", "un", "ar", "ur", "as", "us", "at", "ut", "az", "ash", "ush"}
EZAFE = {"e", "i", "y", "ye", "yi"}
LEADING_DROP = {"the"}
FUZZY_THRESHOLD = 85.0
FUZZY_MIN_LENGTH = 7


def _fold(token: str) -> str:
    """Case, accents and apostrophes folded away."""
    token = unicodedata.normalize("NFKD", token)
    token = "".join(ch for ch in token if not unicodedata.combining(ch))
    return re.sub(r"['’`ʿʾ]", "", token).lower()


def normalise_token(token: str, *, inside: bool) -> str:
    """The comparison form of one token; articles and ezafe vowels unify only inside a name."""
    return _inside(_fold(token)) if inside else _fold(token)


def _inside(folded: str) -> str:
    if folded in ARTICLES:
        return "al"
    if folded in EZAFE:
        return "e"
    return folded


@dataclass(frozen=True)
class Token:
    """A word of the text with its offsets and comparison form."""

    start: int
    end: int
    text: str
    norm: str


def tokenize(text: str) -> list[Token]:
    """Words of the text; hyphens split words; a possessive 's is left outside the token."""
    tokens = []
    for match in TOKEN.finditer(text):
        word, start = match.group(0), match.start()
        possessive = re.search(r"['’]s$", word)
        if possessive:
            word = word[: possessive.start()]
        tokens.append(Token(start, start + len(word), word, _fold(word)))
    return tokens


def name_key(name: str) -> tuple[str, ...]:
    """The token key of a registry name ("Jaish al-'Adl" -> ('jaish', 'al', 'adl'))."""
    words = [t.text for t in tokenize(name)]
    if len(words) > 1 and words[0].lower() in LEADING_DROP:
        words = words[1:]
    return tuple(normalise_token(w, inside=0 < i < len(words) - 1 or len(words) > 1) for i, w in enumerate(words))


def _case_sensitive(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return len(letters) <= 4 and all(c.isupper() for c in letters)


@dataclass
class _Name:
    entity: str
    name: str
    case_sensitive: bool
    is_label: bool


class Gazetteer:
    """Every label and alias of the registry, indexed by token key."""

    def __init__(self, entities: dict[str, Entity], extra: dict[str, Iterable[str]] | None = None) -> None:
        self.entities = entities
        self.index: dict[tuple[str, ...], list[_Name]] = {}
        self.max_len = 1
        for entity in entities.values():
            names = [(entity.label, True), *((a, False) for a in (*entity.aliases, *entity.metonyms))]
            names += [(a, False) for a in (extra or {}).get(entity.id, ())]
            for name, is_label in names:
                key = name_key(name)
                if not key:
                    continue
                self.index.setdefault(key, []).append(_Name(entity.id, name, _case_sensitive(name), is_label))
                self.max_len = max(self.max_len, len(key))
        self._fuzzy_names = {" ".join(k): k for k in self.index if len("".join(k)) >= FUZZY_MIN_LENGTH}

    def _lookup(self, tokens: list[Token], i: int, n: int) -> list[_Name]:
        """Every registry name these n tokens spell; the entity whose label it is comes first."""
        words = tokens[i : i + n]
        key = tuple(_inside(t.norm) for t in words) if n > 1 else (words[0].norm,)
        names = self.index.get(key)
        if not names:
            return []
        surface = " ".join(t.text for t in words)
        matches: dict[str, _Name] = {}
        for name in names:
            if name.case_sensitive and not _same_case(surface, name.name):
                continue
            if not name.case_sensitive and not any(t.text[:1].isupper() for t in words):
                continue  # "taliban" in lower case is not a name in prose
            if name.entity not in matches or name.is_label:
                matches[name.entity] = name
        return sorted(matches.values(), key=lambda m: not m.is_label)

    def find(self, text: str, tokens: list[Token] | None = None) -> list[Mention]:
        """Leftmost-longest mentions of registry names; names inside a longer name are kept as 'nested'.

        A name several entities share ("Tehran": the city, and Iran by metonymy) gives a mention
        for each, the entity whose label it is first.
        """
        tokens = tokens if tokens is not None else tokenize(text)
        # joined[k]: tokens k and k+1 can belong to one name (only a space, hyphen or apostrophe between).
        joined = [bool(_JOIN.fullmatch(text[a.end : b.start])) for a, b in itertools.pairwise(tokens)]
        return self._scan(text, tokens, joined, 0, len(tokens), nested=False)

    def _scan(
        self, text: str, tokens: list[Token], joined: list[bool], lo: int, hi: int, *, nested: bool
    ) -> list[Mention]:
        mentions: list[Mention] = []
        i = lo
        while i < hi:
            found: tuple[list[_Name], int] | None = None
            # Inside a longer name, only shorter names count (not the whole span again).
            longest = min(self.max_len, hi - i, (hi - lo - 1) if nested else hi - i)
            for n in range(longest, 0, -1):
                if n > 1 and not all(joined[i : i + n - 1]):
                    continue
                names = self._lookup(tokens, i, n)
                if names:
                    found = (names, n)
                    break
            if found is None:
                i += 1
                continue
            names, n = found
            start, end = tokens[i].start, tokens[i + n - 1].end
            surface = text[start:end]
            name = self._choose(names, text, start)
            how = "nested" if nested else "exact" if surface == name.name else "variant"
            confidence = (1.0 if how == "exact" else 0.95) * (1.0 if len(names) == 1 else 0.8)
            mentions.append(Mention(name.entity, start, end, surface, confidence, how))
            if n > 1:
                inner = self._scan(text, tokens, joined, i, i + n, nested=True)
                mentions.extend(m for m in inner if m.entity != name.entity)
            i += n
        return mentions

    def _choose(self, names: list[_Name], text: str, start: int) -> _Name:
        """Of the entities sharing a name, the place after "in/at/to/from" ("in Tehran"), else the actor."""
        if len(names) == 1:
            return names[0]
        place_context = bool(_PLACE_PREPOSITION.search(text[max(0, start - 12) : start]))
        for name in names:
            if self._is_place(name.entity) == place_context:
                return name
        return names[0]

    def _is_place(self, entity_id: str) -> bool:
        types = set(self.entities[entity_id].types)
        return bool(types & PLACE_TYPES) and "State" not in types

    def fuzzy(self, phrase: str) -> tuple[str, float] | None:
        """The registry entity a capitalised phrase is a near-spelling of (rapidfuzz), if any."""
        from rapidfuzz import fuzz, process  # loaded when a name is first compared by spelling, not at import

        key = " ".join(name_key(phrase))
        if len(key.replace(" ", "")) < FUZZY_MIN_LENGTH or not self._fuzzy_names:
            return None
        best = process.extractOne(key, list(self._fuzzy_names), scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
        if best is None:
            return None
        names = self.index[self._fuzzy_names[best[0]]]
        return names[0].entity, float(best[1]) / 100


PLACE_TYPES = frozenset({"Place", "Country", "Province", "District", "City", "Region", "River", "Border"})
_PLACE_PREPOSITION = re.compile(r"\b(?:in|at|to|from|near|into|across|outside|inside)\s+(?:the\s+)?$", re.I)
_JOIN = re.compile(r"[ \-‐‑'’`]{1,2}")  # what may stand between the words of one name (no comma, no line break)


def _same_case(surface: str, name: str) -> bool:
    return re.sub(r"\W", "", surface) == re.sub(r"\W", "", name)
