"""SPARQL 1.1 Update at /update: off unless an update token is configured; Bearer auth; atomic."""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from flask import Blueprint, Response, request

from actorgraph.server import context
from actorgraph.server.errors import BadRequest, Forbidden, MethodNotAllowed, Unauthorized, UnsupportedMediaType

bp = Blueprint("update", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-update"


def require_token() -> None:
    """Let the request write only with the configured Bearer token (compared in constant time).

    Raises Forbidden when writes are disabled, Unauthorized when the token is missing or wrong.
    """
    settings = context.settings()
    if not settings.update_token:
        raise Forbidden("writes are disabled on this server (start it with --update-token to enable them)")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), settings.update_token.encode()):
        raise Unauthorized("a valid 'Authorization: Bearer <token>' header is required",
                           {"WWW-Authenticate": 'Bearer realm="actorgraph"'})  # fmt: skip


@bp.route("/update", methods=["GET", "POST"])
def update() -> Response:
    """Run a SPARQL Update in one transaction; 204 on success."""
    if request.method == "GET":
        raise MethodNotAllowed("SPARQL Update must be sent by POST", {"Allow": "POST, OPTIONS"})
    require_token()
    if request.mimetype == FORM:
        values = request.form.getlist("update")
        if len(values) != 1:
            raise BadRequest("give exactly one 'update' parameter in the form body")
        text = values[0]
        using: Mapping[str, str] = request.form
    elif request.mimetype == DIRECT:
        text = request.get_data(as_text=True)
        using = request.args
    else:
        raise UnsupportedMediaType(f"unsupported Content-Type {request.mimetype or '(none)'!r}: use {FORM} or {DIRECT}")
    if "using-graph-uri" in using or "using-named-graph-uri" in using:
        # pyoxigraph has no dataset override for updates; refusing beats silently ignoring them.
        raise BadRequest("using-graph-uri / using-named-graph-uri are not supported: write USING in the update")
    endpoint = context.endpoint()
    endpoint.policy.check_update(text)
    endpoint.kg.update(text)  # an evaluation error (CREATE of an existing graph, ...) is a 400 by the table
    return Response(status=204)
