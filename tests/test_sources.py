"""The shipped sources: every quote is verbatim at its offsets; values are typed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.model import LiteralValue
from actorgraph.graph.sources import load_corpus, shipped_sources, time_value


def test_sources_every_quote_is_verbatim_at_its_offsets() -> None:
    corpus = load_corpus()
    spans = [s.evidence for s in corpus.statements] + [c.evidence for c in corpus.citations]
    for span in spans:
        assert corpus.documents[span.document].text[span.start : span.end] == span.quote
    assert len(spans) >= len(corpus.statements) > 0


def test_sources_documents_are_byte_exact_copies() -> None:
    root = shipped_sources()
    expected = {
        "000_7827f09f5a7cc1ef.txt": "1dda24ac74ef5923991c2f03c687a6f15625be84749ea8980ff2c0c2b28a99e3",
        "003_e83de5e7cc1159fa.txt": "2be0446be2b68e739f34e08beba8c90b14c982ff3ebc993538b0c5df43b6804c",
    }
    for name, sha in expected.items():
        assert hashlib.sha256((root / "documents" / name).read_bytes()).hexdigest() == sha


def test_sources_mazar_killings_kept_as_two_claims_with_their_sources() -> None:
    victims = {
        s.document: (s.quantity, s.evidence.quote)
        for s in load_corpus().statements
        if s.subject == "mazar-i-sharif-1998-killings" and s.predicate == "victim" and s.object == "iranian-diplomats"
    }
    assert victims["yousafzai-2024"][0] == LiteralValue("8", "integer")
    assert "eight Iranian diplomats" in victims["yousafzai-2024"][1]
    assert victims["nabil-commentary"][0] == LiteralValue("10", "integer")
    assert "ten Iranian diplomats" in victims["nabil-commentary"][1]


@pytest.mark.parametrize(
    ("given", "expected"),
    [(1998, LiteralValue("1998", "gYear")), ("2021-08", LiteralValue("2021-08", "gYearMonth")),
     ("2017-06-07", LiteralValue("2017-06-07", "date"))],
)  # fmt: skip
def test_sources_time_values_are_typed(given: object, expected: LiteralValue) -> None:
    assert time_value(given) == expected


def test_sources_decade_is_not_a_time_value() -> None:
    with pytest.raises(ValueError, match="is not a year"):
        time_value("1990s")


def test_sources_every_sentence_of_both_documents_is_accounted_for() -> None:
    from actorgraph.graph.checks.coverage import coverage_report

    reports = {r.document: r for r in coverage_report()}
    assert set(reports) == {"yousafzai-2024", "nabil-commentary"}
    for report in reports.values():
        assert report.uncovered == [], [s.text for s in report.uncovered]
        assert report.covered > 0.85 * report.total
    assert sum(len(f.statements) for f in load_corpus().files) >= 250


def test_sources_explicit_contradictions_are_listed_as_contested_facts(kg: KnowledgeGraph) -> None:
    """Contradictions the structure cannot see are declared with `contradicts:` and reach the named query."""
    result = kg.run_named("contested_facts")
    explicit = {
        (str(row["subject"].value).rsplit("/", 1)[-1], row["documentA"].value, row["documentB"].value)
        for row in result
        if row["kind"].value == "explicit"
    }
    # Jaish al-'Adl "formerly Jundullah" (Yousafzai) vs Jundallah as a militia active today (Nabil);
    # Iran's worries about ISKP "mostly diminished" (Yousafzai) vs ISIS-K among Iran's challenges (Nabil).
    assert {subject for subject, _, _ in explicit} == {"jundallah", "iran"}
    assert all({a, b} == {"yousafzai-2024", "nabil-commentary"} for _, a, b in explicit)


def test_sources_contradicts_must_name_an_existing_statement(tmp_path: Path) -> None:
    import shutil

    from actorgraph.graph.errors import SourceError

    root = tmp_path / "sources"
    shutil.copytree(shipped_sources(), root)
    path = root / "statements" / "yousafzai-2024.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "contradicts: [nabil-commentary/jundallah-in-sistan]", "contradicts: [nabil-commentary/no-such-statement]"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=r"yousafzai-2024.yaml:\d+: contradicts unknown statement"):
        load_corpus(root)
