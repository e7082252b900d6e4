"""`link enrich` against the mock Wikidata API: its own graph only, the chosen facts, the disk cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from wikidata_mock import MockWikidata, closed_port_url, mock_wikidata

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.cli import cli
from actorgraph.graph.config import Settings
from actorgraph.graph.linking import WikidataClient, enrich, write_enrichment
from actorgraph.graph.model import Corpus
from actorgraph.ontology.vocab import ENRICHMENT_GRAPH, sparql_prefixes

RETRIEVED = "2026-11-21T19:00:00Z"


def rows(kg: KnowledgeGraph, sparql: str) -> list[dict[str, str]]:
    """SELECT rows as plain strings, with the usual prefixes."""
    # Not imported from conftest: tests/integration has a conftest of its own and, when the whole
    # suite is collected, `import conftest` may find that one.
    return kg.select(sparql_prefixes() + sparql)


@pytest.fixture(scope="module")
def enriched(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> tuple[KnowledgeGraph, dict[str, set[str]]]:
    """A fresh in-memory graph, its quads per graph before enrichment, then enriched from the mock."""
    kg = KnowledgeGraph(Settings(store_path=":memory:"))
    kg.build()
    before = _quads_per_graph(kg)
    with mock_wikidata() as server:
        result = enrich(corpus, WikidataClient(server.url), tmp_path_factory.mktemp("cache"), now=lambda: RETRIEVED)
    write_enrichment(kg.store, result)
    return kg, before


def _quads_per_graph(kg: KnowledgeGraph) -> dict[str, set[str]]:
    graphs: dict[str, set[str]] = {}
    for quad in kg.store.quads():
        graphs.setdefault(str(quad.graph_name), set()).add(str(quad))
    return graphs


def test_enrich_writes_only_its_own_graph(enriched: tuple[KnowledgeGraph, dict[str, set[str]]]) -> None:
    kg, before = enriched
    after = _quads_per_graph(kg)
    enrichment = f"<{ENRICHMENT_GRAPH}>"
    assert enrichment not in before
    assert len(after[enrichment]) > 20
    assert {g: q for g, q in after.items() if g != enrichment} == before


def test_enrich_adds_aliases_in_persian_and_arabic(enriched: tuple[KnowledgeGraph, dict[str, set[str]]]) -> None:
    kg, _ = enriched
    found = rows(
        kg,
        f"""SELECT ?alias (LANG(?alias) AS ?lang) WHERE {{ GRAPH <{ENRICHMENT_GRAPH}> {{
              res:afghanistan skos:altLabel ?alias }} }} ORDER BY ?lang""",
    )
    assert [(r["alias"], r["lang"]) for r in found] == [("أفغانستان", "ar"), ("افغانستان", "fa")]
    # our own English label stays where it was, untouched
    assert rows(kg, "SELECT ?l WHERE { GRAPH ?g { res:afghanistan rdfs:label ?l } }") == [{"l": "Afghanistan"}]


def test_enrich_adds_inception_country_coordinates_and_website(
    enriched: tuple[KnowledgeGraph, dict[str, set[str]]],
) -> None:
    kg, _ = enriched
    facts = rows(
        kg,
        f"""SELECT ?s ?p ?o (DATATYPE(?o) AS ?type) WHERE {{ GRAPH <{ENRICHMENT_GRAPH}> {{ ?s ?p ?o }}
              FILTER(STRSTARTS(STR(?p), "http://www.wikidata.org/prop/direct/")) }} ORDER BY ?s ?p""",
    )
    short = {(r["s"].rsplit("/", 1)[-1], r["p"].rsplit("/", 1)[-1], r["o"], r["type"]) for r in facts}
    assert short == {
        ("afghanistan", "P17", "http://www.wikidata.org/entity/Q889", None),
        ("al-qaeda", "P571", "1988", "http://www.w3.org/2001/XMLSchema#gYear"),
        ("tehran", "P17", "http://www.wikidata.org/entity/Q794", None),
        ("tehran", "P625", "Point(51.389 35.6892)", "http://www.opengis.net/ont/geosparql#wktLiteral"),
        ("nato", "P856", "https://www.nato.int/", None),  # the deprecated old address is left out
    }


def test_enrich_records_source_and_retrieval_date(enriched: tuple[KnowledgeGraph, dict[str, set[str]]]) -> None:
    kg, _ = enriched
    found = rows(
        kg,
        f"""SELECT ?source ?when WHERE {{ GRAPH <{ENRICHMENT_GRAPH}> {{
              ?record dcterms:subject res:tehran ; prov:wasDerivedFrom ?source ; prov:generatedAtTime ?when }} }}""",
    )
    assert found == [{"source": "https://www.wikidata.org/wiki/Special:EntityData/Q3616.json", "when": RETRIEVED}]


def test_enrich_rerun_reads_the_cache_and_does_not_refetch(
    corpus: Corpus, wikidata: MockWikidata, tmp_path: Path
) -> None:
    first = enrich(corpus, WikidataClient(wikidata.url), tmp_path, now=lambda: RETRIEVED)
    assert len(wikidata.requests) == 1
    assert (tmp_path / "Q794.json").exists()
    # offline now: everything must come from the cache
    second = enrich(corpus, WikidataClient(closed_port_url(), timeout=5), tmp_path, now=lambda: "2030-01-01T00:00:00Z")
    assert second.fetched == []
    assert len(second.cached) == len(first.fetched)
    assert sorted(second.triples) == sorted(first.triples)
    assert second.missing == first.missing


def test_enrich_refresh_fetches_again(corpus: Corpus, wikidata: MockWikidata, tmp_path: Path) -> None:
    enrich(corpus, WikidataClient(wikidata.url), tmp_path)
    enrich(corpus, WikidataClient(wikidata.url), tmp_path, refresh=True)
    assert len(wikidata.requests) == 2


def test_enrich_items_missing_on_wikidata_are_reported(corpus: Corpus, wikidata: MockWikidata, tmp_path: Path) -> None:
    result = enrich(corpus, WikidataClient(wikidata.url), tmp_path)
    # only some items have recorded answers; the others come back "missing" and add nothing
    assert "pakistan" in result.missing
    assert "iran" not in result.missing
    assert not any(str(s).endswith("/pakistan") for s, _p, _o in result.triples)


def test_enrich_cli_writes_the_store(wikidata: MockWikidata, tmp_path: Path) -> None:
    store = tmp_path / "store"
    KnowledgeGraph(Settings(store_path=str(store))).build()
    args = ["link", "enrich", "--store", str(store), "--api-url", wikidata.url, "--cache", str(tmp_path / "cache")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "items fetched" in result.output
    kg = KnowledgeGraph(Settings(store_path=str(store)))
    found = rows(kg, f"SELECT ?a WHERE {{ GRAPH <{ENRICHMENT_GRAPH}> {{ res:afghanistan skos:altLabel ?a }} }}")
    assert {r["a"] for r in found} == {"افغانستان", "أفغانستان"}
