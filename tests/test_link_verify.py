"""`link verify` against a local mock of the Wikidata API (recorded answers in tests/data/wikidata)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner
from wikidata_mock import MockWikidata, closed_port_url

from actorgraph.graph.cli import cli
from actorgraph.graph.errors import LinkError, WikidataUnavailable
from actorgraph.graph.linking import WikidataClient, verify_links
from actorgraph.graph.model import Corpus

CHECKED = ["iran", "afghanistan", "al-qaeda", "islamic-state", "tehran", "nato"]


def _with_link(corpus: Corpus, entity: str, qid: str) -> Corpus:
    """The corpus with one entity's QID replaced (its check kept), to feed verify a wrong link.

    The entity that really has that QID loses its link, or the registry would refuse the duplicate.
    """
    links = {k: item for k, item in corpus.links.items() if item.get("wikidata") != qid}
    links[entity] = {**corpus.links[entity], "wikidata": qid}
    return replace(corpus, links=links)


def test_link_verify_recorded_answers_match(corpus: Corpus, wikidata: MockWikidata) -> None:
    results = verify_links(corpus, WikidataClient(wikidata.url), CHECKED)
    assert {r.entity: r.ok for r in results} == dict.fromkeys(CHECKED, True), [r.line() for r in results]
    iran = next(r for r in results if r.entity == "iran")
    assert iran.qid == "Q794"
    assert iran.label == "Iran"
    assert iran.instance_of == [("Q3624078", "sovereign state"), ("Q6256", "country")]
    # one request for the six items, one for the labels of their classes
    assert [q["ids"].count("|") + 1 for q in wikidata.requests] == [6, 4]


def test_link_verify_flags_a_qid_of_another_entity(corpus: Corpus, wikidata: MockWikidata) -> None:
    wrong = _with_link(corpus, "iran", "Q889")  # Afghanistan's QID given for Iran
    (result,) = verify_links(wrong, WikidataClient(wikidata.url), ["iran"])
    assert not result.ok
    assert result.problems == ["Wikidata's English label 'Afghanistan' is none of ours ('Iran' and aliases)"]


def test_link_verify_flags_a_class_that_does_not_fit(corpus: Corpus, wikidata: MockWikidata) -> None:
    wrong = _with_link(corpus, "tehran", "Q7184")  # NATO's QID given for a city
    (result,) = verify_links(wrong, WikidataClient(wikidata.url), ["tehran"])
    assert len(result.problems) == 2
    assert result.problems[1] == "instance of (organization) does not fit our class City"


def test_link_verify_flags_a_missing_item(corpus: Corpus, wikidata: MockWikidata) -> None:
    wrong = _with_link(corpus, "nato", "Q999999999")
    (result,) = verify_links(wrong, WikidataClient(wikidata.url), ["nato"])
    assert result.problems == ["Q999999999 does not exist on Wikidata"]


def test_link_verify_offline_fails_with_a_clear_message(corpus: Corpus) -> None:
    url = closed_port_url()
    with pytest.raises(
        WikidataUnavailable, match=r"cannot reach the Wikidata API at http://127\.0\.0\.1:\d+/w/api\.php"
    ):
        verify_links(corpus, WikidataClient(url, timeout=5), ["iran"])
    result = CliRunner().invoke(cli, ["link", "verify", "--api-url", url, "--entity", "iran"])
    assert result.exit_code == 1
    assert "Error: cannot reach the Wikidata API" in result.output
    assert "need network access" in result.output


def test_link_verify_cli_against_the_mock(wikidata: MockWikidata) -> None:
    args = ["link", "verify", "--api-url", wikidata.url, "--entity", "iran", "--entity", "al-qaeda"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "2/2 QIDs match" in result.output
    assert "Q34490" in result.output


def test_link_verify_accepts_the_label_the_check_recorded(corpus: Corpus, wikidata: MockWikidata) -> None:
    """A registry entry may record the item's label as its source showed it; verify accepts that label."""
    plain = _with_link(corpus, "kabul", "Q3616")  # Tehran's item, linked to Kabul
    (result,) = verify_links(plain, WikidataClient(wikidata.url), ["kabul"])
    assert result.problems == ["Wikidata's English label 'Tehran' is none of ours ('Kabul' and aliases)"]
    recorded = replace(plain, links={**plain.links, "kabul": {**plain.links["kabul"], "label": "Tehran"}})
    (result,) = verify_links(recorded, WikidataClient(wikidata.url), ["kabul"])
    assert result.ok, result.problems


def test_link_verify_refuses_an_entity_without_a_qid(corpus: Corpus, wikidata: MockWikidata) -> None:
    with pytest.raises(LinkError, match="no checked Wikidata QID for haqqani-network"):
        verify_links(corpus, WikidataClient(wikidata.url), ["haqqani-network"])
    assert wikidata.requests == []
