"""The link registry: checked identifiers, the links graph, the report and the VoID linksets."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import rdflib
from click.testing import CliRunner

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.cli import cli
from actorgraph.graph.errors import LinkError
from actorgraph.graph.linking import (
    IDENTIFIERS,
    TARGETS,
    corpus_links,
    entity_classes,
    link_report,
    linkset_counts,
    parse_links,
    stored_linkset_counts,
    void_linksets,
)
from actorgraph.graph.model import Corpus, Entity
from actorgraph.ontology.vocab import LINKS_GRAPH, sparql_prefixes
from actorgraph.server import create_app

VOID = "http://rdfs.org/ns/void#"
CHECK = {"source": "https://example.org/page", "said": "X = Q1", "covers": ["wikidata"], "date": "2026-11-21"}


def rows(kg: KnowledgeGraph, sparql: str) -> list[dict[str, str]]:
    """SELECT rows as plain strings, with the usual prefixes."""
    # Not imported from conftest: tests/integration has a conftest of its own and, when the whole
    # suite is collected, `import conftest` may find that one.
    return kg.select(sparql_prefixes() + sparql)


def test_links_known_qids_are_registered(corpus: Corpus) -> None:
    qids = {entity: link.wikidata for entity, link in corpus_links(corpus).items()}
    assert qids["iran"] == "Q794"
    assert qids["afghanistan"] == "Q889"
    assert qids["pakistan"] == "Q843"
    assert qids["united-states"] == "Q30"
    assert qids["al-qaeda"] == "Q34490"
    assert qids["islamic-state"] == "Q2429253"


def test_links_every_qid_is_well_formed_unique_and_checked(corpus: Corpus) -> None:
    raw = corpus.links
    qids = [str(item["wikidata"]) for item in raw.values() if item.get("wikidata")]
    assert len(qids) >= 20
    assert all(re.fullmatch(r"Q[1-9][0-9]*", q) for q in qids), qids
    assert [q for q, n in Counter(qids).items() if n > 1] == []
    for entity_id, item in raw.items():
        covered = {kind for check in item.get("checked") or [] for kind in check["covers"]}
        for kind in IDENTIFIERS:
            if item.get(kind):
                assert kind in covered, f"{entity_id}: {kind} has no check"
        for check in item.get("checked") or []:
            assert check["source"] and check["said"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(check["date"]))


def test_links_geonames_only_on_places(corpus: Corpus) -> None:
    links = corpus_links(corpus)
    with_geonames = {k for k, link in links.items() if link.geonames}
    assert {"iran", "afghanistan", "pakistan"} <= with_geonames
    assert links["iran"].geonames == "130758"
    assert links["herat"].geonames == "1140025"  # the province (GeoNames' ADM1 list), not Herat city
    for entity_id in with_geonames:
        # countries, provinces, cities: every class under ag:Place in the ontology; never an organisation
        assert "Place" in entity_classes(corpus.entities[entity_id]), entity_id


def _entities() -> dict[str, Entity]:
    return {
        "iran": Entity("iran", ("State", "Country"), "Iran"),
        "taliban": Entity("taliban", ("InsurgentGroup",), "Taliban"),
    }


def test_links_identifier_without_check_is_refused() -> None:
    with pytest.raises(LinkError, match="iran: the wikidata identifier has no 'checked' record"):
        parse_links({"iran": {"id": "iran", "wikidata": "Q794"}}, _entities())


def test_links_malformed_qid_is_refused() -> None:
    with pytest.raises(LinkError, match="'Q79x' is not a Wikidata QID"):
        parse_links({"iran": {"id": "iran", "wikidata": "Q79x", "checked": [CHECK]}}, _entities())


def test_links_duplicate_qid_is_refused() -> None:
    raw = {
        "iran": {"id": "iran", "wikidata": "Q794", "checked": [CHECK]},
        "taliban": {"id": "taliban", "wikidata": "Q794", "checked": [CHECK]},
    }
    with pytest.raises(LinkError, match="taliban: Q794 is also given for iran"):
        parse_links(raw, _entities())


def test_links_geonames_on_a_group_is_refused() -> None:
    check = {**CHECK, "covers": ["geonames"]}
    with pytest.raises(LinkError, match="GeoNames id is for places only"):
        parse_links({"taliban": {"id": "taliban", "geonames": 1138958, "checked": [check]}}, _entities())


def test_links_graph_uses_exact_match_and_a_qid_literal(kg: KnowledgeGraph) -> None:
    found = rows(
        kg,
        f"""SELECT ?match ?qid WHERE {{ GRAPH <{LINKS_GRAPH}> {{
              res:iran skos:exactMatch ?match . res:iran ag:wikidataId ?qid }} }}""",
    )
    matches = {r["match"] for r in found}
    assert matches == {"http://www.wikidata.org/entity/Q794", "http://dbpedia.org/resource/Iran",
                       "https://sws.geonames.org/130758/"}  # fmt: skip
    assert {r["qid"] for r in found} == {"Q794"}
    assert rows(kg, f"SELECT ?s WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?s owl:sameAs ?o }} }}") == []


def test_links_join_by_qid_literal(kg: KnowledgeGraph) -> None:
    """A user filters by the plain QID literal and gets our entity and its label."""
    found = rows(kg, 'SELECT ?label WHERE { ?e ag:wikidataId "Q2429253" ; rdfs:label ?label }')
    assert [r["label"] for r in found] == ["Islamic State"]


def test_link_report_lists_unlinked_entities(corpus: Corpus) -> None:
    report = link_report(corpus)
    unlinked = {entity.id: reason for entity, reason in report.unlinked}
    assert "National Directorate of Security" in (unlinked["nds"] or "")  # looked up, nothing found: says so
    assert "near-miss" in (unlinked["sunni"] or "")  # Sunni Islam is the religion, not the community
    assert "haqqani-network" not in unlinked  # DBpedia checked
    assert "iran" not in unlinked
    assert len(report.linked) + len(report.unlinked) == len(corpus.entities)
    text = "\n".join(report.lines())
    assert re.search(r"taliban\s+dbpedia", text), "Taliban is linked without a QID and must say so"


def test_link_report_cli_prints_counts() -> None:
    result = CliRunner().invoke(cli, ["link", "report"])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert re.match(r"\d+/\d+ entities linked: \d+ Wikidata, \d+ DBpedia, \d+ GeoNames", first)
    assert "haqqani-network" in result.output


def test_void_linkset_counts_match_the_links_graph(kg: KnowledgeGraph, corpus: Corpus) -> None:
    dataset = "https://w3id.org/actorgraph/void/dataset"
    void = rdflib.Graph()
    for triple in void_linksets(linkset_counts(corpus_links(corpus).values()), dataset):
        void.add(triple)
    for target in TARGETS:
        declared = [
            int(o)
            for s in void.subjects(rdflib.URIRef(VOID + "objectsTarget"), target.iri)
            for o in void.objects(s, rdflib.URIRef(VOID + "triples"))
        ]
        counted = rows(
            kg,
            f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?s skos:exactMatch ?o }}
                 FILTER(STRSTARTS(STR(?o), "{target.uri_space}")) }}""",
        )
        assert declared == [int(counted[0]["n"])], target.key
        assert (rdflib.URIRef(dataset), rdflib.URIRef(VOID + "subset"), None) in void
    wikidata = next(t for t in TARGETS if t.key == "wikidata")
    assert int(
        rows(kg, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?s ag:wikidataId ?q }} }}")[0]["n"]
    ) == (sum(1 for link in corpus_links(corpus).values() if link.wikidata))
    assert wikidata.sparql_endpoint == "https://query.wikidata.org/sparql"


def test_void_linkset_counts_from_the_store_equal_the_registry(kg: KnowledgeGraph, corpus: Corpus) -> None:
    counted = stored_linkset_counts(kg.store)
    assert counted == linkset_counts(corpus_links(corpus).values())
    assert counted["wikidata"] >= 20 and counted["geonames"] >= 9


def test_void_served_at_well_known_has_linksets_matching_the_data(kg: KnowledgeGraph) -> None:
    client = create_app(kg=kg).test_client()
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    void = rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/actorgraph/dataset")
    served = {}
    for linkset in void.objects(dataset, rdflib.URIRef(VOID + "subset")):
        if (linkset, rdflib.RDF.type, rdflib.URIRef(VOID + "Linkset")) in void:
            target = void.value(linkset, rdflib.URIRef(VOID + "objectsTarget"))
            space = str(void.value(target, rdflib.URIRef(VOID + "uriSpace")))
            assert void.value(linkset, rdflib.URIRef(VOID + "linkPredicate")) == rdflib.SKOS.exactMatch
            served[space] = int(void.value(linkset, rdflib.URIRef(VOID + "triples")))
    assert set(served) == {t.uri_space for t in TARGETS}
    for space, count in served.items():
        counted = rows(
            kg,
            f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?s skos:exactMatch ?o }}
                 FILTER(STRSTARTS(STR(?o), "{space}")) }}""",
        )
        assert count == int(counted[0]["n"]) > 0, space


# --------------------------------------------------------------------------- reasons and provenance (issue #17)


def test_links_graph_carries_the_reasons_but_linksets_count_only_links(kg: KnowledgeGraph, corpus: Corpus) -> None:
    notes = rows(kg, f"SELECT ?s ?note WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?s skos:editorialNote ?note }} }}")
    unlinked = {link.entity for link in corpus_links(corpus).values() if link.unlinked}
    assert {r["s"].rsplit("/", 1)[-1] for r in notes} == unlinked
    # the notes are no links: the linksets still count exactly the skos:exactMatch triples
    assert stored_linkset_counts(kg.store) == linkset_counts(corpus_links(corpus).values())


def test_unlinked_entities_query_gives_the_recorded_reason(kg: KnowledgeGraph, corpus: Corpus) -> None:
    result = kg.run_named("unlinked_entities")
    found = {row["entity"].value.rsplit("/", 1)[-1]: row for row in result}
    links = corpus_links(corpus)
    without_qid = {e for e in corpus.entities if not (e in links and links[e].wikidata)}
    assert set(found) == without_qid
    taliban = found["taliban"]
    assert taliban["reason"].value == (links["taliban"].unlinked or links["taliban"].note)
    assert taliban["identifiers"].value == "http://dbpedia.org/resource/Taliban"
    assert "iran" not in found


def test_entity_page_shows_how_each_link_was_checked(kg: KnowledgeGraph, corpus: Corpus) -> None:
    html = create_app(kg=kg).test_client().get("/resource/iran").get_data(as_text=True)
    assert "How the links were checked" in html
    iran = corpus_links(corpus)["iran"]
    for check in iran.checked:
        assert f"checked {check.date}" in html
    assert (
        'href="https://github.com/datasets/country-codes/blob/060e8c02fc8d9281a294669b89a0e50b5164abd4/data/country-codes.csv"'
        in html
    )
    taliban = create_app(kg=kg).test_client().get("/resource/taliban").get_data(as_text=True)
    assert "No public page pairing a Wikidata QID with the Taliban" in taliban
