"""One table from exception to HTTP status, and the three ways an error is written.

Client mistakes (a query that does not parse, a refused SERVICE, a bad parameter) are 4xx;
anything not in the table is a server bug: logged with its traceback and answered 500,
never disguised as a 400. Views raise; they never build error responses themselves.

Every error is answered on one of three surfaces, chosen by the request (``surface``):

- ``text``: the SPARQL protocol and the data answers (``/sparql``, ``/update``, ``/store``,
  named-query results, pictures) answer in ``text/plain``, as Oxigraph does;
- ``json``: the JSON API (``/queries`` listed as JSON, ``/health``, ``/openapi.json``) answers
  ``{"ok": false, "error": <message>, "status": <status>}``;
- ``html``: a browser on our pages gets ``error.html``.

The watchdog's timeout (protocol/workers.py), written to the socket outside Flask, uses
``timeout_response`` so its answer is the table's too.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Literal

from flask import Flask, Request, Response, render_template, request
from werkzeug.exceptions import HTTPException

from actorgraph.graph.errors import (
    InvalidIRI,
    InvalidQuery,
    KGError,
    QueryEvaluationError,
    QueryParameterError,
    ReadOnlyStore,
    ServiceCallFailed,
    ServiceNotAllowed,
    StoreError,
    UnknownFormat,
    UnknownQuery,
)
from actorgraph.graph.store import GRAPH_FORMATS, RESULT_FORMATS

log = logging.getLogger("actorgraph.server")

Surface = Literal["text", "json", "html"]
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Pages whose errors a browser reads: the query page, the resource pages, the named queries.
HTML_BLUEPRINTS = frozenset({"ui", "pages", "queries", "review"})
# Pages that answer HTML when the client states no preference (a person typing the URL).
HTML_BY_DEFAULT = frozenset({"ui", "pages", "review"})
JSON_PATHS = frozenset({"/queries", "/health", "/openapi.json"})
# What a data client may ask for instead of a page: every serialisation of the table, and JSON.
DATA_TYPES = ("application/json", *(f.media_type for f in (*RESULT_FORMATS, *GRAPH_FORMATS)))


class HTTPError(Exception):
    """An error with its own status (and extra headers), raised by the web layer itself."""

    status = 500

    def __init__(self, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class BadRequest(HTTPError):
    status = 400


class Unauthorized(HTTPError):
    status = 401


class Forbidden(HTTPError):
    status = 403


class NotFound(HTTPError):
    status = 404


class MethodNotAllowed(HTTPError):
    status = 405


class NotAcceptable(HTTPError):
    """No format offered satisfies the Accept header."""

    status = 406


class PayloadTooLarge(HTTPError):
    status = 413


class UnsupportedMediaType(HTTPError):
    status = 415


class RequestTimeout(HTTPError):
    """The request's body did not arrive in time."""

    status = 408


class HeadersTooLarge(HTTPError):
    status = 431


class ProcessGone(HTTPError):
    """A query process ended in the middle of a request (it crashed, or was killed): the service, not the client."""

    status = 503


class QueryTimeout(HTTPError):
    """The request ran past the server's query timeout (answered by the watchdog)."""

    status = 503


# Most specific first: the first matching class gives the status.
STATUS: tuple[tuple[type[BaseException], int], ...] = (
    (HTTPError, 0),  # carries its own status
    (InvalidQuery, 400),
    (QueryEvaluationError, 400),
    (QueryParameterError, 400),
    (UnknownFormat, 400),
    (ServiceNotAllowed, 400),
    (InvalidIRI, 400),
    (UnknownQuery, 404),
    (ReadOnlyStore, 403),
    (ServiceCallFailed, 502),  # an allowlisted SERVICE endpoint failed: the upstream, not us nor the client
    (StoreError, 503),  # no store yet, or it cannot be opened: the service is unavailable
    (KGError, 500),
)
TITLES = {400: "Bad request", 404: "Not found", 406: "Not acceptable"}


@dataclass(frozen=True)
class Problem:
    """An exception reduced to what any surface writes: status, message, extra headers."""

    status: int
    message: str
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return TITLES.get(self.status) or HTTPStatus(self.status).phrase


def status_for(exc: BaseException) -> int:
    """The HTTP status of an exception (500 when it is not in the table)."""
    if isinstance(exc, HTTPException):
        return exc.code or 500
    for kind, status in STATUS:
        if isinstance(exc, kind):
            return exc.status if isinstance(exc, HTTPError) else status
    return 500


def message_for(exc: BaseException) -> str:
    """The text of the error for the client; for parse errors the parser's message with its position."""
    if isinstance(exc, InvalidQuery):
        return f"Invalid SPARQL: {exc.message}"
    if isinstance(exc, HTTPException):
        return exc.description or HTTPStatus(exc.code or 500).phrase
    return str(exc)


def problem(exc: BaseException) -> Problem:
    """The one mapping: status, message and headers of an exception (a 500 is logged, its details kept)."""
    status = status_for(exc)
    if status >= 500 and not isinstance(exc, HTTPError | StoreError | ServiceCallFailed | HTTPException):
        log.exception("internal error", exc_info=exc)
        return Problem(500, "Internal server error (logged).")
    headers: dict[str, str] = {}
    if isinstance(exc, HTTPError):
        headers = dict(exc.headers)
    elif isinstance(exc, HTTPException):
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    return Problem(status, message_for(exc), headers)


def text_response(found: Problem) -> Response:
    """The SPARQL protocol's answer: the message in text/plain."""
    response = Response(found.message.rstrip("\n") + "\n", status=found.status, mimetype="text/plain")
    response.headers.update(found.headers)
    response.headers["X-Content-Type-Options"] = "nosniff"  # the message may echo the client's input
    return response


def json_response(found: Problem) -> Response:
    """The JSON API's answer: {"ok": false, "error": message, "status": status}."""
    body = json.dumps({"ok": False, "error": found.message, "status": found.status}, ensure_ascii=False)
    response = Response(body, status=found.status, mimetype="application/json")
    response.headers.update(found.headers)
    return response


def html_response(found: Problem) -> Response:
    """The pages' answer: error.html."""
    body = render_template("error.html", status=found.status, title=found.title, message=found.message)
    response = Response(body, status=found.status, mimetype="text/html")
    response.headers.update(found.headers)
    return response


WRITERS = {"text": text_response, "json": json_response, "html": html_response}


def error_response(exc: BaseException, on: Surface = "text") -> Response:
    """exc answered on a surface (text/plain unless told)."""
    return WRITERS[on](problem(exc))


def wants_html(req: Request, *, by_default: bool) -> bool:
    """Whether the client prefers HTML: ``format=html``, or Accept ranking HTML above data formats."""
    fmt = req.args.get("format")
    if fmt:
        return fmt.strip().lower() in ("html", "text/html")
    if not req.accept_mimetypes:
        return by_default
    offered = [*HTML_TYPES, *DATA_TYPES] if by_default else [*DATA_TYPES, *HTML_TYPES]
    return req.accept_mimetypes.best_match(offered) in HTML_TYPES


def surface(req: Request) -> Surface:
    """Where the current request's errors go: a browser page, the JSON API, or plain text."""
    blueprint = req.blueprint
    if blueprint in HTML_BLUEPRINTS and wants_html(req, by_default=blueprint in HTML_BY_DEFAULT):
        return "html"
    if req.path in JSON_PATHS:
        return "json"
    return "text"


def timeout_response(timeout: float) -> tuple[str, list[tuple[str, str]], bytes]:
    """The status line, headers and body of a query timeout, as the table writes it (for the watchdog)."""
    answer = text_response(problem(QueryTimeout(f"Query timed out: it ran longer than the server's limit of "
                                                f"{timeout:g} s.", {"Retry-After": "1"})))  # fmt: skip
    body = answer.get_data()
    headers = [("Content-Type", answer.content_type or "text/plain"), ("Content-Length", str(len(body))),
               *((k, v) for k, v in answer.headers.items() if k not in ("Content-Type", "Content-Length"))]  # fmt: skip
    return f"{answer.status_code} {HTTPStatus(answer.status_code).phrase}", headers, body


def register(app: Flask) -> None:
    """Install the table as the app's one error handler (redirects, werkzeug's 3xx, pass through)."""

    def handle(exc: Exception) -> Response | HTTPException:
        if isinstance(exc, HTTPException) and (exc.code or 500) < 400:
            return exc
        return error_response(exc, surface(request))

    app.register_error_handler(Exception, handle)
