"""The query page at /: prefixes, examples, permalinks, local assets, and the examples' SPARQL."""

from __future__ import annotations

import html
import json
import re
from collections import Counter

import pytest
from flask.testing import FlaskClient

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.named_queries import get, load_all
from actorgraph.ontology.vocab import sparql_prefixes
from actorgraph.server.web.ui import DEFAULT_QUERY, compact, example_text, href


def editor_text(page: str) -> str:
    match = re.search(r'<textarea id="query"[^>]*>(.*?)</textarea>', page, re.S)
    assert match is not None
    return html.unescape(match.group(1))


def page_data(page: str) -> dict[str, object]:
    match = re.search(r'<script id="page-data" type="application/json">(.*?)</script>', page, re.S)
    assert match is not None
    data: dict[str, object] = json.loads(match.group(1))
    return data


def test_ui_editor_is_prefilled_with_every_prefix(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    text = editor_text(response.get_data(as_text=True))
    assert text.startswith(sparql_prefixes())
    assert "PREFIX ag: <https://w3id.org/actorgraph/ontology#>" in text
    assert DEFAULT_QUERY in text


def test_ui_offers_every_named_query_as_example(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    data = page_data(page)
    examples = data["examples"]
    assert [e["name"] for e in examples] == list(load_all())  # type: ignore[attr-defined]
    for example in examples:  # type: ignore[attr-defined]
        query = load_all()[example["name"]]
        assert example["parameters"] == [p.name for p in query.parameters]
        assert example["sparql"].startswith(query.sparql[: query.sparql.find("{")])
    for name, query in load_all().items():
        assert f'data-name="{name}"' in page
        assert query.title in html.unescape(page)


def test_ui_permalink_fills_editor_and_runs(client: FlaskClient) -> None:
    query = "SELECT ?label WHERE { res:iran rdfs:label ?label }"
    page = client.get("/", query_string={"query": query}).get_data(as_text=True)
    assert editor_text(page) == query
    assert page_data(page)["autorun"] is True
    assert 'id="permalink" href="/?query=SELECT%20%3Flabel' in page


def test_ui_assets_are_local_and_served(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert assets and all(a.startswith("/static/") for a in assets)
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200
        assert len(response.data) > 1000
        response.close()  # send_file keeps the file open until the response is closed


def test_ui_default_query_answers_iran_hostile_to_taliban(client: FlaskClient) -> None:
    response = client.get(
        "/sparql",
        query_string={"query": sparql_prefixes() + DEFAULT_QUERY},
        headers={"Accept": "application/sparql-results+json"},
    )
    bindings = json.loads(response.data)["results"]["bindings"]
    pairs = {(b["relation"]["value"].rsplit("#")[-1], b["object"]["value"].rsplit("/")[-1]) for b in bindings}
    assert ("hostileTo", "taliban") in pairs
    assert ("borders", "afghanistan") in pairs


def _normalised(kg: KnowledgeGraph, result: object) -> Counter[tuple[str, ...]]:
    # GROUP_CONCAT has no defined order: compare its parts as sorted lists.
    variables = [v.value for v in result.variables]  # type: ignore[attr-defined]
    return Counter(
        tuple("; ".join(sorted(re.split(r"; |, ", row[v].value))) if row[v] is not None else "" for v in variables)
        for row in result  # type: ignore[attr-defined]
    )


@pytest.mark.parametrize("name", sorted(n for n, q in load_all().items() if any(p.default for p in q.parameters)))
def test_ui_example_text_binds_defaults_like_run_named(kg: KnowledgeGraph, name: str) -> None:
    query = get(name)
    text = example_text(query)
    assert "VALUES (" in text
    assert _normalised(kg, kg.query(text)) == _normalised(kg, kg.run_named(name))


def test_ui_example_text_writes_terms_of_each_type() -> None:
    query = get("adversaries_at_year")
    text = example_text(query)
    assert "VALUES (?actor ?year) { (<https://w3id.org/actorgraph/resource/taliban> 1998) }" in text


def test_ui_links_map_our_iris_to_local_pages() -> None:
    assert href("https://w3id.org/actorgraph/resource/statement/yousafzai-2024/x") == (
        "/resource/statement/yousafzai-2024/x"
    )
    assert href("https://w3id.org/actorgraph/ontology#hostileTo") == "/ontology#hostileTo"
    assert href("http://www.wikidata.org/entity/Q794") == "http://www.wikidata.org/entity/Q794"
    truthy = "https://w3id.org/actorgraph/graph/truthy"
    assert href(truthy) == "/store?graph=https%3A%2F%2Fw3id.org%2Factorgraph%2Fgraph%2Ftruthy"
    assert compact("https://w3id.org/actorgraph/resource/iran") == "res:iran"
    assert (
        compact("https://w3id.org/actorgraph/resource/document/x") == "https://w3id.org/actorgraph/resource/document/x"
    )


def test_ui_download_links_give_csv_and_json_of_the_query(client: FlaskClient) -> None:
    query = sparql_prefixes() + "SELECT ?label WHERE { res:iran skos:altLabel ?label } ORDER BY ?label"
    page = client.get("/", query_string={"query": query}).get_data(as_text=True)
    links = dict(re.findall(r'<a id="download-(csv|json)" href="([^"]+)"', page))
    csv_answer = client.get(html.unescape(links["csv"]))
    assert csv_answer.mimetype == "text/csv"
    assert csv_answer.get_data(as_text=True).splitlines()[:2] == ["label", "Iranian government"]
    json_answer = client.get(html.unescape(links["json"]))
    labels = [b["label"]["value"] for b in json.loads(json_answer.data)["results"]["bindings"]]
    assert "Islamic Republic of Iran" in labels and "Iranian regime" in labels and "Tehran" not in labels


def test_ui_never_links_a_script_iri() -> None:
    assert href("javascript:alert(document.cookie)") == ""
    assert href("data:text/html,<script>x</script>") == ""


def test_ui_html_pages_carry_a_content_security_policy(client: FlaskClient) -> None:
    for path in ("/", "/resource/iran", "/queries/entity_search?format=html"):
        policy = client.get(path).headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy, path
    assert "Content-Security-Policy" not in client.get("/resource/iran?format=ttl").headers


def test_ui_a_long_query_is_echoed_once_not_four_times(client: FlaskClient) -> None:
    # The probe sent 20 MB and got 84 MB of HTML back: the editor holds the text, the links leave it out.
    long_query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 50_000
    page = client.get("/", query_string={"query": long_query}).get_data(as_text=True)
    short = client.get("/", query_string={"query": "ASK {}"}).get_data(as_text=True)
    assert page.count("x" * 50_000) == 1
    assert len(page) - len(short) < len(long_query) + 1000  # the page grows by the query once
    assert 'href="/?query=ASK%20%7B%7D"' in short
