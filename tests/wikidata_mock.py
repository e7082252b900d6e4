"""A local stand-in for the Wikidata API (wbgetentities), serving tests/data/wikidata/*.json."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ANSWERS = Path(__file__).parent / "data" / "wikidata"


class MockWikidata:
    """What the mock served: the parsed query of every request."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.requests: list[dict[str, str]] = []
        self.rate_limited = 0  # this many requests are answered 429 (Too Many Requests) first
        self.retry_after = "1"


def _entity(qid: str, props: set[str], languages: set[str]) -> dict[str, Any]:
    """One entity as the API returns it: only the asked props and languages; unknown ids are 'missing'."""
    path = ANSWERS / f"{qid}.json"
    if not path.exists():
        return {"id": qid, "missing": ""}
    entity: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["entities"][qid]
    shown = {"type": entity["type"], "id": entity["id"]}
    for key in ("labels", "descriptions", "aliases"):
        if key in props:
            shown[key] = {lang: value for lang, value in entity.get(key, {}).items() if lang in languages}
    if "claims" in props:
        shown["claims"] = entity.get("claims", {})
    return shown


def _handler(state: MockWikidata) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            state.requests.append(query)
            if state.rate_limited > 0:
                state.rate_limited -= 1
                self._send(
                    429, {"error": {"code": "maxlag", "info": "Too many requests"}}, {"Retry-After": state.retry_after}
                )
                return
            if urlsplit(self.path).path != "/w/api.php" or query.get("action") != "wbgetentities":
                body: dict[str, Any] = {"error": {"code": "badvalue", "info": "only wbgetentities is mocked"}}
            else:
                props = set(query.get("props", "labels|aliases|descriptions|claims").split("|"))
                languages = set(query.get("languages", "en").split("|"))
                ids = query.get("ids", "").split("|")
                body = {"entities": {qid: _entity(qid, props, languages) for qid in ids}, "success": 1}
            self._send(200, body, {})

        def _send(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
            """Keep test output quiet."""

    return Handler


@contextmanager
def mock_wikidata() -> Iterator[MockWikidata]:
    """Serve the recorded answers on a free localhost port for the duration of the block."""
    state = MockWikidata("")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/w/api.php"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port_url() -> str:
    """An API URL on a localhost port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/w/api.php"
