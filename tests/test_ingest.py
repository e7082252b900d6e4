"""Ingest: each format of the fixture gives the expected candidates; PDF clean-up; broken input changes nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from ingest_support import EXPECTED, INGEST, RUNNING_HEAD, fixture_sources, make_fixture_pdf, rows, source_offset

from actorgraph.graph.cli import cli
from actorgraph.graph.errors import ExtractionError
from actorgraph.graph.ingest import ingest_file, read_file
from actorgraph.graph.ingest.cleanup import clean_pdf_text
from actorgraph.graph.ingest.text import MappedText
from actorgraph.graph.sources import load_corpus


@pytest.fixture(scope="module")
def pdf_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_fixture_pdf(tmp_path_factory.mktemp("pdf") / "fixture.pdf")


def _source(fmt: str, pdf: Path) -> Path:
    return pdf if fmt == "pdf" else INGEST / f"fixture.{ {'text': 'txt', 'markdown': 'md', 'html': 'html'}[fmt] }"


def _candidates(sources: Path, doc_id: str) -> set[tuple[str, str, str | None, str, str | None, str | None]]:
    corpus = load_corpus(sources)
    found = set()
    for s in corpus.statements:
        if s.document != doc_id:
            continue
        assert s.candidate
        time = s.point_in_time or s.start
        found.add((s.subject, s.predicate, s.object, s.certainty, time.lexical if time else None, s.place))
    return found


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "pdf"])
def test_ingest_each_format_gives_expected_candidates_with_true_offsets(
    fmt: str, tmp_path: Path, pdf_fixture: Path
) -> None:
    sources = fixture_sources(tmp_path)
    report = ingest_file(_source(fmt, pdf_fixture), sources, doc_id=f"fixture-{fmt}", extractor="rules")
    assert report.format == fmt
    assert report.candidates == len(EXPECTED)
    assert _candidates(sources, f"fixture-{fmt}") == EXPECTED
    corpus = load_corpus(sources)
    text = corpus.documents[f"fixture-{fmt}"].text
    for statement in corpus.statements:
        span = statement.evidence
        assert text[span.start : span.end] == span.quote
    raw = yaml.safe_load((sources / "statements" / f"fixture-{fmt}.yaml").read_text(encoding="utf-8"))
    first = raw["statements"][0]
    assert first["candidate"] is True
    assert first["extractor"] == "rules/0.1.1"
    assert 0 < first["confidence"] <= 1
    assert first["quote"] == "In March 2019 Ruritania reportedly funded the Red Hand Front."


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "pdf"])
def test_ingest_each_format_finds_spelling_variants_and_new_names(fmt: str, tmp_path: Path, pdf_fixture: Path) -> None:
    sources = fixture_sources(tmp_path)
    ingest_file(_source(fmt, pdf_fixture), sources, doc_id="fx")
    side = yaml.safe_load((sources / "candidates" / "fx.yaml").read_text(encoding="utf-8"))
    text = (sources / "documents" / "fx.txt").read_text(encoding="utf-8")
    variants = {(m["entity"], m["surface"]) for m in side["mentions"] if m["how"] == "variant"}
    assert variants == {
        ("mazar-i-sharif", "Mazar-e Sharif"),
        ("jaish-al-adl", "Jaish ul-Adl"),
        ("abu-muhammad-al-masri", "al-Masri"),
    }
    for mention in side["mentions"]:
        assert text[mention["start"] : mention["end"]] == mention["surface"]
    new = {c["name"]: c["suggested_type"] for c in side["new_entities"]}
    assert new["Blue Lantern Brigade"] == "Militia"


def test_ingest_registers_metadata_from_the_file_and_from_flags(tmp_path: Path, pdf_fixture: Path) -> None:
    sources = fixture_sources(tmp_path)
    ingest_file(INGEST / "fixture.md", sources)
    ingest_file(INGEST / "fixture.html", sources, title="Fixture, as HTML", date="3 April 2024")
    ingest_file(pdf_fixture, sources, doc_id="pdf", author="Someone Else")
    registry = {d["id"]: d for d in yaml.safe_load((sources / "documents.yaml").read_text(encoding="utf-8"))}
    md = registry["fixture-for-the-actorgraph-ingest-tests-markdown"]
    assert (md["title"], md["author_name"], md["date"]) == (
        "Fixture for the ActorGraph ingest tests (Markdown)",
        "Test Author",
        "2024-04",
    )
    html = registry["fixture-as-html"]
    assert (html["author_name"], html["date"], html["format"]) == ("Test Author", "2024-04-03", "html")
    assert (registry["pdf"]["title"], registry["pdf"]["author_name"]) == (
        "Fixture for the ActorGraph ingest tests (PDF)",
        "Someone Else",
    )
    corpus = load_corpus(sources)
    assert corpus.documents["fixture-as-html"].date == "2024-04-03"


def test_ingest_html_keeps_the_article_and_drops_boilerplate() -> None:
    text = read_file(INGEST / "fixture.html").text.text
    assert text.startswith("Fixture for the ActorGraph ingest tests\n\nThis text is invented")
    for boilerplate in ("cookies", "quiz", "sidebar", "party", "Home", "tracker", "font-family"):
        assert boilerplate not in text


def test_ingest_markdown_markup_is_gone_and_offsets_map_to_the_source() -> None:
    read = read_file(INGEST / "fixture.md")
    text, raw = read.text.text, read.text.raw
    assert "**" not in text and "](" not in text and "# " not in text and "map.png" not in text
    assert "In March 2019 Ruritania reportedly funded the Red Hand Front." in text
    for i, ch in enumerate(text):
        assert ch.isspace() or raw[read.text.origin[i]] == ch


def test_ingest_pdf_cleanup_removes_heads_markers_and_hyphens(pdf_fixture: Path) -> None:
    read = read_file(pdf_fixture)
    text = read.text.text
    assert RUNNING_HEAD not in text and "Vol.42" not in text
    assert "funded the Red Hand Front. The Red Hand Front attacked Borduria in 2020." in text
    assert "General Tarkov, the leader" in text
    assert "Front.2" not in text and "fun-" not in text
    assert "Mazar-e Sharif, Jaish ul-Adl and al-Masri" in text  # real hyphens stay
    assert read.pages[0] == 0 and text[read.pages[1] :].startswith("Front. General")


def test_ingest_pdf_cleanup_keeps_offsets_true(pdf_fixture: Path, tmp_path: Path) -> None:
    read = read_file(pdf_fixture)
    mapped = read.text
    # Every kept character maps back to the same character of the extracted pages.
    for i, ch in enumerate(mapped.text):
        if not ch.isspace():
            assert mapped.raw[mapped.origin[i]] == ch, i
    assert list(mapped.origin) == sorted(mapped.origin)
    # And the quotes of the candidates, located in the stored text, map to the same words in the PDF text.
    sources = fixture_sources(tmp_path)
    ingest_file(pdf_fixture, sources, doc_id="pdf")
    stored = (sources / "documents" / "pdf.txt").read_text(encoding="utf-8")
    assert stored == mapped.text
    for statement in load_corpus(sources).statements:
        span = statement.evidence
        traced = "".join(mapped.raw[source_offset(mapped, i)] for i in range(span.start, span.end))
        assert "".join(traced.split()) == "".join(span.quote.split())
        # The quote's span in the PDF text runs over what clean-up removed (here the page head).
        first, last = source_offset(mapped, span.start), source_offset(mapped, span.end - 1)
        assert mapped.raw[first] == span.quote[0] and mapped.raw[last] == span.quote[-1]


def test_ingest_pdf_cleanup_on_pages_with_journal_heads() -> None:
    words = ["first", "second", "third"]
    pages = [
        f"{RUNNING_HEAD}\nThe {w} group was founded in the re-\ngion.3 It grew.\nThe {w} page ends.\n{n}\n"
        for n, w in enumerate(words, 1)
    ]
    cleaned = clean_pdf_text(pages)
    assert "Vol.42" not in cleaned.text
    for w in words:
        assert f"The {w} group was founded in the region. It grew." in cleaned.text
    assert not any(line.strip().isdigit() for line in cleaned.text.splitlines())


def test_ingest_mapped_text_sub_keeps_origin() -> None:
    mapped = MappedText.identity("ab-\ncd x1 y").sub(r"-\n", "").sub(r"(?<=x)1", "")
    assert mapped.text == "abcd x y"
    assert [mapped.raw[mapped.origin[i]] for i in range(len(mapped.text))] == list("abcd x y")


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".store-builds" not in p.parts
    }


def _store_dump(store: Path) -> str:
    result = CliRunner().invoke(cli, ["export", "--store", str(store), "--format", "nquads"])
    assert result.exit_code == 0, result.output
    return hashlib.sha256(result.output.encode()).hexdigest()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.md", b"\n\n   \n", "is empty"),
        ("junk.txt", bytes(range(256)) * 8, "binary"),
        ("junk.pdf", b"%PDF-1.4\n" + bytes(range(200, 256)) * 40, "not a readable PDF"),
        ("image.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "binary"),
    ],
)
def test_ingest_broken_input_leaves_store_and_sources_unchanged(
    name: str, content: bytes, message: str, tmp_path: Path
) -> None:
    sources = fixture_sources(tmp_path)
    store = tmp_path / "store"
    runner = CliRunner()
    first = runner.invoke(
        cli, ["ingest", str(INGEST / "fixture.txt"), "--sources", str(sources), "--store", str(store)]
    )
    assert first.exit_code == 0, first.output
    before = (_snapshot(sources), _store_dump(store), store.resolve())
    broken = tmp_path / name
    broken.write_bytes(content)
    result = runner.invoke(cli, ["ingest", str(broken), "--sources", str(sources), "--store", str(store)])
    assert result.exit_code == 1
    assert message in result.output and "Error:" in result.output
    assert (_snapshot(sources), _store_dump(store), store.resolve()) == before


def test_ingest_pdf_without_text_layer_is_a_clear_error(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50)  # drawing only: no text layer
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(ExtractionError, match="no text layer"):
        read_file(path)


def test_ingest_cli_puts_candidates_in_their_own_graph(tmp_path: Path) -> None:
    from actorgraph.graph.api import KnowledgeGraph
    from actorgraph.graph.config import Settings

    sources = fixture_sources(tmp_path)
    store = tmp_path / "store"
    result = CliRunner().invoke(
        cli, ["ingest", str(INGEST / "fixture.txt"), "--sources", str(sources), "--store", str(store), "--id", "fx"]
    )
    assert result.exit_code == 0, result.output
    assert "5 candidate statements" in result.output
    kg = KnowledgeGraph(Settings(store_path=str(store)), sources=sources)
    found = rows(
        kg, "SELECT ?s WHERE { GRAPH <https://w3id.org/actorgraph/graph/candidates> { ?s a ag:CandidateStatement } }"
    )
    assert len(found) == 5
    # Reviewed statements by default: no curated statement, no truthy triple comes from a candidate.
    assert rows(kg, "SELECT ?s WHERE { ?s a ag:Statement }") == []
    assert (
        rows(kg, "SELECT ?o WHERE { GRAPH <https://w3id.org/actorgraph/graph/truthy> { res:ruritania ?p ?o } }") == []
    )
    assert rows(kg, "SELECT ?s WHERE { GRAPH <https://w3id.org/actorgraph/graph/doc/fx> { ?s ag:subject ?x } }") == []


def test_ingest_twice_replaces_candidates_and_rejects_other_text_under_same_id(tmp_path: Path) -> None:
    sources = fixture_sources(tmp_path)
    ingest_file(INGEST / "fixture.txt", sources, doc_id="fx")
    again = ingest_file(INGEST / "fixture.txt", sources, doc_id="fx")
    assert again.replaced and again.candidates == len(EXPECTED)
    assert len(load_corpus(sources).statements) == len(EXPECTED)
    with pytest.raises(ExtractionError, match="already has the id"):
        ingest_file(INGEST / "fixture.md", sources, doc_id="fx")
