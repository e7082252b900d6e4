"""External identifiers: the link registry, its RDF, and the Wikidata checks and enrichment.

The registry (``graph/data/links.yaml``) gives, per entity id, a Wikidata QID, a DBpedia
resource and, for places, a GeoNames id, each with ``checked``: the public pages that pair
the identifier with the entity's label, what they said, and the date. The build compiles
it into the graph ``…/graph/links`` as ``skos:exactMatch`` (never ``owl:sameAs``: Wikidata's
claims must not merge into ours) plus the QID as a plain literal (``ag:wikidataId "Q794"``).

``verify`` asks the Wikidata API (wbgetentities) for each QID's English label, aliases and
instance-of (P31) and reports mismatches. ``enrich`` fetches a chosen set of Wikidata facts
into ``…/graph/enrichment`` (its own graph, so our statements are never overwritten),
caching every answer on disk so reruns do not refetch.

Errors::

    KGError
    ├── LinkError            the registry is wrong (bad QID, duplicate, identifier without a check)
    └── WikidataUnavailable  the Wikidata API cannot be reached or answered with an error
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from actorgraph.graph.errors import KGError
from actorgraph.graph.model import Corpus, Entity
from actorgraph.graph.store import GraphStore
from actorgraph.ontology import load_ontology
from actorgraph.ontology import vocab as v

Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef]
Triple = tuple[URIRef, URIRef, URIRef | Literal]

WIKIDATA_ENTITY = v.WD
WIKIDATA_DIRECT = "http://www.wikidata.org/prop/direct/"
DBPEDIA_RESOURCE = "http://dbpedia.org/resource/"
GEONAMES_FEATURE = "https://sws.geonames.org/"
GEO_WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
VOID = "http://rdfs.org/ns/void#"

DEFAULT_API = "https://www.wikidata.org/w/api.php"
DEFAULT_CACHE = "var/cache/wikidata"
USER_AGENT = "ActorGraph/0.1 (https://w3id.org/actorgraph; link verify/enrich)"

QID_PATTERN = re.compile(r"^Q[1-9][0-9]*$")
GEONAMES_PATTERN = re.compile(r"^[1-9][0-9]*$")
IDENTIFIERS = ("wikidata", "dbpedia", "geonames")
ENTRY_KEYS = {"id", "checked", "unlinked", "note", "label", *IDENTIFIERS}
CHECK_KEYS = {"source", "said", "covers", "date"}

ENRICH_LANGUAGES = ("fa", "ps", "ar", "ur")
# Wikidata property -> what it is; the values land under wdt:<P> in the enrichment graph.
ENRICH_PROPERTIES = {
    "P571": "inception",
    "P159": "headquarters location",
    "P17": "country",
    "P625": "coordinate location",
    "P856": "official website",
}
BATCH = 50  # wbgetentities accepts at most 50 ids per request


class LinkError(KGError, ValueError):
    """The link registry is wrong: a malformed or duplicate identifier, or one nobody checked.

    >>> str(LinkError("links.yaml: iran: 'Q79x' is not a QID"))
    "links.yaml: iran: 'Q79x' is not a QID"
    """


class WikidataUnavailable(KGError, ConnectionError):
    """The Wikidata API could not be reached, or answered with an error."""


# --------------------------------------------------------------------------- the registry


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


@dataclass(frozen=True)
class LinkTarget:
    """An external dataset we link to, as VoID describes it."""

    key: str
    title: str
    homepage: str
    uri_space: str
    sparql_endpoint: str | None = None

    @property
    def iri(self) -> URIRef:
        return URIRef(f"{v.BASE}void/target/{self.key}")


TARGETS = (
    LinkTarget(
        "wikidata", "Wikidata", "https://www.wikidata.org/", WIKIDATA_ENTITY, "https://query.wikidata.org/sparql"
    ),
    LinkTarget("dbpedia", "DBpedia", "https://www.dbpedia.org/", DBPEDIA_RESOURCE, "https://dbpedia.org/sparql"),
    LinkTarget("geonames", "GeoNames", "https://www.geonames.org/", GEONAMES_FEATURE),
)


def linkset_iri(target: LinkTarget) -> URIRef:
    return URIRef(f"{v.BASE}void/linkset/{target.key}")


def linkset_counts(links: Iterable[Link]) -> dict[str, int]:
    """skos:exactMatch links per target dataset, counted from the registry."""
    counts = {t.key: 0 for t in TARGETS}
    for link in links:
        for kind in link.iris():
            counts[kind] += 1
    return counts


def stored_linkset_counts(store: GraphStore) -> dict[str, int]:
    """skos:exactMatch links per target dataset, counted in the store's links graph (what is served)."""
    counts = {}
    for target in TARGETS:
        sparql = (
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{v.LINKS_GRAPH}> {{ ?s <{SKOS.exactMatch}> ?o }} "
            f'FILTER(STRSTARTS(STR(?o), "{target.uri_space}")) }}'
        )
        counts[target.key] = next(int(row[0].value) for row in store.query(sparql))  # type: ignore[union-attr]
    return counts


def void_linksets(counts: Mapping[str, int], dataset: str) -> list[Triple]:
    """VoID linksets of `dataset`: target dataset, link predicate and count, for each target."""
    triples: list[Triple] = []
    for target in TARGETS:
        linkset = linkset_iri(target)
        triples += [
            (linkset, RDF.type, URIRef(VOID + "Linkset")),
            (linkset, RDFS.label, Literal(f"ActorGraph to {target.title}", lang="en")),
            (linkset, URIRef(VOID + "subjectsTarget"), URIRef(dataset)),
            (linkset, URIRef(VOID + "objectsTarget"), target.iri),
            (linkset, URIRef(VOID + "linkPredicate"), SKOS.exactMatch),
            (linkset, URIRef(VOID + "triples"), Literal(counts.get(target.key, 0), datatype=XSD.integer)),
            (URIRef(dataset), URIRef(VOID + "subset"), linkset),
            (target.iri, RDF.type, URIRef(VOID + "Dataset")),
            (target.iri, DCTERMS.title, Literal(target.title)),
            (target.iri, FOAF.homepage, URIRef(target.homepage)),
            (target.iri, URIRef(VOID + "uriSpace"), Literal(target.uri_space)),
        ]
        if target.sparql_endpoint:
            triples.append((target.iri, URIRef(VOID + "sparqlEndpoint"), URIRef(target.sparql_endpoint)))
    return triples


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


# --------------------------------------------------------------------------- Wikidata API


@dataclass
class WikidataClient:
    """A small client for wbgetentities (the API the mock server in the tests imitates)."""

    api_url: str = DEFAULT_API
    timeout: float = 20.0
    requests: int = 0

    def get_entities(self, ids: Iterable[str], props: str, languages: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Entity JSON by QID, fetched in batches of 50; missing items come back with 'missing'.

        Raises WikidataUnavailable when the API cannot be reached or answers with an error.
        """
        wanted = list(dict.fromkeys(ids))
        result: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            params = {
                "action": "wbgetentities",
                "format": "json",
                "ids": "|".join(batch),
                "props": props,
                "languages": "|".join(languages),
            }
            answer = self._get(params)
            if "error" in answer:
                error = answer["error"]
                raise WikidataUnavailable(f"the Wikidata API at {self.api_url} refused the request: "
                                          f"{error.get('code')}: {error.get('info')}")  # fmt: skip
            entities = answer.get("entities", {})
            for qid in batch:
                # A redirected QID comes back under its target id, with "redirects" naming both.
                entity = entities.get(qid) or next(
                    (e for e in entities.values() if e.get("redirects", {}).get("from") == qid), None
                )
                result[qid] = entity if entity is not None else {"id": qid, "missing": ""}
        return result

    def _get(self, params: dict[str, str]) -> dict[str, Any]:
        url = f"{self.api_url}?{urllib.parse.urlencode(params)}"
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise WikidataUnavailable(f"the Wikidata API URL must be http(s): {self.api_url}")
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - scheme checked above
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - scheme checked above
                data = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise WikidataUnavailable(
                f"the Wikidata API at {self.api_url} answered HTTP {exc.code} {exc.reason}"
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise WikidataUnavailable(
                f"cannot reach the Wikidata API at {self.api_url} ({reason}); "
                "'link verify' and 'link enrich' need network access (or --api-url pointing at a reachable mirror)"
            ) from exc
        except ValueError as exc:
            raise WikidataUnavailable(f"the Wikidata API at {self.api_url} did not answer JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise WikidataUnavailable(f"the Wikidata API at {self.api_url} answered something other than an object")
        return data


def _label(entity: Mapping[str, Any], lang: str) -> str | None:
    value = entity.get("labels", {}).get(lang, {}).get("value")
    return str(value) if value else None


def _aliases(entity: Mapping[str, Any], lang: str) -> list[str]:
    return [str(a["value"]) for a in entity.get("aliases", {}).get(lang, []) if a.get("value")]


def best_claims(entity: Mapping[str, Any], prop: str) -> list[dict[str, Any]]:
    """The 'truthy' claims of a property: preferred ones if any, else normal; never deprecated."""
    claims = [c for c in entity.get("claims", {}).get(prop, []) if c.get("rank") != "deprecated"]
    preferred = [c for c in claims if c.get("rank") == "preferred"]
    return [c for c in (preferred or claims) if c.get("mainsnak", {}).get("snaktype") == "value"]


def _item_ids(entity: Mapping[str, Any], prop: str) -> list[str]:
    ids = []
    for claim in best_claims(entity, prop):
        value = claim["mainsnak"].get("datavalue", {}).get("value", {})
        if isinstance(value, dict) and value.get("id"):
            ids.append(str(value["id"]))
    return ids


# --------------------------------------------------------------------------- verify

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
    classes = sorted({c for e in entities.values() for c in _item_ids(e, "P31")})
    class_labels = (
        {qid: _label(e, "en") for qid, e in client.get_entities(classes, "labels", ["en"]).items()} if classes else {}
    )
    results = []
    for entity_id, link in links.items():
        assert link.wikidata is not None
        results.append(_compare(corpus.entities[entity_id], link, entities[link.wikidata], class_labels))
    return results


def _compare(
    entity: Entity, link: Link, data: Mapping[str, Any], class_labels: Mapping[str, str | None]
) -> VerifyResult:
    qid = link.wikidata or ""
    result = VerifyResult(entity.id, qid, _label(data, "en"))
    if "missing" in data:
        result.problems.append(f"{qid} does not exist on Wikidata")
        return result
    if data.get("id") != qid:
        result.problems.append(f"{qid} redirects to {data.get('id')}: link the target instead")
    # Our label and aliases, plus the label the checking source showed (recorded in the registry).
    ours = {_norm(name) for name in (entity.label, *entity.aliases, *([link.label] if link.label else []))}
    theirs = {_norm(name) for name in [result.label or "", *_aliases(data, "en")] if name}
    if not ours & theirs:
        result.problems.append(
            f"Wikidata's English label {result.label!r} is none of ours ({entity.label!r} and aliases)"
        )
    result.instance_of = [(c, class_labels.get(c)) for c in _item_ids(data, "P31")]
    words = [w for c in sorted(entity_classes(entity)) for w in P31_WORDS.get(c, ())]
    labels = [(label or "").casefold() for _, label in result.instance_of]
    if words and not any(w in label for w in words for label in labels):
        shown = ", ".join(label or qid for qid, label in result.instance_of) or "none"
        result.problems.append(f"instance of ({shown}) does not fit our class {'/'.join(entity.types)}")
    return result


# --------------------------------------------------------------------------- enrich


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
        label = _label(data, lang)
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


def write_enrichment(store: GraphStore, result: EnrichResult) -> None:
    """Replace the enrichment graph, and only it, with the result (one transaction)."""
    store.replace_graph(v.ENRICHMENT_GRAPH, result.ntriples(), "ntriples")
