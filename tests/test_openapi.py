"""/openapi.json: a valid OpenAPI 3.1 document that matches the application's routes."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask
from openapi_spec_validator import validate

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.named_queries import load_all
from actorgraph.server import create_app


@pytest.fixture(scope="module")
def app(kg: KnowledgeGraph) -> Flask:
    return create_app(kg=kg)


@pytest.fixture(scope="module")
def spec(app: Flask) -> dict[str, Any]:
    response = app.test_client().get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data: dict[str, Any] = json.loads(response.data)
    return data


def test_openapi_is_valid_3_1(spec: dict[str, Any]) -> None:
    validate(spec)  # raises OpenAPIValidationError when the document is not valid OpenAPI
    assert spec["openapi"] == "3.1.0"


def test_openapi_documents_the_protocol_and_pages(spec: dict[str, Any]) -> None:
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/sparql"])
    assert set(paths["/sparql"]["post"]["requestBody"]["content"]) == {
        "application/x-www-form-urlencoded",
        "application/sparql-query",
    }
    assert paths["/update"]["post"]["security"] == [{"bearerToken": []}]
    assert {"get", "put", "post", "delete"} <= set(paths["/store"])
    for path in ("/queries", "/queries/{name}", "/resource/{id}", "/resource/document/{document}", "/health"):
        assert "get" in paths[path], path
    assert "text/turtle" in paths["/resource/{id}"]["get"]["responses"]["200"]["content"]


def test_openapi_has_each_named_query_with_typed_parameters(spec: dict[str, Any]) -> None:
    for name, query in load_all().items():
        operation = spec["paths"][f"/queries/{name}"]["get"]
        documented = {p["name"]: p["schema"] for p in operation["parameters"]}
        assert set(documented) == {p.name for p in query.parameters} | {"format"}
    year = {p["name"]: p for p in spec["paths"]["/queries/adversaries_at_year"]["get"]["parameters"]}["year"]
    # An integer with its default, or empty (the HTML form's empty field: not given).
    assert year["schema"] == {"anyOf": [{"type": "integer", "default": 1998}, {"type": "string", "maxLength": 0}]}


def test_openapi_paths_exist_in_the_app(app: Flask, spec: dict[str, Any]) -> None:
    urls = app.url_map.bind("localhost")
    for path, operations in spec["paths"].items():
        sample = re.sub(r"\{\w+\}", "x", path)
        for method in operations:
            if method in ("get", "post", "put", "delete", "head", "options"):
                urls.match(sample, method=method.upper())  # raises NotFound / MethodNotAllowed


def test_openapi_documents_the_reconciliation_service(spec: dict[str, Any]) -> None:
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/reconcile"])
    assert "application/x-www-form-urlencoded" in paths["/reconcile"]["post"]["requestBody"]["content"]
    for path in ("/reconcile/suggest/{kind}", "/reconcile/preview", "/reconcile/propose_properties"):
        assert paths[path]["get"]["tags"] == ["Reconciliation"], path
