"""Reconciliation: match names (a spreadsheet's column, another dataset's labels) to our entities.

The matching core of the W3C Reconciliation Service API (docs/linking.md): ``Reconciler`` scores
every entity of the registry against a query name with the normalisation the extractors use
(``graph/extract/mentions.py``: case, accents, apostrophes, al-/el-/ul-, ezafe vowels, hyphens),
the registry's labels, aliases and metonyms ("Tehran" for Iran), acronyms of multi-word labels
("ISKP"), and rapidfuzz for what still differs (misspellings, other transliterations).

A candidate is a certain ``match`` only when the name is one of the entity's own names (label,
alias, acronym) or a near-spelling of one, no other entity comes close, and no property given
with the query contradicts it. Names used by metonymy never match on their own: "Tehran" is the
city as often as the state.

The protocol's JSON shapes (version 0.2, the one OpenRefine sends) are built here too, as plain
dicts; the web layer (server/web/reconcile.py) only reads the request and writes the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from rapidfuzz import fuzz
from rdflib import RDFS, Literal, URIRef

from actorgraph.graph.extract.mentions import name_key
from actorgraph.graph.linking.registry import Link, entity_classes
from actorgraph.graph.model import Corpus, Entity
from actorgraph.ontology import load_ontology
from actorgraph.ontology import vocab as v

# Scores (0-100, as OpenRefine shows them) of a name that equals the query after normalisation.
EXACT_SCORES = {"label": 100.0, "alias": 97.0, "acronym": 95.0, "metonym": 85.0}
FUZZY_WEIGHT = 0.95  # a near-spelling never scores as high as the name itself
MIN_SCORE = 60.0  # below this a candidate is noise
MATCH_SCORE = 90.0  # a certain match scores at least this ...
MATCH_GAP = 10.0  # ... and this much more than the next candidate
PROPERTY_BONUS = 5.0
PROPERTY_PENALTY = 25.0
DEFAULT_LIMIT = 5
# Words left out of an acronym ("Islamic State of Iraq and the Levant" -> ISIL).
ACRONYM_SKIP = {"of", "the", "and", "for", "in", "on", "al", "el", "e", "i"}
# Relations that put an entity in a country: a place in it, an organ of it, a group based in it.
COUNTRY_RELATIONS = frozenset({"locatedIn", "partOf", "basedIn", "organOf"})
RECONCILE_PROPERTIES = {
    "country": "Country (a state of ours, by id or name): the entity is, or is located in, part of or based in it",
    "alias": "Another name of the entity (any spelling)",
    "wikidata": "Wikidata QID the registry links the entity to",
}


def _key(name: str) -> str:
    """The comparison form of a name: the extractors' token key, joined."""
    return " ".join(name_key(name))


def _squash(key: str) -> str:
    return key.replace(" ", "")


def acronym(label: str) -> str | None:
    """The initials of a multi-word label ('Islamic Revolutionary Guard Corps' -> 'IRGC'), if it has three or more."""
    words = [w for w in re.findall(r"[^\W\d_]+", label) if w.lower() not in ACRONYM_SKIP]
    if len(words) < 3:
        return None
    return "".join(w[0].upper() for w in words)


def _looks_like_acronym(text: str) -> bool:
    letters = text.replace("-", "").replace(".", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


@dataclass(frozen=True)
class Name:
    """One name of an entity, with how it names it."""

    text: str
    kind: str  # label | alias | acronym | metonym
    key: str


@dataclass
class Candidate:
    """An entity proposed for a query, with its score and the features behind it."""

    entity: Entity
    score: float
    name: Name
    exact: bool
    features: dict[str, float | bool] = field(default_factory=dict)
    contradicted: bool = False
    match: bool = False


@dataclass(frozen=True)
class Query:
    """One query of a batch: the name, and what narrows it."""

    query: str
    types: tuple[str, ...] = ()
    limit: int = DEFAULT_LIMIT
    properties: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class OntologyClass:
    """A class of the ontology as a reconciliation type."""

    id: str
    name: str
    description: str | None
    broader: tuple[str, ...]


@cache
def ontology_classes() -> dict[str, OntologyClass]:
    """Every class of our ontology (local name -> label, definition, direct superclasses)."""
    graph = load_ontology()
    classes: dict[str, OntologyClass] = {}
    for node in set(graph.subjects(RDFS.subClassOf)) | set(graph.objects(None, RDFS.subClassOf)):
        if not isinstance(node, URIRef) or not str(node).startswith(v.AG):
            continue
        local = str(node)[len(v.AG) :]
        label = _english(graph.objects(node, RDFS.label)) or local
        comment = _english(graph.objects(node, RDFS.comment))
        parents = tuple(
            sorted(str(p)[len(v.AG) :] for p in graph.objects(node, RDFS.subClassOf) if str(p).startswith(v.AG))
        )
        classes[local] = OntologyClass(local, label, comment, parents)
    return dict(sorted(classes.items()))


def _english(values: Iterable[Any]) -> str | None:
    texts = [val for val in values if isinstance(val, Literal)]
    chosen = next((t for t in texts if t.language in ("en", None)), None)
    return str(chosen) if chosen is not None else None


def type_id(value: str) -> str:
    """A type given as a local name or as a full ontology IRI, as a local name."""
    return value[len(v.AG) :] if value.startswith(v.AG) else value


def entity_countries(corpus: Corpus) -> dict[str, frozenset[str]]:
    """Entity id -> the states it is, or is located in / part of / based in (by the statements)."""
    states = {e.id for e in corpus.entities.values() if "State" in entity_classes(e)}
    found: dict[str, set[str]] = {sid: {sid} for sid in states}
    for statement in corpus.statements:
        if statement.predicate in COUNTRY_RELATIONS and statement.object in states and not statement.candidate:
            found.setdefault(statement.subject, set()).add(statement.object)
    return {k: frozenset(val) for k, val in found.items()}


class Reconciler:
    """Scores the registry's entities against names; answers the protocol's queries."""

    def __init__(self, corpus: Corpus, links: Mapping[str, Link]) -> None:
        self.entities = corpus.entities
        self.links = links
        self.countries = entity_countries(corpus)
        self.names: dict[str, list[Name]] = {eid: self._names(e) for eid, e in corpus.entities.items()}

    @staticmethod
    def _names(entity: Entity) -> list[Name]:
        names = [Name(entity.label, "label", _key(entity.label))]
        names += [Name(a, "alias", _key(a)) for a in entity.aliases]
        initials = acronym(entity.label)
        if initials:
            names.append(Name(initials, "acronym", _key(initials)))
        names += [Name(m, "metonym", _key(m)) for m in entity.metonyms]
        return [n for n in names if n.key]

    # ------------------------------------------------------------------ scoring

    def candidates(self, query: Query) -> list[Candidate]:
        """The entities that may be meant, best first, with `match` set on a certain one."""
        key = _key(query.query)
        if not key and not query.properties:
            return []
        wanted = {type_id(t) for t in query.types}
        found = []
        for entity_id, names in self.names.items():
            entity = self.entities[entity_id]
            if wanted and not wanted & entity_classes(entity):
                continue
            candidate = self._score(entity, names, key, query.query)
            if candidate is None:
                continue
            self._weigh_properties(candidate, query.properties)
            if candidate.score >= MIN_SCORE:
                found.append(candidate)
        found.sort(key=lambda c: (-c.score, c.entity.label))
        self._decide_match(found, restricted=bool(wanted))
        return found[: max(query.limit, 1)]

    def _score(self, entity: Entity, names: list[Name], key: str, raw: str) -> Candidate | None:
        best: Candidate | None = None
        for name in names:
            if name.kind == "acronym" and not _looks_like_acronym(raw.strip()):
                continue  # "Irgc" in prose is a typo at best; initials match only as initials
            if key and name.key == key:
                score, exact = EXACT_SCORES[name.kind], True
            elif key:
                score = FUZZY_WEIGHT * max(fuzz.ratio(key, name.key), fuzz.ratio(_squash(key), _squash(name.key)))
                if name.kind == "metonym":
                    score = min(score, EXACT_SCORES["metonym"] - 1)
                exact = False
            else:
                score, exact = MIN_SCORE, False  # a query by properties only
            if best is None or score > best.score:
                best = Candidate(entity, round(score, 1), name, exact)
        if best is not None:
            best.features = {"name": best.score, "exact_name": best.exact}
        return best

    def _weigh_properties(self, candidate: Candidate, properties: Sequence[tuple[str, tuple[str, ...]]]) -> None:
        for pid, values in properties:
            agrees = self._property_agrees(candidate.entity, pid, values)
            if agrees is None:
                continue
            candidate.features[pid] = agrees
            if agrees:
                candidate.score = min(100.0, candidate.score + PROPERTY_BONUS)
            else:
                candidate.score = max(0.0, candidate.score - PROPERTY_PENALTY)
                candidate.contradicted = True

    def _property_agrees(self, entity: Entity, pid: str, values: tuple[str, ...]) -> bool | None:
        """Whether the entity has one of the values for the property; None when the property is unknown."""
        pid = type_id(pid)
        if pid == "alias":
            keys = {_key(val) for val in values}
            return any(n.key in keys for n in self.names[entity.id])
        if pid == "wikidata":
            link = self.links.get(entity.id)
            if link is None or not link.wikidata:
                return None  # no QID of ours: neither for nor against
            return link.wikidata in values
        if pid == "country":
            countries = self.countries.get(entity.id)
            if not countries:
                return None
            return any(self._names_state(c, val) for c in countries for val in values)
        return None

    def _names_state(self, state_id: str, value: str) -> bool:
        if value == state_id or value == v.entity_iri(state_id):
            return True
        key = _key(value)
        return any(n.key == key for n in self.names[state_id])

    @staticmethod
    def _decide_match(found: list[Candidate], *, restricted: bool) -> None:
        """Mark the best candidate as certain when nothing else comes close and nothing contradicts it."""
        if not found:
            return
        top = found[0]
        runner_up = found[1].score if len(found) > 1 else 0.0
        if top.name.kind == "metonym":
            # A metonym is certain only when a type leaves nothing near it ("Tehran" as a State is Iran).
            top.match = restricted and top.exact and top.score - runner_up >= 2 * MATCH_GAP and not top.contradicted
            return
        top.match = top.score >= MATCH_SCORE and top.score - runner_up >= MATCH_GAP and not top.contradicted

    # ------------------------------------------------------------------ protocol shapes (0.2)

    def reconcile_batch(self, batch: Mapping[str, Any]) -> dict[str, Any]:
        """Answer a query batch ({key: {query, type, limit, properties}}) with {key: {result: [...]}}.

        Raises ValueError when a query is not an object with a query or properties.
        """
        return {key: {"result": [self.candidate_json(c) for c in self.candidates(parse_query(q))]}
                for key, q in batch.items()}  # fmt: skip

    def candidate_json(self, candidate: Candidate) -> dict[str, Any]:
        """One candidate as the protocol writes it."""
        entity = candidate.entity
        result: dict[str, Any] = {
            "id": entity.id,
            "name": entity.label,
            "score": candidate.score,
            "match": candidate.match,
            "type": self.types_json(entity),
            "features": [{"id": k, "value": val} for k, val in candidate.features.items()],
        }
        if entity.description:
            result["description"] = entity.description
        return result

    def types_json(self, entity: Entity) -> list[dict[str, str]]:
        classes = ontology_classes()
        return [{"id": t, "name": classes[t].name if t in classes else t} for t in entity.types]

    def suggest_entities(self, prefix: str, limit: int = 10) -> list[dict[str, Any]]:
        """Entities one of whose names starts with the prefix (normalised), or that score well against it."""
        key = _key(prefix)
        hits: list[tuple[float, Entity]] = []
        for entity_id, names in self.names.items():
            if not key:
                continue
            own = [n for n in names if n.kind != "metonym"]
            if any(n.key.startswith(key) for n in own):
                hits.append((100.0 if own[0].key.startswith(key) else 95.0, self.entities[entity_id]))
            elif any(f" {key}" in n.key for n in own):
                hits.append((90.0, self.entities[entity_id]))  # a later word of the name starts so
            elif len(key) >= 4:
                score = max(fuzz.partial_ratio(key, n.key) for n in names)
                if score >= 85:
                    hits.append((score * FUZZY_WEIGHT, self.entities[entity_id]))
        hits.sort(key=lambda h: (-h[0], h[1].label))
        return [self._suggestion(e) for _, e in hits[:limit]]

    def _suggestion(self, entity: Entity) -> dict[str, Any]:
        found: dict[str, Any] = {"id": entity.id, "name": entity.label, "notable": self.types_json(entity)}
        if entity.description:
            found["description"] = entity.description
        return found


def suggest_types(prefix: str, limit: int = 10) -> list[dict[str, Any]]:
    """Ontology classes whose name or id contains the prefix (all when it is empty)."""
    needle = prefix.strip().casefold()
    found = [c for c in ontology_classes().values() if needle in c.name.casefold() or needle in c.id.casefold()]
    return [type_json(c) for c in found[:limit]]


def type_json(cls: OntologyClass) -> dict[str, Any]:
    """A class as the protocol's type object, with its direct superclasses as `broader`."""
    classes = ontology_classes()
    result: dict[str, Any] = {"id": cls.id, "name": cls.name}
    if cls.description:
        result["description"] = cls.description
    if cls.broader:
        result["broader"] = [{"id": b, "name": classes[b].name if b in classes else b} for b in cls.broader]
    return result


def suggest_properties(prefix: str, properties: Mapping[str, str], limit: int = 10) -> list[dict[str, str]]:
    """The properties (id -> description) whose id or description contains the prefix."""
    needle = prefix.strip().casefold()
    return [{"id": pid, "name": pid, "description": text} for pid, text in properties.items()
            if needle in pid.casefold() or needle in text.casefold()][:limit]  # fmt: skip


def parse_query(raw: Any) -> Query:
    """A query object of a batch as a Query. Raises ValueError when it is not one."""
    if not isinstance(raw, Mapping):
        raise ValueError("each query must be a JSON object")
    text = raw.get("query", "")
    properties = raw.get("properties") or []
    if not isinstance(text, str) or not isinstance(properties, list):
        raise ValueError("'query' must be a string and 'properties' a list")
    if not text.strip() and not properties:
        raise ValueError("a query needs 'query' or 'properties'")
    types = raw.get("type") or []
    types = [types] if isinstance(types, str) else types
    limit = raw.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int | float) or isinstance(limit, bool) or limit < 1:
        raise ValueError("'limit' must be a positive number")
    return Query(text, tuple(str(t) for t in types), int(limit), tuple(_parse_property(p) for p in properties))


def _parse_property(raw: Any) -> tuple[str, tuple[str, ...]]:
    if not isinstance(raw, Mapping) or "pid" not in raw or "v" not in raw:
        raise ValueError("each property must be an object with 'pid' and 'v'")
    values = raw["v"] if isinstance(raw["v"], list) else [raw["v"]]
    # A value may be a reconciled entity {"id": ..., "name": ...}: its id and its name both count.
    parts = [(val.get("id"), val.get("name")) if isinstance(val, Mapping) else (val,) for val in values]
    texts = [str(x) for part in parts for x in part if x is not None]
    return str(raw["pid"]), tuple(texts)


# --------------------------------------------------------------------------- preview and data extension

# Three statements about an entity, with their evidence sentence: the preview card's "what we know".
PREVIEW_STATEMENTS = """
PREFIX ag: <https://w3id.org/actorgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?entity ?relation ?object ?quote ?document WHERE {
  ?statement a ag:Statement ; ag:subject ?entity ; ag:relation ?r ; ag:object ?o ; ag:statementOf ?doc ;
      prov:wasDerivedFrom/oa:hasTarget/oa:hasSelector/oa:exact ?quote .
  ?r rdfs:label ?relation .
  ?o rdfs:label ?object .
  BIND(STRAFTER(STR(?doc), "/resource/document/") AS ?document)
}
ORDER BY ?document ?relation ?object
LIMIT 3
"""

EXTEND_PROPERTIES = {
    "type": "Classes of the entity in our ontology",
    "wikidata": "Wikidata QID (checked, from the link registry)",
    "sponsor": "Sponsors of the entity (funding, arming, directing, sponsoring, proxy of), by our statements",
    "adversaries": "Adversaries of the entity in a year (setting 'year'), by our statements",
}
DEFAULT_YEAR = 2021  # the year the adversaries setting starts at: the Taliban's return, central to both documents


@dataclass(frozen=True)
class Evidence:
    """One statement for the preview: relation, object, the verbatim quote and its document."""

    relation: str
    object: str
    quote: str
    document: str


@dataclass(frozen=True)
class EntityCard:
    """What the preview shows of an entity."""

    id: str
    label: str
    types: tuple[str, ...]
    aliases: tuple[str, ...]
    description: str | None
    identifiers: dict[str, str]  # kind -> IRI
    statements: tuple[Evidence, ...]


def entity_card(reconciler: Reconciler, entity_id: str, statements: Sequence[Mapping[str, str]]) -> EntityCard | None:
    """The preview card of an entity (None when there is no such entity)."""
    entity = reconciler.entities.get(entity_id)
    if entity is None:
        return None
    link = reconciler.links.get(entity_id)
    classes = ontology_classes()
    return EntityCard(
        entity.id,
        entity.label,
        tuple(classes[t].name if t in classes else t for t in entity.types),
        entity.aliases,
        entity.description,
        link.iris() if link else {},
        tuple(Evidence(s["relation"], s["object"], s["quote"], s["document"]) for s in statements),
    )


def extension_meta(properties: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The `meta` of a data-extension answer: each asked property with its name."""
    meta = []
    for prop in properties:
        pid = str(prop.get("id", ""))
        if pid not in EXTEND_PROPERTIES:
            raise ValueError(f"unknown property {pid!r}; known: {', '.join(EXTEND_PROPERTIES)}")
        entry: dict[str, Any] = {"id": pid, "name": pid}
        if pid in ("sponsor", "adversaries"):
            entry["type"] = {
                "id": "Agent",
                "name": ontology_classes().get("Agent", OntologyClass("Agent", "Agent", None, ())).name,
            }
        meta.append(entry)
    return meta


def year_setting(prop: Mapping[str, Any]) -> int:
    """The 'year' setting of the adversaries property. Raises ValueError when it is not a year."""
    raw = (prop.get("settings") or {}).get("year", DEFAULT_YEAR)
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValueError(f"the 'year' setting must be a year, not {raw!r}") from None


def propose_properties(type_name: str | None) -> dict[str, Any]:
    """The properties data extension offers (the same for every type)."""
    properties = [{"id": pid, "name": pid, "description": text} for pid, text in EXTEND_PROPERTIES.items()]
    return {"type": type_name or "Agent", "properties": properties}
