"""The parse extractor's lexicon (lexicon.yaml): loaded once, validated against the ontology.

Every predicate a frame names must be an ontology property, every certainty one of
``CERTAINTIES``, every class a name head suggests an ontology class: a typo fails at load
time with one line naming the entry, not as candidates verification drops later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from actorgraph.graph.errors import ExtractionError
from actorgraph.graph.model import CERTAINTIES
from actorgraph.ontology import ontology_terms

LEXICON_PATH = Path(__file__).with_name("lexicon.yaml")
ROLE = re.compile(r"dobj|dative|between|prep:[a-z]+")
DEFAULT_CONFIDENCE = {"verbs": 0.7, "nouns": 0.6, "roles": 0.6}
ANAPHOR_CLASSES = ("group", "state", "place", "actor")  # what "the group", "the country", "the two sides" refer to
ENDED = "ended"  # an implicative verb's effect: the relation held until the clause's date ("stopped funding X")


@dataclass(frozen=True)
class Frame:
    """One reading of a word: the predicate, where its object is, and the object's word class if any."""

    predicate: str
    object: tuple[str, ...] = ("dobj",)
    theme: str | None = None
    confidence: float = 0.7
    reverse: bool = False  # the grammatical subject receives: "X received weapons from Y"


@dataclass(frozen=True)
class Lexicon:
    """Everything lexicon.yaml says, in lookup form (keys lower-case lemmas)."""

    version: str
    themes: dict[str, frozenset[str]]
    verbs: dict[str, tuple[Frame, ...]]
    nouns: dict[str, tuple[Frame, ...]]
    adjectives: dict[str, tuple[Frame, ...]]
    light_verbs: frozenset[str]
    receiving_verbs: frozenset[str]
    roles: dict[str, Frame]
    copulas: frozenset[str]
    partitives: frozenset[str]
    reporting: dict[str, str]
    hedges: dict[str, str]
    implicatives: dict[str, str]  # "refused to arm" -> denied; "stopped funding" -> ended
    state_agents: frozenset[str]
    anaphors: dict[str, str]
    name_heads: dict[str, str]
    group_prefixes: frozenset[str]
    titles: frozenset[str]
    demonyms: dict[str, str]  # "pakistani" -> "Pakistan"
    capitals: dict[str, str]  # "islamabad" -> "Pakistan"
    states: frozenset[str]  # "pakistan"

    def in_theme(self, theme: str | None, lemma: str) -> bool:
        return theme is None or lemma.lower() in self.themes[theme]


@lru_cache(maxsize=2)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Read and validate the lexicon; ExtractionError names the first bad entry."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ExtractionError(f"cannot read lexicon {path}: {str(error).splitlines()[0]}") from error
    if not isinstance(raw, dict) or not raw.get("version"):
        raise ExtractionError(f"lexicon {path} has no version")
    terms = ontology_terms()
    themes = {name: frozenset(w.lower() for w in words) for name, words in raw.get("themes", {}).items()}
    verbs = {lemma: _frames(path, "verbs", lemma, frames, themes) for lemma, frames in raw["verbs"].items()}
    nouns = {lemma: _frames(path, "nouns", lemma, frames, themes) for lemma, frames in raw["nouns"].items()}
    adjectives = {w: _frames(path, "nouns", w, frames, themes) for w, frames in raw.get("adjectives", {}).items()}
    roles = {noun: _frame(path, "roles", noun, entry, themes) for noun, entry in raw["roles"].items()}
    sections: dict[str, dict[str, tuple[Frame, ...]]] = {
        "verbs": verbs,
        "nouns": nouns,
        "adjectives": adjectives,
        "roles": {k: (v,) for k, v in roles.items()},
    }
    for section, entries in sections.items():
        for word, frames in entries.items():
            for frame in frames:
                if frame.predicate not in terms.properties:
                    raise ExtractionError(f"lexicon {section}.{word}: unknown predicate {frame.predicate!r}")
    for section in ("reporting", "hedges"):
        for word, certainty in raw[section].items():
            if certainty not in CERTAINTIES:
                raise ExtractionError(f"lexicon {section}.{word}: unknown certainty {certainty!r}")
    for word, kind in raw["anaphors"].items():
        if kind not in ANAPHOR_CLASSES:
            raise ExtractionError(f"lexicon anaphors.{word}: unknown class {kind!r}")
    for word, effect in raw.get("implicatives", {}).items():
        if effect not in (*CERTAINTIES, ENDED):
            raise ExtractionError(f"lexicon implicatives.{word}: unknown effect {effect!r}")
    for word, kind in raw["name_heads"].items():
        if kind not in terms.classes:
            raise ExtractionError(f"lexicon name_heads.{word}: unknown class {kind!r}")
    states = raw["states"]
    return Lexicon(
        version=str(raw["version"]),
        themes=themes,
        verbs=verbs,
        nouns=nouns,
        adjectives=adjectives,
        light_verbs=_words(raw["light_verbs"]),
        receiving_verbs=_words(raw["receiving_verbs"]),
        roles=roles,
        copulas=_words(raw["copulas"]),
        partitives=_words(raw["partitives"]),
        reporting={k.lower(): v for k, v in raw["reporting"].items()},
        hedges={k.lower(): v for k, v in raw["hedges"].items()},
        implicatives={k.lower(): v for k, v in raw.get("implicatives", {}).items()},
        state_agents=_words(raw["state_agents"]),
        anaphors={k.lower(): v for k, v in raw["anaphors"].items()},
        name_heads={k.lower(): v for k, v in raw["name_heads"].items()},
        group_prefixes=_words(raw["group_prefixes"]),
        titles=_words(raw["titles"]),
        demonyms={d.lower(): name for name, info in states.items() for d in info.get("demonyms", ())},
        capitals={str(info["capital"]).lower(): name for name, info in states.items() if info.get("capital")},
        states=frozenset(name.lower() for name in states),
    )


def _words(items: list[Any]) -> frozenset[str]:
    return frozenset(str(w).lower() for w in items)


def _frames(path: Path, section: str, word: str, raw: Any, themes: dict[str, frozenset[str]]) -> tuple[Frame, ...]:
    if not isinstance(raw, list) or not raw:
        raise ExtractionError(f"lexicon {path.name} {section}.{word}: expected a list of frames")
    return tuple(_frame(path, section, word, entry, themes) for entry in raw)


def _frame(path: Path, section: str, word: str, raw: Any, themes: dict[str, frozenset[str]]) -> Frame:
    where = f"lexicon {path.name} {section}.{word}"
    if not isinstance(raw, dict) or "predicate" not in raw:
        raise ExtractionError(f"{where}: a frame needs a predicate")
    unknown = set(raw) - {"predicate", "object", "theme", "confidence", "reverse"}
    if unknown:
        raise ExtractionError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    roles = tuple(raw.get("object", ("dobj",)))
    bad = [r for r in roles if not ROLE.fullmatch(r)]
    if bad:
        raise ExtractionError(f"{where}: unknown object role(s) {', '.join(bad)}")
    theme = raw.get("theme")
    if theme is not None and theme not in themes:
        raise ExtractionError(f"{where}: unknown theme {theme!r}")
    confidence = float(raw.get("confidence", DEFAULT_CONFIDENCE[section]))
    return Frame(str(raw["predicate"]), roles, theme, confidence, bool(raw.get("reverse", False)))
