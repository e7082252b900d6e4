"""Running the server: granian in front, a pool of query processes behind (docs/server.md).

Process model. ``actorgraph serve`` starts granian's main process; its one worker process (the
front) runs ``pool.Relay`` on granian's request threads, with HTTP parsing, keep-alive and socket
I/O in Rust outside the GIL. The front starts the query processes (server/query_process.py):
without an update token, ``workers`` of them, each opening the store read-only and answering one
request at a time; with a token, one that opens the store read-write (RocksDB allows a single
writer, and read-only instances would not see its writes) and answers with ``threads`` threads.
A query past its deadline ends its query process only (see pool.py). ``--memory`` builds the
shipped sources into a temporary on-disk store first, so the query processes can open it too.

Shutdown. SIGTERM or Ctrl+C: granian stops accepting and finishes the requests in flight, the
front sends SIGTERM to each query process (which exits at once, without the interpreter's
teardown), and the command exits 0.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing.util
import os
import pickle
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from granian.constants import Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server import MPServer

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.server.cache import ResponseCache
from actorgraph.server.pool import Limits, QueryPool, Relay
from actorgraph.server.protocol.workers import RequestLog

log = logging.getLogger("actorgraph.server")

HEADER_READ_TIMEOUT_MS = 10_000  # a client has this long to send its request line and headers
SLOW_AFTER = 1.0  # seconds after which a query counts as long-running (capped below by the timeout / 4)
# A query's process is reniced when the query becomes long-running, not earlier: reniced after 0.25 s,
# pages that took that long on a loaded machine starved at nice 19, crossed slow_after and were ended
# for the share (tests/integration/test_load_under_faults.py, with other jobs keeping the load near 10).


def configure_logging() -> None:
    """Request and error logs to standard error, one line each."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("actorgraph")
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def prepare(settings: Settings) -> Settings:
    """Settings to serve with: a temporary store for --memory, read-write when updates are on."""
    if settings.in_memory:
        folder = tempfile.mkdtemp(prefix="actorgraph-serve-")
        master = os.getpid()
        # The forked front inherits atexit handlers: only the main process removes the folder.

        def cleanup() -> None:
            if os.getpid() == master:
                shutil.rmtree(folder, ignore_errors=True)

        atexit.register(cleanup)
        settings = settings.with_(store_path=str(Path(folder) / "store"))
        report = KnowledgeGraph(settings).build()
        log.info("built the shipped sources into %s: %d quads", settings.store_path, report.quads)
    return settings.with_(read_only=not settings.update_token)


def pool_shape(settings: Settings) -> tuple[int, int]:
    """(query processes, connections to each): one writer with threads, or read-only workers."""
    return (1, settings.threads) if not settings.read_only else (settings.workers, 1)


def limits(settings: Settings) -> Limits:
    """The share for cheap queries: at most all but one process, and half of them per client, run long."""
    processes, _ = pool_shape(settings)
    return Limits(timeout=settings.query_timeout, slow_after=min(SLOW_AFTER, settings.query_timeout / 4),
                  nice_after=min(SLOW_AFTER, settings.query_timeout / 4),
                  long_cap=max(1, processes - 1), client_cap=max(1, processes // 2))  # fmt: skip


def response_cache(settings: Settings) -> ResponseCache | None:
    """The front's response cache; none when switched off or for a remote store (changed behind our back)."""
    cache_mb = settings.cache_mb
    if cache_mb <= 0 or settings.remote:
        return None
    return ResponseCache(int(cache_mb * 1024 * 1024), settings.store_path)


def start_front(settings: Settings) -> Any:
    """In granian's worker: start the query processes, and return the WSGI app that relays to them."""
    folder = Path(tempfile.mkdtemp(prefix="actorgraph-pool-"))
    settings_file = folder / "settings.pickle"
    settings_file.write_bytes(pickle.dumps(settings))
    processes, slots = pool_shape(settings)
    pool = QueryPool(folder, settings_file, processes, slots, limits(settings))

    def stop() -> None:
        pool.close()
        shutil.rmtree(folder, ignore_errors=True)

    # granian's worker is a multiprocessing process: its exit runs these finalizers, not atexit.
    multiprocessing.util.Finalize(None, stop, exitpriority=10)
    pool.start()
    return RequestLog(Relay(pool, settings.query_timeout, response_cache(settings)), stream=sys.stderr)


# granian's backpressure bounds the connections served at once, not the requests: a keep-alive connection
# holds its permit between requests, so with backpressure equal to the request threads, 13 busy keep-alive
# clients starved every new connection until they left (tests/integration/test_load_under_faults.py).
# The request threads (blocking_threads) still bound the concurrency in Python; this only bounds sockets.
CONNECTIONS = 1024


def granian_server(settings: Settings) -> MPServer:
    """granian's server for these settings (one front process; request threads for every slot)."""
    processes, slots = pool_shape(settings)
    threads = 2 * processes * slots + 4  # requests waiting for a free process hold a thread too
    return MPServer("actorgraph.server.run:front", address=settings.host, port=settings.port,
                    interface=Interfaces.WSGI, workers=1, blocking_threads=threads, backpressure=CONNECTIONS,
                    http1_settings=HTTP1Settings(header_read_timeout=HEADER_READ_TIMEOUT_MS),
                    log_level=LogLevels.warning, workers_kill_timeout=int(settings.query_timeout) + 5)  # fmt: skip


def run(settings: Settings) -> None:
    """Serve until interrupted."""
    configure_logging()
    settings = prepare(settings)
    kg = KnowledgeGraph(settings)
    kg.open()  # a missing store fails here, before we listen
    kg.close()
    server = granian_server(settings)
    processes, _ = pool_shape(settings)
    mode = "read-write, updates on" if not settings.read_only else "read-only"
    cache = f"response cache {settings.cache_mb:g} MB" if response_cache(settings) else "no response cache"
    print(f"ActorGraph serving http://{settings.host}:{settings.port}/sparql ({processes} query process(es), "
          f"{mode}, timeout {settings.query_timeout:g} s, {cache})", flush=True)  # fmt: skip
    server.serve(target_loader=lambda target: start_front(settings))
