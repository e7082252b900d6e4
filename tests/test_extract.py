"""Extraction: registry mentions with spelling variants, cue relations with qualifiers, quote verification, LLM."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from ingest_support import INGEST, fixture_sources

from actorgraph.graph.errors import ExtractionError
from actorgraph.graph.extract import get_extractor
from actorgraph.graph.extract.base import ExtractionResult, Proposal
from actorgraph.graph.extract.llm import LLMExtractor
from actorgraph.graph.extract.mentions import Gazetteer
from actorgraph.graph.extract.names import suggest_type
from actorgraph.graph.extract.rules import RuleExtractor
from actorgraph.graph.extract.verify import verify
from actorgraph.graph.model import Entity
from actorgraph.graph.sources import load_corpus, load_entities


@pytest.fixture(scope="module")
def registry() -> dict[str, Entity]:
    return load_entities(INGEST / "sources")


def _found(text: str, entities: dict[str, Entity]) -> list[tuple[str, str]]:
    return [(m.entity, m.surface) for m in Gazetteer(entities).find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Iranian diplomats died in Mazar-e Sharif.", [("mazar-i-sharif", "Mazar-e Sharif")]),
        ("the consulate in Mazar-i-Sharif", [("mazar-i-sharif", "Mazar-i-Sharif")]),
        ("north of Mazar-e-Sharif,", [("mazar-i-sharif", "Mazar-e-Sharif")]),
        ("Jaish ul-Adl claimed it", [("jaish-al-adl", "Jaish ul-Adl")]),
        ("Jaish al-Adl and Jaish el-'Adl", [("jaish-al-adl", "Jaish al-Adl"), ("jaish-al-adl", "Jaish el-'Adl")]),
        ("al-Masri was killed", [("abu-muhammad-al-masri", "al-Masri")]),
        ("Abu Muhammad al-Masri was killed", [("abu-muhammad-al-masri", "Abu Muhammad al-Masri")]),
        ("Ruritania's envoy", [("ruritania", "Ruritania")]),
    ],
)
def test_extract_mentions_match_spelling_and_transliteration_variants(
    text: str, expected: list[tuple[str, str]], registry: dict[str, Entity]
) -> None:
    assert _found(text, registry) == expected


def test_extract_mentions_short_capital_aliases_are_case_sensitive() -> None:
    entities = {
        "united-states": Entity("united-states", ("State",), "United States", ("US",)),
        "islamic-state": Entity("islamic-state", ("ArmedGroup",), "Islamic State", ("IS",)),
    }
    assert _found("The US told us that IS is a threat.", entities) == [("united-states", "US"), ("islamic-state", "IS")]


def test_extract_mentions_fuzzy_spelling_becomes_a_mention_not_a_new_entity() -> None:
    entities = {"jundallah": Entity("jundallah", ("ArmedGroup",), "Jundallah")}
    result = RuleExtractor().extract("The group formerly known as Jundullah attacked a convoy.", entities)
    assert [(m.entity, m.surface, m.how) for m in result.mentions] == [("jundallah", "Jundullah", "fuzzy")]
    assert all(c.name != "Jundullah" for c in result.new_entities)


def test_extract_rules_qualifiers_certainty_and_attribution(registry: dict[str, Entity]) -> None:
    text = (
        "According to Borduria, Ruritania armed the Red Hand Front between 2015 and 2018. "
        "Ruritania allegedly attacked eight Borduria soldiers. "
        "Ruritania never supported the Red Hand Front. "
        "The Red Hand Front was funded by Borduria in Vienna."
    )
    proposals = {(p.subject, p.predicate, p.object): p for p in RuleExtractor().extract(text, registry).proposals}
    armed = proposals[("ruritania", "arms", "red-hand-front")]
    assert (armed.certainty, armed.attributed_to, armed.start_time, armed.end_time) == (
        "reported",
        ("borduria",),
        "2015",
        "2018",
    )
    assert proposals[("ruritania", "attacks", "borduria")].certainty == "alleged"
    assert proposals[("ruritania", "supports", "red-hand-front")].certainty == "denied"
    funded = proposals[("borduria", "funds", "red-hand-front")]  # passive: "was funded by"
    assert funded.place == "vienna"


def test_extract_rules_on_the_first_document_finds_curated_relations() -> None:
    corpus = load_corpus()
    doc = corpus.documents["yousafzai-2024"]
    proposals = RuleExtractor().extract(doc.text, corpus.entities).proposals
    backed = [p for p in proposals if (p.subject, p.predicate, p.object) == ("iran", "supports", "northern-alliance")]
    assert backed and backed[0].quote.startswith("Following the 9/11 attacks in 2001, Iran backed")
    assert backed[0].start is not None and doc.text[backed[0].start :].startswith(backed[0].quote)
    curated = {(s.subject, s.predicate, s.object) for s in corpus.statements if s.document == "yousafzai-2024"}
    assert ("iran", "supports", "northern-alliance") in curated


def test_extract_verify_rejects_a_quote_not_in_the_text(registry: dict[str, Entity]) -> None:
    text = "Ruritania met with Borduria in Vienna in 2021."
    result = ExtractionResult(extractor="test")
    result.proposals = [
        Proposal("ruritania", "meetsWith", "borduria", "Ruritania met with Borduria"),
        Proposal("ruritania", "funds", "borduria", "Ruritania paid Borduria"),  # paraphrase, not in the text
        Proposal("ruritania", "noSuchPredicate", "borduria", "Ruritania met with Borduria"),
        Proposal("ruritania", "meetsWith", "atlantis", "Ruritania met with Borduria"),
    ]
    kept = verify(result, text, registry)
    assert [(v.proposal.predicate, v.start, v.end) for v in kept] == [("meetsWith", 0, 27)]
    assert text[kept[0].start : kept[0].end] == kept[0].proposal.quote
    assert result.dropped == {"quote not in text": 1, "unknown predicate": 1, "unknown entity": 1}


def test_extract_suggests_types_for_new_names() -> None:
    assert suggest_type("Ministry of Foreign Affairs")[0] == "Ministry"
    assert suggest_type("Fatemiyoun Brigade")[0] == "Militia"
    assert suggest_type("Mullah Baradar")[0] == "Person"


def test_extract_unknown_extractor_is_an_error() -> None:
    with pytest.raises(ExtractionError, match="unknown extractor"):
        get_extractor("magic")


class _FakeChat(BaseHTTPRequestHandler):
    """An OpenAI-compatible /chat/completions that answers with canned statements."""

    answers: ClassVar[list[dict[str, Any]]] = []
    extra: ClassVar[dict[str, Any]] = {}  # more keys of the answer (new_entities)
    requests: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        content = json.dumps({"statements": type(self).answers, **type(self).extra})
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def fake_endpoint() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _FakeChat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeChat.requests.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def _answer(subject: str, predicate: str, obj: str, quote: str) -> dict[str, Any]:
    return {
        "subject": subject,
        "predicate": predicate,
        "object": obj,
        "quote": quote,
        "certainty": "reported",
        "attributed_to": None,
        "year": "2019",
        "confidence": 0.9,
    }


def test_extract_llm_output_goes_through_quote_verification(
    fake_endpoint: str, registry: dict[str, Entity], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _FakeChat.answers = [
        _answer("ruritania", "funds", "red-hand-front", "Ruritania reportedly funded the Red Hand Front"),
        _answer("borduria", "funds", "red-hand-front", "Borduria secretly funded the Red Hand Front"),  # invented
    ]
    monkeypatch.setenv("ACTORGRAPH_LLM_URL", fake_endpoint)
    monkeypatch.setenv("ACTORGRAPH_LLM_MODEL", "fake-model")
    monkeypatch.setenv("ACTORGRAPH_LLM_KEY", "secret")
    from actorgraph.graph.ingest import ingest_file

    sources = fixture_sources(tmp_path)
    report = ingest_file(INGEST / "fixture.txt", sources, doc_id="fx", extractor="llm")
    assert report.candidates == 1
    assert report.dropped == {"quote not in text": 1}
    assert report.extractor == "llm/0.1.0 (fake-model)"
    statement = load_corpus(sources).statements[0]
    assert (statement.subject, statement.predicate, statement.object, statement.certainty) == (
        "ruritania",
        "funds",
        "red-hand-front",
        "reported",
    )
    request = _FakeChat.requests[0]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer secret"
    schema = request["body"]["response_format"]["json_schema"]["schema"]
    item = schema["properties"]["statements"]["items"]["properties"]
    assert "ruritania" in item["subject"]["enum"] and "funds" in item["predicate"]["enum"]


def test_extract_llm_unreachable_endpoint_is_a_clear_error(registry: dict[str, Entity]) -> None:
    extractor = LLMExtractor(url="http://127.0.0.1:9/v1", timeout=2)
    with pytest.raises(ExtractionError, match="did not answer"):
        extractor.extract("Ruritania met with Borduria in Vienna in 2021.", registry)
