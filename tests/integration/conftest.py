"""Fixtures of the live-server tests (marked ``live``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from server_process import LiveServer, build_store, start_server


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped sources built once into an on-disk store."""
    return build_store(tmp_path_factory.mktemp("live") / "store")


@pytest.fixture(scope="session")
def live(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A read-only server over the built store with a short query timeout (2 s) and three workers.

    Without the response cache, so that repeated queries reach the query processes (the pool is under
    test); tests/integration/test_live_cache.py starts its own servers with it.
    """
    log = tmp_path_factory.mktemp("live-log") / "server.log"
    server = start_server(["--store", str(built_store), "--timeout", "2", "--workers", "3", "--cache-mb", "0"], log)
    yield server
    server.stop()
