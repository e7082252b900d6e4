"""The default extractor: registry mentions plus cue patterns between entities of one sentence.

The cue table (patterns, families, hedges, word lists) is data: ``cues.yaml``, read by ``cues``.

For each sentence it finds the registry's entities (``mentions``), then every cue of a
relation family ("backed", "funding of", "tensions between", "met with", ", the leader of"),
and takes the nearest actor before the cue as subject and the nearest after it as object
(or both after "between X and Y"; the other way round for a passive "… by X"). Dates,
places and numbers in the sentence become qualifiers; hedges ("reportedly", "allegedly",
"likely") and negation set the certainty; "according to X" and "X said" the attribution.
Names the registry lacks become new-entity candidates with a suggested type (``names``).
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from actorgraph.graph.extract.base import (
    ExtractionResult,
    Mention,
    Progress,
    Proposal,
    most_confident,
    no_progress,
)
from actorgraph.graph.extract.cues import TABLE, Cue
from actorgraph.graph.extract.mentions import Gazetteer, tokenize
from actorgraph.graph.extract.names import new_entity_candidates
from actorgraph.graph.extract.verify import ClaimLines
from actorgraph.graph.model import Entity
from actorgraph.graph.sentences import Sentence, sentences

VERSION = TABLE.version  # the cue table is most of what the extractor is
PLACE_TYPES = TABLE.classes["place"]
NON_ACTOR_TYPES = TABLE.classes["non_actor"]
EVENT_TYPES = TABLE.classes["event"]
CUES = TABLE.cues
HEDGES = TABLE.hedges
NEGATION = TABLE.negation
SAYING = TABLE.saying
NUMBER_WORDS = TABLE.number_words
MONTHS = {
    name: number
    for number, name in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december"),
        1,
    )
}  # fmt: skip
YEAR = r"(?:1[89]\d\d|20\d\d)"


@dataclass(frozen=True)
class RuleConfig:
    """The knobs tuning may turn: which cues, how far to look, which confidence to keep."""

    disabled: frozenset[str] = frozenset()
    max_before: int = 120  # characters between subject and cue
    max_after: int = 90  # characters between cue and object
    min_confidence: float = 0.0
    coordination: bool = True  # "Iran backed A and B" gives two objects


@dataclass
class _Actor:
    mention: Mention
    anti: bool = False  # "anti-Taliban": a modifier, never an argument


@dataclass
class RuleExtractor:
    """Cue-pattern relation extraction over registry mentions (the default extractor)."""

    config: RuleConfig = field(default_factory=RuleConfig)
    name: str = "rules"
    version: str = VERSION

    def extract(self, text: str, entities: dict[str, Entity], progress: Progress = no_progress) -> ExtractionResult:
        """Mentions, new-entity candidates and relation proposals for one text."""
        result = ExtractionResult(extractor=f"{self.name}/{self.version}")
        gazetteer = Gazetteer(entities)
        tokens = tokenize(text)
        result.mentions = gazetteer.find(text, tokens)
        sents = sentences(text)
        fuzzy, result.new_entities = new_entity_candidates(text, result.mentions, gazetteer, sents)
        result.mentions = sorted([*result.mentions, *fuzzy], key=lambda m: m.start)
        cues = [(cue, cue.regex()) for cue in CUES if cue.name not in self.config.disabled]
        starts = [m.start for m in result.mentions]
        lines = ClaimLines(text)
        for done, sentence in enumerate(sents, 1):
            inside = _within(result.mentions, starts, sentence)
            if len(inside) >= 2 and not _CITATION.match(sentence.text) and lines.claims(sentence.start):
                result.proposals.extend(self._sentence(text, sentence, inside, entities, cues))
            progress(done, len(sents))
        result.proposals = [p for p in _dedupe(result.proposals) if p.confidence >= self.config.min_confidence]
        return result

    def _sentence(
        self,
        text: str,
        sentence: Sentence,
        mentions: list[Mention],
        entities: dict[str, Entity],
        cues: list[tuple[Cue, re.Pattern[str]]],
    ) -> list[Proposal]:
        actors = [
            _Actor(m, anti=text[max(0, m.start - 5) : m.start].lower().endswith(("anti-", "anti ")))
            for m in _actor_mentions(mentions, entities)
        ]
        places = [m for m in mentions if _is_place(entities[m.entity])]
        # Things attacked need not be actors: bases, dams, shrines.
        targets = sorted(
            [*actors, *(_Actor(m) for m in mentions if set(entities[m.entity].types) & TARGET_TYPES)],
            key=lambda a: (a.mention.start, a.mention.end),
        )
        qualifiers = _time_qualifiers(sentence.text)
        found: list[tuple[Cue, str, int, Mention, Mention, int]] = []
        for cue, regex in cues:
            for match in regex.finditer(sentence.text):
                cue_start, cue_end = sentence.start + match.start(), sentence.start + match.end()
                candidates = targets if cue.family == "attacks" else actors
                for subject, obj, distance in self._arguments(text, cue, cue_start, cue_end, candidates):
                    found.append((cue, match.group(0).strip(), cue_start, subject, obj, distance))
        if ANTI_CUE.name not in self.config.disabled:
            found.extend((ANTI_CUE, "anti-", s.start, s, o, 0) for s, o in _anti(text, mentions, entities))
        if DEMONYM_CUE.name not in self.config.disabled:
            found.extend((DEMONYM_CUE, "of", s.start, s, o, 0) for s, o in _state_members(text, mentions, entities))
        if OPPONENTS_CUE.name not in self.config.disabled:
            found.extend(
                (OPPONENTS_CUE, "opponents", s.start, s, o, 0)
                for s, o in _opponents(text, sentence, [a.mention for a in actors if not a.anti])
            )
        if OF_CUE.name not in self.config.disabled:
            found.extend((OF_CUE, "of", s.start, s, o, 0) for s, o in _of_nesting(text, mentions, entities))
        proposals: list[Proposal] = []
        for cue, cue_text, cue_start, subject, obj, distance in found:
            if subject.entity == obj.entity:
                continue
            certainty, attributed = _certainty(text, sentence, cue_start, mentions, entities)
            confidence = cue.confidence * min(subject.confidence, obj.confidence)
            confidence *= 1.0 if distance < 40 else 0.85 if distance < 80 else 0.7
            # A place qualifies the relation only where the text locates it ("in Vienna", "at the border").
            place = next(
                (
                    p.entity
                    for p in places
                    if p.entity not in (subject.entity, obj.entity)
                    and re.search(r"\b(?:in|at|near)\s+(?:the\s+)?$", text[max(0, p.start - 12) : p.start], re.I)
                ),
                None,
            )
            quantity, unit = _quantity(text, obj) if cue.family in ("killings", "attacks") else (None, None)
            proposals.append(
                Proposal(
                    subject=subject.entity,
                    predicate=cue.predicate,
                    object=obj.entity,
                    quote=sentence.text.strip(),
                    start=sentence.start + (len(sentence.text) - len(sentence.text.lstrip())),
                    confidence=round(confidence, 2),
                    certainty=certainty,
                    attributed_to=attributed,
                    place=place,
                    quantity=quantity,
                    unit=unit,
                    family=cue.family,
                    note=f"cue {cue.name}: {cue_text!r}",
                    cue=cue.name,
                    **qualifiers,
                )
            )
        return proposals

    def _arguments(
        self, text: str, cue: Cue, cue_start: int, cue_end: int, actors: list[_Actor]
    ) -> list[tuple[Mention, Mention, int]]:
        usable = [a.mention for a in actors if not a.anti]
        before = [m for m in usable if m.end <= cue_start and cue_start - m.end <= self.config.max_before]
        before = [m for m in before if not re.search(r"[;:]", text[m.end : cue_start])]
        after = [m for m in usable if m.start >= cue_end and m.start - cue_end <= self.config.max_after]
        after = [m for m in after if not re.search(r"[;:]", text[cue_end : m.start])]
        if cue.mode == "between":
            pairs = _between(text, cue_end, after)
            host = _HOSTED.search(text[max(0, cue_start - 40) : cue_start])
            if pairs and host and cue.family in ("meetings", "negotiations"):
                # "Tehran facilitated a meeting between A and B": the host takes part too.
                at = cue_start - (len(text[max(0, cue_start - 40) : cue_start]) - host.start())
                hosts = [m for m in before if m.end <= at and at - m.end <= 15]
                if hosts:
                    members = {m.entity: m for pair in pairs for m in pair[:2]}
                    pairs += [(hosts[-1], m, 0) for m in members.values() if m.entity != hosts[-1].entity]
            return pairs
        if cue.mode == "by_in":
            return _by_in(text, cue_end, after)
        if (
            cue.mode == "active"
            and _PARTICIPLE.match(text[cue_start:cue_end])
            and _PASSIVE_BEFORE.search(text[max(0, cue_start - 25) : cue_start])
        ):
            return []  # "was assassinated in Tehran": a passive without its agent names no subject
        # A subject is not the object of a preposition ("control of Afghanistan", "in Pakistan"), unless
        # it is the subject of an infinitive ("efforts of the Quds Force to arm"); nor is it behind "that".
        before = [
            m
            for m in before
            if cue.mode == "apposition"  # "led by Yahya Haqqani, one of the leaders of …"
            or (
                (
                    not _after_preposition(text, m)
                    or re.fullmatch(r"\s+to\s+|['’]s\s+(?:\w+\s+)?", text[m.end : cue_start])
                )
                and not _SUBORDINATE.search(text[m.end : cue_start])
            )
        ]
        if not before or not after:
            return []
        if cue.mode == "apposition":
            subject = before[-1]
            if not re.fullmatch(r"\s*", text[subject.end : cue_start]):
                return []
            return [(subject, after[0], after[0].start - cue_end)]
        first, last = before[-1], after[0]
        if cue.mode == "passive":
            first, last = after[0], before[-1]  # "X was backed by Y": Y backs X
        elif not _plain_gap(text[cue_end : last.start]):
            return []  # "attacks in Iran", "a meeting between …": the next name is not the object
        subjects = [first]
        if cue.mode != "passive":
            # "the Taliban and the Haqqani Network succeeded in amping up their offensives": both attack.
            for prev in reversed([m for m in before if m.end <= first.start]):
                if re.fullmatch(r",?\s*(?:and|,)\s*(?:the\s+)?", text[prev.end : subjects[-1].start], re.I):
                    subjects.append(prev)
                else:
                    break
        objects = [last]
        if self.config.coordination and cue.mode != "passive":
            objects = _listed(text, after)
            # "hosting the Taliban's opponents, including A, B and C": the listed ones are the objects.
            if _POSSESSIVE.match(text[last.end : last.end + 3]):
                objects = []
            rest = [m for m in after if m.start >= objects[-1].end] if objects else after[1:]
            if rest:
                bridge = text[(objects[-1].end if objects else last.end) : rest[0].start]
                if _INCLUDING.fullmatch(bridge):
                    objects += _listed(text, rest)
        elif _POSSESSIVE.match(text[last.end : last.end + 3]):
            objects = []
        if not objects:
            return []
        distance = (cue_start - before[-1].end) + (after[0].start - cue_end)
        return [(subject, obj, distance) for subject in subjects for obj in objects]


PREPOSITIONS = TABLE.prepositions
_SUBORDINATE = re.compile(r"\b(?:that|because|although|though|whereas|while|unless|whether)\b", re.I)
# Between listed names: "and", "as well as" or a comma, then a few modifiers ("the disciplined and experienced",
# "a large number of"), but no relative pronoun, verb-like auxiliary or preposition other than "of".
_COORDINATION = re.compile(
    r",?\s*(?:and|as\s+well\s+as|,)\s*(?:(?!(?:which|who|whom|whose|that|where|when|is|are|was|were|has|have|had|in|on|"
    r"at|to|from|by|with|for|against|into|over)\b)[a-z]+\s+){0,4}",
)
_INCLUDING = re.compile(
    r"['’]s\s+[a-z]+(?:\s+[a-z]+)?\s*,?\s*(?:including|such\s+as|like|notably|namely)\s+(?:(?:the|certain|some)\s+)?"
    r"|[^.;:]{0,40}?,?\s*(?:including|such\s+as|notably|namely)\s+(?:(?:the|certain|some)\s+)?",
    re.I,
)
# A reference-list entry: an optional marker, an author, a comma, a quoted title.
_CITATION = re.compile(r"\s*(?:[-•*]\s+|[\d⁰¹²³⁴⁵⁶⁷⁸⁹]+\.?\s*)?[A-Z][\w.'’\- ]{1,60},\s+[“\"]")
_POSSESSIVE = re.compile(r"['’]s\b")
_STANDS_FOR = re.compile(
    r"\b(?:members?|leaders?|fighters?|elements?|commanders?|militants?|officials?|representatives?)\s+of\b", re.I
)
_HOSTED = re.compile(
    r"\b(?:hosted|facilitated|organi[sz]ed|arranged|mediated|brokered|convened)\s+(?:an?\s+|the\s+)?(?:\w+\s+)?$", re.I
)
_PARTICIPLE = re.compile(r"(?:\w+ed|struck|led|fought|met|held|hit|shot|slain|given|taken)\b", re.I)
_PASSIVE_BEFORE = re.compile(r"\b(?:is|are|was|were|been|being|be|get|got)\s+(?:\w+ly\s+)?$", re.I)
_LIST_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+)?|/|\s+and\s+|&)\s*(?:the\s+)?", re.I)


def _after_preposition(text: str, mention: Mention) -> bool:
    """The word right before the mention (an article aside) is a preposition."""
    match = re.search(r"\b([A-Za-z]+)\s+(?:(?:the|a|an)\s+)?$", text[max(0, mention.start - 30) : mention.start])
    return match is not None and match.group(1).lower() in PREPOSITIONS


def _plain_gap(gap: str) -> bool:
    """Between a verb cue and its object: a few words, no preposition, no clause break."""
    if re.search(r"[,;:()]", gap):
        return False
    gap = _STANDS_FOR.sub(" ", gap)  # "a safe haven for members of the Taliban": the group stands for them
    words = re.findall(r"[A-Za-z]+", gap)
    return len(words) <= 6 and not any(w.lower() in PREPOSITIONS for w in words)


def _between(text: str, cue_end: int, after: list[Mention]) -> list[tuple[Mention, Mention, int]]:
    """'tensions between X and Y', 'hostilities between X/Y, Z and W': every pair of the list."""
    if not after or not re.fullmatch(r"\s*(?:the\s+)?", text[cue_end : after[0].start], re.I):
        return []
    groups = [[after[0]]]
    last = after[0]
    for nxt in after[1:]:
        joiner = text[last.end : nxt.start]
        if not _LIST_JOIN.fullmatch(joiner):
            break
        if joiner.strip() == "/":
            groups[-1].append(nxt)  # "Iran/Taliban": one side
        else:
            groups.append([nxt])
        last = nxt
    return [(a, b, b.start - cue_end) for left, right in itertools.combinations(groups, 2) for a in left for b in right]


def _by_in(text: str, cue_end: int, after: list[Mention]) -> list[tuple[Mention, Mention, int]]:
    """'attacks by X in Y': X attacks Y."""
    if len(after) < 2 or not re.fullmatch(r"\s*(?:the\s+)?", text[cue_end : after[0].start], re.I):
        return []
    if not re.fullmatch(r"\s+(?:in|on|against|to)\s+(?:the\s+)?", text[after[0].end : after[1].start], re.I):
        return []
    return [(after[0], obj, obj.start - cue_end) for obj in _listed(text, after[1:])]


def _listed(text: str, mentions: list[Mention]) -> list[Mention]:
    """The first mention and those coordinated with it ("Iran, Afghanistan, and Pakistan")."""
    members, joiners = [mentions[0]], []
    for nxt in mentions[1:]:
        joiner = text[members[-1].end : nxt.start]
        if _COORDINATION.fullmatch(joiner):
            members.append(nxt)
            joiners.append(joiner)
        else:
            break
    # A list ends with "and": "A, a B group" is an apposition, not a list.
    while joiners and not re.search(r"\band\b|\bas\s+well\s+as\b", joiners[-1]):
        joiners.pop()
        members.pop()
    return members


TARGET_TYPES = TABLE.classes["target"]
ANTI_CUE = TABLE.structural["anti"]


DEMONYM_CUE = TABLE.structural["state_member"]
MEMBER_TYPES = TABLE.classes["member"]
_OFFICE = re.compile(
    r"\b(?:minister|president|ambassador|diplomats?|officials?|commander|general|spokes(?:man|person)|envoy|"
    r"lawmakers?|leader|head|director)\b",
    re.I,
)


def demonyms(label: str) -> set[str]:
    """Adjectives a state's name makes ("Iranian", "Pakistani", "Afghan", "Syrian")."""
    forms = {label + "ian", label + "i", label + "n", label + "ese"}
    if label.endswith("istan"):
        forms.add(label[: -len("istan")])
    if label.endswith("a"):
        forms.add(label + "n")
    return forms


def _state_members(text: str, mentions: list[Mention], entities: dict[str, Entity]) -> list[tuple[Mention, Mention]]:
    """A state's own people and organs: "Iran's intelligence minister", "the former Iranian Foreign Minister"."""
    states = {m.entity: m for m in mentions if "State" in entities[m.entity].types}
    forms = {f: e for e in entities.values() if "State" in e.types for f in demonyms(e.label)}
    pairs: list[tuple[Mention, Mention]] = []
    for outer in mentions:
        types = set(entities[outer.entity].types)
        if outer.how == "nested" or not types & MEMBER_TYPES:
            continue
        if "Person" in types and not _OFFICE.search(outer.surface):
            continue  # "an Iranian journalist" is Iranian, not a member of the Iranian state
        state = next((forms[w] for w in re.findall(r"[A-Z]\w+", outer.surface) if w in forms), None)
        if state is not None and state.id != outer.entity:
            pairs.append((outer, Mention(state.id, outer.start, outer.end, outer.surface, 0.9, "demonym")))
            continue
        owner = next((m for m in states.values() if re.fullmatch(r"['’]s\s+", text[m.end : outer.start])), None)
        if owner is not None and owner.entity != outer.entity:
            pairs.append((outer, owner))
    return pairs


OPPONENTS_CUE = TABLE.structural["opponents"]
_OPPONENTS = re.compile(r"['’]s\s+(?:\w+\s+)?(?:opponents|enemies|rivals|adversaries|foes)\b", re.I)


def _opponents(text: str, sentence: Sentence, actors: list[Mention]) -> list[tuple[Mention, Mention]]:
    """In "the Taliban's opponents, including A, B and C", A, B and C are hostile to the Taliban."""
    pairs: list[tuple[Mention, Mention]] = []
    for match in _OPPONENTS.finditer(sentence.text):
        at = sentence.start + match.start()
        owner = next((m for m in actors if m.end == at), None)
        rest = [m for m in actors if m.start >= sentence.start + match.end()]
        if owner is None or not rest:
            continue
        if _INCLUDING.fullmatch(text[owner.end : rest[0].start]):
            pairs.extend((member, owner) for member in _listed(text, rest) if member.entity != owner.entity)
    return pairs


OF_CUE = TABLE.structural["of_nesting"]


def _of_nesting(text: str, mentions: list[Mention], entities: dict[str, Entity]) -> list[tuple[Mention, Mention]]:
    """'the Political Bureau of the Taliban', 'the Kabul circle of the Taliban': a body of the group it names."""
    pairs: list[tuple[Mention, Mention]] = []
    for inner in mentions:
        if inner.how != "nested" or not _is_actor(entities[inner.entity]):
            continue
        for outer in mentions:
            if (
                outer.how != "nested"
                and outer.start < inner.start
                and outer.end == inner.end
                and _is_actor(entities[outer.entity])
                and "Government" not in entities[outer.entity].types
                and re.search(r"\bof\s+(?:the\s+)?$", text[outer.start : inner.start])
            ):
                pairs.append((outer, inner))
    return pairs


def _anti(text: str, mentions: list[Mention], entities: dict[str, Entity]) -> list[tuple[Mention, Mention]]:
    """'the anti-Taliban Northern Alliance': the group named after "anti-X" is hostile to X."""
    pairs: list[tuple[Mention, Mention]] = []
    for m in mentions:
        if not text[max(0, m.start - 5) : m.start].lower().endswith("anti-") or not _is_actor(entities[m.entity]):
            continue
        holder = next(
            (
                o
                for o in mentions
                if o is not m
                and _is_actor(entities[o.entity])
                and (
                    (o.start < m.start and m.end <= o.end)  # nested: one name
                    or (o.start > m.end and re.fullmatch(r"\s+(?:[a-z]+\s+)?", text[m.end : o.start]))
                )
            ),
            None,
        )
        if holder is not None:
            pairs.append((holder, m))
    return pairs


def _actor_mentions(mentions: list[Mention], entities: dict[str, Entity]) -> list[Mention]:
    """One actor per name span (the first that is an actor), leaving out names nested inside an actor's name."""
    chosen: dict[tuple[int, int], Mention] = {}
    for m in mentions:
        if (m.start, m.end) not in chosen and _is_actor(entities[m.entity]):
            chosen[(m.start, m.end)] = m
    outer = [m for m in chosen.values() if m.how != "nested"]
    return sorted(
        (
            m
            for m in chosen.values()
            if m.how != "nested" or not any(o.start <= m.start and m.end <= o.end for o in outer)
        ),
        key=lambda m: (m.start, m.end),
    )


def _is_place(entity: Entity) -> bool:
    return bool(set(entity.types) & PLACE_TYPES) and "State" not in entity.types


def _is_actor(entity: Entity) -> bool:
    types = set(entity.types)
    if types & NON_ACTOR_TYPES or _is_place(entity):
        return False
    return not any(t in EVENT_TYPES for t in types)


def _certainty(
    text: str, sentence: Sentence, cue_start: int, mentions: list[Mention], entities: dict[str, Entity]
) -> tuple[str, tuple[str, ...]]:
    """Certainty from negation and hedges; attribution from "according to X" and "X said"."""
    window = text[max(sentence.start, cue_start - 30) : cue_start]
    attributed: list[str] = []
    for match in re.finditer(r"\baccording\s+to\s+", sentence.text, re.I):
        at = sentence.start + match.end()
        source = next((m for m in mentions if m.start >= at and m.start - at <= 25), None)
        if source is not None:
            attributed.append(source.entity)
    for match in SAYING.finditer(sentence.text):
        at = sentence.start + match.start()
        source = next((m for m in reversed(mentions) if m.end <= at and at - m.end <= 25), None)
        if source is not None and source.entity not in attributed and _is_actor(entities[source.entity]):
            attributed.append(source.entity)
    if NEGATION.search(window):
        return "denied", tuple(attributed)
    for certainty, pattern in HEDGES:
        if pattern.search(sentence.text):
            return certainty, tuple(attributed)
    return ("reported" if attributed else "stated"), tuple(attributed)


def _time_qualifiers(sentence: str) -> dict[str, Any]:
    """at / start_time / end_time from years and month-years in the sentence."""
    span = re.search(rf"\b(?:between|from)\s+({YEAR})\s+(?:and|to|until|-|–)\s+({YEAR})\b", sentence)
    if span:
        return {"start_time": span.group(1), "end_time": span.group(2)}
    since = re.search(rf"\b(?:since|from|after|following)\s+(?:\w+\s+)?({YEAR})\b", sentence, re.I)
    until = re.search(rf"\b(?:until|till|before)\s+(?:\w+\s+)?({YEAR})\b", sentence, re.I)
    if since or until:
        found = {}
        if since:
            found["start_time"] = since.group(1)
        if until:
            found["end_time"] = until.group(1)
        return found
    decade = re.search(r"\b(?:the\s+)?(1[89]\d0|20\d0)s\b", sentence)
    if decade:
        return {"start_time": decade.group(1), "end_time": str(int(decade.group(1)) + 9)}
    month = re.search(rf"\b({'|'.join(MONTHS)})\s+({YEAR})\b", sentence, re.I)
    if month:
        return {"at": f"{month.group(2)}-{MONTHS[month.group(1).lower()]:02d}"}
    years = set(re.findall(rf"\b{YEAR}\b", sentence))
    if len(years) == 1:
        return {"at": years.pop()}
    return {}


def _quantity(text: str, obj: Mention) -> tuple[int | None, str | None]:
    """A number just before the object ("eight Iranian diplomats", "10 civilians")."""
    before = text[max(0, obj.start - 20) : obj.start]
    match = re.search(r"\b(\d[\d,]*|" + "|".join(NUMBER_WORDS) + r")\s+$", before, re.I)
    if not match:
        return None, None
    raw = match.group(1).lower().replace(",", "")
    value = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
    unit = obj.surface.split()[-1].lower()
    return value, unit


def _dedupe(proposals: list[Proposal]) -> list[Proposal]:
    """One proposal per (sentence, family, pair): the most confident cue wins."""
    return most_confident(proposals, by=lambda p: p.family)


def _within(mentions: list[Mention], starts: list[int], sentence: Sentence) -> list[Mention]:
    """The mentions inside a sentence, in order (mentions sorted by start; starts their start offsets).

    A binary search rather than a scan of every mention per sentence: that scan made ingest quadratic.
    """
    found = []
    for index in range(bisect.bisect_left(starts, sentence.start), len(mentions)):
        m = mentions[index]
        if m.start >= sentence.end:
            break
        if m.end <= sentence.end:
            found.append(m)
    return found
