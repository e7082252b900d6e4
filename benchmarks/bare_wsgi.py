"""The floors under our server: granian answering a constant, and our app inside granian without the pool.

sparql_http.py serves these with granian, like our server's front (same request threads, same
client): ``raw`` shows what the HTTP stack alone costs; ``inprocess`` (a factory: the store comes
from ACTORGRAPH_STORE) runs our whole application in granian's process, without the query
processes, so the difference to ``actorgraph serve`` is the cost of handing a query over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from actorgraph.graph.config import Settings
from actorgraph.server import create_app

ANSWER = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
HEADERS = [("Content-Type", "application/sparql-results+json"), ("Content-Length", str(len(ANSWER)))]


def raw(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """A plain WSGI callable: what granian alone costs."""
    start_response("200 OK", HEADERS)
    return [ANSWER]


def inprocess() -> Any:
    """Our application, served in granian's own process: no hand-off, and no timeout."""
    app = create_app(Settings.from_env())
    return app.wsgi_app
