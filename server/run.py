"""Running the application under gunicorn: sync workers with a timeout watchdog each.

Process model (docs/server.md): without an update token, ``workers`` gunicorn sync workers
each open the store read-only and answer one request at a time; a query past its deadline
ends its worker (see workers.Watchdog) and gunicorn starts a new one. With an update token,
one worker opens the store read-write (RocksDB allows a single writer, and read-only
instances would not see its writes) and answers with ``threads`` threads. ``--memory`` builds
the shipped sources into a temporary on-disk store first, so workers can open it too.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.server import create_app
from actorgraph.server.protocol.workers import RequestLog, Watchdog

log = logging.getLogger("actorgraph.server")


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
        # Forked workers inherit atexit handlers: only the master removes the folder.

        def cleanup() -> None:
            if os.getpid() == master:
                shutil.rmtree(folder, ignore_errors=True)

        atexit.register(cleanup)
        settings = settings.with_(store_path=str(Path(folder) / "store"))
        report = KnowledgeGraph(settings).build()
        log.info("built the shipped sources into %s: %d quads", settings.store_path, report.quads)
    return settings.with_(read_only=not settings.update_token)


def gunicorn_options(settings: Settings, kg: KnowledgeGraph, watchdog: Watchdog) -> dict[str, Any]:
    """gunicorn's configuration for these settings."""
    writable = not settings.read_only

    def post_fork(server: Any, worker: Any) -> None:
        kg.close()  # never share a RocksDB handle across fork: each worker opens its own

    def post_worker_init(worker: Any) -> None:
        kg.open()  # now, so the worker's first request does not pay for it
        # A sync worker only tells the arbiter it is alive between requests; a long answer that
        # keeps streaming must not be taken for a hung worker, so each chunk sent says so too.
        watchdog.heartbeat = worker.notify

    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": 1 if writable else settings.workers,
        "worker_class": "gthread" if writable else "sync",
        "threads": settings.threads if writable else 1,
        # gunicorn's own kill is a backstop behind the watchdog, which answers 503 first.
        "timeout": int(settings.query_timeout) + 15,
        "graceful_timeout": 5,
        "limit_request_line": 0,  # long GET queries are bounded by max_query_length instead
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "post_fork": post_fork,
        "post_worker_init": post_worker_init,
        "proc_name": "actorgraph",
    }


def build_app(settings: Settings) -> tuple[Flask, KnowledgeGraph, Watchdog]:
    """The app as served: opened once to fail early, closed again before workers fork."""
    kg = KnowledgeGraph(settings)
    kg.open()  # a missing store fails here, before we listen
    kg.close()
    app = create_app(settings, kg)
    if isinstance(app.wsgi_app, RequestLog):
        app.wsgi_app.stream = sys.stderr  # direct lines: cheaper than a LogRecord per request
    watchdog = Watchdog(app.wsgi_app, settings.query_timeout)
    app.wsgi_app = watchdog  # type: ignore[method-assign]
    return app, kg, watchdog


def run(settings: Settings) -> None:
    """Serve until interrupted."""
    from gunicorn.app.base import BaseApplication  # only when serving: importing run.py must stay cheap

    configure_logging()
    settings = prepare(settings)
    app, kg, watchdog = build_app(settings)
    options = gunicorn_options(settings, kg, watchdog)

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    mode = "read-write, updates on" if not settings.read_only else "read-only"
    print(f"ActorGraph serving http://{settings.host}:{settings.port}/sparql ({options['workers']} worker(s), "
          f"{mode}, timeout {settings.query_timeout:g} s)", flush=True)  # fmt: skip
    Server().run()
