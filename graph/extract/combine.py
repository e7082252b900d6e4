"""Several extractors on one document: one set of new-entity keys, one candidate per relation.

Each extractor names its new entities by a key ("new:<slug>"); two extractors that found the
same name get the key of the first, and the second's proposals are rewritten to it. After
verification, proposals of different extractors that say the same thing (same subject,
relation family, object, overlapping evidence) are one candidate: the most confident.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from actorgraph.graph.extract.base import EntityCandidate, ExtractionResult, Mention, Proposal
from actorgraph.graph.extract.families import SYMMETRIC, family_of
from actorgraph.graph.extract.verify import Verified
from actorgraph.graph.sources import new_entity_key


@dataclass
class Combined:
    """Mentions, new entities and verified proposals (each with its extractor) of several extractors."""

    extractor: str
    mentions: list[Mention] = field(default_factory=list)
    new_entities: list[EntityCandidate] = field(default_factory=list)
    verified: list[tuple[Verified, str]] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)


def keyed(result: ExtractionResult, taken: dict[str, str]) -> ExtractionResult:
    """The result with every new entity keyed; a name already keyed (taken: folded name -> key) reuses it."""
    renamed: dict[str, str] = {}
    entities: list[EntityCandidate] = []
    used = set(taken.values())
    for candidate in result.new_entities:
        folded = candidate.name.casefold()
        key = taken.get(folded) or candidate.key or new_entity_key(candidate.name)
        if folded not in taken:
            base, n = key, 2
            while key in used:  # two names with one slug ("Al Noor", "Al-Noor" aside): keep both apart
                key, n = f"{base}-{n}", n + 1
            taken[folded] = key
            used.add(key)
        if candidate.key and candidate.key != key:
            renamed[candidate.key] = key
        entities.append(replace(candidate, key=key))
    proposals = [_renamed(p, renamed) for p in result.proposals] if renamed else result.proposals
    mentions = [replace(m, entity=renamed.get(m.entity, m.entity)) for m in result.mentions]
    return replace(result, new_entities=entities, proposals=proposals, mentions=mentions)


def _renamed(p: Proposal, renamed: dict[str, str]) -> Proposal:
    return replace(
        p,
        subject=renamed.get(p.subject, p.subject),
        object=renamed.get(p.object, p.object),
        attributed_to=tuple(renamed.get(a, a) for a in p.attributed_to),
        place=renamed.get(p.place, p.place) if p.place else None,
    )


def combine(runs: list[tuple[ExtractionResult, list[Verified]]]) -> Combined:
    """One result from several (each already keyed with one shared table, and verified)."""
    combined = Combined(extractor=" + ".join(result.extractor for result, _ in runs))
    seen_mentions: set[tuple[str, int, int]] = set()
    seen_entities: dict[str, int] = {}
    for result, verified in runs:
        for m in result.mentions:
            if (m.entity, m.start, m.end) not in seen_mentions:
                seen_mentions.add((m.entity, m.start, m.end))
                combined.mentions.append(m)
        for c in result.new_entities:
            if c.key in seen_entities:
                index = seen_entities[c.key]
                old = combined.new_entities[index]
                aliases = tuple(dict.fromkeys((*old.aliases, *c.aliases)))
                combined.new_entities[index] = replace(
                    old, aliases=aliases, count=max(old.count, c.count), confidence=max(old.confidence, c.confidence)
                )
            else:
                seen_entities[c.key] = len(combined.new_entities)
                combined.new_entities.append(c)
        for reason, count in result.dropped.items():
            combined.dropped[reason] = combined.dropped.get(reason, 0) + count
        combined.verified.extend((item, result.extractor) for item in verified)
    before = len(combined.verified)
    combined.verified = deduplicated(combined.verified)
    if len(combined.verified) < before:
        combined.dropped["same as another extractor's"] = before - len(combined.verified)
    combined.mentions.sort(key=lambda m: (m.start, m.end))
    return combined


def _relation_key(p: Proposal) -> tuple[str, ...]:
    family = p.family or family_of(p.predicate) or p.predicate
    pair = (p.subject, p.object)
    if family in SYMMETRIC:
        pair = (min(pair), max(pair))
    return (family, *pair)


def deduplicated(items: list[tuple[Verified, str]]) -> list[tuple[Verified, str]]:
    """Drop a proposal that says what a more confident one says with overlapping evidence.

    Proposals are grouped by (family, subject, object), so the overlap test runs within a group only.
    """
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, (item, _) in enumerate(items):
        groups.setdefault(_relation_key(item.proposal), []).append(index)
    keep = set(range(len(items)))
    for members in groups.values():
        ranked = sorted(members, key=lambda i: (-items[i][0].proposal.confidence, i))
        kept: list[Verified] = []
        for i in ranked:
            item = items[i][0]
            if any(item.start < other.end and other.start < item.end for other in kept):
                keep.discard(i)
            else:
                kept.append(item)
    return [items[i] for i in sorted(keep)]
