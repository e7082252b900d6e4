"""The HTTP front's side of serving: a pool of query processes, deadlines, and a share kept for cheap queries.

Process model (docs/server.md): granian (Rust, keep-alive, HTTP parsing and I/O outside the GIL)
calls ``Relay`` in one front process. ``Relay`` hands each request to an idle query process
(server/query_process.py, the whole application behind a Unix socket) and waits for its answer
with a deadline. pyoxigraph cannot cancel a query, so when the deadline passes the front ends
that one process (SIGKILL), answers ``503`` through the error table, and starts a replacement in
the background; no other request notices. A large answer streams from the query process through
the front to the client chunk by chunk, each chunk renewing the deadline.

A share for cheap queries: a query still running after ``nice_after`` seconds (by default when it
becomes long-running) has its process reniced, so a runaway does not take a core from the cheap
queries; after ``slow_after`` seconds it is long-running, and at most ``long_cap`` long-running
queries may hold processes at once, at most ``client_cap`` of them from one client address; a
query that would pass either cap is ended right away with a ``503`` that says why, so some
process always turns over quickly for the lookups behind it. A spare process, started at low
priority while the pool is whole, takes the place of a process that was ended, so replacing a
runaway's process costs the other requests no start-up (about a second of CPU) either.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import os
import queue
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actorgraph.server import wire
from actorgraph.server.cache import Cached, ResponseCache, Ticket
from actorgraph.server.errors import (
    HeadersTooLarge,
    HTTPError,
    ProcessGone,
    QueryTimeout,
    RequestTimeout,
    error_response,
)

log = logging.getLogger("actorgraph.server")

Start = Callable[..., Any]
STARTUP = 120.0  # seconds a new query process may take to open the store and listen
NICE = 19
MAX_HEADERS = 64 * 1024  # bytes of request headers (the request line is capped by granian: 414 / 431)
BODY_TIMEOUT = 10.0  # seconds to receive a request body, at most (and at most the query timeout)
# What a query process needs of the environ besides the headers (os.environ is merged in by granian).
ENVIRON_KEYS = frozenset({"REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH",
                          "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "SCRIPT_NAME", "REMOTE_ADDR",
                          "wsgi.url_scheme"})  # fmt: skip


OVER_SHARE = (
    "Query ended: the server is busy with other long-running queries (of yours, or in all); it keeps "
    "a share of its processes for short ones. Try again later."
)


@dataclass(eq=False)
class Process:
    """One query process: its socket path, its subprocess, and how many connections it serves."""

    index: int
    path: str
    slots: int
    popen: subprocess.Popen[bytes] | None = None
    alive: bool = True
    ready: bool = False  # its connections are open: it answers


@dataclass(eq=False)
class Slot:
    """One connection to a query process, leased to one request at a time."""

    process: Process
    sock: socket.socket
    reader: wire.Reader
    client: str = ""
    started: float = 0.0
    niced: bool = False
    ended: str = ""  # why the front ended this request's process ("" while it may run)

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read(self, timeout: float) -> tuple[bytes, bytes]:
        self.sock.settimeout(max(timeout, 0.001))
        return self.reader.read()


@dataclass
class Limits:
    """The pool's timing and fairness settings."""

    timeout: float
    slow_after: float  # seconds after which a query is long-running (counted against the caps)
    nice_after: float  # seconds after which a query's process is reniced (at most slow_after)
    long_cap: int
    client_cap: int


@dataclass
class QueryPool:
    """Query processes, their connections (slots), and the policy that ends them."""

    folder: Path
    settings_file: Path
    processes: int
    slots_per_process: int
    limits: Limits
    # Last in, first out: the process used last has the hottest caches (CPU, RocksDB blocks).
    idle: queue.LifoQueue[Slot] = field(default_factory=queue.LifoQueue)
    busy: set[Slot] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    members: list[Process] = field(default_factory=list)
    closing: bool = False
    spare: Process | None = None  # started and held back: it takes the place of the next process ended
    spare_slots: list[Slot] = field(default_factory=list)
    started: int = 0  # spares started so far (each has its own socket path)
    # Whether a reniced process can be given its priority back; if not, it is replaced after its query,
    # so only long-running queries (past slow_after) are reniced at all.
    can_unnice: bool = field(default_factory=lambda: may_raise_priority())  # a lambda: defined below

    # ------------------------------------------------------------------ processes

    def start(self) -> None:
        """Start every process and wait until each answers on its socket; then prepare a spare."""
        self.members = [Process(i, str(self.folder / f"q{i}.sock"), self.slots_per_process)
                        for i in range(self.processes)]  # fmt: skip
        for member in self.members:
            self._spawn(member)
        for member in self.members:
            for slot in self._connect(member):
                self.idle.put(slot)
            member.ready = True
        threading.Thread(target=self._monitor, name="actorgraph-pool-monitor", daemon=True).start()
        if self.slots_per_process == 1:  # read-only processes (a second writer could not open the store)
            threading.Thread(target=self._prepare_spare, name="actorgraph-pool-spare", daemon=True).start()

    def _spawn(self, member: Process) -> None:
        Path(member.path).unlink(missing_ok=True)
        args = [sys.executable, "-m", "actorgraph.server.query_process", member.path, str(self.settings_file),
                str(member.slots)]  # fmt: skip
        member.popen = subprocess.Popen(args, stdin=subprocess.DEVNULL)

    def _connect(self, member: Process) -> list[Slot]:
        """The process's connections, once it listens."""
        deadline = time.monotonic() + STARTUP
        while True:
            socks: list[socket.socket] = []
            try:
                for _ in range(member.slots):
                    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    socks.append(sock)
                    sock.connect(member.path)
                break
            except OSError:
                for sock in socks:  # not listening yet: try again with new sockets
                    sock.close()
                if member.popen is not None and member.popen.poll() is not None:
                    raise RuntimeError(f"query process {member.index} exited with {member.popen.returncode}") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"query process {member.index} did not start in {STARTUP:g} s") from None
                time.sleep(0.05)
        return [Slot(member, sock, wire.Reader(sock)) for sock in socks]

    def _prepare_spare(self) -> None:
        """Start a query process held back for the next replacement.

        A runaway's process is replaced by the spare at once, and the next spare starts at low
        priority (its start-up, imports and opening the store, costs about a second of CPU) while
        the pool is whole, so the requests in flight keep their cores; it gets its priority back
        once it answers. Without a ready spare, a replacement starts at full priority as before.
        """
        with self.lock:
            if self.closing or self.spare is not None:
                return
            self.started += 1
            spare = Process(-1, str(self.folder / f"spare{self.started}.sock"), self.slots_per_process)
            self.spare = spare
        if not self._spawn_unless_closed(spare):
            return
        quietly = self.can_unnice
        if quietly:
            renice(spare, NICE)
        try:
            slots = self._connect(spare)
        except RuntimeError:
            log.exception("could not start a spare query process")
            with self.lock:
                self.spare = None
            retire_quietly(spare)
            return
        if quietly:
            renice(spare, 0)
        with self.lock:
            if self.closing:  # close() has stopped the process already
                for slot in slots:
                    slot.sock.close()
                return
            spare.ready = True
            self.spare_slots = slots

    def _spawn_unless_closed(self, member: Process) -> bool:
        """Start member's process; stop it again if close() ran meanwhile (it could not stop a process not yet
        there, which would outlive the pool). Whether it is still wanted."""
        self._spawn(member)
        with self.lock:
            closed = self.closing
        if closed:
            retire_quietly(member)
        return not closed

    def _take_spare(self) -> tuple[Process, list[Slot]] | None:
        with self.lock:
            spare, slots = self.spare, self.spare_slots
            if spare is None or not spare.ready:
                return None
            self.spare, self.spare_slots = None, []
        return spare, slots

    def _replace(self, member: Process) -> None:
        """After a process ended: reap it and put the spare (or else a new process) in its place.

        The replacement is another Process: connections to the old one, still queued as idle,
        stay dead (acquire() drops them).
        """
        if member.popen is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                member.popen.wait(timeout=10)
        if self.closing:
            return
        taken = self._take_spare()
        if taken is not None:
            fresh, slots = taken
            fresh.index = member.index
            self.members[member.index] = fresh
            for slot in slots:
                self.idle.put(slot)
            log.info("query process %d replaced by the spare (pid %d)", fresh.index,
                     fresh.popen.pid if fresh.popen else 0)  # fmt: skip
            self._prepare_spare()
            return
        fresh = Process(member.index, member.path, member.slots)
        self.members[member.index] = fresh
        if not self._spawn_unless_closed(fresh):
            return
        try:
            for slot in self._connect(fresh):
                self.idle.put(slot)
            fresh.ready = True
            log.info("query process %d replaced (pid %d)", fresh.index, fresh.popen.pid if fresh.popen else 0)
        except RuntimeError:
            log.exception("could not replace query process %d", fresh.index)

    def end(self, slot: Slot, why: str) -> None:
        """End the process running slot's request (the one request this is about; its connections go too)."""
        member = slot.process
        with self.lock:
            if not member.alive:
                return
            member.alive = False
            for other in self.busy:
                if other.process is member and not other.ended:
                    other.ended = "restarted"
            slot.ended = why
        if member.popen is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(member.popen.pid, signal.SIGKILL)
        threading.Thread(target=self._replace, args=(member,), daemon=True).start()

    def close(self) -> None:
        """Stop every process, the spare too (SIGTERM: each exits at once), and wait for them."""
        with self.lock:
            self.closing = True
            everyone = [*self.members, *([self.spare] if self.spare is not None else [])]
            for slot in self.spare_slots:
                slot.sock.close()
        for member in everyone:
            if member.popen is not None and member.popen.poll() is None:
                member.popen.terminate()
        for member in everyone:
            if member.popen is not None:
                try:
                    member.popen.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    member.popen.kill()

    # ------------------------------------------------------------------ leases

    def acquire(self, client: str, deadline: float) -> Slot:
        """An idle connection to a live process; TimeoutError when none frees before the deadline."""
        while True:
            slot = self.idle.get(timeout=max(deadline - time.monotonic(), 0.001))  # queue.Empty past it
            if slot.process.alive:
                break
            slot.sock.close()  # a connection of a process that was ended: its replacement brings new ones
        slot.client = client
        slot.started = time.monotonic()
        slot.ended = ""
        with self.lock:
            self.busy.add(slot)
        return slot

    def release(self, slot: Slot) -> None:
        """The request is answered: the connection serves the next one."""
        with self.lock:
            self.busy.discard(slot)
        if slot.niced and slot.process.alive:
            slot.niced = False
            if not self._unnice(slot.process):
                self.retire(slot)
                return
        if slot.process.alive:
            self.idle.put(slot)
        else:
            slot.sock.close()

    def abandon(self, slot: Slot) -> None:
        """The client left in the middle of an answer: drop this connection, open a fresh one.

        The query process notices the closed socket at its next write and goes back to accepting.
        """
        with self.lock:
            self.busy.discard(slot)
        slot.sock.close()
        member = slot.process
        if member.alive:

            def reconnect() -> None:
                with contextlib.suppress(OSError):
                    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    sock.connect(member.path)
                    self.idle.put(Slot(member, sock, wire.Reader(sock)))

            threading.Thread(target=reconnect, daemon=True).start()

    def retire(self, slot: Slot) -> None:
        """Replace a process that cannot be given its priority back (not root)."""
        slot.process.alive = False
        slot.sock.close()
        if slot.process.popen is not None:
            slot.process.popen.terminate()
        threading.Thread(target=self._replace, args=(slot.process,), daemon=True).start()

    @staticmethod
    def _unnice(member: Process) -> bool:
        return renice(member, 0)

    # ------------------------------------------------------------------ the share for cheap queries

    def _monitor(self) -> None:
        while not self.closing:
            time.sleep(0.1)
            if self.slots_per_process == 1:  # the single read-write process serves everything: never end it early
                self.police()

    def police(self) -> None:
        """Renice queries past nice_after; end long-running ones beyond the global or the per-client cap."""
        now = time.monotonic()
        limits = self.limits
        nice_after = limits.nice_after if self.can_unnice else limits.slow_after
        with self.lock:
            running = sorted((s for s in self.busy if not s.ended and now - s.started > nice_after),
                             key=lambda s: s.started)  # fmt: skip
        for slot in running:
            if not slot.niced:
                renice(slot.process, NICE)
                slot.niced = True
        long = [slot for slot in running if now - slot.started > limits.slow_after]
        per_client: dict[str, int] = {}
        kept = 0
        for slot in long:
            count = per_client.get(slot.client, 0)
            if count >= limits.client_cap or kept >= limits.long_cap:
                log.warning("ending a long-running query of %s: over the share of long-running queries", slot.client)
                self.end(slot, "busy")
                continue
            per_client[slot.client] = count + 1
            kept += 1


def renice(member: Process, nice: int) -> bool:
    """Set a query process's priority (its main thread, which runs its queries); False when refused."""
    if member.popen is None:
        return False
    try:
        os.setpriority(os.PRIO_PROCESS, member.popen.pid, nice)
    except OSError:
        return False
    return True


def retire_quietly(member: Process) -> None:
    """Stop a process that never served (a spare that did not start)."""
    if member.popen is not None and member.popen.poll() is None:
        member.popen.kill()
        member.popen.wait()


def may_raise_priority() -> bool:
    """Whether this process may give a reniced process its priority back (root, or RLIMIT_NICE up to nice 0)."""
    return os.geteuid() == 0 or resource.getrlimit(resource.RLIMIT_NICE)[0] >= 20


# ---------------------------------------------------------------------- the front's WSGI application


class Relay:
    """The front's WSGI app: each request goes to a query process, with the pool's deadline."""

    def __init__(self, pool: QueryPool, timeout: float, cache: ResponseCache | None = None) -> None:
        self.pool = pool
        self.timeout = timeout
        self.cache = cache
        self.body_timeout = min(BODY_TIMEOUT, timeout)
        # granian merges the process environment into every environ: HTTP_PROXY and the like are not headers.
        self.ambient = {key: value for key, value in os.environ.items() if key.startswith("HTTP_")}
        self.readers = concurrent.futures.ThreadPoolExecutor(max_workers=16, thread_name_prefix="actorgraph-body")

    def __call__(self, environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        cache = self.cache
        if cache is None:
            return self._relay(environ, start_response, None)
        if cache.may_write(environ):
            return self._write(cache, environ, start_response)
        found = cache.lookup(environ)
        if isinstance(found, Cached) and self._header_bytes(environ) <= MAX_HEADERS:
            start_response(found.status, found.headers)
            return [found.body]
        return self._relay(environ, start_response, found if isinstance(found, Ticket) else None)  # or a 431

    def _header_bytes(self, environ: dict[str, Any]) -> int:
        return sum(
            len(value) for key, value in environ.items() if key[:5] == "HTTP_" and self.ambient.get(key) != value
        )

    def _write(self, cache: ResponseCache, environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        """A request that may change the data: the cache is emptied before it starts and after it ends."""
        cache.write_started()
        body: Iterable[bytes] = []
        try:
            body = self._relay(environ, start_response, None)
        finally:
            if isinstance(body, Streamed):
                body.on_done = cache.write_ended
            else:
                cache.write_ended()
        return body

    def _relay(self, environ: dict[str, Any], start_response: Start, ticket: Ticket | None) -> Iterable[bytes]:
        try:
            strings, size = self._strings(environ)
            if size > MAX_HEADERS:
                raise HeadersTooLarge(f"request headers of {size} bytes exceed the limit of {MAX_HEADERS}")
            data = self._body(environ)
        except HTTPError as exc:
            return self._error(exc, environ, start_response)
        deadline = time.monotonic() + self.timeout
        try:
            slot = self.pool.acquire(strings.get("REMOTE_ADDR", ""), deadline)
        except queue.Empty:
            busy = f"Server busy: no query process was free within the server's limit of {self.timeout:g} s."
            return self._error(QueryTimeout(busy, {"Retry-After": "1"}), environ, start_response)
        try:
            slot.send(wire.frame(wire.REQUEST, wire.encode((strings, data))))
            kind, payload = slot.read(deadline - time.monotonic())
        except TimeoutError:
            self.pool.end(slot, "timeout")
            self.pool.release(slot)
            return self._error(self._timeout(), environ, start_response)
        except (wire.Closed, OSError):
            gone = self._gone(slot)
            self.pool.end(slot, slot.ended or "crashed")  # a crash: replace the process
            self.pool.release(slot)
            return self._error(gone, environ, start_response)
        if kind == wire.ALL:
            status, headers, body = wire.decode(payload)
            self.pool.release(slot)
            if ticket is not None and self.cache is not None:
                self.cache.store(ticket, status, headers, body)
            start_response(status, headers)
            return [body]
        status, headers = wire.decode(payload)
        start_response(status, headers)
        return Streamed(self, slot)

    def _strings(self, environ: dict[str, Any]) -> tuple[dict[str, str], int]:
        strings = {key: value for key, value in environ.items()
                   if key in ENVIRON_KEYS or (key[:5] == "HTTP_" and self.ambient.get(key) != value)}  # fmt: skip
        size = sum(len(value) for key, value in strings.items() if key[:5] == "HTTP_")
        return strings, size

    def _body(self, environ: dict[str, Any]) -> bytes:
        """The request body, read within the body timeout: a client that sends less than it announced
        gets a 408 instead of holding a request thread."""
        length = environ.get("CONTENT_LENGTH")
        if not length or length == "0":
            return b""
        stream = environ["wsgi.input"]
        reading = self.readers.submit(stream.read)
        try:
            data: bytes = reading.result(timeout=self.body_timeout)
        except concurrent.futures.TimeoutError:
            raise RequestTimeout(f"the request body did not arrive within {self.body_timeout:g} s") from None
        return data

    def _timeout(self) -> QueryTimeout:
        return QueryTimeout(f"Query timed out: it ran longer than the server's limit of {self.timeout:g} s.",
                            {"Retry-After": "1"})  # fmt: skip

    def _gone(self, slot: Slot) -> Exception:
        if slot.ended == "busy":
            return QueryTimeout(OVER_SHARE, {"Retry-After": "5"})
        if slot.ended == "restarted":
            return QueryTimeout("Query ended: its process was restarted after another request's timeout.",
                                {"Retry-After": "1"})  # fmt: skip
        return ProcessGone("The query's process ended unexpectedly (it crashed or was killed); a new one is starting:"
                           " try again.", {"Retry-After": "1"})  # fmt: skip

    def _error(self, exc: Exception, environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        response = error_response(exc)
        if environ.get("PATH_INFO") == "/sparql":
            response.headers["Access-Control-Allow-Origin"] = "*"
        return response(environ, start_response)


class Streamed:
    """A streamed answer: chunks relayed from the query process, each within the deadline."""

    def __init__(self, relay: Relay, slot: Slot) -> None:
        self.relay = relay
        self.slot: Slot | None = slot
        self.on_done: Callable[[], None] | None = None  # a write's answer: the cache learns it ended

    def __iter__(self) -> Iterator[bytes]:
        slot = self.slot
        while slot is not None:
            try:
                kind, payload = slot.read(self.relay.timeout)
            except TimeoutError:
                log.error("a streamed answer stalled past the %g s timeout: ending its query process",
                          self.relay.timeout)  # fmt: skip
                self.relay.pool.end(slot, "timeout")
                self._finish(release=True)
                return
            except (wire.Closed, OSError):
                self.relay.pool.end(slot, slot.ended or "crashed")
                self._finish(release=True)
                return
            if kind == wire.CHUNK:
                yield payload
                continue
            if kind == wire.FAIL:
                log.error("a streamed answer failed after its headers: the body is truncated")
            self._finish(release=True)
            return

    def _finish(self, *, release: bool) -> None:
        slot, self.slot = self.slot, None
        if slot is not None:
            if release:
                self.relay.pool.release(slot)
            else:
                self.relay.pool.abandon(slot)
        done, self.on_done = self.on_done, None
        if done is not None:
            done()

    def close(self) -> None:
        """The server is done: if the answer did not end, the client left, so the connection is dropped."""
        self._finish(release=False)
