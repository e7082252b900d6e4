"""One table from exception to HTTP status; SPARQL endpoints answer errors in text/plain.

Client mistakes (a query that does not parse, a refused SERVICE, a bad parameter) are 4xx;
anything not in the table is a server bug: logged with its traceback and answered 500,
never disguised as a 400.
"""

from __future__ import annotations

import logging

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from actorgraph.graph.errors import (
    InvalidQuery,
    KGError,
    QueryParameterError,
    ReadOnlyStore,
    StoreError,
    UnknownQuery,
)
from actorgraph.graph.federation import ServiceNotAllowed
from actorgraph.server.negotiation import NotAcceptable, UnknownFormat

log = logging.getLogger("actorgraph.server")


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


class PayloadTooLarge(HTTPError):
    status = 413


class UnsupportedMediaType(HTTPError):
    status = 415


class QueryTimeout(HTTPError):
    status = 503


# Most specific first: the first matching class gives the status.
STATUS: tuple[tuple[type[BaseException], int], ...] = (
    (HTTPError, 0),  # carries its own status
    (InvalidQuery, 400),
    (QueryParameterError, 400),
    (UnknownFormat, 400),
    (ServiceNotAllowed, 400),
    (UnknownQuery, 404),
    (ReadOnlyStore, 403),
    (NotAcceptable, 406),
    (StoreError, 503),  # no store yet, or it cannot be opened: the service is unavailable
    (KGError, 500),
)


def status_for(exc: BaseException) -> int:
    """The HTTP status of an exception (500 when it is not in the table)."""
    for kind, status in STATUS:
        if isinstance(exc, kind):
            return exc.status if isinstance(exc, HTTPError) else status
    return 500


def message_for(exc: BaseException) -> str:
    """The text of the error for the client; for parse errors the parser's message with its position."""
    if isinstance(exc, InvalidQuery):
        return f"Invalid SPARQL: {exc.message}"
    return str(exc)


def error_response(exc: BaseException) -> Response:
    """A text/plain error response for exc (logged with a traceback when it is a 500)."""
    status = status_for(exc)
    if status >= 500 and not isinstance(exc, HTTPError | StoreError):
        log.exception("internal error", exc_info=exc)
        text = "Internal server error (logged)."
    else:
        text = message_for(exc)
    response = Response(text.rstrip("\n") + "\n", status=status, mimetype="text/plain")
    if isinstance(exc, HTTPError):
        response.headers.update(exc.headers)
    return response


def register(app: Flask) -> None:
    """Install the table as the app's error handlers (werkzeug's own HTTP errors pass through)."""

    def handle(exc: Exception) -> Response | HTTPException:
        if isinstance(exc, HTTPException):
            return exc
        return error_response(exc)

    app.register_error_handler(Exception, handle)
