"""The operations of the OpenAPI description, by surface: SPARQL and Graph Store, pages, reconciliation.

Written by hand from the routes (one place to read the API); server/web/openapi.py puts them together.
"""

from __future__ import annotations

from typing import Any

from actorgraph.server.web.network import MAX_SPAN
from actorgraph.server.web.openapi_parts import (
    IRI,
    JSON_SCHEMAS,
    NAMED_FORMAT,
    PAGE_FORMAT,
    PREFLIGHT,
    QUAD_TYPES,
    QUERY_ERRORS,
    RDF_FORMAT,
    RDF_TYPES,
    RESOURCE_OK,
    WRITE_ERRORS,
    YEAR,
    body,
    error_refs,
    format_param,
    path_param,
    query_param,
    text_answer,
)


def protocol_paths() -> dict[str, Any]:
    """/sparql, /update and /store: the SPARQL 1.1 Protocol, Update and the Graph Store HTTP Protocol."""
    sparql_parameters = [
        {"$ref": "#/components/parameters/dataset-default"},
        {"$ref": "#/components/parameters/dataset-named"},
        {"$ref": "#/components/parameters/format"},
    ]
    return {
        "/sparql": {
            # GET and POST share their parameters and answers by reference (components), written once.
            "get": {
                "tags": ["SPARQL"],
                "summary": "SPARQL 1.1 query (or, with no query, the service description)",
                "operationId": "sparqlGet",
                "parameters": [
                    query_param(
                        "query",
                        "The SPARQL query (omit it for the service description).",
                        schema={"type": "string", "minLength": 1},
                    ),
                    *sparql_parameters,
                ],
                "responses": {"200": {"$ref": "#/components/responses/QueryResults"}, **error_refs(*QUERY_ERRORS)},
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
                    **error_refs(*QUERY_ERRORS, "415"),
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
                    query_param(
                        "using-graph-uri", "A graph of the WHERE's default graph (repeatable).", schema=IRI, array=True
                    ),
                    query_param(
                        "using-named-graph-uri", "A named graph of the WHERE (repeatable).", schema=IRI, array=True
                    ),
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
                "responses": {
                    "204": {"description": "The update was applied atomically."},
                    **error_refs(*WRITE_ERRORS),
                },
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
                query_param("graph", "The IRI of the graph to read or write.", schema=IRI),
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
                            "200": body("The graph (or the dataset).", RDF_TYPES + QUAD_TYPES),
                            **error_refs("400", "404", "406", "503"),
                        },
                    ),
                    (
                        "head",
                        "Headers of a graph read",
                        {"200": {"description": "The headers of the read."}, **error_refs("400", "404", "406", "503")},
                    ),
                    (
                        "put",
                        "Replace a graph (token)",
                        {
                            "201": {"description": "Created (Location: the graph)."},
                            "204": {"description": "Replaced."},
                            **error_refs(*WRITE_ERRORS),
                        },
                    ),
                    (
                        "post",
                        "Add triples to a graph, or to a new graph the server names when neither graph nor "
                        "default is given (token)",
                        {
                            "201": {"description": "Created (Location: the graph)."},
                            "204": {"description": "Merged."},
                            **error_refs(*WRITE_ERRORS),
                        },
                    ),
                    (
                        "delete",
                        "Delete a graph (token)",
                        {"204": {"description": "Deleted."}, **error_refs("400", "401", "403", "404", "503")},
                    ),
                )
            },
        },
    }


def page_paths() -> dict[str, Any]:
    """The named queries, the Linked Data pages and the operational endpoints."""
    return {
        "/queries": {
            "get": {
                "tags": ["Named queries"],
                "summary": "List the named queries and their parameters",
                "operationId": "listQueries",
                "parameters": [format_param("json or html (overrides Accept).", ["json", "html"])],
                "responses": {
                    "200": {
                        "description": "The named queries.",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/QueryList"}},
                            "text/html": {"schema": {"type": "string"}},
                        },
                    },
                    **error_refs("400", "406", on="Json"),
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
                    **error_refs(*QUERY_ERRORS, "404", on="Page"),
                },
            }
        },
        "/": {
            "get": {
                "tags": ["Linked Data"],
                "summary": "The query page (HTML); ?query= fills the editor and runs it (a permalink)",
                "operationId": "queryPage",
                "parameters": [query_param("query", "A SPARQL query to open and run.")],
                "responses": {"200": body("The page.", ["text/html"]), **error_refs("413", on="Page")},
            }
        },
        "/resource/": {
            "get": {
                "tags": ["Linked Data"],
                "summary": "Index of the documents and of every entity by type (HTML)",
                "operationId": "resourceIndex",
                "responses": {"200": body("The page.", ["text/html"])},
            }
        },
        "/resource/{id}": {
            "get": {
                "tags": ["Linked Data"],
                "summary": "An actor, place, event or other entity (IRI https://w3id.org/actorgraph/resource/{id})",
                "operationId": "getResource",
                "parameters": [path_param("id", "The entity's identifier, e.g. iran."), PAGE_FORMAT],
                "responses": {"200": RESOURCE_OK, **error_refs("404", "406", on="Page")},
            }
        },
        "/resource/statement/{document}/{id}": {
            "get": {
                "tags": ["Linked Data"],
                "summary": "A statement: subject, relation, object, time, certainty, attribution and its evidence",
                "operationId": "getStatement",
                "parameters": [
                    path_param("document", "The document's identifier."),
                    path_param("id", "The statement's id."),
                    PAGE_FORMAT,
                ],
                "responses": {"200": RESOURCE_OK, **error_refs("404", "406", on="Page")},
            }
        },
        "/resource/document/{document}": {
            "get": {
                "tags": ["Linked Data"],
                "summary": "A document: its text with every evidence span highlighted and linked to its statements",
                "operationId": "getDocument",
                "parameters": [path_param("document", "The document's identifier, e.g. yousafzai-2024."), PAGE_FORMAT],
                "responses": {"200": RESOURCE_OK, **error_refs("404", "406", on="Page")},
            }
        },
        "/ontology": {
            "get": {
                "tags": ["Linked Data"],
                "summary": "The ontology (https://w3id.org/actorgraph/ontology): classes and properties",
                "operationId": "getOntology",
                "parameters": [PAGE_FORMAT],
                "responses": {"200": RESOURCE_OK, **error_refs("406", on="Page")},
            }
        },
        "/network.svg": {
            "get": {
                "tags": ["Linked Data"],
                "summary": "The signed actor network (allies, enemies, sponsorship) in a year or a span of years",
                "operationId": "networkSvg",
                "parameters": [
                    {**query_param("year", "The year (or the first year of the span).", schema=YEAR), "required": True},
                    query_param("to", f"The last year of the span (at most {MAX_SPAN} years after year).", schema=YEAR),
                ],
                "responses": {
                    "200": body("The network as SVG.", ["image/svg+xml"]),
                    "400": text_answer("A missing or non-integer year, or a span out of range."),
                },
            }
        },
        "/.well-known/void": {
            "get": {
                "tags": ["Operations"],
                "summary": "VoID description of the dataset",
                "operationId": "void",
                "parameters": [RDF_FORMAT],
                "responses": {"200": body("The dataset's VoID description.", RDF_TYPES), **error_refs("400", "406")},
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


def reconcile_paths() -> dict[str, Any]:
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
            query_param(
                "queries", "A query batch (JSON); without it and 'extend', the answer is the service manifest."
            ),
            query_param(
                "extend", "A data extension query (JSON): type, wikidata, sponsor, adversaries (setting 'year')."
            ),
        ],
        "responses": {
            "200": {"description": "The manifest, the candidates per query key, or the extension rows.", **json_answer},
            "400": text_answer("A malformed query batch or extension query."),
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
                "parameters": [path_param("kind", "entity, type or property"),
                               query_param("prefix", "What the user typed.")],
                "responses": {"200": {"description": "{result: [{id, name, ...}]}", **json_answer},
                              "404": text_answer("No suggest service of that kind.")},
            }
        },
        "/reconcile/preview": {
            "get": {
                "tags": ["Reconciliation"],
                "summary": "A small HTML card of an entity (label, type, aliases, external ids, three statements)",
                "operationId": "reconcilePreview",
                "parameters": [query_param("id", "The entity id (e.g. iran).")],
                "responses": {"200": {"description": "The card.", "content": {"text/html": {}}},
                              "404": text_answer("No such entity.")},
            }
        },
        "/reconcile/propose_properties": {
            "get": {
                "tags": ["Reconciliation"],
                "summary": "The properties data extension can fetch",
                "operationId": "reconcileProposeProperties",
                "parameters": [query_param("type", "A type id (the same properties for every type).")],
                "responses": {"200": {"description": "{type, properties: [{id, name}]}", **json_answer}},
            }
        },
    }  # fmt: skip
