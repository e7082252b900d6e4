"""Quality and speed of the extractors (rules, parse) on the shipped documents and the held-out notes.

    .venv/bin/python benchmarks/extraction.py            # rules and parse: shipped, held-out, speed, one table
    .venv/bin/python benchmarks/extraction.py --errors   # also false positives and misses per document
    .venv/bin/python benchmarks/extraction.py --tune     # also the rules tuned on one document, scored on the other
    .venv/bin/python benchmarks/extraction.py --heldout DIR --extractors parse

Held-out notes (default ../shared/heldout/, when it exists) are scored against their .gold.yaml: entities
(known ones by any registry mention, new ones by a new-entity candidate with a matching name or alias),
relations by family (our predicates mapped onto the note's families, symmetric ones in either direction;
right when subject, object and family match a gold relation whose quote overlaps the proposal's sentence),
and attribution + certainty among the relations found. They are for measuring only: tune nothing to them.
Speed: the whole parse extraction against spaCy's bare pipeline on the same texts, in the same run.

Relations are compared by *family* (support, funding, arming, hosting, cooperation, hostility,
attacks, killings, meetings, negotiations, membership, leadership; graph.extract.families):
a proposal is right when a curated statement of the same family links the same two entities
(in either order for symmetric families) and its quote overlaps the proposal's sentence.
Curated events count as relations too: an attack's perpetrator and target (or victim), a
meeting's or negotiation's participants pairwise.

Entity mentions are compared per sentence, in sentences that carry a curated statement:
the gold mentions are the statements' participants (subject, object, place, attribution;
events left out, since events are described rather than named). Recall is given against the
participants that the sentence names with a registry label or alias ("named"), and against
all participants ("all", which includes pronouns like "the group" no mention finder can get).
Precision is a lower bound: a correct mention of an entity that no curated statement of that
sentence involves counts as wrong.

Tuning ("tuned on A, scored on B") is automatic and uses only document A: cues whose
precision on A is below 0.5 are switched off, and the confidence threshold and the look-around
distances that maximise F1 on A are kept. The cue lexicon itself was written by a person who
had read both documents, so the held-out numbers are held out from tuning, not from the author.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import spacy
import yaml

from actorgraph.graph.extract import get_extractor
from actorgraph.graph.extract.base import (
    EntityCandidate,
    ExtractionResult,
    Extractor,
    Mention,
    Proposal,
    most_confident,
)
from actorgraph.graph.extract.combine import keyed
from actorgraph.graph.extract.families import EVENT_FAMILIES, FAMILIES, SYMMETRIC, family_of
from actorgraph.graph.extract.mentions import name_key
from actorgraph.graph.extract.name_kinds import kind_of
from actorgraph.graph.extract.nlp import clear_parses, load_pipeline
from actorgraph.graph.extract.parse import ParseExtractor
from actorgraph.graph.extract.rules import EVENT_TYPES, RuleConfig, RuleExtractor
from actorgraph.graph.model import Corpus, Document, Entity
from actorgraph.graph.sentences import sentences
from actorgraph.graph.sources import load_corpus

Unit = tuple[str, str, str]  # family, entity a, entity b


@dataclass
class Score:
    """Counts behind precision and recall."""

    predicted: int = 0
    correct: int = 0  # predicted items that match the gold
    gold: int = 0
    found: int = 0  # gold items that some prediction matches

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.predicted += other.predicted
        self.correct += other.correct
        self.gold += other.gold
        self.found += other.found

    def row(self, name: str) -> str:
        return (
            f"  {name:14} P {self.precision:5.2f}  R {self.recall:5.2f}  F1 {self.f1:5.2f}"
            f"   ({self.correct}/{self.predicted} predicted right, {self.found}/{self.gold} gold found)"
        )


class Gold:
    """The curated statements of one document, by sentence."""

    def __init__(self, corpus: Corpus, doc: Document) -> None:
        self.doc = doc
        self.sentences = sentences(doc.text)
        self.starts = [s.start for s in self.sentences]
        statements = [s for s in corpus.statements if s.document == doc.id and not s.candidate]
        self.relations: dict[Unit, set[int]] = defaultdict(set)
        # How the text makes each claim: (sentences, certainty, attributed_to) per unit.
        self.claims: dict[Unit, list[tuple[set[int], str, frozenset[str]]]] = defaultdict(list)
        for s in statements:
            family = family_of(s.predicate)
            if family and s.object:
                sids = self.sentence_ids(s.evidence.start, s.evidence.end)
                unit = _unit(family, s.subject, s.object)
                self.relations[unit] |= sids
                self.claims[unit].append((sids, s.certainty, frozenset(s.attributed_to)))
        self._events(corpus, statements)
        self.participants: dict[int, set[str]] = defaultdict(set)
        for s in statements:
            names = [s.subject, s.object, s.place, *s.attributed_to]
            for sid in self.sentence_ids(s.evidence.start, s.evidence.end):
                for name in names:
                    if name and not set(corpus.entities[name].types) & EVENT_TYPES:
                        self.participants[sid].add(name)
        self.named: dict[int, set[str]] = {
            sid: {e for e in ents if _named(self.sentences[sid].text, corpus, e)}
            for sid, ents in self.participants.items()
        }

    def _events(self, corpus: Corpus, statements: list) -> None:  # type: ignore[type-arg]
        roles: dict[str, dict[str, list[tuple[str, set[int]]]]] = defaultdict(lambda: defaultdict(list))
        for s in statements:
            if s.predicate in ("perpetrator", "target", "victim", "participant") and s.object:
                sids = self.sentence_ids(s.evidence.start, s.evidence.end)
                roles[s.subject][s.predicate].append((s.object, sids))
        for event, by_role in roles.items():
            kinds = [EVENT_FAMILIES[t] for t in corpus.entities[event].types if t in EVENT_FAMILIES]
            if not kinds:
                continue
            family = kinds[0]
            if family in ("attacks", "killings"):
                for (a, sa), (b, sb) in itertools.product(
                    by_role["perpetrator"], by_role["target"] + by_role["victim"]
                ):
                    self.relations[_unit(family, a, b)] |= sa | sb
            else:
                for (a, sa), (b, sb) in itertools.combinations(by_role["participant"], 2):
                    if a != b:
                        self.relations[_unit(family, a, b)] |= sa | sb

    def sentence_ids(self, start: int, end: int) -> set[int]:
        return {i for i, s in enumerate(self.sentences) if s.start < end and start < s.end}


def _unit(family: str, a: str, b: str) -> Unit:
    if family in SYMMETRIC and b < a:
        a, b = b, a
    return family, a, b


def _named(sentence: str, corpus: Corpus, entity: str) -> bool:
    e = corpus.entities[entity]
    return any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", sentence, re.I) for n in (e.label, *e.aliases))


def score_relations(gold: Gold, proposals: list[Proposal]) -> dict[str, Score]:
    """Per family (and 'overall'): precision and recall of proposals against the gold."""
    predicted: set[tuple[Unit, int]] = set()
    for p in proposals:
        if p.family and p.start is not None:
            for sid in gold.sentence_ids(p.start, p.start + len(p.quote)):
                predicted.add((_unit(p.family, p.subject, p.object), sid))
    scores: dict[str, Score] = {family: Score() for family in FAMILIES}
    for unit, sid in predicted:
        score = scores[unit[0]]
        score.predicted += 1
        score.correct += sid in gold.relations.get(unit, set())
    for unit, sids in gold.relations.items():
        score = scores[unit[0]]
        score.gold += 1
        score.found += any((unit, sid) in predicted for sid in sids)
    overall = Score()
    for s in scores.values():
        overall.add(s)
    scores["overall"] = overall
    return scores


def score_mentions(gold: Gold, mentions: list, corpus: Corpus) -> dict[str, Score]:  # type: ignore[type-arg]
    """Sentence-level mentions against the curated participants (named and all); events left out on both sides."""
    predicted: dict[int, set[str]] = defaultdict(set)
    for m in mentions:
        if set(corpus.entities[m.entity].types) & EVENT_TYPES:
            continue
        for sid in gold.sentence_ids(m.start, m.end):
            if sid in gold.participants:
                predicted[sid].add(m.entity)
    result = {}
    for name, truth in (("named", gold.named), ("all", gold.participants)):
        score = Score()
        for sid, ents in predicted.items():
            score.predicted += len(ents)
            score.correct += len(ents & gold.participants[sid])
        for sid, ents in truth.items():
            score.gold += len(ents)
            score.found += len(ents & predicted.get(sid, set()))
        result[name] = score
    return result


def reachable(gold: Gold, mentions: list) -> int:  # type: ignore[type-arg]
    """Gold relation units whose two entities are both named in one of their sentences (a ceiling for rules)."""
    named: dict[int, set[str]] = defaultdict(set)
    for m in mentions:
        for sid in gold.sentence_ids(m.start, m.end):
            named[sid].add(m.entity)
    return sum(
        1 for (_family, a, b), sids in gold.relations.items() if any({a, b} <= named.get(sid, set()) for sid in sids)
    )


def run(corpus: Corpus, doc: Document, config: RuleConfig) -> tuple[list[Proposal], list]:  # type: ignore[type-arg]
    result = RuleExtractor(config).extract(doc.text, corpus.entities)
    return result.proposals, result.mentions


def tune(corpus: Corpus, gold: Gold) -> RuleConfig:
    """Choose cues, distances and a confidence threshold on one document only."""
    best: tuple[float, RuleConfig] | None = None
    for before, after in itertools.product((60, 120), (40, 90)):
        config = RuleConfig(max_before=before, max_after=after)
        proposals, _ = run(corpus, gold.doc, config)
        per_cue: dict[str, Score] = defaultdict(Score)
        for p in proposals:
            one = score_relations(gold, [p])["overall"]
            per_cue[p.cue or "?"].predicted += 1
            per_cue[p.cue or "?"].correct += one.correct > 0
        disabled = frozenset(c for c, s in per_cue.items() if s.precision < 0.5)
        kept = [p for p in proposals if p.cue not in disabled]
        for threshold in (0.0, 0.4, 0.5, 0.55, 0.6, 0.65):
            f1 = score_relations(gold, [p for p in kept if p.confidence >= threshold])["overall"].f1
            candidate = replace(config, disabled=disabled, min_confidence=threshold)
            if best is None or f1 > best[0]:
                best = (f1, candidate)
    assert best is not None
    return best[1]


def report(title: str, rel: dict[str, Score], men: dict[str, Score] | None = None) -> None:
    print(f"\n{title}")
    if men:
        print(men["named"].row("mentions/named"))
        print(men["all"].row("mentions/all"))
    for family in (*FAMILIES, "overall"):
        score = rel[family]
        if score.predicted or score.gold:
            print(score.row(family))


def errors(gold: Gold, proposals: list[Proposal]) -> None:
    """False positives and misses, to improve the rules."""
    for p in proposals:
        one = score_relations(gold, [p])["overall"]
        if p.family and not one.correct:
            print(f"  FP {p.family:12} {p.subject} {p.predicate} {p.object} [{p.cue}] {p.quote[:90]!r}")
    predicted = score_relations(gold, proposals)
    del predicted
    found = {
        (_unit(p.family, p.subject, p.object), sid)
        for p in proposals
        if p.family and p.start is not None
        for sid in gold.sentence_ids(p.start, p.start + len(p.quote))
    }
    for unit, sids in sorted(gold.relations.items()):
        if not any((unit, sid) in found for sid in sids):
            sid = min(sids)
            print(f"  MISS {unit[0]:12} {unit[1]} {unit[2]}  {gold.sentences[sid].text[:100]!r}")


def claims_right(gold: Gold, proposals: list[Proposal]) -> Score:
    """Among proposals that match a gold unit: is the certainty and the attribution the gold's? (correct/predicted)."""
    score = Score()
    for p in proposals:
        if not p.family or p.start is None:
            continue
        unit = _unit(p.family, p.subject, p.object)
        sids = gold.sentence_ids(p.start, p.start + len(p.quote))
        claims = [c for c in gold.claims.get(unit, []) if c[0] & sids]
        if not claims and not any(sid in gold.relations.get(unit, set()) for sid in sids):
            continue
        score.predicted += 1
        score.correct += any(p.certainty == cert and frozenset(p.attributed_to) == attr for _s, cert, attr in claims)
    return score


def verbatim(text: str, proposals: list[Proposal]) -> tuple[int, int]:
    """(proposals whose quote is at its offsets in the text, all proposals)."""
    ok = sum(1 for p in proposals if p.start is not None and text[p.start : p.start + len(p.quote)] == p.quote)
    return ok, len(proposals)


def coarse(kind_class: str) -> str:
    return kind_of((kind_class,))


def new_entity_recall(corpus: Corpus, gold: Gold, extractor: Extractor) -> tuple[Score, Score]:
    """The document read with an EMPTY registry: are its curated participants proposed as new entities, and typed right?

    Gold: the actors and places of the document's curated statements that the text names by their label or an
    alias. Found: a new-entity candidate whose name or alias has the same token key as one of those names.
    """
    result = extractor.extract(gold.doc.text, {})
    keys: dict[tuple[str, ...], str] = {}
    for c in result.new_entities:
        for name in (c.name, *c.aliases):
            keys.setdefault(name_key(name), c.suggested_type)
    found, typed = Score(), Score()
    participants = {e for ents in gold.named.values() for e in ents}
    for entity_id in sorted(participants):
        entity = corpus.entities[entity_id]
        if kind_of(entity.types) in ("other", "event"):
            continue
        found.gold += 1
        hit = next((keys[k] for k in (name_key(n) for n in (entity.label, *entity.aliases)) if k in keys), None)
        if hit is not None:
            found.found += 1
            typed.gold += 1
            typed.found += coarse(hit) == kind_of(entity.types)
    return found, typed


def new_entity_errors(corpus: Corpus, gold: Gold, extractor: Extractor) -> None:
    """--errors: the curated participants new_entity_recall misses (MISS) or types wrong (TYPE), with the spellings
    of them that the document's text contains."""
    result = extractor.extract(gold.doc.text, {})
    keys: dict[tuple[str, ...], EntityCandidate] = {}
    for c in result.new_entities:
        for name in (c.name, *c.aliases):
            keys.setdefault(name_key(name), c)
    for entity_id in sorted({e for ents in gold.named.values() for e in ents}):
        entity = corpus.entities[entity_id]
        kind = kind_of(entity.types)
        if kind in ("other", "event"):
            continue
        names = (entity.label, *entity.aliases)
        hit = next((keys[k] for k in (name_key(n) for n in names) if k in keys), None)
        if hit is None:
            spelled = [n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", gold.doc.text, re.I)]
            print(f"  new-entity MISS {entity_id} ({kind}): text has {spelled}")
        elif coarse(hit.suggested_type) != kind:
            print(f"  new-entity TYPE {entity_id} ({kind}): proposed {hit.name!r} as {hit.suggested_type}")


# ---------------------------------------------------------------------------- the held-out note

HELDOUT_FAMILIES: dict[str, str] = {
    **dict.fromkeys(("supports", "sponsors", "funds", "arms", "trains", "hosts", "facilitates", "directs"), "supports"),
    **dict.fromkeys(("alliedWith", "cooperatesWith", "rapprochementWith"), "allied_with"),
    **dict.fromkeys(("hostileTo", "rivalOf"), "hostile_to"),
    **dict.fromkeys(("attacks", "targets"), "attacked"),
    "kills": "killed",
    **dict.fromkeys(("negotiatesWith", "meetsWith", "engagesWith"), "negotiated_with/met_with"),
    **dict.fromkeys(("leaderOf", "memberOf", "officialOf"), "leader_of/member_of/official_of"),
    **dict.fromkeys(("affiliateOf", "branchOf", "partOf"), "affiliate_of/part_of"),
    "proxyOf": "proxy_of",
    **dict.fromkeys(("locatedIn", "basedIn"), "located_in"),
}
HELDOUT_SYMMETRIC = frozenset({"allied_with", "hostile_to", "negotiated_with/met_with", "agreement"})


@dataclass
class HeldoutScores:
    known: Score
    new: Score
    relations: Score
    claims: Score
    verbatim: tuple[int, int]
    types: dict[str, str]
    typed: Score  # new entities found whose suggested class has a coarse kind the gold's `kind` allows


def heldout_dir(arg: str | None) -> Path | None:
    path = Path(arg) if arg else Path(__file__).resolve().parents[2] / "shared" / "heldout"
    return path if path.is_dir() else None


def score_heldout(folder: Path, corpus: Corpus, extractor: Extractor, *, show: bool = False) -> list[HeldoutScores]:
    """Every note in the folder with a .gold.yaml beside it (measure only: never tune to these sentences)."""
    results = []
    for gold_path in sorted(folder.glob("*.gold.yaml")):
        text = gold_path.with_name(gold_path.name.replace(".gold.yaml", ".txt")).read_text(encoding="utf-8")
        gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
        results.append(_score_note(text, gold, corpus, extractor, show=show))
    return results


def _score_note(text: str, gold: dict, corpus: Corpus, extractor: Extractor, *, show: bool) -> HeldoutScores:  # type: ignore[type-arg]
    result = extractor.extract(text, corpus.entities)
    names = {g["name"]: {name_key(a) for a in (g["name"], *g.get("aliases", ()))} for g in gold["entities"]}

    def gold_name(key: str) -> str | None:
        if key.startswith("new:"):
            cand = next((c for c in result.new_entities if c.key == key), None)
            spellings = [cand.name, *cand.aliases] if cand else []
        else:
            e = corpus.entities.get(key)
            spellings = [e.label, *e.aliases, *e.metonyms] if e else []
        return gold_of(spellings)

    def gold_of(spellings: list[str]) -> str | None:
        found = {name_key(n) for n in spellings}
        found |= {(*k[:-1], k[-1].removesuffix("s")) for k in found if k}
        return next((g for g, keys in names.items() if keys & found), None)

    known, new = Score(), Score()
    mentioned = {gold_name(m.entity) for m in result.mentions}
    proposed: dict[str | None, str] = {}
    for c in result.new_entities:  # the most mentioned candidate of a name comes first: its type is the one judged
        proposed.setdefault(gold_of([c.name, *c.aliases]), c.suggested_type)
    types: dict[str, str] = {}
    typed = Score()
    for g in gold["entities"]:
        score = known if g.get("known") else new
        score.gold += 1
        hit = g["name"] in mentioned or g["name"] in proposed
        score.found += hit
        if not g.get("known"):
            types[g["name"]] = proposed.get(g["name"], "-")
            if g.get("kind") and g["name"] in proposed:
                typed.gold += 1
                right = coarse(proposed[g["name"]]) in gold_kinds(g["kind"])
                typed.found += right
                if show and not right:
                    print(f"  new-entity TYPE {g['name']} ({g['kind']}): proposed as {proposed[g['name']]}")
    relations, claims = Score(), Score()
    spans = {r["id"]: _locate(text, r["quote"]) for r in gold["relations"]}
    found_ids: set[str] = set()
    for p in result.proposals:
        family = HELDOUT_FAMILIES.get(p.predicate)
        if family is None or p.start is None:
            continue
        relations.predicted += 1
        s, o = gold_name(p.subject), gold_name(p.object)
        matches = [
            r
            for r in gold["relations"]
            if r["family"] == family
            and ((r["s"], r["o"]) == (s, o) or (family in HELDOUT_SYMMETRIC and (r["o"], r["s"]) == (s, o)))
            and spans[r["id"]][0] < p.start + len(p.quote)
            and p.start < spans[r["id"]][1]
        ]
        relations.correct += bool(matches)
        if matches:
            found_ids.update(r["id"] for r in matches)
            claims.predicted += 1
            attributed = {gold_name(a) for a in p.attributed_to}
            claims.correct += any(
                p.certainty == r.get("certainty", "stated")
                and attributed == ({r["attributed_to"]} if r.get("attributed_to") else set())
                for r in matches
            )
        if show:
            print(f"  {'OK' if matches else 'FP'} {family:32} {s} -> {o}  [{p.cue}] {p.certainty} {p.attributed_to}")
    relations.gold = len(gold["relations"])
    relations.found = len(found_ids)
    if show:
        for r in gold["relations"]:
            if r["id"] not in found_ids:
                print(f"  MISS {r['id']} {r['family']:32} {r['s']} -> {r['o']}")
    return HeldoutScores(known, new, relations, claims, verbatim(text, result.proposals), types, typed)


def gold_kinds(kind: str | list[str]) -> set[str]:
    """The coarse kinds a gold entity may have: one (`kind: state`) or several (`kind: [organ, group]`, for a name
    an analyst could file either way, like an army that is a state's and a faction's)."""
    return {kind} if isinstance(kind, str) else set(kind)


def _locate(text: str, quote: str) -> tuple[int, int]:
    start = text.find(quote)
    return (start, start + len(quote)) if start >= 0 else (-1, -1)


# ---------------------------------------------------------------------------- combined extractors


class Union:
    """Several extractors on one text, as `actorgraph ingest --extractor parse,rules` runs them.

    New-entity keys are shared, mentions and new entities merged, and of the proposals saying the
    same thing (sentence, family, pair) the most confident is kept, like ingest's combine step.
    """

    def __init__(self, names: list[str]) -> None:
        self.parts = [get_extractor(n) for n in names]
        self.name = ",".join(names)
        self.version = "+".join(p.version for p in self.parts)

    def extract(self, text: str, entities: dict[str, Entity]) -> ExtractionResult:
        taken: dict[str, str] = {}
        merged = ExtractionResult(extractor=self.name)
        mentions: dict[tuple[str, int, int], Mention] = {}
        news: dict[str, EntityCandidate] = {}
        proposals: list[Proposal] = []
        for part in self.parts:
            result = keyed(part.extract(text, entities), taken)
            mentions.update({(m.entity, m.start, m.end): m for m in result.mentions})
            news.update({c.key: c for c in result.new_entities if c.key not in news})
            proposals += result.proposals
        merged.mentions = sorted(mentions.values(), key=lambda m: (m.start, m.end))
        merged.new_entities = list(news.values())
        merged.proposals = most_confident(proposals, by=lambda p: p.family or family_of(p.predicate) or p.predicate)
        return merged


def extractor_named(name: str) -> Extractor:
    """An extractor by its registry name, or several joined with "+" (run as ingest combines them)."""
    names = name.split("+")
    return get_extractor(name) if len(names) == 1 else Union(names)  # type: ignore[return-value]


# ---------------------------------------------------------------------------- speed


def speed(texts: list[str], extractor: Extractor, model: str, corpus: Corpus, repeat: int = 3) -> tuple[float, float]:
    """Words per second of the bare spaCy pipeline and of the whole extraction (parse cache cleared), best of repeat."""
    nlp = spacy.load(model)  # the bare pipeline, without the extractor's line-break component
    load_pipeline(model)  # loaded before timing, as a long-running ingest has it
    words = sum(sum(1 for t in nlp.make_doc(text) if not (t.is_punct or t.is_space)) for text in texts)
    bare = whole = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for text in texts:
            nlp(text)
        bare = min(bare, time.perf_counter() - started)
        clear_parses()
        started = time.perf_counter()
        for text in texts:
            extractor.extract(text, corpus.entities)
        whole = min(whole, time.perf_counter() - started)
    return words / bare, words / whole


# ---------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list false positives and misses")
    parser.add_argument(
        "--extractors",
        default="rules,parse,parse+rules",
        help="comma-separated extractors to score; a+b runs both as ingest combines them (ingest default: parse+rules)",
    )
    parser.add_argument("--heldout", default=None, help="folder of held-out notes (default ../shared/heldout)")
    parser.add_argument("--tune", action="store_true", help="also the rules' tuned-on-one-document experiment")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    corpus = load_corpus()
    golds = {doc_id: Gold(corpus, doc) for doc_id, doc in corpus.documents.items()}
    total_statements = sum(1 for s in corpus.statements if not s.candidate)
    print(f"curated: {total_statements} statements in {len(golds)} documents; gold relation units per document: "
          + ", ".join(f"{d}={len(g.relations)}" for d, g in golds.items()))  # fmt: skip
    table: dict[str, dict[str, str]] = {}
    folder = heldout_dir(args.heldout)
    for name in args.extractors.split(","):
        extractor = extractor_named(name)
        table[name] = _shipped(name, extractor, corpus, golds, show=args.errors)
        if folder is not None:
            table[name].update(_heldout(name, folder, extractor, corpus, show=args.errors))
    parse_extractor = get_extractor("parse")
    assert isinstance(parse_extractor, ParseExtractor)
    texts = [g.doc.text for g in golds.values()]
    if folder is not None:
        texts += [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    bare, whole = speed(texts, parse_extractor, parse_extractor.model, corpus)
    print(f"\nspeed on {len(texts)} texts: bare spaCy {bare:,.0f} words/s, whole parse extraction {whole:,.0f} words/s"
          f" = {whole / bare:.2f}x")  # fmt: skip
    _print_table(table)
    if args.tune:
        _tuning(corpus, golds)
    print(f"\n({time.perf_counter() - started:.1f} s)")
    return 0


def _shipped(name: str, extractor: Extractor, corpus: Corpus, golds: dict[str, Gold], *, show: bool) -> dict[str, str]:
    rel, men, claim, new, typed = Score(), Score(), Score(), Score(), Score()
    ok = total = ceiling = 0
    for doc_id, gold in golds.items():
        result = extractor.extract(gold.doc.text, corpus.entities)
        scores = score_relations(gold, result.proposals)
        report(f"{name} on {doc_id} (shipped)", scores, score_mentions(gold, result.mentions, corpus))
        rel.add(scores["overall"])
        ceiling += reachable(gold, result.mentions)
        men.add(score_mentions(gold, result.mentions, corpus)["named"])
        claim.add(claims_right(gold, result.proposals))
        a, b = verbatim(gold.doc.text, result.proposals)
        ok, total = ok + a, total + b
        found, right = new_entity_recall(corpus, gold, extractor)
        new.add(found)
        typed.add(right)
        if show:
            errors(gold, result.proposals)
            new_entity_errors(corpus, gold, extractor)
    return {
        "shipped known-entity recall": f"{men.recall:.2f} ({men.found}/{men.gold})",
        "shipped new-entity recall (empty registry)": f"{new.recall:.2f} ({new.found}/{new.gold})",
        "shipped new-entity right type": f"{typed.recall:.2f} ({typed.found}/{typed.gold})",
        "shipped relation recall": f"{rel.recall:.2f} ({rel.found}/{rel.gold})",
        "shipped relation recall, units naming both in one sentence": _ratio(
            rel.found / ceiling if ceiling else 0.0, rel.found, ceiling
        ),
        "shipped relation precision": f"{rel.precision:.2f} ({rel.correct}/{rel.predicted})",
        "shipped attribution+certainty": f"{claim.precision:.2f} ({claim.correct}/{claim.predicted})",
        "shipped quotes verbatim": f"{ok}/{total}",
    }


def _heldout(name: str, folder: Path, extractor: Extractor, corpus: Corpus, *, show: bool) -> dict[str, str]:
    """The held-out rows of the table, summed over every note in the folder (one line per note printed too)."""
    print(f"\n{name} on the held-out notes in {folder}")
    known, new, relations, claims, typed = Score(), Score(), Score(), Score(), Score()
    ok = total = 0
    for h, note in zip(score_heldout(folder, corpus, extractor, show=show), _notes(folder), strict=True):
        print(f"  {note}: relations R {h.relations.recall:.2f} ({h.relations.found}/{h.relations.gold})"
              f" P {h.relations.precision:.2f} ({h.relations.correct}/{h.relations.predicted})"
              f"{f'; new-entity type {h.typed.found}/{h.typed.gold}' if h.typed.gold else ''}")  # fmt: skip
        known.add(h.known)
        new.add(h.new)
        relations.add(h.relations)
        claims.add(h.claims)
        typed.add(h.typed)
        ok, total = ok + h.verbatim[0], total + h.verbatim[1]
        if show:
            print("  suggested types of the new entities: " + ", ".join(f"{k}={v}" for k, v in h.types.items()))
    return {
        "held-out known-entity recall": f"{known.recall:.2f} ({known.found}/{known.gold})",
        "held-out new-entity recall": f"{new.recall:.2f} ({new.found}/{new.gold})",
        # only notes whose gold gives each new entity its `kind` count (the shared held-out note's gold has none)
        "held-out new-entity right type": _ratio(typed.recall, typed.found, typed.gold) if typed.gold else "n/a",
        "held-out relation recall": f"{relations.recall:.2f} ({relations.found}/{relations.gold})",
        "held-out relation precision": _ratio(relations.precision, relations.correct, relations.predicted),
        "held-out attribution+certainty": f"{claims.precision:.2f} ({claims.correct}/{claims.predicted})",
        "held-out quotes verbatim": f"{ok}/{total}",
    }


def _notes(folder: Path) -> list[str]:
    return [p.name.removesuffix(".gold.yaml") for p in sorted(folder.glob("*.gold.yaml"))]


def _ratio(value: float, part: int, whole: int) -> str:
    return f"{value:.2f} ({part}/{whole})"


def _print_table(table: dict[str, dict[str, str]]) -> None:
    names = list(table)
    rows = list(dict.fromkeys(r for t in table.values() for r in t))
    print("\n| measure | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for row in rows:
        print(f"| {row} | " + " | ".join(table[n].get(row, "") for n in names) + " |")


def _tuning(corpus: Corpus, golds: dict[str, Gold]) -> None:
    for tuned_on, scored_on in itertools.permutations(golds, 2):
        config = tune(corpus, golds[tuned_on])
        proposals, _ = run(corpus, golds[scored_on].doc, config)
        train, _ = run(corpus, golds[tuned_on].doc, config)
        print(f"\ntuned on {tuned_on}: threshold {config.min_confidence}, look-around {config.max_before}/"
              f"{config.max_after}, cues off: {', '.join(sorted(config.disabled)) or 'none'}")  # fmt: skip
        print(score_relations(golds[tuned_on], train)["overall"].row("on tuning doc"))
        report(f"tuned on {tuned_on}, scored on {scored_on} (held out)", score_relations(golds[scored_on], proposals))


if __name__ == "__main__":
    sys.exit(main())
