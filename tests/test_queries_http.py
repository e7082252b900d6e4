"""Named queries over HTTP: the list, runs with safely bound parameters, negotiation, errors."""

from __future__ import annotations

import csv
import io
import json

from flask.testing import FlaskClient

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.named_queries import load_all
from actorgraph.server import create_app

RES = "https://w3id.org/actorgraph/resource/"
SPARQL_JSON = "application/sparql-results+json"


def bindings(data: bytes) -> list[dict[str, str]]:
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(data)["results"]["bindings"]]


def test_queries_list_json_describes_every_query_and_its_parameters(client: FlaskClient) -> None:
    response = client.get("/queries", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    listed = {q["name"]: q for q in json.loads(response.data)["queries"]}
    assert set(listed) == set(load_all())
    sponsor = listed["actors_supported_by"]["parameters"][0]
    assert sponsor == {
        "name": "sponsor",
        "type": "IRI",
        "default": RES + "iran",
        "required": False,
        "help": "the supporting actor",
    }
    assert listed["actors_supported_by"]["url"] == "/queries/actors_supported_by"


def test_queries_list_html_for_browsers(client: FlaskClient) -> None:
    response = client.get("/queries", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert 'href="/queries/adversaries_at_year"' in page
    assert "An actor&#39;s adversaries in a given year" in page


def test_queries_run_binds_iri_parameter(client: FlaskClient) -> None:
    response = client.get(
        "/queries/actors_supported_by", query_string={"sponsor": RES + "iran"}, headers={"Accept": SPARQL_JSON}
    )
    assert response.status_code == 200
    assert response.mimetype == SPARQL_JSON
    rows = bindings(response.data)
    assert {r["sponsor"] for r in rows} == {RES + "iran"}
    # Yousafzai: "Following the 9/11 attacks in 2001, Iran backed the anti-Taliban Northern Alliance ..."
    assert RES + "northern-alliance" in {r["actor"] for r in rows}


def test_queries_run_binds_integer_parameter(client: FlaskClient) -> None:
    response = client.get(
        "/queries/adversaries_at_year",
        query_string={"actor": RES + "taliban", "year": "1998"},
        headers={"Accept": SPARQL_JSON},
    )
    adversaries = {r["adversary"] for r in bindings(response.data)}
    assert RES + "iran" in adversaries  # the 1998 killing of Iranian diplomats
    assert RES + "iranian-diplomats" in adversaries


def test_queries_run_csv_by_format_parameter(client: FlaskClient) -> None:
    response = client.get("/queries/entity_search", query_string={"text": "Mazar", "format": "csv"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert RES + "mazar-i-sharif-1998-killings" in {r["entity"] for r in table}


def test_queries_string_parameter_is_bound_as_a_literal_not_sparql(client: FlaskClient) -> None:
    hostile = '" ) } } SELECT * WHERE { ?s ?p ?o } #'
    response = client.get("/queries/entity_search", query_string={"text": hostile}, headers={"Accept": SPARQL_JSON})
    assert response.status_code == 200
    assert bindings(response.data) == []


def test_queries_iri_parameter_rejects_injection(client: FlaskClient) -> None:
    response = client.get("/queries/actors_supported_by", query_string={"sponsor": "x> } UNION { ?s ?p ?o"})
    assert response.status_code == 400
    assert "sponsor" in response.get_data(as_text=True)


def test_queries_wrong_type_is_400_and_unknown_parameter_too(client: FlaskClient) -> None:
    bad_year = client.get("/queries/adversaries_at_year", query_string={"year": "nineteen"})
    assert bad_year.status_code == 400
    assert "year" in bad_year.get_data(as_text=True)
    unknown = client.get("/queries/adversaries_at_year", query_string={"colour": "red"})
    assert unknown.status_code == 400


def test_queries_unknown_name_is_404(client: FlaskClient) -> None:
    assert client.get("/queries/no_such_query").status_code == 404
    assert client.get("/queries/no_such_query", headers={"Accept": "text/html"}).mimetype == "text/html"


def test_queries_html_page_shows_results_table(client: FlaskClient) -> None:
    response = client.get(
        "/queries/actors_supported_by", query_string={"sponsor": RES + "iran"}, headers={"Accept": "text/html"}
    )
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<table class="results">' in page
    assert 'href="/resource/northern-alliance"' in page
    assert f'value="{RES}iran"' in page


def test_queries_unacceptable_media_type_is_406(client: FlaskClient) -> None:
    response = client.get("/queries/entity_search", headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_queries_take_entity_ids_as_the_command_line_does(client: FlaskClient) -> None:
    by_id = client.get("/queries/actors_supported_by", query_string={"sponsor": "iran"},
                       headers={"Accept": SPARQL_JSON})  # fmt: skip
    by_iri = client.get("/queries/actors_supported_by", query_string={"sponsor": RES + "iran"},
                        headers={"Accept": SPARQL_JSON})  # fmt: skip
    assert by_id.status_code == by_iri.status_code == 200
    assert bindings(by_id.data) == bindings(by_iri.data)
    assert {row["sponsor"] for row in bindings(by_id.data)} == {RES + "iran"}


def test_queries_results_are_cut_at_the_row_limit(kg: KnowledgeGraph) -> None:
    client = create_app(kg.settings.with_(max_rows=2), kg).test_client()
    response = client.get("/queries/actors_supported_by", headers={"Accept": SPARQL_JSON})
    assert response.status_code == 200
    assert len(bindings(response.data)) == 2
    assert response.headers["X-SPARQL-MaxRows"] == "2"
    assert len(list(kg.run_named("actors_supported_by"))) > 2
