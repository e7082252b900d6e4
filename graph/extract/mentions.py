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
            names = [(entity.label, True), *((a, False) for a in entity.aliases)]
            names += [(a, False) for a in (extra or {}).get(entity.id, ())]
            for name, is_label in names:
                key = name_key(name)
                if not key:
                    continue
                self.index.setdefault(key, []).append(_Name(entity.id, name, _case_sensitive(name), is_label))
                self.max_len = max(self.max_len, len(key))
        self._fuzzy_names = {" ".join(k): k for k in self.index if len("".join(k)) >= FUZZY_MIN_LENGTH}

    def _lookup(self, tokens: list[Token], i: int, n: int) -> _Name | None:
        words = tokens[i : i + n]
        key = tuple(_inside(t.norm) for t in words) if n > 1 else (words[0].norm,)
        names = self.index.get(key)
        if not names:
            return None
        surface = " ".join(t.text for t in words)
        for name in names:
            if name.case_sensitive and name_key(name.name) != key:
                continue
            if name.case_sensitive and not _same_case(surface, name.name):
                continue
            if not name.case_sensitive and not any(t.text[:1].isupper() for t in words):
                continue  # "taliban" in lower case is not a name in prose; skip shouting-free false hits
            return name
        return None

    def find(self, text: str, tokens: list[Token] | None = None) -> list[Mention]:
        """Leftmost-longest, non-overlapping mentions of registry names in text."""
        tokens = tokens if tokens is not None else tokenize(text)
        # joined[k]: tokens k and k+1 can belong to one name (only a space, hyphen or apostrophe between).
        joined = [bool(_JOIN.fullmatch(text[a.end : b.start])) for a, b in itertools.pairwise(tokens)]
        mentions: list[Mention] = []
        i = 0
        while i < len(tokens):
            found = None
            for n in range(min(self.max_len, len(tokens) - i), 0, -1):
                if n > 1 and not all(joined[i : i + n - 1]):
                    continue
                name = self._lookup(tokens, i, n)
                if name is not None:
                    found = (name, n)
                    break
            if found is None:
                i += 1
                continue
            name, n = found
            start, end = tokens[i].start, tokens[i + n - 1].end
            surface = text[start:end]
            how = "exact" if surface == name.name else "variant"
            mentions.append(Mention(name.entity, start, end, surface, 1.0 if how == "exact" else 0.95, how))
            i += n
        return mentions

    def fuzzy(self, phrase: str) -> tuple[str, float] | None:
        """The registry entity a capitalised phrase is a near-spelling of (rapidfuzz), if any."""
        from rapidfuzz import fuzz, process

        key = " ".join(name_key(phrase))
        if len(key.replace(" ", "")) < FUZZY_MIN_LENGTH or not self._fuzzy_names:
            return None
        best = process.extractOne(key, list(self._fuzzy_names), scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
        if best is None:
            return None
        names = self.index[self._fuzzy_names[best[0]]]
        return names[0].entity, float(best[1]) / 100


_JOIN = re.compile(r"[ \-‐‑'’`]{1,2}")  # what may stand between the words of one name (no comma, no line break)


def _same_case(surface: str, name: str) -> bool:
    return re.sub(r"\W", "", surface) == re.sub(r"\W", "", name)
