"""A small client for the Wikidata API (wbgetentities), and readers of the entity JSON it returns.

Raises WikidataUnavailable (graph/errors.py) when the API cannot be reached or answers with an error.
"""

from __future__ import annotations

import email.utils
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from actorgraph.graph.config import WIKIDATA_API
from actorgraph.graph.errors import WikidataUnavailable

USER_AGENT = "ActorGraph/0.1 (https://w3id.org/actorgraph; link verify/enrich)"
BATCH = 50  # wbgetentities accepts at most 50 ids per request


@dataclass
class WikidataClient:
    """A small client for wbgetentities (the API the mock server in the tests imitates)."""

    api_url: str = WIKIDATA_API
    timeout: float = 20.0
    requests: int = 0
    max_wait: float = 60.0  # the longest Retry-After (HTTP 429) honoured; a longer one is an error
    retries: int = 3
    sleep: Callable[[float], None] = time.sleep

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
        """One API call; a 429 is retried after the Retry-After the API asks for (up to max_wait)."""
        for attempt in range(self.retries + 1):
            try:
                return self._get_once(params)
            except WikidataUnavailable as exc:
                retry = exc.__cause__
                if not (isinstance(retry, urllib.error.HTTPError) and retry.code == 429) or attempt == self.retries:
                    raise
                wait = retry_after(retry.headers.get("Retry-After"))
                if wait > self.max_wait:
                    raise WikidataUnavailable(f"the Wikidata API at {self.api_url} rate-limits us and asks to wait "
                                              f"{wait:g} s (more than {self.max_wait:g} s)") from exc  # fmt: skip
                self.sleep(wait)
        raise AssertionError("not reached: the loop returns or raises")

    def _get_once(self, params: dict[str, str]) -> dict[str, Any]:
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
            exc.close()  # its unread body holds the socket
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


def retry_after(header: str | None, default: float = 1.0) -> float:
    """Seconds a Retry-After header asks for: a number of seconds or an HTTP date (default when absent)."""
    if not header:
        return default
    if header.strip().isdigit():
        return float(header)
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return default
    return max(0.0, when.timestamp() - time.time())


def entity_label(entity: Mapping[str, Any], lang: str) -> str | None:
    """The entity's label in a language, if it has one."""
    value = entity.get("labels", {}).get(lang, {}).get("value")
    return str(value) if value else None


def entity_aliases(entity: Mapping[str, Any], lang: str) -> list[str]:
    """The entity's aliases in a language."""
    return [str(a["value"]) for a in entity.get("aliases", {}).get(lang, []) if a.get("value")]


def best_claims(entity: Mapping[str, Any], prop: str) -> list[dict[str, Any]]:
    """The 'truthy' claims of a property: preferred ones if any, else normal; never deprecated."""
    claims = [c for c in entity.get("claims", {}).get(prop, []) if c.get("rank") != "deprecated"]
    preferred = [c for c in claims if c.get("rank") == "preferred"]
    return [c for c in (preferred or claims) if c.get("mainsnak", {}).get("snaktype") == "value"]


def item_ids(entity: Mapping[str, Any], prop: str) -> list[str]:
    """The QIDs a property's truthy claims point to (e.g. the classes of P31)."""
    ids = []
    for claim in best_claims(entity, prop):
        value = claim["mainsnak"].get("datavalue", {}).get("value", {})
        if isinstance(value, dict) and value.get("id"):
            ids.append(str(value["id"]))
    return ids
