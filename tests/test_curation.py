"""graph/curation.py: every change an analyst makes, through the facade (KnowledgeGraph.curate)."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import pytest
import yaml
from curation_support import ACCEPT, CORRECT, DOC, NEW_ENTITY, NEW_QUOTE, REJECT, curation_graph, rows, snapshot

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.curation import Change, Conflict, CurationError, apply, document_state, version_of
from actorgraph.graph.errors import SourceError

NOW = dt.datetime(2026, 12, 2, 11, 0, tzinfo=dt.UTC)


@pytest.fixture
def kg(tmp_path: Path) -> KnowledgeGraph:
    return curation_graph(tmp_path)


def sources(kg: KnowledgeGraph) -> Path:
    return kg.settings.sources_dir


def curate(kg: KnowledgeGraph, change: Change, who: str = "Ana") -> None:
    kg.curate(DOC, change, reviewer=who, version=version_of(sources(kg), DOC))


def statements(kg: KnowledgeGraph) -> dict[str, dict[str, object]]:
    raw = yaml.safe_load((sources(kg) / "statements" / f"{DOC}.yaml").read_text(encoding="utf-8"))
    return {s["id"]: s for s in raw["statements"]}


def test_curation_accept_removes_the_mark_records_the_reviewer_and_changes_nothing_else(kg: KnowledgeGraph) -> None:
    path = sources(kg) / "statements" / f"{DOC}.yaml"
    before = path.read_text(encoding="utf-8").splitlines()
    apply(sources(kg), DOC, Change("accept", ACCEPT), reviewer="Ana", version=version_of(sources(kg), DOC), now=NOW,
          rebuild=lambda: kg.build(sources=sources(kg)))  # fmt: skip
    after = path.read_text(encoding="utf-8").splitlines()
    diff = [line for line in difflib.ndiff(before, after) if line[:2] in ("- ", "+ ")]
    removed = [line[2:] for line in diff if line.startswith("- ")]
    added = [line[2:] for line in diff if line.startswith("+ ")]
    # The diff is exactly what the analyst did: comments, order and the other entries untouched.
    assert removed == ["  candidate: true", "  confidence: 0.65"]
    assert added == ["  reviewed_by: Ana", "  reviewed_at: '2026-12-02T11:00:00Z'"]
    assert before[0].startswith("# Candidate statements for 'Frontier notes'")
    found = rows(
        kg,
        f"""SELECT ?type ?who ?when WHERE {{
        <https://w3id.org/actorgraph/resource/statement/{DOC}/{ACCEPT}> a ?type ;
            prov:wasDerivedFrom ?ann . ?ann prov:wasAttributedTo ?r ; prov:generatedAtTime ?when .
        ?r rdfs:label ?who }}""",
    )
    assert found == [{"type": "https://w3id.org/actorgraph/ontology#Statement", "who": "Ana",
                      "when": "2026-12-02T11:00:00Z"}]  # fmt: skip
    # The claimant (prov:wasAttributedTo on the statement node) is not the reviewer.
    claimants = rows(kg, f"SELECT ?c WHERE {{ res:statement\\/{DOC}\\/{ACCEPT} prov:wasAttributedTo ?c }}")
    assert claimants == []


def test_curation_correct_changes_the_fields_and_notes_it(kg: KnowledgeGraph) -> None:
    curate(kg, Change("correct", CORRECT, {"predicate": "memberOf", "start": "2015", "certainty": "stated"}))
    entry = statements(kg)[CORRECT]
    assert (entry["predicate"], entry["start"], entry["reviewed_by"]) == ("memberOf", 2015, "Ana")
    assert "certainty" not in entry and "candidate" not in entry
    assert str(entry["note"]).endswith("(corrected in review: predicate)")
    found = rows(kg, "SELECT ?o WHERE { GRAPH ?g { res:general-tarkov ag:memberOf ?o } }")
    assert found == [{"o": "https://w3id.org/actorgraph/resource/red-hand-front"}]


def test_curation_reject_removes_the_candidate_and_records_why(kg: KnowledgeGraph) -> None:
    curate(kg, Change("reject", REJECT, reason="the text says 'attacked', of one post"), who="Ben")
    assert REJECT not in statements(kg)
    side = yaml.safe_load((sources(kg) / "candidates" / f"{DOC}.yaml").read_text(encoding="utf-8"))
    assert side["rejected"][0]["id"] == REJECT
    assert (side["rejected"][0]["reason"], side["rejected"][0]["by"]) == (
        "the text says 'attacked', of one post",
        "Ben",
    )
    assert rows(kg, "SELECT ?s WHERE { ?s ag:subject res:red-hand-front ; ag:relation ag:attacks }") == []


def test_curation_add_locates_the_quote_exactly_as_the_build(kg: KnowledgeGraph) -> None:
    text = kg.review_state(DOC).document.text
    start = text.index(NEW_QUOTE)
    form = {"quote": NEW_QUOTE, "quote_start": str(start), "subject": "ruritania", "predicate": "hostileTo",
            "object": "borduria", "at": "2022"}  # fmt: skip
    curate(kg, Change("add", fields=form))
    entry = statements(kg)["r-ruritania-hostileTo-borduria"]
    assert entry["quote"] == NEW_QUOTE and entry["at"] == 2022 and "occurrence" not in entry
    found = rows(
        kg,
        """SELECT ?start ?end WHERE { ?s ag:subject res:ruritania ; ag:relation ag:hostileTo ;
        prov:wasDerivedFrom/oa:hasTarget/oa:hasSelector ?p . ?p oa:start ?start ; oa:end ?end }""",
    )
    assert found == [{"start": str(start), "end": str(start + len(NEW_QUOTE))}]


def test_curation_add_picks_the_selected_occurrence_of_a_repeated_quote(kg: KnowledgeGraph) -> None:
    text = kg.review_state(DOC).document.text
    second = text.index("Red Hand Front", text.index("Red Hand Front") + 1)
    form = {"quote": "Red Hand Front", "quote_start": str(second), "subject": "general-tarkov", "predicate": "leaderOf",
            "object": "red-hand-front"}  # fmt: skip
    curate(kg, Change("add", fields=form))
    assert statements(kg)["r-general-tarkov-leaderOf-red-hand-front"]["occurrence"] == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            Change(
                "add",
                fields={
                    "quote": "Ruritania and Borduria fought",
                    "subject": "ruritania",
                    "predicate": "hostileTo",
                    "object": "borduria",
                },
            ),
            "not verbatim",
        ),
        (Change("correct", CORRECT, {"object": "atlantis"}), "unknown entity 'atlantis'"),
        (Change("correct", CORRECT, {"predicate": "adores"}), "unknown relation 'adores'"),
        (Change("correct", CORRECT, {"at": "spring of 2020"}), "at: 'spring of 2020' is not a year"),
        (Change("correct", CORRECT, {"certainty": "sure"}), "certainty must be one of"),
        (Change("accept", "c999-nothing"), "no candidate 'c999-nothing'"),
        (Change("accept_entity", NEW_ENTITY, {"id": "Zembla!", "type": "Province"}), "must be lowercase"),
        (Change("accept_entity", NEW_ENTITY, {"id": "zembla", "type": "Planet"}), "unknown type 'Planet'"),
        (Change("merge_entity", NEW_ENTITY, {"into": "atlantis"}), "unknown entity 'atlantis'"),
        (Change("undo"), "no change to undo"),
        (Change("explode"), "unknown action"),
    ],
)
def test_curation_bad_input_is_refused_and_changes_nothing(kg: KnowledgeGraph, change: Change, message: str) -> None:
    before = snapshot(sources(kg))
    with pytest.raises(CurationError, match=message):
        curate(kg, change)
    assert snapshot(sources(kg)) == before


def test_curation_stale_version_is_a_conflict(kg: KnowledgeGraph) -> None:
    seen = version_of(sources(kg), DOC)
    curate(kg, Change("accept", ACCEPT), who="Ana")
    before = snapshot(sources(kg))
    with pytest.raises(Conflict, match="changed by someone else"):
        kg.curate(DOC, Change("reject", CORRECT), reviewer="Ben", version=seen)
    assert snapshot(sources(kg)) == before


def test_curation_failed_rebuild_leaves_the_sources_as_before(kg: KnowledgeGraph) -> None:
    before = snapshot(sources(kg))

    def broken() -> None:
        raise SourceError("the store is full")

    with pytest.raises(SourceError, match="the store is full"):
        apply(sources(kg), DOC, Change("accept", ACCEPT), reviewer="Ana", version=version_of(sources(kg), DOC),
              rebuild=broken)  # fmt: skip
    assert snapshot(sources(kg)) == before


def test_curation_change_the_build_refuses_is_rolled_back(kg: KnowledgeGraph) -> None:
    # An alias that is another entity's label: the registry check of the build refuses it.
    before = snapshot(sources(kg))
    with pytest.raises(SourceError, match="is the label of 'borduria'"):
        curate(kg, Change("accept_entity", NEW_ENTITY, {"id": "zembla", "type": "Province", "aliases": "Borduria"}))
    assert snapshot(sources(kg)) == before


def test_curation_accept_entity_adds_it_to_the_registry(kg: KnowledgeGraph) -> None:
    fields = {"id": "zembla-province", "type": "Province", "label": "Zembla", "aliases": "Zembla Prov."}
    curate(kg, Change("accept_entity", NEW_ENTITY, fields))
    added = yaml.safe_load((sources(kg) / "entities" / f"{DOC}.yaml").read_text(encoding="utf-8"))
    assert added == [{"id": "zembla-province", "type": "Province", "label": "Zembla",
                      "aliases": ["Zembla Province", "Zembla Prov."]}]  # fmt: skip
    assert kg.review_state(DOC).new_entities == []
    assert rows(kg, "SELECT ?l WHERE { res:zembla-province rdfs:label ?l }") == [{"l": "Zembla"}]


def test_curation_merge_adds_an_alias_keeping_the_registry_comments(kg: KnowledgeGraph) -> None:
    registry = sources(kg) / "entities" / "fixture.yaml"
    before = registry.read_text(encoding="utf-8")
    curate(kg, Change("merge_entity", NEW_ENTITY, {"into": "borduria"}))
    after = registry.read_text(encoding="utf-8")
    assert after == before.replace("  label: Borduria\n", "  label: Borduria\n  aliases:\n  - Zembla Province\n")
    found = rows(kg, "SELECT ?a WHERE { res:borduria skos:altLabel ?a }")
    assert found == [{"a": "Zembla Province"}]


def test_curation_history_and_undo_restore_the_files_byte_for_byte(kg: KnowledgeGraph) -> None:
    before = snapshot(sources(kg))
    curate(kg, Change("accept", ACCEPT), who="Ana")
    after_accept = snapshot(sources(kg))
    curate(kg, Change("reject", REJECT, reason="no"), who="Ben")
    curate(kg, Change("undo"), who="Ana")
    now = snapshot(sources(kg))
    for name in ("statements/frontier-notes.yaml", "candidates/frontier-notes.yaml"):
        assert now[name] == after_accept[name]
    state = kg.review_state(DOC)
    assert [(h["action"], h["by"], bool(h.get("undone"))) for h in state.history] == [
        ("accept", "Ana", False), ("reject", "Ben", True), ("undo", "Ana", False)]  # fmt: skip
    curate(kg, Change("undo"), who="Ana")
    now = snapshot(sources(kg))
    assert now["statements/frontier-notes.yaml"] == before["statements/frontier-notes.yaml"]
    assert [c.local_id for c in kg.review_state(DOC).candidates] == [ACCEPT, CORRECT, REJECT]


def test_curation_reviewer_name_is_checked(kg: KnowledgeGraph) -> None:
    with pytest.raises(CurationError, match="give your name"):
        curate(kg, Change("accept", ACCEPT), who="<script>")


def test_curation_state_locates_candidates_and_mentions(kg: KnowledgeGraph) -> None:
    state = document_state(sources(kg), DOC)
    text = state.document.text
    spans = {c.local_id: text[c.span[0] : c.span[1]] for c in state.candidates if c.span}
    assert spans[ACCEPT] == "In 2019 Ruritania reportedly funded the Red Hand Front in the east."
    assert {"ruritania", "borduria", "red-hand-front", "general-tarkov"} <= {m["entity"] for m in state.mentions}
    assert [e["name"] for e in state.new_entities] == [NEW_ENTITY]


def test_curation_rebuild_keeps_the_inferred_graph_of_a_reasoned_store(kg: KnowledgeGraph) -> None:
    # `make serve` builds with --reason: an analyst's change must not drop the OWL 2 RL closure.
    kg.build(sources=sources(kg), reason=True)
    inferred = "https://w3id.org/actorgraph/graph/inferred"
    before = kg.stats().get(inferred, 0)
    assert before > 0
    curate(kg, Change("accept", ACCEPT))
    assert kg.stats().get(inferred, 0) > 0
