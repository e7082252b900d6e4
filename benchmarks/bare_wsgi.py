"""The floor under any Python HTTP front: apps that answer a fixed SPARQL JSON body, no query run.

sparql_http.py serves these with gunicorn like our server (same workers, same client) to show
how much of a request's cost is the HTTP stack itself rather than anything ActorGraph does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

ANSWER = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
HEADERS = [("Content-Type", "application/sparql-results+json"), ("Content-Length", str(len(ANSWER)))]


def raw(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """A plain WSGI callable: what gunicorn alone costs."""
    start_response("200 OK", HEADERS)
    return [ANSWER]


flask_app = Flask(__name__)


@flask_app.get("/sparql")
def sparql() -> tuple[bytes, int, list[tuple[str, str]]]:
    """The same answer through Flask's routing and request objects."""
    return ANSWER, 200, HEADERS
