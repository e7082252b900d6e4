"""The front's response cache (server/cache.py): what it keeps, and that writes and rebuilds empty it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from actorgraph.server.cache import ENTRY_CAP, Cached, ResponseCache, Ticket, cache_key, volatile

JSON = [("Content-Type", "application/sparql-results+json")]


def get(query: str, accept: str = "application/sparql-results+json", host: str = "a.example") -> dict[str, Any]:
    return {"REQUEST_METHOD": "GET", "PATH_INFO": "/sparql", "QUERY_STRING": urlencode({"query": query}),
            "HTTP_ACCEPT": accept, "HTTP_HOST": host, "wsgi.url_scheme": "http"}  # fmt: skip


def ticket(cache: ResponseCache, environ: dict[str, Any]) -> Ticket:
    found = cache.lookup(environ)
    assert isinstance(found, Ticket)
    return found


def test_cache_answers_a_repeated_query_with_the_stored_answer() -> None:
    cache = ResponseCache(1 << 20, None)
    request = get("SELECT * { ?s ?p ?o }")
    cache.store(ticket(cache, request), "200 OK", JSON, b"answer")
    found = cache.lookup(get("SELECT * { ?s ?p ?o }"))
    assert found == Cached("200 OK", JSON, b"answer")
    assert (cache.hits, cache.misses) == (1, 1)


def test_cache_key_holds_accept_and_host() -> None:
    cache = ResponseCache(1 << 20, None)
    cache.store(ticket(cache, get("ASK {}")), "200 OK", JSON, b"json")
    assert isinstance(cache.lookup(get("ASK {}", accept="text/csv")), Ticket)
    assert isinstance(cache.lookup(get("ASK {}", host="b.example")), Ticket)  # relative IRIs resolve against it


def test_cache_ignores_posts_other_paths_and_the_service_description() -> None:
    assert cache_key({**get("ASK {}"), "REQUEST_METHOD": "POST"}) is None
    assert cache_key({**get("ASK {}"), "PATH_INFO": "/store"}) is None
    assert cache_key({**get("ASK {}"), "QUERY_STRING": ""}) is None
    assert cache_key(get("ASK {}")) is not None


def test_cache_keeps_only_complete_small_successful_answers() -> None:
    cache = ResponseCache(4 * ENTRY_CAP, None)
    cache.store(ticket(cache, get("ASK {}")), "400 Bad Request", JSON, b"error")
    cache.store(ticket(cache, get("SELECT 1 {}")), "200 OK", JSON, b"x" * (ENTRY_CAP + 1))
    assert isinstance(cache.lookup(get("ASK {}")), Ticket)
    assert isinstance(cache.lookup(get("SELECT 1 {}")), Ticket)
    assert cache.size == 0


def test_cache_never_keeps_volatile_queries() -> None:
    assert volatile(urlencode({"query": "SELECT (now() AS ?t) {}"}))
    assert volatile(urlencode({"query": "SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }"}))
    assert volatile(urlencode({"query": "SELECT (STRUUID() AS ?u) {}"}))
    assert not volatile(urlencode({"query": 'SELECT ?s { ?s rdfs:label "Random Now"@en }'}))
    cache = ResponseCache(1 << 20, None)
    cache.store(ticket(cache, get("SELECT (RAND() AS ?r) {}")), "200 OK", JSON, b"0.5")
    assert isinstance(cache.lookup(get("SELECT (RAND() AS ?r) {}")), Ticket)


def test_cache_is_bounded_in_bytes_least_recently_used_out() -> None:
    cache = ResponseCache(250, None)
    for name in ("a", "b"):
        cache.store(ticket(cache, get(f"ASK {{ <{name}> ?p ?o }}")), "200 OK", JSON, b"x" * 100)
    assert isinstance(cache.lookup(get("ASK { <a> ?p ?o }")), Cached)  # a is now the most recent
    cache.store(ticket(cache, get("ASK { <c> ?p ?o }")), "200 OK", JSON, b"x" * 100)
    assert cache.size == 200
    assert isinstance(cache.lookup(get("ASK { <b> ?p ?o }")), Ticket)  # b went
    assert isinstance(cache.lookup(get("ASK { <a> ?p ?o }")), Cached)


def test_cache_is_emptied_by_a_write() -> None:
    cache = ResponseCache(1 << 20, None)
    cache.store(ticket(cache, get("ASK {}")), "200 OK", JSON, b"before")
    assert cache.may_write({"REQUEST_METHOD": "POST", "PATH_INFO": "/update"})
    assert cache.may_write({"REQUEST_METHOD": "PUT", "PATH_INFO": "/store"})
    assert not cache.may_write({"REQUEST_METHOD": "POST", "PATH_INFO": "/sparql"})
    assert not cache.may_write({"REQUEST_METHOD": "GET", "PATH_INFO": "/store"})
    cache.write_started()
    cache.write_ended()
    assert isinstance(cache.lookup(get("ASK {}")), Ticket)


def test_cache_drops_an_answer_whose_query_overlapped_a_write() -> None:
    cache = ResponseCache(1 << 20, None)
    started_before = ticket(cache, get("ASK {}"))
    cache.write_started()
    assert cache.lookup(get("SELECT 1 {}")) is None  # a query during a write is not even given a ticket
    cache.write_ended()
    cache.store(started_before, "200 OK", JSON, b"maybe stale")
    assert isinstance(cache.lookup(get("ASK {}")), Ticket)
    assert cache.size == 0


def test_cache_follows_a_rebuild_that_swaps_the_store_link(tmp_path: Path) -> None:
    (tmp_path / "gen1").mkdir()
    (tmp_path / "gen2").mkdir()
    link = tmp_path / "store"
    link.symlink_to("gen1")
    cache = ResponseCache(1 << 20, str(link))
    cache.store(ticket(cache, get("ASK {}")), "200 OK", JSON, b"gen1")
    assert isinstance(cache.lookup(get("ASK {}")), Cached)
    in_flight = ticket(cache, get("SELECT 1 {}"))
    os.replace(_new_link(tmp_path, "gen2"), link)  # what actorgraph build does
    cache.store(in_flight, "200 OK", JSON, b"of gen1, answered after the swap")
    assert isinstance(cache.lookup(get("ASK {}")), Ticket)
    assert isinstance(cache.lookup(get("SELECT 1 {}")), Ticket)
    assert cache.size == 0


def _new_link(folder: Path, target: str) -> Path:
    fresh = folder / "store.new"
    fresh.symlink_to(target)
    return fresh
