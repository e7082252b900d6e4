"""Start ``python -m actorgraph.graph serve`` in a subprocess on a free port and wait for it (datasette pattern)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings

# The small sources folder of the build tests (tests/data/README.md): quick to build and rebuild.
FIXTURE_SOURCES = Path(__file__).resolve().parents[1] / "data" / "fixture"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A running server: its base URL, process and log file."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(args: list[str], log: Path, startup: float = 60.0) -> LiveServer:
    """Start the server with these serve arguments and wait until /health answers."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "actorgraph.graph", "serve", "--port", str(port), *args],
                                   stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    server = LiveServer(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + startup
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(server.url + "/health", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"server did not answer within {startup} s:\n{log.read_text()}")


def build_store(path: Path, sources: Path | None = None) -> Path:
    KnowledgeGraph(Settings(store_path=str(path)), sources=sources).build()
    return path


def copy_sources(target: Path) -> Path:
    """A private copy of the fixture sources, for tests that change them."""
    shutil.copytree(FIXTURE_SOURCES, target)
    return target
