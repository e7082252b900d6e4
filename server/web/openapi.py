"""The OpenAPI 3.1 description of the HTTP API, served at ``/openapi.json``.

Written by hand from the routes (the operations by surface in server/web/openapi_paths.py, the pieces
they share in server/web/openapi_parts.py), plus one operation per named query generated from its
header, so each query's parameters are documented with their types.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from flask import Blueprint, Response, current_app, json

from actorgraph.graph.named_queries import NamedQuery, load_all
from actorgraph.server.web.openapi_parts import (
    DATASET,
    EMPTY,
    ERROR_TEXTS,
    FORMAT,
    JSON_ERROR,
    NAMED_FORMAT,
    PARAM_SCHEMAS,
    QUERY_ERRORS,
    QUERY_RESULTS,
    RDF_TYPES,
    RESULT_TYPES,
    body,
    error_refs,
    text_answer,
)
from actorgraph.server.web.openapi_paths import page_paths, protocol_paths, reconcile_paths

bp = Blueprint("openapi", __name__)


def build_spec() -> dict[str, Any]:
    """The OpenAPI document (a plain dict)."""
    # Protocol paths first, then pages, named queries and reconciliation: the order of the served JSON.
    paths: dict[str, Any] = {**protocol_paths(), **page_paths()}
    for query in load_all().values():
        paths[f"/queries/{query.name}"] = {"get": _named_operation(query)}
    paths.update(reconcile_paths())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ActorGraph",
            "version": _version(),
            "summary": "A knowledge graph of state, non-state and proxy actors with the evidence of every statement.",
            "description": (
                "SPARQL 1.1 Protocol at /sparql (the default graph is the union of all graphs unless the request "
                "names graphs), SPARQL Update at /update and the Graph Store HTTP Protocol at /store (writes need "
                "the bearer token), named queries at /queries, and Linked Data pages: every IRI "
                "https://w3id.org/actorgraph/resource/{path} is served at /resource/{path} with content negotiation."
            ),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": "SPARQL"},
            {"name": "Graph Store"},
            {"name": "Named queries"},
            {"name": "Linked Data"},
            {"name": "Operations"},
        ],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerToken": {"type": "http", "scheme": "bearer"}},
            "parameters": {
                "dataset-default": DATASET[0],
                "dataset-named": DATASET[1],
                "format": FORMAT,
            },
            "responses": {
                "QueryResults": QUERY_RESULTS,
                "NamedQueryResults": body("The results.", ["text/html", *RESULT_TYPES, *RDF_TYPES]),
                **{f"Error{code}": text_answer(text) for code, text in ERROR_TEXTS.items()},
                **{f"PageError{code}": text_answer(text, html=True) for code, text in ERROR_TEXTS.items()},
                **{
                    f"JsonError{code}": {"description": text, "content": {"application/json": {"schema": JSON_ERROR}}}
                    for code, text in ERROR_TEXTS.items()
                },
            },
            "schemas": {
                "Parameter": {
                    "type": "object",
                    "required": ["name", "type", "required"],
                    "properties": {
                        "name": {"type": "string"},
                        "type": {"enum": list(PARAM_SCHEMAS)},
                        "default": {"type": ["string", "null"]},
                        "required": {"type": "boolean"},
                        "help": {"type": "string"},
                    },
                },
                "NamedQuery": {
                    "type": "object",
                    "required": ["name", "title", "url", "parameters"],
                    "properties": {
                        "name": {"type": "string"},
                        "title": {"type": "string"},
                        "description": {"type": "string"},
                        "parameters": {"type": "array", "items": {"$ref": "#/components/schemas/Parameter"}},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "url": {"type": "string"},
                        "sparql": {"type": "string"},
                    },
                },
                "QueryList": {
                    "type": "object",
                    "required": ["queries"],
                    "properties": {"queries": {"type": "array", "items": {"$ref": "#/components/schemas/NamedQuery"}}},
                },
            },
        },
    }


def _named_operation(query: NamedQuery) -> dict[str, Any]:
    parameters = []
    for p in query.parameters:
        schema = dict(PARAM_SCHEMAS[p.type])
        if p.default is not None:
            schema["default"] = _typed(p.type, p.default)
        if p.type not in ("IRI", "string"):
            schema = {"anyOf": [schema, EMPTY]}  # the HTML form sends empty fields: an empty value is not given
        parameters.append(
            {"name": p.name, "in": "query", "required": False, "description": p.help or p.type, "schema": schema}
        )
    return {
        "tags": ["Named queries"],
        "summary": query.title,
        "description": query.description,
        "operationId": "query_" + query.name,
        "parameters": [*parameters, NAMED_FORMAT],
        # Shared by reference: the same responses written out per query make validation 5x slower.
        "responses": {
            "200": {"$ref": "#/components/responses/NamedQueryResults"},
            **error_refs(*QUERY_ERRORS, on="Page"),
        },
    }


def _typed(kind: str, value: str) -> Any:
    """A parameter's default as a JSON value of its schema's type."""
    if kind == "integer":
        return int(value)
    if kind == "decimal":
        return float(value)
    if kind == "boolean":
        return value.lower() == "true"
    return value


def _version() -> str:
    try:
        return version("actorgraph")
    except PackageNotFoundError:
        return "0.0.0"


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI description, built once per process (named queries do not change while serving)."""
    spec = current_app.extensions.get("openapi")
    if spec is None:
        spec = current_app.extensions["openapi"] = json.dumps(build_spec(), indent=2)
    response = Response(spec, content_type="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
