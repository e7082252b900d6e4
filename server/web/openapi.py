"""The OpenAPI 3.1 description of the HTTP API, served at ``/openapi.json``.

Written by hand from the routes (one place to read the API), plus one operation per named query
generated from its header, so each query's parameters are documented with their types.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from flask import Blueprint, Response, current_app, json

from actorgraph.graph.named_queries import NamedQuery, load_all
from actorgraph.graph.store import QUAD_FORMATS, RESULT_FORMATS, TRIPLE_FORMATS

bp = Blueprint("openapi", __name__)

# From the one format table, in the server's order of preference.
RESULT_TYPES = [f.media_type for f in RESULT_FORMATS]
RDF_TYPES = [f.media_type for f in TRIPLE_FORMATS]
QUAD_TYPES = [f.media_type for f in QUAD_FORMATS]
PARAM_SCHEMAS: dict[str, dict[str, Any]] = {
    "IRI": {"type": "string", "format": "iri"},
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "boolean": {"type": "boolean"},
}


def _text(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/plain": {"schema": {"type": "string"}}}}


def _body(description: str, types: list[str]) -> dict[str, Any]:
    return {"description": description, "content": {t: {"schema": {"type": "string"}} for t in types}}


def _q(name: str, description: str, *, schema: dict[str, Any] | None = None, array: bool = False) -> dict[str, Any]:
    item = schema or {"type": "string"}
    return {
        "name": name,
        "in": "query",
        "description": description,
        "schema": {"type": "array", "items": item} if array else item,
        **({"style": "form", "explode": True} if array else {}),
    }


FORMAT = _q(
    "format",
    f"Overrides the Accept header: {', '.join(f.name for f in RESULT_FORMATS)} for results; "
    f"{', '.join(f.name for f in TRIPLE_FORMATS)} for graphs.",
)
DATASET = [
    _q("default-graph-uri", "A graph of the default graph (repeatable); default: the union of all graphs.", array=True),
    _q("named-graph-uri", "A named graph the query may use with GRAPH (repeatable).", array=True),
]
ERRORS = {
    "400": _text("Malformed query (the parser's message and position), or several query parameters."),
    "406": _text("None of the acceptable media types can be produced."),
    "503": _text("The query ran past the configured timeout, or the store is unavailable."),
}
QUERY_RESULTS = _body(
    "SELECT/ASK results, or the triples of CONSTRUCT/DESCRIBE; the media type follows Accept or format.",
    RESULT_TYPES + RDF_TYPES,
)
RESOURCE_OK = _body("An HTML page for browsers; the resource's RDF description for clients.", ["text/html", *RDF_TYPES])


def build_spec() -> dict[str, Any]:
    """The OpenAPI document (a plain dict)."""
    paths: dict[str, Any] = {
        "/sparql": {
            "get": {
                "tags": ["SPARQL"],
                "summary": "SPARQL 1.1 query (or, with no query, the service description)",
                "operationId": "sparqlGet",
                "parameters": [_q("query", "The SPARQL query."), *DATASET, FORMAT],
                "responses": {
                    "200": _body(
                        "Query results, or the SPARQL service description (with VoID) when no query is given.",
                        RESULT_TYPES + RDF_TYPES,
                    ),
                    **ERRORS,
                },
            },
            "post": {
                "tags": ["SPARQL"],
                "summary": "SPARQL 1.1 query by URL-encoded form or directly in the body",
                "operationId": "sparqlPost",
                "parameters": [*DATASET, FORMAT],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "required": ["query"],
                                "properties": {
                                    "query": {"type": "string"},
                                    "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                                    "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                                },
                            }
                        },
                        "application/sparql-query": {"schema": {"type": "string"}},
                    },
                },
                "responses": {"200": QUERY_RESULTS, **ERRORS, "415": _text("Unsupported request Content-Type.")},
            },
            "options": {
                "tags": ["SPARQL"],
                "summary": "CORS preflight",
                "operationId": "sparqlOptions",
                "responses": {"204": {"description": "Allowed methods and headers."}},
            },
        },
        "/update": {
            "post": {
                "tags": ["SPARQL"],
                "summary": "SPARQL 1.1 Update (off unless an update token is configured)",
                "operationId": "sparqlUpdate",
                "security": [{"bearerToken": []}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/sparql-update": {"schema": {"type": "string"}},
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "required": ["update"],
                                "properties": {"update": {"type": "string"}},
                            }
                        },
                    },
                },
                "responses": {
                    "204": {"description": "The update was applied atomically."},
                    "400": _text("Malformed update."),
                    "401": _text("Missing or wrong bearer token."),
                    "403": _text("Updates are disabled on this server."),
                    "405": _text("Updates are only accepted by POST."),
                    "415": _text("Unsupported request Content-Type."),
                },
            }
        },
        "/store": {
            "parameters": [
                _q("graph", "The IRI of the graph to read or write."),
                {
                    "name": "default",
                    "in": "query",
                    "description": "Address the default graph (present without a value).",
                    "schema": {"type": "string"},
                    "allowEmptyValue": True,
                },
            ],
            **{
                method: {
                    "tags": ["Graph Store"],
                    "summary": summary,
                    "operationId": f"store{method.capitalize()}",
                    **({"security": [{"bearerToken": []}]} if method not in ("get", "head") else {}),
                    **(
                        {
                            "requestBody": {
                                "required": True,
                                "content": {t: {"schema": {"type": "string"}} for t in RDF_TYPES + QUAD_TYPES},
                            }
                        }
                        if method in ("put", "post")
                        else {}
                    ),
                    "responses": {
                        "200": _body("The graph.", RDF_TYPES + QUAD_TYPES)
                        if method == "get"
                        else {"description": "Done."},
                        **({"204": {"description": "Done, nothing to return."}} if method != "get" else {}),
                        "401": _text("Missing or wrong bearer token (writes)."),
                        "404": _text("No such graph."),
                    },
                }
                for method, summary in (
                    ("get", "Read a graph (Graph Store HTTP Protocol)"),
                    ("head", "Headers of a graph read"),
                    ("put", "Replace a graph (token)"),
                    ("post", "Add triples to a graph (token)"),
                    ("delete", "Delete a graph (token)"),
                )
            },
        },
        "/queries": {
            "get": {
                "tags": ["Named queries"],
                "summary": "List the named queries and their parameters",
                "operationId": "listQueries",
                "parameters": [_q("format", "json or html (overrides Accept).")],
                "responses": {
                    "200": {
                        "description": "The named queries.",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/QueryList"}},
                            "text/html": {"schema": {"type": "string"}},
                        },
                    }
                },
            }
        },
        "/queries/{name}": {
            "get": {
                "tags": ["Named queries"],
                "summary": "Run a named query; its parameters go in the query string",
                "operationId": "runQuery",
                "parameters": [
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": sorted(load_all())} if load_all() else {"type": "string"},
                    },
                    {
                        "name": "params",
                        "in": "query",
                        "description": "The query's own parameters (see /queries), bound as RDF terms.",
                        "schema": {"type": "object", "additionalProperties": {"type": "string"}},
                        "style": "form",
                        "explode": True,
                    },
                    FORMAT,
                ],
                "responses": {
                    "200": _body("The results.", ["text/html", *RESULT_TYPES, *RDF_TYPES]),
                    "400": _text("A parameter is unknown or not of its declared type."),
                    "404": _text("No named query of that name."),
                    "406": ERRORS["406"],
                },
            }
        },
        "/": {
            "get": {
                "tags": ["Linked Data"],
                "summary": "The query page (HTML); ?query= fills the editor and runs it (a permalink)",
                "operationId": "queryPage",
                "parameters": [_q("query", "A SPARQL query to open and run.")],
                "responses": {"200": _body("The page.", ["text/html"])},
            }
        },
        "/resource/": {
            "get": {
                "tags": ["Linked Data"],
                "summary": "Index of the documents and of every entity by type (HTML)",
                "operationId": "resourceIndex",
                "responses": {"200": _body("The page.", ["text/html"])},
            }
        },
        "/resource/{id}": {
            "get": {
                "tags": ["Linked Data"],
                "summary": "An actor, place, event or other entity (IRI https://w3id.org/actorgraph/resource/{id})",
                "operationId": "getResource",
                "parameters": [_path("id", "The entity's identifier, e.g. iran."), FORMAT],
                "responses": {"200": RESOURCE_OK, "404": _text("No such resource."), "406": ERRORS["406"]},
            }
        },
        "/resource/statement/{document}/{id}": {
            "get": {
                "tags": ["Linked Data"],
                "summary": "A statement: subject, relation, object, time, certainty, attribution and its evidence",
                "operationId": "getStatement",
                "parameters": [
                    _path("document", "The document's identifier."),
                    _path("id", "The statement's id."),
                    FORMAT,
                ],
                "responses": {"200": RESOURCE_OK, "404": _text("No such statement."), "406": ERRORS["406"]},
            }
        },
        "/resource/document/{document}": {
            "get": {
                "tags": ["Linked Data"],
                "summary": "A document: its text with every evidence span highlighted and linked to its statements",
                "operationId": "getDocument",
                "parameters": [_path("document", "The document's identifier, e.g. yousafzai-2024."), FORMAT],
                "responses": {"200": RESOURCE_OK, "404": _text("No such document."), "406": ERRORS["406"]},
            }
        },
        "/ontology": {
            "get": {
                "tags": ["Linked Data"],
                "summary": "The ontology (https://w3id.org/actorgraph/ontology): classes and properties",
                "operationId": "getOntology",
                "parameters": [FORMAT],
                "responses": {"200": RESOURCE_OK, "406": ERRORS["406"]},
            }
        },
        "/network.svg": {
            "get": {
                "tags": ["Linked Data"],
                "summary": "The signed actor network (allies, enemies, sponsorship) in a year or a span of years",
                "operationId": "networkSvg",
                "parameters": [
                    {
                        **_q("year", "The year (or the first year of the span).", schema={"type": "integer"}),
                        "required": True,
                    },
                    _q("to", "The last year of the span (at most 200 years after year).", schema={"type": "integer"}),
                ],
                "responses": {
                    "200": _body("The network as SVG.", ["image/svg+xml"]),
                    "400": _text("A missing or non-integer year, or a span out of range."),
                },
            }
        },
        "/.well-known/void": {
            "get": {
                "tags": ["Operations"],
                "summary": "VoID description of the dataset",
                "operationId": "void",
                "parameters": [FORMAT],
                "responses": {"200": _body("The dataset's VoID description.", RDF_TYPES), "406": ERRORS["406"]},
            }
        },
        "/health": {
            "get": {
                "tags": ["Operations"],
                "summary": "Liveness and store status",
                "operationId": "health",
                "responses": {
                    "200": {
                        "description": "The server is up and its store is open.",
                        "content": {"application/json": {}},
                    },
                    "503": {"description": "The store is unavailable."},
                },
            }
        },
        "/openapi.json": {
            "get": {
                "tags": ["Operations"],
                "summary": "This description",
                "operationId": "openapi",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
            }
        },
    }
    for query in load_all().values():
        paths[f"/queries/{query.name}"] = {"get": _named_operation(query)}
    paths.update(_reconcile_paths())
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
            "responses": {
                "NamedQueryResults": _body("The results.", ["text/html", *RESULT_TYPES, *RDF_TYPES]),
                "BadParameter": _text("A parameter is unknown or not of its declared type."),
                "NotAcceptable": ERRORS["406"],
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


def _reconcile_paths() -> dict[str, Any]:
    """The W3C Reconciliation Service API (0.2) at /reconcile (server/web/reconcile.py, docs/linking.md)."""
    json_answer = {"content": {"application/json": {"schema": {"type": "object"}}}}
    form = {
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "queries": {"type": "string", "description": "A query batch as JSON: {key: {query, type, "
                                    "limit, properties: [{pid, v}]}}."},
                        "extend": {"type": "string", "description": "A data extension query as JSON: "
                                   "{ids: [...], properties: [{id, settings}]}."},
                    },
                }
            }
        }
    }  # fmt: skip
    service = {
        "tags": ["Reconciliation"],
        "parameters": [
            _q("queries", "A query batch (JSON); without it and 'extend', the answer is the service manifest."),
            _q("extend", "A data extension query (JSON): type, wikidata, sponsor, adversaries (setting 'year')."),
        ],
        "responses": {
            "200": {"description": "The manifest, the candidates per query key, or the extension rows.", **json_answer},
            "400": _text("A malformed query batch or extension query."),
        },
    }
    return {
        "/reconcile": {
            "get": {**service, "summary": "Reconciliation service: manifest, queries, data extension",
                    "operationId": "reconcile"},
            "post": {**service, "summary": "Reconciliation service (form POST, as OpenRefine sends it)",
                     "operationId": "reconcilePost", "requestBody": form},
        },
        "/reconcile/suggest/{kind}": {
            "get": {
                "tags": ["Reconciliation"],
                "summary": "Suggest entities, types or properties for a prefix",
                "operationId": "reconcileSuggest",
                "parameters": [_path("kind", "entity, type or property"), _q("prefix", "What the user typed.")],
                "responses": {"200": {"description": "{result: [{id, name, ...}]}", **json_answer},
                              "404": _text("No suggest service of that kind.")},
            }
        },
        "/reconcile/preview": {
            "get": {
                "tags": ["Reconciliation"],
                "summary": "A small HTML card of an entity (label, type, aliases, external ids, three statements)",
                "operationId": "reconcilePreview",
                "parameters": [_q("id", "The entity id (e.g. iran).")],
                "responses": {"200": {"description": "The card.", "content": {"text/html": {}}},
                              "404": _text("No such entity.")},
            }
        },
        "/reconcile/propose_properties": {
            "get": {
                "tags": ["Reconciliation"],
                "summary": "The properties data extension can fetch",
                "operationId": "reconcileProposeProperties",
                "parameters": [_q("type", "A type id (the same properties for every type).")],
                "responses": {"200": {"description": "{type, properties: [{id, name}]}", **json_answer}},
            }
        },
    }  # fmt: skip


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": {"type": "string"}}


def _named_operation(query: NamedQuery) -> dict[str, Any]:
    parameters = []
    for p in query.parameters:
        schema = dict(PARAM_SCHEMAS[p.type])
        if p.default is not None:
            schema["default"] = _typed(p.type, p.default)
        parameters.append(
            {"name": p.name, "in": "query", "required": False, "description": p.help or p.type, "schema": schema}
        )
    return {
        "tags": ["Named queries"],
        "summary": query.title,
        "description": query.description,
        "operationId": "query_" + query.name,
        "parameters": [*parameters, FORMAT],
        # Shared by reference: the same responses written out per query make validation 5x slower.
        "responses": {
            "200": {"$ref": "#/components/responses/NamedQueryResults"},
            "400": {"$ref": "#/components/responses/BadParameter"},
            "406": {"$ref": "#/components/responses/NotAcceptable"},
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
