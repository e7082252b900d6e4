"""Unreviewed candidates stay out of named queries and pages unless asked for (issue 7)."""

from __future__ import annotations

import shutil
from pathlib import Path

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.server import create_app
from actorgraph.server.web import views

FIXTURE = Path(__file__).parent / "data" / "fixture"
IRAN = "https://w3id.org/actorgraph/resource/iran"
CANDIDATE = """
  - id: candidate-iran-hostile-us
    quote: "Notwithstanding their disputes with the US"
    subject: iran
    predicate: hostileTo
    object: united-states
    candidate: true
    confidence: 0.4
    extractor: rules/test
"""


def _graph_with_a_candidate(tmp_path: Path) -> KnowledgeGraph:
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURE, sources)
    statements = sources / "statements" / "excerpt.yaml"
    text = statements.read_text(encoding="utf-8").replace("no_claim:", CANDIDATE.lstrip("\n") + "no_claim:")
    statements.write_text(text, encoding="utf-8")
    kg = KnowledgeGraph(Settings(store_path=":memory:"), sources=sources)
    kg.build()
    return kg


def _relations(kg: KnowledgeGraph, **kwargs: bool) -> set[str]:
    view = views.describe_resource(kg, IRAN, **kwargs)
    assert view is not None
    return {group.relation.value.rsplit("#", 1)[-1] for group in view.as_subject}


def test_candidates_hidden_from_named_queries_unless_asked(tmp_path: Path) -> None:
    kg = _graph_with_a_candidate(tmp_path)

    def statements_about_iran(**kwargs: bool) -> int:
        rows = kg.run_named("entity_search", {"text": "Iran"}, **kwargs)
        return next(int(row["statements"].value) for row in rows if row["entity"].value == IRAN)

    # entity_search counts every statement node naming the entity: two 'hosts' and one dispute are curated.
    assert statements_about_iran() == 3
    assert statements_about_iran(include_candidates=True) == 4


def test_candidates_hidden_from_pages_unless_asked(tmp_path: Path) -> None:
    kg = _graph_with_a_candidate(tmp_path)
    assert "hostileTo" not in _relations(kg)
    assert "hostileTo" in _relations(kg, include_candidates=True)
    client = create_app(kg.settings, kg).test_client()
    page = client.get("/resource/iran", headers={"Accept": "text/html"}).get_data(as_text=True)
    asked = client.get("/resource/iran?candidates=1", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "candidate-iran-hostile-us" not in page
    assert "candidate-iran-hostile-us" in asked
