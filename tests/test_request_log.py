"""The request log the front writes: one line per request, with its status and time."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from typing import Any

from actorgraph.server.protocol.workers import RequestLog

LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[\d+\] INFO actorgraph\.access: GET /sparql\?query=ASK 200 \d+\.\dms$"
)


def teapot(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def test_request_log_writes_one_stamped_line_per_request_when_the_body_is_done() -> None:
    out = io.StringIO()
    app = RequestLog(teapot, stream=out)
    for _ in range(3):
        body = app({"REQUEST_METHOD": "GET", "PATH_INFO": "/sparql", "QUERY_STRING": "query=ASK"}, lambda *a: None)
        assert out.getvalue().count("\n") == _  # not before the server is done with the body
        assert b"".join(body) == b"ok"
        body.close()  # type: ignore[attr-defined]
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert all(LINE.match(line) for line in lines), lines
