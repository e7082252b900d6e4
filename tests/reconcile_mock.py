"""A local stand-in for Wikidata's reconciliation service, answering in the protocol's 0.2 shapes.

GET without parameters gives the manifest (tests/data/reconciliation/wikidata-service/manifest.json,
the specification's example manifest of that service); ``queries=`` (GET or POST form) gives, per
query, the candidates recorded for its text in answers.json, or none. It can misbehave on demand:
answer an HTTP error, rate-limit (429 with Retry-After) a number of times, or answer too late.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

SERVICE = Path(__file__).parent / "data" / "reconciliation" / "wikidata-service"


@dataclass
class MockService:
    """The service's state: what it was asked, and how it should misbehave."""

    url: str = ""
    queries: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    status: int = 200  # another status: every answer is that error
    rate_limited: int = 0  # this many answers are 429 first
    retry_after: str = "1"
    delay: float = 0.0  # seconds before answering


def _answer(state: MockService, params: dict[str, str]) -> tuple[int, dict[str, str], Any]:
    if state.rate_limited > 0:
        state.rate_limited -= 1
        return 429, {"Retry-After": state.retry_after}, {"error": "Too many requests"}
    if state.status != 200:
        return state.status, {}, {"error": "the service failed"}
    if "queries" not in params:
        return 200, {}, json.loads((SERVICE / "manifest.json").read_text(encoding="utf-8"))
    batch = json.loads(params["queries"])
    state.queries.append(batch)
    recorded = json.loads((SERVICE / "answers.json").read_text(encoding="utf-8"))
    return 200, {}, {key: {"result": recorded.get(q.get("query", ""), [])} for key, q in batch.items()}


def _handler(state: MockService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._reply({k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8")
            self._reply({k: v[0] for k, v in parse_qs(body).items()})

        def _reply(self, params: dict[str, str]) -> None:
            state.requests += 1
            if state.delay:
                time.sleep(state.delay)
            status, headers, body = _answer(state, params)
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            with contextlib.suppress(
                BrokenPipeError, ConnectionResetError
            ):  # the client gave up waiting (timeout test)
                self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
            """Keep test output quiet."""

    return Handler


@contextmanager
def mock_reconciliation_service() -> Iterator[MockService]:
    """Serve on a free localhost port for the duration of the block."""
    state = MockService()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/en/api"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
