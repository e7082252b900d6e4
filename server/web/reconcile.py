"""``/reconcile``: the W3C Reconciliation Service API (version 0.2, the dialect OpenRefine sends).

Thin: it reads the request (the ``queries`` and ``extend`` form parameters, by GET or POST),
asks KnowledgeGraph (``reconcile``, ``reconcile_suggest``, ``reconcile_card``,
``reconcile_extend``) and writes JSON. Without parameters ``/reconcile`` answers the service
manifest. Every answer allows any origin (CORS), as the protocol requires since 0.2; JSONP is
optional there and is not offered. Errors go through server/errors.py like every other view.

In OpenRefine: Reconcile > Start reconciling > Add Standard Service > ``<server>/reconcile``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for

from actorgraph.graph.linking import reconcile as core
from actorgraph.ontology.vocab import AG, RES
from actorgraph.server.context import kg
from actorgraph.server.errors import BadRequest, NotFound

bp = Blueprint("reconcile", __name__, url_prefix="/reconcile")

VERSIONS = ["0.1", "0.2"]
PREVIEW_SIZE = {"width": 430, "height": 300}
DEFAULT_TYPES = ("Agent", "Place", "Event")
# The preview is shown in an iframe of the client (OpenRefine): it may be framed by anyone, runs no script.
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *"


@bp.after_request
def allow_any_origin(response: Response) -> Response:
    """CORS: the protocol's clients are web pages on other origins (OpenRefine in a browser)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    return response


@bp.route("", methods=["GET", "POST"])
def service() -> Response:
    """The manifest, a batch of queries (``queries=``) or a data extension (``extend=``)."""
    queries = _param("queries")
    if queries is not None:
        return _json(_answer(lambda: kg().reconcile(_object(queries, "queries"))))
    extend = _param("extend")
    if extend is not None:
        request_body = _object(extend, "extend")
        ids, properties = request_body.get("ids"), request_body.get("properties")
        if not isinstance(ids, list) or not isinstance(properties, list):
            raise BadRequest("'extend' needs 'ids' (a list) and 'properties' (a list)")
        return _json(_answer(lambda: kg().reconcile_extend([str(i) for i in ids], properties)))
    return _json(manifest())


def manifest() -> dict[str, Any]:
    """The service manifest: where each part of the service is, relative to this server."""
    root = request.url_root.rstrip("/")
    classes = core.ontology_classes()
    return {
        "versions": VERSIONS,
        "name": "ActorGraph (state, non-state and proxy actors)",
        "identifierSpace": RES,
        "schemaSpace": AG,
        "documentation": "https://w3id.org/actorgraph/docs/linking",
        "view": {"url": root + "/resource/{{id}}"},
        "preview": {"url": root + url_for("reconcile.preview") + "?id={{id}}", **PREVIEW_SIZE},
        "defaultTypes": [core.type_json(classes[t]) for t in DEFAULT_TYPES if t in classes],
        "suggest": {
            kind: {"service_url": root, "service_path": url_for("reconcile.suggest", kind=kind)}
            for kind in ("entity", "type", "property")
        },
        "extend": {
            "propose_properties": {"service_url": root, "service_path": url_for("reconcile.propose")},
            "property_settings": [
                {"name": "year", "label": "Year", "type": "number", "default": core.DEFAULT_YEAR,
                 "help_text": "For 'adversaries': the year the adversarial relation must hold in"},
            ],
        },
    }  # fmt: skip


@bp.get("/suggest/<kind>")
def suggest(kind: str) -> Response:
    """Auto-completion of entities, types or properties: ``?prefix=``."""
    if kind not in ("entity", "type", "property"):
        raise NotFound(f"no suggest service for {kind!r} (entity, type, property)")
    return _json({"result": kg().reconcile_suggest(kind, request.args.get("prefix", ""))})


@bp.get("/propose_properties")
def propose() -> Response:
    """The properties data extension can fetch (``?type=``)."""
    return _json(core.propose_properties(request.args.get("type")))


@bp.get("/preview")
def preview() -> Response:
    """A small HTML card of an entity (``?id=``): label, type, aliases, identifiers, three statements."""
    entity_id = request.args.get("id", "")
    card = kg().reconcile_card(entity_id)
    if card is None:
        raise NotFound(f"no entity {entity_id!r}")
    response = Response(render_template("reconcile_preview.html", card=card), mimetype="text/html")
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _param(name: str) -> str | None:
    """A form or query parameter (OpenRefine POSTs a form; GET puts it in the query string)."""
    value = request.form.get(name) if request.method == "POST" else None
    return value if value is not None else request.args.get(name)


def _object(text: str, name: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise BadRequest(f"'{name}' is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise BadRequest(f"'{name}' must be a JSON object")
    return value


def _answer(compute: Callable[[], Any]) -> Any:
    """The core's answer; its ValueError (a malformed query) is the client's mistake."""
    try:
        return compute()
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc


def _json(body: Any) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8")
