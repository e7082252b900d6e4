"""Quality of the default (rule-based) extractor against the curated statements of both documents.

    .venv/bin/python benchmarks/extraction.py            # default rules, then tuned on one, scored on the other
    .venv/bin/python benchmarks/extraction.py --errors   # also list false positives and misses per document

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

from actorgraph.graph.extract.base import Proposal
from actorgraph.graph.extract.families import EVENT_FAMILIES, FAMILIES, SYMMETRIC, family_of
from actorgraph.graph.extract.rules import EVENT_TYPES, RuleConfig, RuleExtractor
from actorgraph.graph.model import Corpus, Document
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
        for s in statements:
            family = family_of(s.predicate)
            if family and s.object:
                self.relations[_unit(family, s.subject, s.object)] |= self.sentence_ids(
                    s.evidence.start, s.evidence.end
                )
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list false positives and misses")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    corpus = load_corpus()
    golds = {doc_id: Gold(corpus, doc) for doc_id, doc in corpus.documents.items()}
    total_statements = sum(1 for s in corpus.statements if not s.candidate)
    print(f"curated: {total_statements} statements in {len(golds)} documents; gold relation units per document: "
          + ", ".join(f"{d}={len(g.relations)}" for d, g in golds.items()))  # fmt: skip
    default = RuleConfig()
    overall_rel: dict[str, Score] = defaultdict(Score)
    overall_men: dict[str, Score] = defaultdict(Score)
    for doc_id, gold in golds.items():
        proposals, mentions = run(corpus, gold.doc, default)
        rel, men = score_relations(gold, proposals), score_mentions(gold, mentions, corpus)
        report(f"default rules on {doc_id}", rel, men)
        ceiling = reachable(gold, mentions)
        print(f"  ({ceiling} of {len(gold.relations)} gold relation units name both entities in one sentence; "
              f"recall against those: {rel['overall'].found / ceiling if ceiling else 0:.2f})")  # fmt: skip
        for k, v in rel.items():
            overall_rel[k].add(v)
        for k, v in men.items():
            overall_men[k].add(v)
        if args.errors:
            errors(gold, proposals)
    report("default rules, both documents", overall_rel, overall_men)
    for tuned_on, scored_on in itertools.permutations(golds, 2):
        config = tune(corpus, golds[tuned_on])
        proposals, _ = run(corpus, golds[scored_on].doc, config)
        train, _ = run(corpus, golds[tuned_on].doc, config)
        print(f"\ntuned on {tuned_on}: threshold {config.min_confidence}, look-around {config.max_before}/"
              f"{config.max_after}, cues off: {', '.join(sorted(config.disabled)) or 'none'}")  # fmt: skip
        print(score_relations(golds[tuned_on], train)["overall"].row("on tuning doc"))
        report(f"tuned on {tuned_on}, scored on {scored_on} (held out)", score_relations(golds[scored_on], proposals))
    print(f"\n({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
