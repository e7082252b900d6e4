"""Ingest of new documents: mentions and new entities in the graph, review of entities, many files, bad input."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from ingest_support import INGEST, fixture_sources, rows
from test_extract import _FakeChat, fake_endpoint  # noqa: F401 - fake_endpoint is a fixture used by name

from actorgraph.graph import extract
from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.cli import cli
from actorgraph.graph.config import Settings
from actorgraph.graph.errors import ExtractionError
from actorgraph.graph.extract.base import ExtractionResult, Proposal
from actorgraph.graph.extract.combine import combine
from actorgraph.graph.extract.cues import load_cue_table
from actorgraph.graph.extract.verify import verify
from actorgraph.graph.ingest import ingest_file, review
from actorgraph.graph.sources import load_corpus, load_entities

NOTE = (
    "Border note, invented for the ActorGraph tests\n\n"
    "In May 2022 Ruritania reportedly funded the Red Hand Front. The Red Hand Front attacked Borduria in 2023, "
    "and the Silver Crescent Brigade was seen near the border with the fighters of the group. "
    "Ruritania met with Borduria in Vienna in 2024, and the talks were about the future of the border region.\n"
)
RES = "https://w3id.org/actorgraph/resource/"
CANDIDATES = "https://w3id.org/actorgraph/graph/candidates"


def _kg(sources: Path) -> KnowledgeGraph:
    kg = KnowledgeGraph(Settings(store_path=":memory:"), sources=sources)
    kg.build()
    return kg


def _mentioning(kg: KnowledgeGraph, actor: str, candidates: bool) -> dict[str, tuple[int, int]]:
    found = kg.run_named("documents_mentioning", {"actor": RES + actor}, include_candidates=candidates)
    return {row["document"].value: (int(row["mentions"].value), int(row["statements"].value)) for row in found}


def test_ingest_end_to_end_mentions_new_entities_review_and_rebuild(tmp_path: Path) -> None:
    sources = fixture_sources(tmp_path)
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    report = ingest_file(note, sources, doc_id="note")
    assert (report.candidates, report.skipped) == (3, None)
    kg = _kg(sources)
    # Mentions are annotations in the candidates graph: asked for, the note mentions the Red Hand Front twice.
    assert _mentioning(kg, "red-hand-front", candidates=True) == {"note": (2, 2)}
    assert _mentioning(kg, "red-hand-front", candidates=False) == {}
    spans = rows(
        kg,
        f"SELECT ?begin ?finish ?exact WHERE {{ GRAPH <{CANDIDATES}> {{ ?m oa:motivatedBy oa:identifying . "
        f"?m oa:hasBody res:borduria . ?m oa:hasTarget ?t . ?t oa:hasSelector ?p . ?t oa:hasSelector ?q . "
        f"?p oa:start ?begin . ?p oa:end ?finish . ?q oa:exact ?exact }} }} ORDER BY ?begin",
    )
    for span in spans:
        assert NOTE.strip()[int(span["begin"]) : int(span["finish"])] == span["exact"] == "Borduria"
    assert len(spans) == 2
    new = rows(
        kg,
        f"SELECT ?label ?type WHERE {{ GRAPH <{CANDIDATES}> {{ ?e a ag:CandidateEntity ; rdfs:label ?label ; "
        f"ag:suggestedType ?type ; ag:proposedIn <{RES}document/note> }} }}",
    )
    assert {"label": "Silver Crescent Brigade", "type": "https://w3id.org/actorgraph/ontology#Militia"} in new
    # Review: one statement accepted, the new entity accepted into the registry, then a rebuild.
    funds = next(c for c in review.pending(sources, "note") if c.entry["predicate"] == "funds")
    review.accept(sources, "note", funds.local_id)
    review.accept_entity(sources, "note", "new:silver-crescent-brigade", "silver-crescent-brigade")
    kg = _kg(sources)
    assert rows(
        kg, "SELECT ?t WHERE { GRAPH <https://w3id.org/actorgraph/graph/truthy> { res:ruritania ag:funds ?t } }"
    ) == [{"t": RES + "red-hand-front"}]
    assert rows(kg, "SELECT ?l WHERE { res:silver-crescent-brigade a ag:Militia ; rdfs:label ?l }") == [
        {"l": "Silver Crescent Brigade"}
    ]
    assert _mentioning(kg, "silver-crescent-brigade", candidates=True) == {"note": (1, 0)}


def test_ingest_llm_proposes_new_entities_and_review_merges_one(
    fake_endpoint: str,  # noqa: F811 - the fixture
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    statement = {
        "subject": "NEW", "subject_new": "new:silver-crescent-brigade", "predicate": "attacks", "object": "borduria",
        "object_new": None, "quote": "the Silver Crescent Brigade was seen near the border", "certainty": "stated",
        "attributed_to": None, "year": None, "confidence": 0.8,
    }  # fmt: skip
    _FakeChat.answers = [statement]
    monkeypatch.setattr(_FakeChat, "extra", {"new_entities": [
        {"key": "new:silver-crescent-brigade", "name": "Silver Crescent Brigade", "type": "Militia", "aliases": []},
        {"key": "new:ghost", "name": "Ghost Army", "type": "ArmedForce", "aliases": []},  # not in the text
    ]})  # fmt: skip
    monkeypatch.setenv("ACTORGRAPH_LLM_URL", fake_endpoint)
    sources = fixture_sources(tmp_path)
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    report = ingest_file(note, sources, doc_id="note", extractor="llm")
    assert report.candidates == 1 and report.dropped == {"new entity not in text": 1}
    raw = yaml.safe_load((sources / "statements" / "note.yaml").read_text(encoding="utf-8"))
    assert raw["statements"][0]["subject"] == "new:silver-crescent-brigade"
    kg = _kg(sources)
    subject = rows(kg, f"SELECT ?s WHERE {{ GRAPH <{CANDIDATES}> {{ ?c ag:relation ag:attacks ; ag:subject ?s }} }}")
    assert subject == [{"s": RES + "candidate/note/silver-crescent-brigade"}]
    added = review.merge_entity(sources, "note", "Silver Crescent Brigade", "red-hand-front")
    assert added == ["Silver Crescent Brigade"]
    assert "Silver Crescent Brigade" in load_entities(sources)["red-hand-front"].aliases
    entities_text = (sources / "entities" / "fixture.yaml").read_text(encoding="utf-8")
    assert entities_text.startswith("# Entity registry of the ingest test fixtures")  # comments kept
    statement_after = load_corpus(sources).statements[0]
    assert (statement_after.subject, statement_after.object) == ("red-hand-front", "borduria")


def test_ingest_combined_extractors_are_deduplicated(tmp_path: Path) -> None:
    text = "Ruritania met with Borduria in Vienna in 2021. Ruritania funded the Red Hand Front."
    entities = load_entities(INGEST / "sources")
    first = extract.get_extractor("rules").extract(text, entities)
    second = ExtractionResult(extractor="other/1")
    second.proposals = [
        Proposal(
            "borduria", "meetsWith", "ruritania", "Ruritania met with Borduria", confidence=0.9
        ),  # same, symmetric
        Proposal("ruritania", "arms", "red-hand-front", "Ruritania funded the Red Hand Front.", confidence=0.5),
    ]
    combined = combine([(first, verify(first, text, entities)), (second, verify(second, text, entities))])
    said = sorted(
        (item.proposal.subject, item.proposal.predicate, item.proposal.object, by) for item, by in combined.verified
    )
    assert said == [
        ("borduria", "meetsWith", "ruritania", "other/1"),
        ("ruritania", "arms", "red-hand-front", "other/1"),
        ("ruritania", "funds", "red-hand-front", "rules/0.1.1"),
    ]
    assert combined.dropped["same as another extractor's"] == 1
    assert combined.extractor == "rules/0.1.1 + other/1"


def test_ingest_extractor_registry_names_and_a_missing_module(monkeypatch: pytest.MonkeyPatch) -> None:
    assert extract.extractor_names()[0] == "rules"
    assert [e.name for e in extract.get_extractors("rules, rules")] == ["rules"]
    monkeypatch.setitem(extract.FACTORIES, "absent", ("actorgraph.graph.extract.no_such_module", "Absent"))
    with pytest.raises(ExtractionError, match="'absent' extractor is not available"):
        extract.get_extractor("absent")


def test_ingest_cue_table_errors_name_the_file_and_cue(tmp_path: Path) -> None:
    shipped = Path(extract.__file__).parent / "cues.yaml"
    table = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    table["cues"][0]["predicate"] = "kills"
    broken = tmp_path / "cues.yaml"
    broken.write_text(yaml.safe_dump(table), encoding="utf-8")
    with pytest.raises(ExtractionError, match=r"cues.yaml: cues 'support-verb': predicate 'kills' is not in family"):
        load_cue_table(broken)
    assert len(load_cue_table().cues) == 55


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_ingest_a_folder_in_parallel_builds_once_with_a_summary(tmp_path: Path) -> None:
    sources = fixture_sources(tmp_path)
    folder = tmp_path / "inbox"
    folder.mkdir()
    for n in range(3):
        (folder / f"note{n}.txt").write_text(
            f"Note number {n}\n\n" + NOTE.replace("2024", str(2010 + n)), encoding="utf-8"
        )
    (folder / "picture.png").write_bytes(b"\x89PNG")  # not a document suffix: left alone
    store = tmp_path / "store"
    result = CliRunner().invoke(
        cli, ["ingest", str(folder), "--sources", str(sources), "--store", str(store), "--workers", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "ingested 3 documents: 9 candidate statements" in result.output
    assert result.output.count("built ") == 1
    for n in range(3):
        assert f"note-number-{n}" in result.output
    assert {f"note-number-{n}" for n in range(3)} <= set(load_corpus(sources).documents)


def _cli_ingest(path: Path, sources: Path, store: Path, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(cli, ["ingest", str(path), "--sources", str(sources), "--store", str(store)], env=env)


def _pdf_without_text(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50)
    pdf.output(str(path))


@pytest.mark.parametrize("case", ["empty", "binary", "scan-pdf", "huge", "corrupt-yaml", "corrupt-candidates"])
def test_ingest_bad_input_is_one_error_line_and_changes_nothing(case: str, tmp_path: Path) -> None:
    sources = fixture_sources(tmp_path)
    store = tmp_path / "store"
    assert _cli_ingest(INGEST / "fixture.txt", sources, store).exit_code == 0
    target, expected = tmp_path / "in.txt", ""
    target.write_text(NOTE, encoding="utf-8")
    if case == "empty":
        target.write_bytes(b"")
        expected = "in.txt is empty"
    elif case == "binary":
        target.write_bytes(bytes(range(256)) * 4)
        expected = "in.txt is binary"
    elif case == "scan-pdf":
        target = tmp_path / "scan.pdf"
        _pdf_without_text(target)
        expected = "scan.pdf has no text layer"
    elif case == "huge":
        with target.open("wb") as handle:
            handle.truncate(50_000_000)  # sparse: 50 MB on paper, nothing read
        expected = "in.txt is 50,000,000 bytes, more than the ingest limit"
    elif case == "corrupt-yaml":
        (sources / "documents.yaml").write_text((sources / "documents.yaml").read_text() + "- id: [unclosed\n")
        expected = "documents.yaml"
    else:
        (sources / "candidates" / "broken.yaml").write_text("document: {\n")
        expected = "candidates/broken.yaml"
    before = _snapshot(sources), _snapshot(store.resolve())
    result = _cli_ingest(target, sources, store)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and expected in errors[0], result.output
    assert (_snapshot(sources), _snapshot(store.resolve())) == before


def test_ingest_text_in_another_language_is_kept_without_extraction(tmp_path: Path) -> None:
    sources = fixture_sources(tmp_path)
    french = tmp_path / "note.txt"
    french.write_text(
        "Note de frontière\n\n"
        + "La Ruritanie a financé le Front de la Main Rouge en mai 2022 selon plusieurs sources. " * 8,
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["ingest", str(french), "--sources", str(sources), "--no-build"])
    assert result.exit_code == 0, result.output
    assert "does not look like English" in result.output and "extraction skipped" in result.output
    side = yaml.safe_load((sources / "candidates" / "note-de-frontiere.yaml").read_text(encoding="utf-8"))
    assert side["mentions"] == [] and "does not look like English" in side["skipped"]
    assert "note-de-frontiere" in load_corpus(sources).documents


def test_ingest_cli_combines_rules_and_llm_without_duplicates(
    fake_endpoint: str,  # noqa: F811 - the fixture
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    same = {
        "subject": "ruritania", "subject_new": None, "predicate": "funds", "object": "red-hand-front",
        "object_new": None, "quote": "In May 2022 Ruritania reportedly funded the Red Hand Front.",
        "certainty": "reported", "attributed_to": None, "year": "2022", "confidence": 0.9,
    }  # fmt: skip
    _FakeChat.answers = [same, {**same, "predicate": "hosts", "quote": "Ruritania met with Borduria in Vienna"}]
    monkeypatch.setenv("ACTORGRAPH_LLM_URL", fake_endpoint)
    sources = fixture_sources(tmp_path)
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["ingest", str(note), "--sources", str(sources), "--no-build", "--extractor", "rules,llm"]
    )
    assert result.exit_code == 0, result.output
    assert "rules/0.1.1 + llm/0.1.0 (default)" in result.output
    assert "dropped    1  same as another extractor's" in result.output
    statements = yaml.safe_load(
        (sources / "statements" / "border-note-invented-for-the-actorgraph-tests.yaml").read_text()
    )
    said = sorted((s["subject"], s["predicate"], s["object"], s["extractor"]) for s in statements["statements"])
    assert said == [
        ("red-hand-front", "attacks", "borduria", "rules/0.1.1"),
        ("ruritania", "funds", "red-hand-front", "llm/0.1.0 (default)"),
        ("ruritania", "hosts", "red-hand-front", "llm/0.1.0 (default)"),
        ("ruritania", "meetsWith", "borduria", "rules/0.1.1"),
    ]


def test_ingest_cue_table_classes_are_ontology_classes() -> None:
    from actorgraph.ontology import ontology_terms

    table = load_cue_table()
    named = {kind for _pattern, kind in table.type_hints} | set().union(*table.classes.values())
    assert named - ontology_terms().classes == set()
    assert table.version == "0.1.1"


def test_ingest_quote_index_agrees_with_a_scan_per_quote() -> None:
    import random
    import re

    from actorgraph.graph.sources import quote_occurrences

    random.seed(7)
    words = ["Iran", "the", "Taliban", "backed", "and", "in", "2001", "aa", "Front", "."]
    text = " ".join(random.choice(words) for _ in range(60_000)) + " aaaaaaaaaaaaaaaaaaaaaaaa"
    assert len(text) > 200_000  # long enough for the one-pass index
    quotes = [
        text[i : i + n] for i, n in ((random.randrange(len(text) - 80), random.randrange(3, 80)) for _ in range(60))
    ]
    quotes += ["aaaaaaaaaaaaaaaaaa", "not in the text at all, not once"]
    found = quote_occurrences(text, quotes)
    for quote in quotes:
        assert found[quote] == [m.start() for m in re.finditer(re.escape(quote), text)], quote
    assert found["not in the text at all, not once"] == []


def test_ingest_parse_extractor_end_to_end_through_sparql(tmp_path: Path) -> None:
    # The parse extractor on its own (the default combines it with the cue table): the note's three claims,
    # as the text makes them, then the mentions and the new militia through SPARQL.
    sources = fixture_sources(tmp_path)
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    report = ingest_file(note, sources, doc_id="note", extractor="parse")
    assert (report.candidates, report.new_entities) == (3, 2)
    entries = yaml.safe_load((sources / "statements" / "note.yaml").read_text(encoding="utf-8"))["statements"]
    assert {(e["subject"], e["predicate"], e["object"], e.get("certainty", "stated")) for e in entries} == {
        ("ruritania", "funds", "red-hand-front", "reported"),
        ("red-hand-front", "attacks", "borduria", "stated"),
        ("ruritania", "meetsWith", "borduria", "stated"),
    }
    assert next(e for e in entries if e["predicate"] == "meetsWith")["place"] == "vienna"
    kg = _kg(sources)
    assert _mentioning(kg, "borduria", candidates=True) == {"note": (2, 2)}
    new = rows(kg, f"SELECT ?label WHERE {{ GRAPH <{CANDIDATES}> {{ ?e a ag:CandidateEntity ; rdfs:label ?label }} }}")
    assert {"label": "Silver Crescent Brigade"} in new
