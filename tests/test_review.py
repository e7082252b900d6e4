"""Review: accepting a candidate moves it into the curated graph; rejecting removes it for good."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from ingest_support import INGEST, fixture_sources, rows

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.cli import cli
from actorgraph.graph.config import Settings
from actorgraph.graph.errors import SourceError
from actorgraph.graph.ingest import ingest_file, review
from actorgraph.graph.sources import load_corpus

FUNDS = "c001-ruritania-funds-red-hand-front"
HOSTS = "c003-ruritania-hosts-red-hand-front"
CANDIDATES = "https://w3id.org/actorgraph/graph/candidates"
STATEMENT = "https://w3id.org/actorgraph/resource/statement/fx/"


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    root = fixture_sources(tmp_path)
    ingest_file(INGEST / "fixture.txt", root, doc_id="fx", extractor="rules")
    return root


def _built(sources: Path) -> KnowledgeGraph:
    kg = KnowledgeGraph(Settings(store_path=":memory:"), sources=sources)
    kg.build()
    return kg


def _graphs_of(kg: KnowledgeGraph, local_id: str) -> set[tuple[str, str]]:
    found = rows(kg, f"SELECT ?g ?type WHERE {{ GRAPH ?g {{ <{STATEMENT}{local_id}> a ?type }} }}")
    return {(r["g"], r["type"].rsplit("#", 1)[-1]) for r in found}


def test_review_accepting_a_candidate_moves_it_into_the_curated_graph(sources: Path) -> None:
    before = _built(sources)
    assert _graphs_of(before, FUNDS) == {(CANDIDATES, "CandidateStatement")}
    entry = review.accept(sources, "fx", FUNDS)
    assert "candidate" not in entry and "confidence" not in entry and entry["extractor"] == "rules/0.1.1"
    after = _built(sources)
    assert _graphs_of(after, FUNDS) == {("https://w3id.org/actorgraph/graph/doc/fx", "Statement")}
    truthy = rows(
        after, "SELECT ?o WHERE { GRAPH <https://w3id.org/actorgraph/graph/truthy> { res:ruritania ag:funds ?o } }"
    )
    assert truthy == [{"o": "https://w3id.org/actorgraph/resource/red-hand-front"}]
    assert len(rows(after, f"SELECT ?s WHERE {{ GRAPH <{CANDIDATES}> {{ ?s a ag:CandidateStatement }} }}")) == 4
    assert FUNDS not in {p.local_id for p in review.pending(sources, "fx")}


def test_review_accept_with_corrections_is_checked_before_writing(sources: Path) -> None:
    path = sources / "statements" / "fx.yaml"
    original = path.read_text(encoding="utf-8")
    with pytest.raises(SourceError, match="unknown entity 'atlantis'"):
        review.accept(sources, "fx", HOSTS, {"object": "atlantis"})
    assert path.read_text(encoding="utf-8") == original
    review.accept(sources, "fx", HOSTS, {"certainty": "stated", "object": "borduria", "at": 2020})
    statement = next(s for s in load_corpus(sources).statements if s.local_id == HOSTS)
    assert (statement.candidate, statement.certainty, statement.object, statement.point_in_time.lexical) == (
        False,
        "stated",
        "borduria",
        "2020",
    )
    assert statement.note is not None and "corrected in review" in statement.note


def test_review_rejected_candidate_is_gone_and_not_proposed_again(sources: Path) -> None:
    review.reject(sources, "fx", HOSTS, reason="the text says it did not")
    assert HOSTS not in {c.local_id for c in review.pending(sources, "fx")}
    assert review.rejected(sources, "fx")[0]["reason"] == "the text says it did not"
    review.accept(sources, "fx", FUNDS)
    ingest_file(INGEST / "fixture.txt", sources, doc_id="fx", extractor="rules")  # re-ingest the same text
    statements = load_corpus(sources).statements
    assert not any(s.predicate == "hosts" for s in statements)
    assert [s.candidate for s in statements if s.predicate == "funds"] == [False]
    assert len(statements) == 4


def test_review_cli_accepts_and_rejects_by_id_and_rebuilds(sources: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    runner = CliRunner()
    listed = runner.invoke(cli, ["review", "--sources", str(sources), "--list"])
    assert listed.exit_code == 0 and f"fx {FUNDS}: ruritania funds red-hand-front" in listed.output
    done = runner.invoke(
        cli,
        ["review", "--sources", str(sources), "--accept", FUNDS, "--reject", HOSTS, "--build", "--store", str(store)],
    )
    assert done.exit_code == 0, done.output
    kg = KnowledgeGraph(Settings(store_path=str(store)), sources=sources)
    assert _graphs_of(kg, FUNDS) == {("https://w3id.org/actorgraph/graph/doc/fx", "Statement")}
    assert _graphs_of(kg, HOSTS) == set()
    missing = runner.invoke(cli, ["review", "--sources", str(sources), "--accept", "c999-nothing"])
    assert missing.exit_code == 1 and "no candidate 'c999-nothing'" in missing.output


def test_review_session_walks_through_candidates(sources: Path) -> None:
    answers = iter(["a", "c", "object=borduria; certainty=stated", "r", "not in the text", "s", "q"])
    said: list[str] = []
    counts = review.session(sources, "fx", lambda _q: next(answers), said.append)
    assert counts == {"accepted": 1, "corrected": 1, "rejected": 1, "skipped": 1}
    assert any("[In March 2019 Ruritania reportedly funded the Red Hand Front.]" in s for s in said)
    raw = yaml.safe_load((sources / "statements" / "fx.yaml").read_text(encoding="utf-8"))
    assert [s.get("candidate", False) for s in raw["statements"]] == [False, False, True, True]
    assert raw["statements"][1]["object"] == "borduria"


def test_review_accepting_a_new_entity_adds_it_to_the_registry(sources: Path) -> None:
    names = {c["name"]: c["suggested_type"] for c in review.entity_candidates(sources, "fx")}
    assert names["Blue Lantern Brigade"] == "Militia"
    review.accept_entity(sources, "fx", "Blue Lantern Brigade", "blue-lantern-brigade")
    entity = load_corpus(sources).entities["blue-lantern-brigade"]
    assert (entity.types, entity.label) == (("Militia",), "Blue Lantern Brigade")
    assert "Blue Lantern Brigade" not in {c["name"] for c in review.entity_candidates(sources, "fx")}
    with pytest.raises(SourceError, match="is taken"):
        review.accept_entity(sources, "fx", "ActorGraph", "ruritania")
