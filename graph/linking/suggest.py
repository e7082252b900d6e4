"""Reconciling our entities against Wikidata: suggest candidates, then accept or reject them after review.

``link suggest`` sends each entity without a QID to a reconciliation service (Wikidata's by
default, setting ``reconcile_service``) with its Wikidata class and country as properties, and
writes the candidates with their scores into the review file ``link-candidates.yaml`` beside
``links.yaml``. ``link accept ID QID`` re-checks the candidate through the Wikidata API (label or
alias, instance of; ``verify.py``) and only then writes it into ``links.yaml`` with how it was
found (``reconciled: <service> <date> score <n>``) and checked; ``link reject`` records the refusal.

Raises ReconciliationUnavailable (the service), WikidataUnavailable (the check), LinkError (the
review: a QID that was not proposed, or one that does not match).
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from actorgraph.graph.errors import LinkError, ReconciliationUnavailable
from actorgraph.graph.linking.reconcile import entity_countries
from actorgraph.graph.linking.registry import Link, corpus_links, entity_classes
from actorgraph.graph.linking.verify import VerifyResult, class_hierarchy, compare
from actorgraph.graph.linking.wikidata import USER_AGENT, WikidataClient, item_ids, retry_after
from actorgraph.graph.model import Corpus, Entity

CANDIDATES_FILE = "link-candidates.yaml"
LINKS_FILE = "links.yaml"
BATCH = 10  # queries per request, as OpenRefine sends them to Wikidata's service
LIMIT = 3  # candidates kept per entity
# Our class -> the Wikidata class the service should look under (its subclasses count too).
# Q5 human, Q6256 country, Q515 city, Q43229 organization: the class items of tests/data/wikidata.
WIKIDATA_TYPES = {"Person": "Q5", "State": "Q6256", "City": "Q515", "Organization": "Q43229"}
COUNTRY_PROPERTY = "P17"


@dataclass
class ReconciliationClient:
    """POSTs query batches (form parameter ``queries``) to a reconciliation service, honouring HTTP 429."""

    service_url: str
    timeout: float = 30.0
    max_wait: float = 60.0  # the longest Retry-After we sleep for; a longer one is an error
    retries: int = 3
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0

    def reconcile(self, queries: Mapping[str, Any]) -> dict[str, Any]:
        """The service's answer to a query batch. Raises ReconciliationUnavailable."""
        data = urllib.parse.urlencode({"queries": json.dumps(queries)}).encode()
        for attempt in range(self.retries + 1):
            try:
                return self._post(data)
            except urllib.error.HTTPError as exc:
                exc.close()  # its unread body holds the socket
                if exc.code != 429 or attempt == self.retries:
                    raise self._unavailable(f"answered HTTP {exc.code} {exc.reason}") from exc
                self.sleep(self._wait(exc.headers.get("Retry-After")))
        raise AssertionError("not reached: the loop returns or raises")

    def _post(self, data: bytes) -> dict[str, Any]:
        if urllib.parse.urlsplit(self.service_url).scheme not in ("http", "https"):
            raise self._unavailable("is not an http(s) URL")
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        request = urllib.request.Request(self.service_url, data=data, headers=headers)  # noqa: S310 - scheme checked
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - scheme checked
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError:
            raise
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise self._unavailable(f"cannot be reached ({reason}); 'link suggest' needs network access") from exc
        except ValueError as exc:
            raise self._unavailable(f"did not answer JSON: {exc}") from exc
        if not isinstance(answer, dict):
            raise self._unavailable("answered something other than an object")
        return answer

    def _wait(self, header: str | None) -> float:
        """Seconds Retry-After asks for; more than max_wait is an error."""
        seconds = retry_after(header)
        if seconds > self.max_wait:
            raise self._unavailable(f"rate-limits us and asks to wait {seconds:g} s (more than {self.max_wait:g} s)")
        return seconds

    def _unavailable(self, what: str) -> ReconciliationUnavailable:
        return ReconciliationUnavailable(f"the reconciliation service at {self.service_url} {what}")


# --------------------------------------------------------------------------- suggest


@dataclass
class Suggestion:
    """The candidates a service proposed for one of our entities."""

    entity: str
    query: dict[str, Any]
    candidates: list[dict[str, Any]] = field(default_factory=list)


def wikidata_type(entity: Entity) -> str | None:
    """The Wikidata class to look under, from our most specific class that has one."""
    classes = entity_classes(entity)
    return next((qid for cls, qid in WIKIDATA_TYPES.items() if cls in classes), None)


def entity_query(entity: Entity, countries: Iterable[str], links: Mapping[str, Link], corpus: Corpus) -> dict[str, Any]:
    """The reconciliation query for an entity: its label, Wikidata class and country (QID when linked)."""
    query: dict[str, Any] = {"query": entity.label, "limit": LIMIT}
    kind = wikidata_type(entity)
    if kind:
        query["type"] = kind
    values = []
    for country in sorted(set(countries) - {entity.id}):
        link = links.get(country)
        values.append(link.wikidata if link and link.wikidata else corpus.entities[country].label)
    if values:
        query["properties"] = [{"pid": COUNTRY_PROPERTY, "v": values}]
    return query


def suggest(corpus: Corpus, client: ReconciliationClient, only: Iterable[str] | None = None) -> list[Suggestion]:
    """Ask the service about every entity without a QID (or only some). Raises ReconciliationUnavailable, LinkError."""
    links = corpus_links(corpus)
    wanted = list(only) if only is not None else [e for e in corpus.entities if not _has_qid(links, e)]
    unknown = [e for e in wanted if e not in corpus.entities]
    if unknown:
        raise LinkError(f"no entity {', '.join(unknown)} in the registry")
    countries = entity_countries(corpus)
    queries = {eid: entity_query(corpus.entities[eid], countries.get(eid, ()), links, corpus) for eid in wanted}
    suggestions = []
    keys = list(queries)
    for start in range(0, len(keys), BATCH):
        batch = {f"q{i}": queries[k] for i, k in enumerate(keys[start : start + BATCH])}
        answer = client.reconcile(batch)
        for i, entity_id in enumerate(keys[start : start + BATCH]):
            results = answer.get(f"q{i}", {}).get("result", [])
            suggestions.append(Suggestion(entity_id, queries[entity_id], [_candidate(r) for r in results[:LIMIT]]))
    return suggestions


def _has_qid(links: Mapping[str, Link], entity_id: str) -> bool:
    link = links.get(entity_id)
    return bool(link and link.wikidata)


def _candidate(result: Mapping[str, Any]) -> dict[str, Any]:
    types = [t.get("name") or t.get("id") if isinstance(t, Mapping) else str(t) for t in result.get("type", [])]
    found = {"qid": str(result["id"]), "name": str(result.get("name", "")), "score": float(result.get("score", 0))}
    if result.get("match"):
        found["match"] = True
    if result.get("description"):
        found["description"] = str(result["description"])
    if types:
        found["type"] = types
    return found


def write_candidates(folder: Path, suggestions: list[Suggestion], service: str, date: str) -> Path:
    """Merge the suggestions into the review file (entities asked again are replaced); its path."""
    path = folder / CANDIDATES_FILE
    review = read_candidates(folder)
    for s in suggestions:
        review[s.entity] = {"service": service, "date": date, "query": s.query, "candidates": s.candidates}
    header = ("# Wikidata candidates for entities without a QID, written by `actorgraph link suggest`.\n"
              "# Review each, then `actorgraph link accept ID QID` (verified through the Wikidata API before it is\n"
              "# written into links.yaml) or `actorgraph link reject ID QID`. See docs/linking.md.\n")  # fmt: skip
    path.write_text(header + yaml.safe_dump(review, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
    return path


def read_candidates(folder: Path) -> dict[str, Any]:
    """The review file's entries by entity id (empty when there is none)."""
    path = folder / CANDIDATES_FILE
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise LinkError(f"{path}: expected a mapping of entity id -> candidates")
    return data


# --------------------------------------------------------------------------- accept and reject


def proposed(folder: Path, entity_id: str, qid: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The review entry and the candidate for (entity, QID). Raises LinkError when it was not proposed."""
    entry = read_candidates(folder).get(entity_id)
    candidate = next((c for c in (entry or {}).get("candidates", []) if c.get("qid") == qid), None)
    if entry is None or candidate is None:
        raise LinkError(f"{qid} is not a candidate for {entity_id} in {folder / CANDIDATES_FILE}: "
                        "run 'actorgraph link suggest' first")  # fmt: skip
    return entry, candidate


def how_reconciled(entry: Mapping[str, Any], candidate: Mapping[str, Any]) -> str:
    return f"{entry['service']} {entry['date']} score {candidate['score']:g}"


def accept(
    corpus: Corpus, folder: Path, entity_id: str, qid: str, wikidata: WikidataClient, today: str
) -> VerifyResult:
    """Verify a proposed QID through the Wikidata API, then write it into links.yaml. Raises LinkError on a mismatch."""
    entry, candidate = proposed(folder, entity_id, qid)
    if any(link.wikidata == qid for link in corpus_links(corpus).values()):
        raise LinkError(f"{qid} is already the QID of another entity in {LINKS_FILE}")
    result = check_candidate(corpus.entities[entity_id], qid, wikidata)
    if not result.ok:
        raise LinkError(f"{entity_id} -> {qid} does not check out, nothing written: {'; '.join(result.problems)}")
    raw: dict[str, Any] = dict(corpus.links.get(entity_id, {"id": entity_id}))
    raw.pop("unlinked", None)
    raw["wikidata"] = qid
    raw["reconciled"] = how_reconciled(entry, candidate)
    classes = ", ".join(label or c for c, label in result.instance_of) or "nothing"
    said = f"wbgetentities: label {result.label!r}, instance of {classes}; proposed by {raw['reconciled']}"
    check = {"source": f"{wikidata.api_url}?action=wbgetentities&ids={qid}", "said": said, "covers": ["wikidata"],
             "date": today}  # fmt: skip
    raw["checked"] = [*raw.get("checked", []), check]
    replace_entry(folder / LINKS_FILE, entity_id, _ordered(raw))
    _drop_candidates(folder, entity_id)
    return result


def reject(corpus: Corpus, folder: Path, entity_id: str, qid: str, today: str) -> str:
    """Record in links.yaml that a proposed QID is not the entity; the line written."""
    entry, candidate = proposed(folder, entity_id, qid)
    raw: dict[str, Any] = dict(corpus.links.get(entity_id, {"id": entity_id}))
    line = f"{qid}: proposed by reconciliation ({how_reconciled(entry, candidate)}), rejected {today}"
    raw["rejected"] = [*raw.get("rejected", []), line]
    if not any(raw.get(k) for k in ("wikidata", "dbpedia", "geonames", "unlinked")):
        raw["unlinked"] = f"reconciliation candidates reviewed and rejected ({today})"
    replace_entry(folder / LINKS_FILE, entity_id, _ordered(raw))
    remaining = [c for c in entry["candidates"] if c.get("qid") != qid]
    _drop_candidates(folder, entity_id, keep=remaining)
    return line


def check_candidate(entity: Entity, qid: str, wikidata: WikidataClient) -> VerifyResult:
    """What Wikidata says of a QID, compared with our entity (label or alias, instance of)."""
    data = wikidata.get_entities([qid], "labels|aliases|claims", ["en"])[qid]
    class_labels, broader = class_hierarchy(wikidata, item_ids(data, "P31"))
    return compare(entity, Link(entity.id, qid), data, class_labels, broader)


KEY_ORDER = ("id", "wikidata", "dbpedia", "geonames", "label", "reconciled", "note", "unlinked", "rejected", "checked")


def _ordered(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The entry's keys in the registry's usual order."""
    return {k: raw[k] for k in KEY_ORDER if k in raw} | {k: val for k, val in raw.items() if k not in KEY_ORDER}


def replace_entry(path: Path, entity_id: str, entry: Mapping[str, Any]) -> None:
    """Replace one entry of links.yaml (or append it), leaving every other line as it was (comments too)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = yaml.safe_dump([_plain(entry)], sort_keys=False, allow_unicode=True, width=120)
    # The entry's lines, up to the next entry, comment or the end; blank lines before those stay where they are.
    pattern = re.compile(rf"^- id: {re.escape(entity_id)}\n(?:(?:  .*)?\n)*?(?=\n*(?:^- |^#|\Z))", re.MULTILINE)
    found = pattern.search(text)
    if found:
        text = text[: found.start()] + block + text[found.end() :]
    else:
        text = (text if text.endswith("\n") or not text else text + "\n") + block
    path.write_text(text, encoding="utf-8")


def _plain(value: Any) -> Any:
    """Dates and tuples as YAML writes them plainly (dates stay quoted strings, as in the registry)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(val) for k, val in value.items() if not str(k).startswith("__")}
    if isinstance(value, list | tuple):
        return [_plain(val) for val in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _drop_candidates(folder: Path, entity_id: str, keep: list[dict[str, Any]] | None = None) -> None:
    review = read_candidates(folder)
    if keep:
        review[entity_id]["candidates"] = keep
    else:
        review.pop(entity_id, None)
    path = folder / CANDIDATES_FILE
    header = "".join(
        line for line in path.read_text(encoding="utf-8").splitlines(keepends=True) if line.startswith("#")
    )
    path.write_text(header + (yaml.safe_dump(review, sort_keys=False, allow_unicode=True, width=120) if review else ""),
                    encoding="utf-8")  # fmt: skip
