"""The link registry: checked external identifiers per entity, and the links graph compiled from it.

The registry (``graph/data/links.yaml``) gives, per entity id, a Wikidata QID, a DBpedia
resource and, for places, a GeoNames id, each with ``checked``: the public pages that pair
the identifier with the entity's label, what they said, and the date. The build compiles
it into the graph ``…/graph/links`` as ``skos:exactMatch`` (never ``owl:sameAs``: Wikidata's
claims must not merge into ours) plus the QID as a plain literal (``ag:wikidataId "Q794"``).

Raises LinkError (graph/errors.py) when the registry is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from actorgraph.graph.errors import LinkError
from actorgraph.graph.model import Corpus, Entity
from actorgraph.ontology import load_ontology
from actorgraph.ontology import vocab as v

Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef]

WIKIDATA_ENTITY = v.WD
DBPEDIA_RESOURCE = "http://dbpedia.org/resource/"
GEONAMES_FEATURE = "https://sws.geonames.org/"

QID_PATTERN = re.compile(r"^Q[1-9][0-9]*$")
GEONAMES_PATTERN = re.compile(r"^[1-9][0-9]*$")
IDENTIFIERS = ("wikidata", "dbpedia", "geonames")
ENTRY_KEYS = {"id", "checked", "unlinked", "note", "label", "reconciled", "rejected", *IDENTIFIERS}
CHECK_KEYS = {"source", "said", "covers", "date"}


@dataclass(frozen=True)
class Check:
    """One verification: a public source pairing identifier(s) with the entity's label."""

    source: str
    said: str
    covers: tuple[str, ...]
    date: str


@dataclass(frozen=True)
class Link:
    """The external identifiers of one entity, each covered by at least one check."""

    entity: str
    wikidata: str | None = None
    dbpedia: str | None = None
    geonames: str | None = None
    checked: tuple[Check, ...] = ()
    unlinked: str | None = None  # why an entity has no identifier (looked for, none found or not exact)
    note: str | None = None  # e.g. why one kind of identifier is missing
    label: str | None = None  # the item's label as the checking source showed it, when it differs from ours
    reconciled: str | None = None  # "<service> <date> score <n>": the QID was proposed by reconciliation, then verified
    rejected: tuple[str, ...] = ()  # QIDs a reviewer turned down, each with how it had been proposed

    @property
    def identifiers(self) -> dict[str, str]:
        return {k: val for k in IDENTIFIERS if (val := getattr(self, k)) is not None}

    def iris(self) -> dict[str, str]:
        """Identifier kind -> the IRI it links to."""
        result = {}
        if self.wikidata:
            result["wikidata"] = WIKIDATA_ENTITY + self.wikidata
        if self.dbpedia:
            result["dbpedia"] = self.dbpedia
        if self.geonames:
            result["geonames"] = f"{GEONAMES_FEATURE}{self.geonames}/"
        return result


def parse_links(raw: Mapping[str, Mapping[str, Any]], entities: Mapping[str, Entity]) -> dict[str, Link]:
    """Check the raw registry (corpus.links) and turn it into Links.

    Raises LinkError for a malformed QID/DBpedia/GeoNames value, a QID used twice, a
    GeoNames id on something that is not a place, or an identifier no check covers.
    """
    links: dict[str, Link] = {}
    seen_qids: dict[str, str] = {}
    for entity_id, item in raw.items():
        link = _parse_entry(entity_id, item, entities[entity_id])
        if link.wikidata:
            if link.wikidata in seen_qids:
                raise LinkError(
                    f"links.yaml: {entity_id}: {link.wikidata} is also given for {seen_qids[link.wikidata]}"
                )
            seen_qids[link.wikidata] = entity_id
        links[entity_id] = link
    return links


def _parse_entry(entity_id: str, item: Mapping[str, Any], entity: Entity) -> Link:
    def fail(message: str) -> LinkError:
        return LinkError(f"links.yaml: {entity_id}: {message}")

    unknown = {k for k in item if not str(k).startswith("__")} - ENTRY_KEYS
    if unknown:
        raise fail(f"unknown key(s) {sorted(unknown)}")
    qid = _opt(item.get("wikidata"))
    if qid is not None and not QID_PATTERN.match(qid):
        raise fail(f"{qid!r} is not a Wikidata QID (Q followed by digits)")
    dbpedia = _opt(item.get("dbpedia"))
    if dbpedia is not None and (not dbpedia.startswith(DBPEDIA_RESOURCE) or len(dbpedia) == len(DBPEDIA_RESOURCE)):
        raise fail(f"{dbpedia!r} is not a DBpedia resource IRI ({DBPEDIA_RESOURCE}…)")
    geonames = _opt(item.get("geonames"))
    if geonames is not None:
        if not GEONAMES_PATTERN.match(geonames):
            raise fail(f"{geonames!r} is not a GeoNames id (digits)")
        if not is_place(entity):
            raise fail(f"a GeoNames id is for places only, and {entity_id} is a {', '.join(entity.types)}")
    checks = tuple(_parse_check(fail, c) for c in (item.get("checked") or []))
    link = Link(
        entity_id,
        qid,
        dbpedia,
        geonames,
        checks,
        unlinked=_opt(item.get("unlinked")),
        note=_opt(item.get("note")),
        label=_opt(item.get("label")),
        reconciled=_opt(item.get("reconciled")),
        rejected=tuple(str(r) for r in (item.get("rejected") or [])),
    )
    covered = {kind for check in checks for kind in check.covers}
    for kind in link.identifiers:
        if kind not in covered:
            raise fail(f"the {kind} identifier has no 'checked' record covering it")
    if not link.identifiers and not link.unlinked:
        raise fail("give an identifier with its check, or say in 'unlinked' why there is none")
    return link


def _parse_check(fail: Callable[[str], LinkError], raw: Any) -> Check:
    if not isinstance(raw, Mapping):
        raise fail("every 'checked' entry must be a mapping with source, said, covers, date")
    unknown = {k for k in raw if not str(k).startswith("__")} - CHECK_KEYS  # __line__ etc. come from the loader
    if unknown:
        raise fail(f"unknown key(s) in a check: {sorted(unknown)}")
    for key in CHECK_KEYS:
        if not raw.get(key):
            raise fail(f"a check is missing {key!r}")
    covers = tuple(str(c) for c in (raw["covers"] if isinstance(raw["covers"], list) else [raw["covers"]]))
    for kind in covers:
        if kind not in IDENTIFIERS:
            raise fail(f"a check covers {kind!r}; expected some of {', '.join(IDENTIFIERS)}")
    date = raw["date"]
    date_text = date.isoformat() if isinstance(date, dt.date) else str(date)
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", date_text):
        raise fail(f"a check's date {date_text!r} is not YYYY-MM-DD")
    return Check(str(raw["source"]), str(raw["said"]), covers, date_text)


def _opt(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


# --------------------------------------------------------------------------- class closure (is it a place?)


@cache
def _superclasses() -> dict[str, frozenset[str]]:
    """Ontology class (local name) -> itself and all its superclasses (local names)."""
    graph = load_ontology()
    parents: dict[str, set[str]] = {}
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        if (
            isinstance(sub, URIRef)
            and isinstance(sup, URIRef)
            and str(sub).startswith(v.AG)
            and str(sup).startswith(v.AG)
        ):
            parents.setdefault(str(sub)[len(v.AG) :], set()).add(str(sup)[len(v.AG) :])

    def closure(name: str) -> frozenset[str]:
        result, todo = {name}, [name]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in result:
                    result.add(parent)
                    todo.append(parent)
        return frozenset(result)

    names = set(parents) | {p for ps in parents.values() for p in ps}
    return {name: closure(name) for name in names}


def entity_classes(entity: Entity) -> frozenset[str]:
    """The entity's classes and all their superclasses."""
    table = _superclasses()
    return frozenset(c for kind in entity.types for c in table.get(kind, frozenset({kind})))


def is_place(entity: Entity) -> bool:
    return "Place" in entity_classes(entity)


def corpus_links(corpus: Corpus) -> dict[str, Link]:
    """The checked links of a corpus (raises LinkError when the registry is wrong)."""
    return parse_links(corpus.links, corpus.entities)


# --------------------------------------------------------------------------- RDF


def link_quads(corpus: Corpus) -> Iterator[Quad]:
    """The links graph: skos:exactMatch to Wikidata, DBpedia, GeoNames, plus ag:wikidataId."""
    graph = URIRef(v.LINKS_GRAPH)
    for link in corpus_links(corpus).values():
        node = URIRef(v.entity_iri(link.entity))
        for iri in link.iris().values():
            yield node, SKOS.exactMatch, URIRef(iri), graph
        if link.wikidata:
            yield node, URIRef(v.ag("wikidataId")), Literal(link.wikidata), graph
        for predicate, text in _link_notes(link):
            yield node, predicate, Literal(text), graph


def _link_notes(link: Link) -> Iterator[tuple[URIRef, str]]:
    """What the registry says about a link besides the identifiers, as SKOS documentation notes.

    Why there is no identifier (editorialNote), why one kind is missing (note), how a QID was
    found by reconciliation (changeNote), which proposed QIDs were turned down (historyNote). The
    named query ``unlinked_entities`` reads them; they are not links, so the VoID linksets do not count them.
    """
    if link.unlinked:
        yield SKOS.editorialNote, link.unlinked
    if link.note:
        yield SKOS.note, link.note
    if link.reconciled:
        yield SKOS.changeNote, f"reconciled: {link.reconciled}"
    for line in link.rejected:
        yield SKOS.historyNote, f"rejected: {line}"


# --------------------------------------------------------------------------- report


@dataclass
class LinkReport:
    """Which entities carry checked links, and which do not (with the reason when known)."""

    total: int
    linked: dict[str, Link]
    unlinked: list[tuple[Entity, str | None]]

    def count(self, kind: str) -> int:
        return sum(1 for link in self.linked.values() if getattr(link, kind))

    def lines(self) -> list[str]:
        out = [
            f"{len(self.linked)}/{self.total} entities linked: {self.count('wikidata')} Wikidata, "
            f"{self.count('dbpedia')} DBpedia, {self.count('geonames')} GeoNames",
            f"{len(self.unlinked)} without a checked link:",
        ]
        for entity, reason in self.unlinked:
            why = f"  ({reason})" if reason else "  (not looked up yet)"
            out.append(f"  {entity.id:40s} {entity.label} [{', '.join(entity.types)}]{why}")
        no_qid = [link for link in self.linked.values() if not link.wikidata]
        if no_qid:
            out.append(f"{len(no_qid)} linked without a checked Wikidata QID:")
            for link in no_qid:
                why = f"  ({link.note})" if link.note else ""
                out.append(f"  {link.entity:40s} {', '.join(sorted(link.identifiers))}{why}")
        return out


def link_report(corpus: Corpus) -> LinkReport:
    """Every entity without a checked identifier, in registry order."""
    links = corpus_links(corpus)
    linked = {k: link for k, link in links.items() if link.identifiers}
    unlinked = [
        (entity, links[entity.id].unlinked if entity.id in links else None)
        for entity in corpus.entities.values()
        if entity.id not in linked
    ]
    return LinkReport(len(corpus.entities), linked, unlinked)
