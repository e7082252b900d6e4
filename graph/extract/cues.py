"""The rule extractor's cue table: read from ``cues.yaml`` once, at import, and checked.

The table is data reviewed like code (patterns, families, confidences, word lists); the
engine that applies it is ``rules.py``. A mistake in the file (a pattern that does not
compile, a predicate outside its family, a missing key) is an ExtractionError naming the
file and the cue, raised when the extractor is first imported, not halfway through a document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from actorgraph.graph.errors import ExtractionError
from actorgraph.graph.extract.families import FAMILIES

CUE_FILE = "cues.yaml"
MODES = frozenset({"active", "passive", "between", "apposition", "by_in"})
STRUCTURAL = ("anti", "state_member", "opponents", "of_nesting")
CLASS_GROUPS = ("place", "non_actor", "event", "target", "member")


@dataclass(frozen=True)
class Cue:
    """A pattern that signals a relation family; mode says where subject and object sit."""

    name: str
    family: str
    predicate: str
    pattern: str
    mode: str = "active"  # active | passive | between | apposition | by_in
    confidence: float = 0.6

    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.IGNORECASE)


@dataclass(frozen=True)
class CueTable:
    """Everything in cues.yaml, typed."""

    version: str
    cues: tuple[Cue, ...]
    structural: dict[str, Cue]
    hedges: tuple[tuple[str, re.Pattern[str]], ...]
    negation: re.Pattern[str]
    saying: re.Pattern[str]
    number_words: dict[str, int]
    stop_names: frozenset[str]
    type_hints: tuple[tuple[re.Pattern[str], str], ...]
    prepositions: frozenset[str]
    classes: dict[str, frozenset[str]]


def load_cue_table(path: Path | None = None) -> CueTable:
    """Read and check a cue table (default: the one shipped next to this module)."""
    source = path or Path(str(resources.files("actorgraph.graph.extract") / CUE_FILE))
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ExtractionError(f"{source}: cannot read the cue table: {exc}") from exc
    if not isinstance(raw, dict):
        raise ExtractionError(f"{source}: the cue table must be a mapping")
    return _Checker(source, raw).table()


class _Checker:
    """Builds a CueTable, raising one clear error for the first thing that is wrong."""

    def __init__(self, source: Path, raw: dict[str, Any]) -> None:
        self.source = source
        self.raw = raw
        self.be = str(self._get(raw.get("fragments") or {}, "be", "fragments"))

    def fail(self, where: str, message: str) -> ExtractionError:
        return ExtractionError(f"{self.source}: {where}: {message}")

    def _get(self, item: Any, key: str, where: str) -> Any:
        if not isinstance(item, dict) or key not in item:
            raise self.fail(where, f"missing {key!r}")
        return item[key]

    def regex(self, pattern: Any, where: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
        if not isinstance(pattern, str) or not pattern:
            raise self.fail(where, "a pattern must be a non-empty string")
        try:
            return re.compile(pattern.replace("{be}", self.be), flags)
        except re.error as exc:
            raise self.fail(where, f"the pattern does not compile: {exc}") from exc

    def cue(self, item: Any, where: str, mode: str = "active") -> Cue:
        name = str(self._get(item, "name", where))
        where = f"{where} {name!r}"
        family, predicate = str(self._get(item, "family", where)), str(self._get(item, "predicate", where))
        if family not in FAMILIES:
            raise self.fail(where, f"unknown family {family!r} (known: {', '.join(FAMILIES)})")
        if predicate not in FAMILIES[family]:
            raise self.fail(where, f"predicate {predicate!r} is not in family {family!r}")
        mode = str(item.get("mode", mode))
        if mode not in MODES:
            raise self.fail(where, f"unknown mode {mode!r} (one of {', '.join(sorted(MODES))})")
        confidence = self._get(item, "confidence", where)
        if isinstance(confidence, bool) or not isinstance(confidence, int | float) or not 0 < confidence <= 1:
            raise self.fail(where, "confidence must be a number in (0, 1]")
        pattern = self.regex(self._get(item, "pattern", where), where).pattern
        return Cue(name, family, predicate, pattern, mode, float(confidence))

    def type_hint(self, item: Any) -> tuple[re.Pattern[str], str]:
        # Type hints are case-sensitive: "Front" in a name, not "front" in prose.
        return self.regex(self._get(item, "pattern", "type_hints"), "type_hints", 0), str(
            self._get(item, "type", "type_hints")
        )

    def words(self, key: str) -> frozenset[str]:
        value = self._get(self.raw, key, "top level")
        if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
            raise self.fail(key, "must be a list of strings (quote yes/no/on/off)")
        return frozenset(value)

    def table(self) -> CueTable:
        raw = self.raw
        cues = tuple(self.cue(item, "cues") for item in self._get(raw, "cues", "top level"))
        names = [c.name for c in cues]
        if len(set(names)) != len(names):
            raise self.fail("cues", f"duplicate names {sorted({n for n in names if names.count(n) > 1})}")
        structural_raw = self._get(raw, "structural_cues", "top level")
        structural = {key: self.cue(self._get(structural_raw, key, "structural_cues"), key) for key in STRUCTURAL}
        hedges = tuple(
            (str(self._get(h, "certainty", "hedges")), self.regex(self._get(h, "pattern", "hedges"), "hedges"))
            for h in self._get(raw, "hedges", "top level")
        )
        numbers = self._get(raw, "number_words", "top level")
        if not isinstance(numbers, dict) or not all(isinstance(n, int) for n in numbers.values()):
            raise self.fail("number_words", "must map words to whole numbers")
        hints = tuple(self.type_hint(h) for h in self._get(raw, "type_hints", "top level"))
        classes_raw = self._get(raw, "classes", "top level")
        classes = {key: frozenset(map(str, self._get(classes_raw, key, "classes"))) for key in CLASS_GROUPS}
        version = str(self._get(raw, "version", "top level"))
        if not re.fullmatch(r"\d+\.\d+\.\d+", version):
            raise self.fail("version", f"{version!r} is not major.minor.patch")
        return CueTable(
            version=version,
            cues=cues,
            structural=structural,
            hedges=hedges,
            negation=self.regex(self._get(raw, "negation", "top level"), "negation"),
            saying=self.regex(self._get(raw, "saying", "top level"), "saying"),
            number_words={str(k): int(v) for k, v in numbers.items()},
            stop_names=self.words("stop_names"),
            type_hints=hints,
            prepositions=self.words("prepositions"),
            classes=classes,
        )


TABLE = load_cue_table()
