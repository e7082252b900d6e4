"""SPARQL 1.1 Update at /update: off unless an update token is configured; Bearer auth; atomic."""

from __future__ import annotations

import hmac
import re

from flask import Blueprint, Response, request
from werkzeug.datastructures import MultiDict

from actorgraph.graph.errors import ServiceCallFailed, StoreError, StoreTimeout
from actorgraph.graph.store import named_node
from actorgraph.server import context
from actorgraph.server.errors import BadRequest, Forbidden, Unauthorized, UnsupportedMediaType
from actorgraph.server.protocol.limits import mask

bp = Blueprint("update", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-update"


def require_token() -> None:
    """Let the request write only with the configured Bearer token (compared in constant time).

    Raises Forbidden when writes are disabled or the token is wrong, Unauthorized when no
    Bearer token is given (RFC 6750: no credentials is 401, credentials that do not grant it 403).
    """
    settings = context.settings()
    if not settings.update_token:
        raise Forbidden("writes are disabled on this server (start it with --update-token to enable them)")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise Unauthorized("a valid 'Authorization: Bearer <token>' header is required",
                           {"WWW-Authenticate": 'Bearer realm="actorgraph"'})  # fmt: skip
    if not hmac.compare_digest(given.strip().encode(), settings.update_token.encode()):
        raise Forbidden(
            "the bearer token is wrong", {"WWW-Authenticate": 'Bearer realm="actorgraph", error="invalid_token"'}
        )


@bp.route("/update", methods=["POST"])  # GET is werkzeug's 405, whose Allow lists only what is served
def update() -> Response:
    """Run a SPARQL Update in one transaction; 204 on success."""
    require_token()
    if request.mimetype == FORM:
        values = request.form.getlist("update")
        if len(values) != 1:
            raise BadRequest("give exactly one 'update' parameter in the form body")
        text = values[0]
        using: MultiDict[str, str] = request.form
    elif request.mimetype == DIRECT:
        text = request.get_data(as_text=True)
        using = request.args
    else:
        raise UnsupportedMediaType(f"unsupported Content-Type {request.mimetype or '(none)'!r}: use {FORM} or {DIRECT}")
    if not text.strip():
        raise BadRequest("empty update")
    text = with_dataset(text, _iris(using, "using-graph-uri"), _iris(using, "using-named-graph-uri"))
    endpoint = context.endpoint()
    federated = endpoint.policy.check_update(text)
    # An evaluation error (CREATE of an existing graph, ...) is a 400 by the table; relative IRIs
    # resolve against the endpoint's URL, as the protocol says.
    try:
        endpoint.kg.update(text, base_iri=request.base_url)
    except StoreError as exc:
        if not federated or isinstance(exc, StoreTimeout):
            raise
        raise ServiceCallFailed(f"a LOAD or SERVICE endpoint of the update failed: {exc}") from exc
    return Response(status=204)


def _iris(params: MultiDict[str, str], name: str) -> list[str]:
    """The values of a repeatable IRI parameter, each checked (it is written into the update's text)."""
    values = params.getlist(name)
    for value in values:
        named_node(value)  # InvalidIRI (400) for anything that is not one IRI, so nothing can be injected
    return values


# Keywords at the top level of an update (outside every group, string, IRI and comment).
_DATASET_CLAUSE = re.compile(r"\b(USING|WITH)\b", re.IGNORECASE)
_WHERE = re.compile(r"\bWHERE\b", re.IGNORECASE)
_DELETE_BEFORE = re.compile(r"\bDELETE\s*$", re.IGNORECASE)


def with_dataset(update: str, using: list[str], using_named: list[str]) -> str:
    """The update with the protocol's ``using-graph-uri``/``using-named-graph-uri`` written in as USING clauses.

    They set the dataset of every operation's WHERE; an update that names its own dataset
    (USING, USING NAMED or WITH) together with them is an error (SPARQL 1.1 Protocol, 2.2.3).
    ``DELETE WHERE { P }`` has no place for USING, so it becomes ``DELETE { P } USING … WHERE { P }``.
    pyoxigraph has no dataset argument for updates, hence the rewrite of the text.
    """
    if not using and not using_named:
        return update
    masked = mask(update)
    top = _top_level(masked)
    if _DATASET_CLAUSE.search(top):
        raise BadRequest("using-graph-uri / using-named-graph-uri cannot be combined with USING or WITH in the update")
    clauses = "".join(f" USING <{g}>" for g in using) + "".join(f" USING NAMED <{g}>" for g in using_named)
    pieces: list[str] = []
    last = 0
    for where in _WHERE.finditer(top):
        delete = _DELETE_BEFORE.search(top, 0, where.start())
        if delete is not None:  # the DELETE WHERE shorthand: spell out its template
            pattern = _group_after(masked, update, where.end())
            pieces.append(update[last : delete.start()] + f"DELETE {pattern}{clauses} WHERE")
        else:
            pieces.append(update[last : where.start()] + clauses.lstrip() + " WHERE")
        last = where.end()
    return "".join(pieces) + update[last:]


def _top_level(masked: str) -> str:
    """masked with every character inside braces blanked (same offsets): only top-level keywords remain."""
    chars = list(masked)
    depth = 0
    for i, ch in enumerate(masked):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
            continue
        if depth and ch != "{":
            chars[i] = " "
    return "".join(chars)


def _group_after(masked: str, update: str, start: int) -> str:
    """The text of the brace group that starts after offset start (the quad pattern of DELETE WHERE)."""
    open_at = masked.find("{", start)
    if open_at < 0:
        raise BadRequest("DELETE WHERE without its pattern")
    depth = 0
    for i in range(open_at, len(masked)):
        if masked[i] == "{":
            depth += 1
        elif masked[i] == "}":
            depth -= 1
            if depth == 0:
                return update[open_at : i + 1]
    raise BadRequest("DELETE WHERE with an unclosed pattern")
