"""The front's response cache: repeated identical read queries answered without a query process.

Wikidata Query Service does the same in front of Blazegraph: clients (dashboards, pages, link
checkers, benchmarks) send the same query text over and over, and a small answer costs far less to
copy than to hand to another process, evaluate and serialise again.

What is cached: complete ``200`` answers (at most ``ENTRY_CAP`` bytes, sent whole by the query
process, not streamed) to ``GET /sparql`` queries. The key is everything the answer depends on:
the raw query string (query text, dataset parameters, ``format``), ``Accept``, and the host the
request names (relative IRIs resolve against the endpoint's URL). Queries whose answer may change
without the data changing are never stored: ``SERVICE`` (a remote endpoint's data),
``NOW``/``RAND``/``UUID``/``STRUUID``/``BNODE`` (a fresh value per evaluation).

Correctness under writes and rebuilds: an entry belongs to one generation of the store, which is
(a) the target of the store's symlink, which ``actorgraph build`` swaps (one ``readlink`` per
request), and (b) a count of the writes that went through the front (any request other than a
query: updates, Graph Store writes, curation). A write clears the cache when it starts and when it
ends; an answer is stored only if no write was running when its query started and the generation is
still the same when it comes back, so an answer computed before or during a write is never kept.
Bounded in bytes, least recently used out first. Off for a remote store (its data changes behind
our back) and with ``--cache-mb 0``.
"""

from __future__ import annotations

import os
import re
import threading
import urllib.parse
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from actorgraph.server import wire

ENTRY_CAP = 256 * 1024  # bytes of one cached answer's body, at most
# Answers that differ between two evaluations of the same text over the same data.
# Over-cautious on purpose: a string that reads "now(" is not cached either.
VOLATILE = re.compile(r"\bSERVICE\b|\b(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)
# What an answer depends on besides the raw query string (the host: relative IRIs; Accept: the format).
KEY_HEADERS = ("HTTP_ACCEPT", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME", "wsgi.url_scheme")
# Requests that only read: everything else may write (update, Graph Store, curation) and invalidates.
READS = frozenset({"GET", "HEAD", "OPTIONS"})

Key = tuple[str, ...]


@dataclass(frozen=True)
class Cached:
    """One complete answer."""

    status: str
    headers: wire.Headers
    body: bytes


@dataclass(frozen=True)
class Ticket:
    """The generation a query started in: its answer is stored only if it is still current."""

    key: Key
    link: str | None
    epoch: int


def cache_key(environ: dict[str, Any]) -> Key | None:
    """The key of a cacheable request (a GET query on /sparql), else None."""
    if environ.get("REQUEST_METHOD") != "GET" or environ.get("PATH_INFO") != "/sparql":
        return None
    raw: str = environ.get("QUERY_STRING", "")
    if "query=" not in raw:
        return None  # the service description: small, and Flask's, so not worth a rule of its own
    return (raw, *(str(environ.get(name, "")) for name in KEY_HEADERS))


def volatile(raw_query_string: str) -> bool:
    """Whether the query may answer differently over the same data (SERVICE, NOW(), RAND(), ...)."""
    return VOLATILE.search(urllib.parse.unquote_plus(raw_query_string, errors="replace")) is not None


class ResponseCache:
    """Complete small answers of read queries, keyed by request, for the current store generation."""

    def __init__(self, capacity: int, store_path: str | None) -> None:
        self.capacity = capacity
        self.store_path = store_path  # the symlink a rebuild swaps (None: a store that is never rebuilt)
        self.entries: OrderedDict[Key, Cached] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()
        self.link: str | None = self._read_link()
        self.epoch = 0
        self.writing = 0
        self.hits = 0
        self.misses = 0

    def _read_link(self) -> str | None:
        if self.store_path is None:
            return None
        try:
            return os.readlink(self.store_path)  # noqa: PTH115 - per request: no Path object
        except OSError:
            return None  # not a symlink: a plain store folder, or none yet

    # ------------------------------------------------------------------ reads

    def lookup(self, environ: dict[str, Any]) -> Cached | Ticket | None:
        """A cached answer; else a ticket to store the answer with; None when it must not be cached."""
        key = cache_key(environ)
        if key is None:
            return None
        link = self._read_link()
        with self.lock:
            if link != self.link:  # a rebuild swapped the store: every entry is of the old one
                self._clear()
                self.link = link
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
            if self.writing:
                return None  # a write is running: what the query sees may be gone when it ends
            return Ticket(key, link, self.epoch)

    def store(self, ticket: Ticket, status: str, headers: wire.Headers, body: bytes) -> None:
        """Keep a complete answer if it is small, successful, stable, and of the current generation."""
        if not status.startswith("200") or len(body) > ENTRY_CAP or len(body) > self.capacity:
            return
        if volatile(ticket.key[0]):
            return
        link = self._read_link()
        entry = Cached(status, headers, body)
        with self.lock:
            if ticket.epoch != self.epoch or self.writing or link != ticket.link or link != self.link:
                return
            old = self.entries.pop(ticket.key, None)
            if old is not None:
                self.size -= len(old.body)
            self.entries[ticket.key] = entry
            self.size += len(body)
            while self.size > self.capacity:
                _, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped.body)

    # ------------------------------------------------------------------ writes

    def may_write(self, environ: dict[str, Any]) -> bool:
        """Whether a request may change the data (anything but a read, or a query sent by POST)."""
        method = environ.get("REQUEST_METHOD", "GET")
        return method not in READS and not (method == "POST" and environ.get("PATH_INFO") == "/sparql")

    def write_started(self) -> None:
        with self.lock:
            self.writing += 1
            self.epoch += 1
            self._clear()

    def write_ended(self) -> None:
        with self.lock:
            self.writing -= 1
            self.epoch += 1
            self._clear()

    def _clear(self) -> None:
        self.entries.clear()
        self.size = 0
