"""The pieces every operation of the OpenAPI description reuses: formats, parameters, answers, errors.

Built from the one format table (graph/store.py), so a new format shows up in the description by itself.
Used by server/web/openapi.py and server/web/openapi_paths.py.
"""

from __future__ import annotations

from typing import Any

from actorgraph.graph.store import QUAD_FORMATS, RESULT_FORMATS, TRIPLE_FORMATS
from actorgraph.server.web.pages import FORMAT_PARAM as PAGE_FORMATS

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


def text_answer(description: str, *, html: bool = False) -> dict[str, Any]:
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


def body(description: str, types: list[str]) -> dict[str, Any]:
    return {
        "description": description,
        "content": {t: {"schema": JSON_SCHEMAS.get(t, {"type": "string"})} for t in types},
    }


def query_param(
    name: str, description: str, *, schema: dict[str, Any] | None = None, array: bool = False
) -> dict[str, Any]:
    item = schema or {"type": "string"}
    return {
        "name": name,
        "in": "query",
        "description": description,
        "schema": {"type": "array", "items": item} if array else item,
        **({"style": "form", "explode": True} if array else {}),
    }


def format_param(description: str, names: list[str]) -> dict[str, Any]:
    """The ``format`` parameter with the names it takes (any other is a 400, or a 406 on pages).

    Empty is as if it were not given (the Accept header decides).
    """
    schema = {"type": "string", "enum": list(dict.fromkeys(["", *names]))}
    return query_param("format", description + " Empty: as if not given.", schema=schema)


RESULT_NAMES = [f.name for f in RESULT_FORMATS]
GRAPH_NAMES = [f.name for f in TRIPLE_FORMATS]
FORMAT = format_param(
    f"Overrides the Accept header: {', '.join(RESULT_NAMES)} for results; {', '.join(GRAPH_NAMES)} for graphs.",
    RESULT_NAMES + GRAPH_NAMES + [f.name for f in QUAD_FORMATS],
)
NAMED_FORMAT = format_param(
    "Overrides the Accept header (html: the page with the form).", ["html", *RESULT_NAMES, *GRAPH_NAMES]
)
PAGE_FORMAT = format_param("Overrides the Accept header: html or an RDF format.", sorted(PAGE_FORMATS))
RDF_FORMAT = format_param("Overrides the Accept header.", GRAPH_NAMES)
IRI = {"type": "string", "minLength": 1}
YEAR = {"type": "integer"}
EMPTY = {"type": "string", "maxLength": 0}
DATASET = [
    query_param(
        "default-graph-uri",
        "A graph of the default graph (repeatable); default: the union of all graphs.",
        schema=IRI,
        array=True,
    ),
    query_param("named-graph-uri", "A named graph the query may use with GRAPH (repeatable).", schema=IRI, array=True),
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


def error_refs(*codes: str, on: str = "") -> dict[str, Any]:
    """References to the shared error answers: text/plain; on="Page" adds error.html, on="Json" is JSON."""
    return {code: {"$ref": f"#/components/responses/{on}Error{code}"} for code in codes}


JSON_ERROR = {
    "type": "object",
    "required": ["ok", "error", "status"],
    "properties": {"ok": {"const": False}, "error": {"type": "string"}, "status": {"type": "integer"}},
}


QUERY_ERRORS = ("400", "406", "413", "503")
WRITE_ERRORS = ("400", "401", "403", "413", "415", "503")
QUERY_RESULTS = body(
    "SELECT/ASK results, or the triples of CONSTRUCT/DESCRIBE; the media type follows Accept or format.",
    RESULT_TYPES + RDF_TYPES + QUAD_TYPES,
)
RESOURCE_OK = body("An HTML page for browsers; the resource's RDF description for clients.", ["text/html", *RDF_TYPES])
PREFLIGHT = {"200": {"description": "The methods and headers a browser may use (CORS preflight)."}}


def path_param(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": {"type": "string"}}
