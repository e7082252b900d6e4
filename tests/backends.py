"""Real SPARQL servers for the remote-store tests: Oxigraph's `oxigraph serve` and Virtuoso 7.

Each starts on free loopback ports with a temporary database and stops at the end of the
session. A server that cannot start raises BackendUnavailable with the reason: the tests then
fail (a skipped backend would hide that the contract is not checked on it).
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

# The starters live in the package, so the benchmarks start the servers the same way without tests/ on sys.path.
from actorgraph.graph import servers
from actorgraph.graph.servers import BackendUnavailable, Server, free_port, oxigraph_server, stop, tail

__all__ = ["BackendUnavailable", "Server", "actorgraph_serve", "oxigraph_server", "session_servers", "virtuoso_server"]

# ACTORGRAPH_TEST_VIRTUOSO_ISOLATION=4 runs the tests at repeatable read (docs/deploy.md has what that gave).
ISOLATION = int(os.environ.get("ACTORGRAPH_TEST_VIRTUOSO_ISOLATION", "2"))
virtuoso_server = functools.partial(servers.virtuoso_server, isolation=ISOLATION)


_started: dict[str, Server | BackendUnavailable] = {}


def session_servers(
    tmp_path_factory: pytest.TempPathFactory, config: pytest.Config
) -> dict[str, Server | BackendUnavailable]:
    """Oxigraph's server and Virtuoso, started once per session for every test module that asks.

    A server that fails to start is kept as its error; all stop when the session ends.
    """
    if _started:
        return _started
    for name, start in (("oxigraph", oxigraph_server), ("virtuoso", virtuoso_server)):
        context = start(tmp_path_factory.mktemp(name))
        try:
            _started[name] = context.__enter__()
        except BackendUnavailable as exc:
            _started[name] = exc
        else:
            config.add_cleanup(lambda context=context: context.__exit__(None, None, None))  # type: ignore[misc]
    return _started


@contextmanager
def actorgraph_serve(args: list[str], log: Path, env: dict[str, str]) -> Iterator[str]:
    """`actorgraph serve` with these arguments and extra environment, until /health answers; yields its URL."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "actorgraph.graph", "serve", "--port", str(port), *args],
                                   env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not _answers(url + "/health"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise BackendUnavailable(f"actorgraph serve did not start: {tail(log)}")
            time.sleep(0.3)
        yield url
    finally:
        stop(process)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=30.0).status_code == 200  # a busy server answers /health slowly
    except httpx.HTTPError:
        return False
