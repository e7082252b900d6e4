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
from actorgraph.server.web.network import MAX_SPAN
from actorgraph.server.web.pages import FORMAT_PARAM as PAGE_FORMATS

bp = Blueprint("openapi", __name__)

# From the one format table, in the server's order of preference.
RESULT_TYPES = [f.media_type for f in RESULT_FORMATS]
RDF_TYPES = [f.media_type for f in TRIPLE_FORMATS]
QUAD_TYPES = [f.media_type for f in QUAD_FORMATS]
# An IRI parameter also takes an entity id (``taliban``); an empty value counts as not given.
PARAM_SCHEMAS: dict[str, dict[str, Any]] = {
    "IRI": {"type": "string"},
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "boolean": {"type": "boolean"},
}


def _text(description: str, *, html: bool = False) -> dict[str, Any]:
    """An error answer: text/plain (and error.html for pages a browser asks for)."""
    content: dict[str, Any] = {"text/plain": {"schema": {"type": "string"}}}
    if html:
        content["text/html"] = {"schema": {"type": "string"}}
    return {"description": description, "content": content}


# What each JSON answer is; every other media type is text (or bytes) without a JSON schema.
SPARQL_RESULTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["head"],
    "properties": {
        "head": {"type": "object"},
        "results": {
            "type": "object",
            "required": ["bindings"],
            "properties": {"bindings": {"type": "array", "items": {"type": "object"}}},
        },
        "boolean": {"type": "boolean"},
    },
}
JSON_SCHEMAS: dict[str, dict[str, Any]] = {
    "application/sparql-results+json": SPARQL_RESULTS_SCHEMA,
    "application/ld+json": {"type": ["object", "array"]},
    "application/json": {"type": ["object", "array"]},
}


def _body(description: str, types: list[str]) -> dict[str, Any]:
    return {
        "description": description,
        "content": {t: {"schema": JSON_SCHEMAS.get(t, {"type": "string"})} for t in types},
    }


def _q(name: str, description: str, *, schema: dict[str, Any] | None = None, array: bool = False) -> dict[str, Any]:
    item = schema or {"type": "string"}
    return {
        "name": name,
        "in": "query",
        "description": description,
        "schema": {"type": "array", "items": item} if array else item,
        **({"style": "form", "explode": True} if array else {}),
    }


def _format(description: str, names: list[str]) -> dict[str, Any]:
    """The ``format`` parameter with the names it takes (any other is a 400, or a 406 on pages).

    Empty is as if it were not given (the Accept header decides).
    """
    schema = {"type": "string", "enum": list(dict.fromkeys(["", *names]))}
    return _q("format", description + " Empty: as if not given.", schema=schema)


RESULT_NAMES = [f.name for f in RESULT_FORMATS]
GRAPH_NAMES = [f.name for f in TRIPLE_FORMATS]
FORMAT = _format(
    f"Overrides the Accept header: {', '.join(RESULT_NAMES)} for results; {', '.join(GRAPH_NAMES)} for graphs.",
    RESULT_NAMES + GRAPH_NAMES + [f.name for f in QUAD_FORMATS],
)
NAMED_FORMAT = _format(
    "Overrides the Accept header (html: the page with the form).", ["html", *RESULT_NAMES, *GRAPH_NAMES]
)
PAGE_FORMAT = _format("Overrides the Accept header: html or an RDF format.", sorted(PAGE_FORMATS))
RDF_FORMAT = _format("Overrides the Accept header.", GRAPH_NAMES)
IRI = {"type": "string", "minLength": 1}
YEAR = {"type": "integer"}
EMPTY = {"type": "string", "maxLength": 0}
DATASET = [
    _q(
        "default-graph-uri",
        "A graph of the default graph (repeatable); default: the union of all graphs.",
        schema=IRI,
        array=True,
    ),
    _q("named-graph-uri", "A named graph the query may use with GRAPH (repeatable).", schema=IRI, array=True),
]
ERROR_TEXTS = {
    "400": "A malformed query or update (the parser's message and position), a parameter given twice, empty "
    "or not an IRI, an unknown format, a refused SERVICE.",
    "401": "No bearer token (writes).",
    "403": "A wrong bearer token, or writes are switched off on this server.",
    "404": "No such graph, query or resource.",
    "405": "The wrong method.",
    "406": "None of the acceptable media types can be produced.",
    "413": "The query is longer than the server's limit.",
    "415": "Unsupported request Content-Type.",
    "503": "The query ran past the configured timeout, or the store is unavailable.",
}


def _errors(*codes: str, on: str = "") -> dict[str, Any]:
    """References to the shared error answers: text/plain; on="Page" adds error.html, on="Json" is JSON."""
    return {code: {"$ref": f"#/components/responses/{on}Error{code}"} for code in codes}


JSON_ERROR = {
    "type": "object",
    "required": ["ok", "error", "status"],
    "properties": {"ok": {"const": False}, "error": {"type": "string"}, "status": {"type": "integer"}},
}


QUERY_ERRORS = ("400", "406", "413", "503")
WRITE_ERRORS = ("400", "401", "403", "413", "415", "503")
QUERY_RESULTS = _body(
    "SELECT/ASK results, or the triples of CONSTRUCT/DESCRIBE; the media type follows Accept or format.",
    RESULT_TYPES + RDF_TYPES + QUAD_TYPES,
)
RESOURCE_OK = _body("An HTML page for browsers; the resource's RDF description for clients.", ["text/html", *RDF_TYPES])
PREFLIGHT = {"200": {"description": "The methods and headers a browser may use (CORS preflight)."}}


def build_spec() -> dict[str, Any]:
    """The OpenAPI document (a plain dict)."""
    sparql_parameters = [
        {"$ref": "#/components/parameters/dataset-default"},
        {"$ref": "#/components/parameters/dataset-named"},
        {"$ref": "#/components/parameters/format"},
    ]
    paths: dict[str, Any] = {
        "/sparql": {
            # GET and POST share their parameters and answers by reference (components), written once.
            "get": {
                "tags": ["SPARQL"],
                "summary": "SPARQL 1.1 query (or, with no query, the service description)",
                "operationId": "sparqlGet",
                "parameters": [
                    _q(
                        "query",
                        "The SPARQL query (omit it for the service description).",
                        schema={"type": "string", "minLength": 1},
                    ),
                    *sparql_parameters,
                ],
                "responses": {"200": {"$ref": "#/components/responses/QueryResults"}, **_errors(*QUERY_ERRORS)},
            },
            "post": {
                "tags": ["SPARQL"],
                "summary": "SPARQL 1.1 query by URL-encoded form or directly in the body",
                "operationId": "sparqlPost",
                "parameters": sparql_parameters,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "required": ["query"],
                                "properties": {
                                    "query": {"type": "string", "minLength": 1},
                                    "default-graph-uri": {"type": "array", "items": IRI},
                                    "named-graph-uri": {"type": "array", "items": IRI},
                                },
                            }
                        },
                        "application/sparql-query": {"schema": {"type": "string", "minLength": 1}},
                    },
                },
                "responses": {
                    "200": {"$ref": "#/components/responses/QueryResults"},
                    **_errors(*QUERY_ERRORS, "415"),
                },
            },
            "options": {
                "tags": ["SPARQL"],
                "summary": "CORS preflight",
                "operationId": "sparqlOptions",
                "responses": PREFLIGHT,
            },
        },
        "/update": {
            "post": {
                "tags": ["SPARQL"],
                "summary": "SPARQL 1.1 Update (off unless an update token is configured)",
                "operationId": "sparqlUpdate",
                "security": [{"bearerToken": []}],
                "parameters": [
                    _q("using-graph-uri", "A graph of the WHERE's default graph (repeatable).", schema=IRI, array=True),
                    _q("using-named-graph-uri", "A named graph of the WHERE (repeatable).", schema=IRI, array=True),
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/sparql-update": {"schema": {"type": "string", "minLength": 1}},
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "required": ["update"],
                                "properties": {
                                    "update": {"type": "string", "minLength": 1},
                                    "using-graph-uri": {"type": "array", "items": IRI},
                                    "using-named-graph-uri": {"type": "array", "items": IRI},
                                },
                            }
                        },
                    },
                },
                "responses": {"204": {"description": "The update was applied atomically."}, **_errors(*WRITE_ERRORS)},
            },
            "options": {
                "tags": ["SPARQL"],
                "summary": "Allowed methods",
                "operationId": "updateOptions",
                "responses": PREFLIGHT,
            },
        },
        "/store": {
            "parameters": [
                _q("graph", "The IRI of the graph to read or write.", schema=IRI),
                {
                    "name": "default",
                    "in": "query",
                    "description": "Address the store's own default graph (present without a value). It is empty "
                    "after a build: the data is in named graphs, and /sparql's default graph is their union.",
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
                                "content": {
                                    **{t: {"schema": JSON_SCHEMAS.get(t, {"type": "string"})} for t in RDF_TYPES},
                                    "multipart/form-data": {
                                        "schema": {
                                            "type": "object",
                                            "additionalProperties": {
                                                "type": "string",
                                                "contentMediaType": "text/turtle",
                                            },
                                        }
                                    },
                                },
                            }
                        }
                        if method in ("put", "post")
                        else {}
                    ),
                    "responses": responses,
                }
                for method, summary, responses in (
                    (
                        "get",
                        "Read a graph, or the whole dataset without graph/default (Graph Store HTTP Protocol)",
                        {
                            "200": _body("The graph (or the dataset).", RDF_TYPES + QUAD_TYPES),
                            **_errors("400", "404", "406", "503"),
                        },
                    ),
                    (
                        "head",
                        "Headers of a graph read",
                        {"200": {"description": "The headers of the read."}, **_errors("400", "404", "406", "503")},
                    ),
                    (
                        "put",
                        "Replace a graph (token)",
                        {
                            "201": {"description": "Created (Location: the graph)."},
                            "204": {"description": "Replaced."},
                            **_errors(*WRITE_ERRORS),
                        },
                    ),
                    (
                        "post",
                        "Add triples to a graph, or to a new graph the server names when neither graph nor "
                        "default is given (token)",
                        {
                            "201": {"description": "Created (Location: the graph)."},
                            "204": {"description": "Merged."},
                            **_errors(*WRITE_ERRORS),
                        },
                    ),
                    (
                        "delete",
                        "Delete a graph (token)",
                        {"204": {"description": "Deleted."}, **_errors("400", "401", "403", "404", "503")},
                    ),
                )
            },
        },
        "/queries": {
            "get": {
                "tags": ["Named queries"],
                "summary": "List the named queries and their parameters",
                "operationId": "listQueries",
                "parameters": [_format("json or html (overrides Accept).", ["json", "html"])],
                "responses": {
                    "200": {
                        "description": "The named queries.",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/QueryList"}},
                            "text/html": {"schema": {"type": "string"}},
                        },
                    },
                    **_errors("400", "406", on="Json"),
                },
            }
        },
        "/queries/{name}": {
            "get": {
                "tags": ["Named queries"],
                "summary": "Run a named query by name (each one is also listed below with its own parameters)",
                "operationId": "runQuery",
                "parameters": [
                    {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}},
                    NAMED_FORMAT,
                ],
                "responses": {
                    "200": {"$ref": "#/components/responses/NamedQueryResults"},
                    **_errors(*QUERY_ERRORS, "404", on="Page"),
                },
            }
        },
        "/": {
            "get": {
                "tags": ["Linked Data"],
                "summary": "The query page (HTML); ?query= fills the editor and runs it (a permalink)",
                "operationId": "queryPage",
                "parameters": [_q("query", "A SPARQL query to open and run.")],
                "responses": {"200": _body("The page.", ["text/html"]), **_errors("413", on="Page")},
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
                "parameters": [_path("id", "The entity's identifier, e.g. iran."), PAGE_FORMAT],
                "responses": {"200": RESOURCE_OK, **_errors("404", "406", on="Page")},
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
                    PAGE_FORMAT,
                ],
                "responses": {"200": RESOURCE_OK, **_errors("404", "406", on="Page")},
            }
        },
        "/resource/document/{document}": {
            "get": {
                "tags": ["Linked Data"],
                "summary": "A document: its text with every evidence span highlighted and linked to its statements",
                "operationId": "getDocument",
                "parameters": [_path("document", "The document's identifier, e.g. yousafzai-2024."), PAGE_FORMAT],
                "responses": {"200": RESOURCE_OK, **_errors("404", "406", on="Page")},
            }
        },
        "/ontology": {
            "get": {
                "tags": ["Linked Data"],
                "summary": "The ontology (https://w3id.org/actorgraph/ontology): classes and properties",
                "operationId": "getOntology",
                "parameters": [PAGE_FORMAT],
                "responses": {"200": RESOURCE_OK, **_errors("406", on="Page")},
            }
        },
        "/network.svg": {
            "get": {
                "tags": ["Linked Data"],
                "summary": "The signed actor network (allies, enemies, sponsorship) in a year or a span of years",
                "operationId": "networkSvg",
                "parameters": [
                    {**_q("year", "The year (or the first year of the span).", schema=YEAR), "required": True},
                    _q("to", f"The last year of the span (at most {MAX_SPAN} years after year).", schema=YEAR),
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
                "parameters": [RDF_FORMAT],
                "responses": {"200": _body("The dataset's VoID description.", RDF_TYPES), **_errors("400", "406")},
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
                        "content": {"application/json": {"schema": {"type": "object", "required": ["status"]}}},
                    },
                    "503": {
                        "description": "The store is unavailable.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                },
            }
        },
        "/openapi.json": {
            "get": {
                "tags": ["Operations"],
                "summary": "This description",
                "operationId": "openapi",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
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
            "parameters": {
                "dataset-default": DATASET[0],
                "dataset-named": DATASET[1],
                "format": FORMAT,
            },
            "responses": {
                "QueryResults": QUERY_RESULTS,
                "NamedQueryResults": _body("The results.", ["text/html", *RESULT_TYPES, *RDF_TYPES]),
                **{f"Error{code}": _text(text) for code, text in ERROR_TEXTS.items()},
                **{f"PageError{code}": _text(text, html=True) for code, text in ERROR_TEXTS.items()},
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
        "responses": {"200": {"$ref": "#/components/responses/NamedQueryResults"}, **_errors(*QUERY_ERRORS, on="Page")},
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
