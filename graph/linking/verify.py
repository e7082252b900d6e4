"""Checking the registry against Wikidata: does each QID's label and instance-of fit our entity?

``verify_links`` asks the Wikidata API for each QID's English label, aliases and instance-of
(P31) and reports mismatches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from actorgraph.graph.errors import LinkError
from actorgraph.graph.linking.registry import Link, corpus_links, entity_classes
from actorgraph.graph.linking.wikidata import WikidataClient, entity_aliases, entity_label, item_ids
from actorgraph.graph.model import Corpus, Entity

# Words that the English label of at least one P31 class should contain, by our ontology
# class (the most general ones are enough: subclasses inherit through entity_classes).
P31_WORDS: dict[str, tuple[str, ...]] = {
    "Person": ("human",),
    "State": ("state", "country"),
    "Country": ("state", "country"),
    "City": ("city", "capital", "metropolis", "municipality", "town", "megacity"),
    "Province": ("province", "region", "administrative", "division"),
    "District": ("district", "administrative"),
    "Region": ("region", "area"),
    "River": ("river", "watercourse", "stream"),
    "Organization": ("organization", "organisation", "group", "movement", "force", "agency", "service",
                     "alliance", "militia", "network", "government", "army", "military", "coalition", "party"),
    "Community": ("group", "people", "ethnic", "religio", "branch", "denomination", "community", "diaspora"),
    "Event": ("attack", "terror", "invasion", "war", "withdrawal", "agreement", "treaty", "event", "operation",
              "massacre", "killing", "conflict", "evacuation", "negotiation", "election", "protest"),
}  # fmt: skip


@dataclass
class VerifyResult:
    """What Wikidata says about one linked QID, and what does not match our registry."""

    entity: str
    qid: str
    label: str | None
    instance_of: list[tuple[str, str | None]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def line(self) -> str:
        classes = ", ".join(f"{label or '?'} ({qid})" for qid, label in self.instance_of) or "no P31"
        verdict = "ok" if self.ok else "MISMATCH: " + "; ".join(self.problems)
        return f"{self.entity:40s} {self.qid:11s} {self.label or '-'!s:35s} [{classes}] {verdict}"


def _norm(text: str) -> str:
    text = text.casefold().replace("\u2019", "'")
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"[^0-9a-z\u00c0-\uffff]+", "", text)


def verify_links(corpus: Corpus, client: WikidataClient, only: Iterable[str] | None = None) -> list[VerifyResult]:
    """Ask Wikidata for each linked QID's English label, aliases and P31, and compare.

    A QID mismatches when the item is missing or redirected, when neither its English label
    nor its aliases equal our label or one of our aliases, or when none of its P31 classes
    reads like our class (P31_WORDS). Raises WikidataUnavailable when offline, LinkError when an
    entity asked for has no QID.
    """
    links = {k: link for k, link in corpus_links(corpus).items() if link.wikidata}
    if only is not None:
        wanted = set(only)
        unknown = sorted(wanted - set(links))
        if unknown:
            raise LinkError(f"no checked Wikidata QID for {', '.join(unknown)} (see 'actorgraph link report')")
        links = {k: link for k, link in links.items() if k in wanted}
    entities = client.get_entities(
        [link.wikidata for link in links.values() if link.wikidata], "labels|aliases|claims", ["en"]
    )
    classes = sorted({c for e in entities.values() for c in item_ids(e, "P31")})
    class_labels, broader = class_hierarchy(client, classes)
    results = []
    for entity_id, link in links.items():
        assert link.wikidata is not None
        results.append(compare(corpus.entities[entity_id], link, entities[link.wikidata], class_labels, broader))
    return results


def class_hierarchy(client: WikidataClient, classes: list[str]) -> tuple[dict[str, str | None], dict[str, list[str]]]:
    """The English labels of instance-of classes, and of each one's direct superclasses (subclass of, P279).

    A class whose own label does not read like ours ("province of Afghanistan" does; "human settlement"
    might not) may still be a subclass of one that does: the class check reads both.
    """
    if not classes:
        return {}, {}
    found = client.get_entities(classes, "labels|claims", ["en"])
    labels = {qid: entity_label(e, "en") for qid, e in found.items()}
    parents = {qid: item_ids(e, "P279") for qid, e in found.items()}
    wanted = sorted({p for ps in parents.values() for p in ps} - set(labels))
    parent_labels = dict(labels)
    if wanted:
        parent_labels |= {
            qid: entity_label(e, "en") for qid, e in client.get_entities(wanted, "labels", ["en"]).items()
        }
    return labels, {qid: [parent_labels.get(p) or p for p in ps] for qid, ps in parents.items()}


def compare(
    entity: Entity,
    link: Link,
    data: Mapping[str, Any],
    class_labels: Mapping[str, str | None],
    broader: Mapping[str, list[str]] | None = None,
) -> VerifyResult:
    """What Wikidata's entity JSON says against our entity: missing, redirected, label, class.

    The class fits when the label of an instance-of class, or of one of its superclasses (broader), reads like ours.
    """
    qid = link.wikidata or ""
    result = VerifyResult(entity.id, qid, entity_label(data, "en"))
    if "missing" in data:
        result.problems.append(f"{qid} does not exist on Wikidata")
        return result
    if data.get("id") != qid:
        result.problems.append(f"{qid} redirects to {data.get('id')}: link the target instead")
    result.instance_of = [(c, class_labels.get(c)) for c in item_ids(data, "P31")]
    # Our label and aliases, plus the label the checking source showed (recorded in the registry).
    ours = {_norm(name) for name in (entity.label, *entity.aliases, *([link.label] if link.label else []))}
    names = [name for name in [result.label or "", *entity_aliases(data, "en")] if name]
    if not ours & {_norm(name) for name in names}:
        problem = _type_qualified_label(entity, ours, names, result.instance_of)
        if problem is not None:
            result.problems.append(problem)
    words = [w for c in sorted(entity_classes(entity)) for w in P31_WORDS.get(c, ())]
    labels = [(label or "").casefold() for _, label in result.instance_of]
    labels += [parent.casefold() for qid, _ in result.instance_of for parent in (broader or {}).get(qid, [])]
    if words and not any(w in label for w in words for label in labels):
        shown = ", ".join(label or qid for qid, label in result.instance_of) or "none"
        result.problems.append(f"instance of ({shown}) does not fit our class {'/'.join(entity.types)}")
    return result


# A class word a Wikidata label may carry ("Herat Province") that our labels leave to the type ("Herat").
TYPE_WORDS = {"province": "Province", "city": "City", "district": "District", "river": "River", "region": "Region"}


def _type_qualified_label(
    entity: Entity, ours: set[str], names: list[str], instance_of: list[tuple[str, str | None]]
) -> str | None:
    """None when a Wikidata name is ours plus a class word that our type and its instance-of both confirm.

    "Herat Province" is our Province "Herat" (its P31 reads "province"); it is not our City "Herat".
    Otherwise the label problem to report.
    """
    classes = entity_classes(entity)
    p31 = " ".join((label or "").casefold() for _, label in instance_of)
    for name in names:
        for word, cls in TYPE_WORDS.items():
            stripped = re.sub(rf"(^{word}\s+of\s+|\s+{word}$)", "", name, flags=re.IGNORECASE)
            if stripped == name or _norm(stripped) not in ours:
                continue
            if cls in classes and word in p31:
                return None
            return f"Wikidata's {name!r} is a {word}; ours ({entity.label!r}) is a {'/'.join(entity.types)}"
    return f"Wikidata's English label {names[0] if names else None!r} is none of ours ({entity.label!r} and aliases)"
