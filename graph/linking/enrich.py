"""Enrichment: a chosen set of Wikidata facts of linked entities, in a graph of their own.

``enrich`` fetches them into ``…/graph/enrichment`` (its own graph, so our statements are never
overwritten), caching every answer on disk so reruns do not refetch.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from actorgraph.graph.linking.registry import WIKIDATA_ENTITY, corpus_links
from actorgraph.graph.linking.wikidata import WikidataClient, best_claims, entity_label
from actorgraph.graph.model import Corpus, Entity
from actorgraph.graph.store import Store
from actorgraph.ontology import vocab as v

Triple = tuple[URIRef, URIRef, URIRef | Literal]

WIKIDATA_DIRECT = "http://www.wikidata.org/prop/direct/"
GEO_WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
ENRICH_LANGUAGES = ("fa", "ps", "ar", "ur")
# Wikidata property -> what it is; the values land under wdt:<P> in the enrichment graph.
ENRICH_PROPERTIES = {
    "P571": "inception",
    "P159": "headquarters location",
    "P17": "country",
    "P625": "coordinate location",
    "P856": "official website",
}


@dataclass
class CachedEntity:
    """One Wikidata answer kept on disk, with when and where it was retrieved."""

    qid: str
    retrieved: str
    api: str
    entity: dict[str, Any]


class EntityCache:
    """A folder of <QID>.json files: the raw entity JSON plus its retrieval time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, qid: str) -> Path:
        return self.folder / f"{qid}.json"

    def get(self, qid: str) -> CachedEntity | None:
        path = self.path(qid)
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return CachedEntity(qid, data["retrieved"], data["api"], data["entity"])

    def put(self, item: CachedEntity) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.path(item.qid).with_suffix(".tmp")
        payload = {"retrieved": item.retrieved, "api": item.api, "entity": item.entity}
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.path(item.qid))  # atomic: a crash never leaves half a cache file


@dataclass
class EnrichResult:
    """The enrichment graph's triples and how many entities came from the network or the cache."""

    triples: list[Triple]
    fetched: list[str]
    cached: list[str]
    missing: list[str]

    def ntriples(self) -> bytes:
        graph = Graph()
        for triple in self.triples:
            graph.add(triple)
        data = graph.serialize(format="nt")
        return data.encode("utf-8") if isinstance(data, str) else data


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def enrich(
    corpus: Corpus,
    client: WikidataClient,
    cache_dir: Path,
    *,
    refresh: bool = False,
    now: Callable[[], str] = _now,
) -> EnrichResult:
    """Fetch (or read from the cache) the chosen Wikidata facts of every linked entity.

    Raises WikidataUnavailable when something must be fetched and the API is unreachable.
    """
    store = EntityCache(cache_dir)
    links = {k: link for k, link in corpus_links(corpus).items() if link.wikidata}
    qids = [link.wikidata for link in links.values() if link.wikidata]
    have = {} if refresh else {q: c for q in qids if (c := store.get(q)) is not None}
    todo = [q for q in qids if q not in have]
    fetched: list[str] = []
    if todo:
        answers = client.get_entities(todo, "labels|claims", ["en", *ENRICH_LANGUAGES])
        retrieved = now()
        for qid, entity in answers.items():
            item = CachedEntity(qid, retrieved, client.api_url, entity)
            store.put(item)
            have[qid] = item
            fetched.append(qid)
    triples: list[Triple] = []
    missing = []
    for entity_id, link in links.items():
        assert link.wikidata is not None
        item = have[link.wikidata]
        if "missing" in item.entity:
            missing.append(entity_id)
            continue
        triples.extend(enrichment_triples(corpus.entities[entity_id], item))
    return EnrichResult(triples, fetched, sorted(set(qids) - set(fetched)), missing)


def enrichment_triples(entity: Entity, item: CachedEntity) -> list[Triple]:
    """Aliases in fa/ps/ar/ur and P571/P159/P17/P625/P856 of one item, with a provenance record."""
    node = URIRef(v.entity_iri(entity.id))
    data = item.entity
    ours = {entity.label, *entity.aliases}
    triples: list[Triple] = []
    for lang in ENRICH_LANGUAGES:
        label = entity_label(data, lang)
        if label and label not in ours:
            triples.append((node, SKOS.altLabel, Literal(label, lang=lang)))
    for prop in ENRICH_PROPERTIES:
        for claim in best_claims(data, prop):
            value = _value_term(claim["mainsnak"].get("datavalue", {}))
            if value is not None:
                triples.append((node, URIRef(WIKIDATA_DIRECT + prop), value))
    record = URIRef(f"{v.RES}enrichment/{entity.id}")
    source = URIRef(f"https://www.wikidata.org/wiki/Special:EntityData/{item.qid}.json")
    triples += [
        (record, RDF.type, PROV.Entity),
        (record, DCTERMS.subject, node),
        (record, PROV.wasDerivedFrom, source),
        (record, DCTERMS.source, URIRef(WIKIDATA_ENTITY + item.qid)),
        (record, PROV.generatedAtTime, Literal(item.retrieved, datatype=XSD.dateTime)),
    ]
    return triples


_PRECISION = {9: ("gYear", 4), 10: ("gYearMonth", 7), 11: ("date", 10)}


def _value_term(datavalue: Mapping[str, Any]) -> URIRef | Literal | None:
    """A Wikidata datavalue as an RDF term (items as wd: IRIs, like the query service does)."""
    kind, value = datavalue.get("type"), datavalue.get("value")
    if kind == "wikibase-entityid" and isinstance(value, dict) and value.get("id"):
        return URIRef(WIKIDATA_ENTITY + str(value["id"]))
    if kind == "time" and isinstance(value, dict):
        precision = _PRECISION.get(int(value.get("precision", 0)))
        match = re.match(r"^\+(\d{4,})-(\d{2})-(\d{2})", str(value.get("time", "")))
        if precision is None or match is None:
            return None  # centuries, BCE or odd calendars: better nothing than a wrong date
        text = "-".join(match.groups())[: precision[1] + len(match.group(1)) - 4]
        return Literal(text, datatype=URIRef(str(XSD) + precision[0]))
    if kind == "globecoordinate" and isinstance(value, dict):
        return Literal(f"Point({value['longitude']} {value['latitude']})", datatype=GEO_WKT)
    if kind == "string" and isinstance(value, str) and value.startswith(("http://", "https://")):
        return URIRef(value)
    return None


def write_enrichment(store: Store, result: EnrichResult) -> None:
    """Replace the enrichment graph, and only it, with the result (one transaction)."""
    store.replace_graph(v.ENRICHMENT_GRAPH, result.ntriples(), "ntriples")
