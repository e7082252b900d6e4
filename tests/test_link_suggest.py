"""`link suggest`, `accept`, `reject`: our entities reconciled against a fake Wikidata reconciliation service,
checked through the fake Wikidata API before anything is written (tests/reconcile_mock.py, tests/wikidata_mock.py)."""

from __future__ import annotations

import json
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from reconcile_mock import MockService, mock_reconciliation_service
from wikidata_mock import MockWikidata, closed_port_url

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.cli import cli
from actorgraph.graph.config import Settings
from actorgraph.graph.errors import LinkError, ReconciliationUnavailable, WikidataUnavailable
from actorgraph.graph.linking import WikidataClient
from actorgraph.graph.linking.reconcile import entity_countries
from actorgraph.graph.linking.registry import Link, corpus_links
from actorgraph.graph.linking.suggest import ReconciliationClient, check_candidate, entity_query, replace_entry
from actorgraph.graph.linking.verify import compare
from actorgraph.graph.model import Entity
from actorgraph.graph.sources import load_corpus

# The fixture's registry with Iran linked; the Taliban, Al-Qaeda, the United States and Nabil are not.
LINKS = textwrap.dedent("""\
    # links of the fixture (tests)
    - id: iran
      wikidata: Q794
      checked:
      - source: https://github.com/IBM/kif/blob/82a7c4fb034058124116a094a3c5bba6f47501d1/kif_lib/vocabulary/wd/item_country.py
        said: Iran = Item(IRI('http://www.wikidata.org/entity/Q794'))
        covers: [wikidata]
        date: '2026-11-21'
    - id: taliban
      unlinked: no public page pairing a QID with it was found (test)
    """)


@pytest.fixture
def service() -> Iterator[MockService]:
    with mock_reconciliation_service() as state:
        yield state


@pytest.fixture
def sources(fixture_sources: Path) -> Path:
    (fixture_sources / "links.yaml").write_text(LINKS, encoding="utf-8")
    return fixture_sources


def graph(sources: Path, service: MockService, wikidata: MockWikidata | None = None) -> KnowledgeGraph:
    settings = Settings(store_path=":memory:", reconcile_service=service.url,
                        wikidata_api=wikidata.url if wikidata else closed_port_url())  # fmt: skip
    return KnowledgeGraph(settings, sources=sources)


def test_suggest_sends_unlinked_entities_with_type_and_country(sources: Path, service: MockService) -> None:
    path, suggestions = graph(sources, service).suggest_links()
    assert path == sources / "link-candidates.yaml"
    assert [s.entity for s in suggestions] == ["taliban", "al-qaeda", "united-states", "rahmatullah-nabil"]
    (batch,) = service.queries
    sent = {q["query"]: q for q in batch.values()}
    assert sent["Al-Qaeda"]["type"] == "Q43229"  # organization
    assert sent["Rahmatullah Nabil"]["type"] == "Q5"  # human
    assert sent["United States"]["type"] == "Q6256"  # country
    review = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert review["al-qaeda"]["service"] == service.url
    assert review["al-qaeda"]["candidates"] == [
        {"qid": "Q34490", "name": "al-Qaeda", "score": 100.0, "match": True, "type": ["organization"]},
        {"qid": "Q2429253", "name": "Islamic State", "score": 31.5, "type": ["organization"]},
    ]
    assert review["taliban"]["candidates"] == []


def test_suggest_sends_the_country_as_p17() -> None:
    """The fixture places nothing, so a place of the shipped sources shows P17: Kerman, in Iran (Q794)."""
    corpus = load_corpus()
    query = entity_query(corpus.entities["kerman"], entity_countries(corpus)["kerman"], corpus_links(corpus), corpus)
    assert query == {"query": "Kerman", "limit": 3, "type": "Q515", "properties": [{"pid": "P17", "v": ["Q794"]}]}
    unlinked_country = entity_query(corpus.entities["kurram"], {"pakistan", "kurram"}, {}, corpus)
    assert unlinked_country["properties"] == [{"pid": "P17", "v": ["Pakistan"]}]  # no QID known: the label


def test_accept_verifies_then_writes_links_yaml(sources: Path, service: MockService, wikidata: MockWikidata) -> None:
    kg = graph(sources, service, wikidata)
    kg.suggest_links(["al-qaeda"])
    result = kg.accept_link("al-qaeda", "Q34490")
    assert result.ok and result.label == "al-Qaeda"
    link = kg.link_of("al-qaeda")
    assert link is not None and link.wikidata == "Q34490"
    assert link.reconciled is not None and link.reconciled.startswith(f"{service.url} ")
    assert link.reconciled.endswith(" score 100")
    (check,) = link.checked
    assert check.source == f"{wikidata.url}?action=wbgetentities&ids=Q34490"
    assert "label 'al-Qaeda', instance of organization" in check.said
    text = (sources / "links.yaml").read_text(encoding="utf-8")
    assert text.startswith(LINKS)  # the rest of the registry untouched, comments included
    assert "al-qaeda" not in (yaml.safe_load((sources / "link-candidates.yaml").read_text(encoding="utf-8")) or {})
    load_corpus(sources)  # the registry still loads and checks


def test_accept_refuses_a_candidate_that_does_not_check_out(
    sources: Path, service: MockService, wikidata: MockWikidata
) -> None:
    kg = graph(sources, service, wikidata)
    kg.suggest_links(["al-qaeda"])
    before = (sources / "links.yaml").read_bytes()
    with pytest.raises(LinkError, match=r"al-qaeda -> Q2429253 does not check out, nothing written: .*'Islamic State'"):
        kg.accept_link("al-qaeda", "Q2429253")
    assert (sources / "links.yaml").read_bytes() == before


def test_accept_refuses_a_qid_that_was_not_proposed(
    sources: Path, service: MockService, wikidata: MockWikidata
) -> None:
    kg = graph(sources, service, wikidata)
    kg.suggest_links(["al-qaeda"])
    with pytest.raises(LinkError, match="Q7184 is not a candidate for al-qaeda"):
        kg.accept_link("al-qaeda", "Q7184")


def test_accept_offline_writes_nothing(sources: Path, service: MockService) -> None:
    kg = graph(sources, service)  # the Wikidata API on a closed port
    kg.suggest_links(["al-qaeda"])
    before = (sources / "links.yaml").read_bytes()
    with pytest.raises(WikidataUnavailable, match="cannot reach the Wikidata API"):
        kg.accept_link("al-qaeda", "Q34490")
    assert (sources / "links.yaml").read_bytes() == before


def test_reject_records_the_refusal(sources: Path, service: MockService) -> None:
    kg = graph(sources, service)
    kg.suggest_links(["al-qaeda"])
    line = kg.reject_link("al-qaeda", "Q2429253")
    assert line.startswith(f"Q2429253: proposed by reconciliation ({service.url} ")
    link = kg.link_of("al-qaeda")
    assert link is not None and link.rejected == (line,) and link.wikidata is None
    assert link.unlinked is not None and "rejected" in link.unlinked
    review = yaml.safe_load((sources / "link-candidates.yaml").read_text(encoding="utf-8"))
    assert [c["qid"] for c in review["al-qaeda"]["candidates"]] == ["Q34490"]


def test_cli_suggest_accept_reject(sources: Path, service: MockService, wikidata: MockWikidata) -> None:
    runner = CliRunner()
    env = {"ACTORGRAPH_STORE": ":memory:"}
    out = runner.invoke(cli, ["link", "suggest", "--sources", str(sources), "--service", service.url], env=env)
    assert out.exit_code == 0, out.output
    assert "al-qaeda" in out.output and "Q34490 'al-Qaeda' 100 (match)" in out.output
    assert "1/4 entities with candidates" in out.output
    out = runner.invoke(cli, ["link", "reject", "--sources", str(sources), "al-qaeda", "Q2429253"], env=env)
    assert out.exit_code == 0, out.output
    accept = ["link", "accept", "--sources", str(sources), "--api-url", wikidata.url, "al-qaeda", "Q34490"]
    out = runner.invoke(cli, accept, env=env)
    assert out.exit_code == 0, out.output
    assert "al-qaeda: Q34490 written into links.yaml" in out.output
    # the entry the rejection wrote was replaced, not duplicated: the refusal kept, the reason for no link gone
    text = (sources / "links.yaml").read_text(encoding="utf-8")
    assert text.count("- id: al-qaeda\n") == 1 and text.startswith(LINKS)
    link = load_corpus(sources).links["al-qaeda"]
    assert link["wikidata"] == "Q34490" and "unlinked" not in link
    assert [r.split(":")[0] for r in link["rejected"]] == ["Q2429253"]


def test_cli_suggest_offline_says_so_in_one_line(sources: Path) -> None:
    url = closed_port_url().replace("/w/api.php", "/en/api")
    out = CliRunner().invoke(cli, ["link", "suggest", "--sources", str(sources), "--service", url])
    assert out.exit_code == 1
    assert out.output.count("\n") == 1
    assert out.output.startswith(f"Error: the reconciliation service at {url} cannot be reached")


# --------------------------------------------------------------------------- the client: errors, timeouts, rate limits


def test_client_honours_retry_after(service: MockService) -> None:
    service.rate_limited, service.retry_after = 2, "3"
    waits: list[float] = []
    client = ReconciliationClient(service.url, max_wait=5, sleep=waits.append)
    answer = client.reconcile({"q0": {"query": "Tehran"}})
    assert answer["q0"]["result"][0]["id"] == "Q3616"
    assert waits == [3.0, 3.0]
    assert service.requests == 3


def test_client_really_waits(service: MockService) -> None:
    service.rate_limited, service.retry_after = 1, "1"
    start = time.monotonic()
    ReconciliationClient(service.url, max_wait=2).reconcile({"q0": {"query": "Tehran"}})
    assert time.monotonic() - start >= 1.0


def test_client_refuses_a_wait_longer_than_max_wait(service: MockService) -> None:
    service.rate_limited, service.retry_after = 1, "120"
    with pytest.raises(ReconciliationUnavailable, match=r"asks to wait 120 s \(more than 5 s\)"):
        ReconciliationClient(service.url, max_wait=5, sleep=lambda _: None).reconcile({"q0": {"query": "x"}})


def test_client_gives_up_after_its_retries(service: MockService) -> None:
    service.rate_limited = 10
    with pytest.raises(ReconciliationUnavailable, match="answered HTTP 429"):
        ReconciliationClient(service.url, retries=2, sleep=lambda _: None).reconcile({"q0": {"query": "x"}})
    assert service.requests == 3


def test_client_reports_a_server_error(service: MockService) -> None:
    service.status = 503
    with pytest.raises(ReconciliationUnavailable, match="answered HTTP 503"):
        ReconciliationClient(service.url).reconcile({"q0": {"query": "x"}})


def test_client_times_out(service: MockService) -> None:
    service.delay = 1.0
    with pytest.raises(ReconciliationUnavailable, match="cannot be reached"):
        ReconciliationClient(service.url, timeout=0.2).reconcile({"q0": {"query": "x"}})


def test_wikidata_client_honours_retry_after(wikidata: MockWikidata) -> None:
    wikidata.rate_limited, wikidata.retry_after = 1, "2"
    waits: list[float] = []
    client = WikidataClient(wikidata.url, max_wait=5, sleep=waits.append)
    assert client.get_entities(["Q794"], "labels", ["en"])["Q794"]["labels"]["en"]["value"] == "Iran"
    assert waits == [2.0]
    wikidata.rate_limited, wikidata.retry_after = 1, "600"
    with pytest.raises(WikidataUnavailable, match="asks to wait 600 s"):
        client.get_entities(["Q794"], "labels", ["en"])


# --------------------------------------------------------------------------- province or city: through the type


def test_province_label_with_its_class_word_matches_our_province(wikidata: MockWikidata) -> None:
    province = Entity("herat", ("Province",), "Herat")
    result = check_candidate(province, "Q182844", WikidataClient(wikidata.url))
    assert result.label == "Herat Province"
    assert result.instance_of == [("Q158683", "province of Afghanistan")]
    assert result.ok, result.problems


def test_province_label_does_not_match_our_city_of_the_same_name(wikidata: MockWikidata) -> None:
    city = Entity("herat-city", ("City",), "Herat")
    result = check_candidate(city, "Q182844", WikidataClient(wikidata.url))
    assert result.problems[0] == "Wikidata's 'Herat Province' is a province; ours ('Herat') is a City"
    assert "instance of (province of Afghanistan) does not fit our class City" in result.problems


def test_link_verify_herat_province_against_the_mock(wikidata: MockWikidata) -> None:
    out = CliRunner().invoke(cli, ["link", "verify", "--api-url", wikidata.url, "--entity", "herat"])
    assert out.exit_code == 0, out.output
    assert "Herat Province" in out.output and "1/1 QIDs match" in out.output


def test_class_check_reads_the_superclasses_too() -> None:
    """Instance of a class whose label says nothing of ours, but that is a subclass of one that does.

    The class QIDs and labels here are illustrative (in memory), not Wikidata's.
    """
    city = Entity("tehran", ("City",), "Tehran")
    item = json.loads((Path(__file__).parent / "data" / "wikidata" / "Q3616.json").read_text())["entities"]["Q3616"]
    from_class_only = compare(city, Link("tehran", "Q3616"), item, {"Q515": "human settlement"})
    assert from_class_only.problems == ["instance of (human settlement) does not fit our class City"]
    with_broader = compare(city, Link("tehran", "Q3616"), item, {"Q515": "human settlement"}, {"Q515": ["big city"]})
    assert with_broader.ok, with_broader.problems


def test_replacing_an_entry_keeps_the_blank_line_and_comment_after_it(tmp_path: Path) -> None:
    links = tmp_path / "links.yaml"
    links.write_text(
        "- id: iran\n  wikidata: Q794\n\n# Non-state actors\n- id: hamas\n  wikidata: Q38799\n", encoding="utf-8"
    )
    replace_entry(links, "iran", {"id": "iran", "wikidata": "Q794", "note": "checked again"})
    assert links.read_text(encoding="utf-8") == (
        "- id: iran\n  wikidata: Q794\n  note: checked again\n\n# Non-state actors\n- id: hamas\n  wikidata: Q38799\n"
    )
