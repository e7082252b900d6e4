"""Helpers shared by the ingest, extract and review tests: fixture sources and the PDF fixture."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

INGEST = Path(__file__).parent / "data" / "ingest"
RUNNING_HEAD = "April 2024, Vol.42, No.4 (2)"

# What the rule extractor must propose for the fixture text, in every format:
# (subject, predicate, object, certainty, time qualifier, place).
EXPECTED = {
    ("ruritania", "funds", "red-hand-front", "reported", "2019-03", None),
    ("red-hand-front", "attacks", "borduria", "stated", "2020", None),
    ("ruritania", "hosts", "red-hand-front", "denied", None, None),
    ("general-tarkov", "leaderOf", "red-hand-front", "stated", None, None),
    ("ruritania", "meetsWith", "borduria", "stated", "2021", "vienna"),
}

# The fixture text laid out as PDF lines, page by page: a word hyphenated over a line end
# ("fun-/ded", "Tar-/kov"), a footnote marker glued to a word ("Front.2"), a paragraph
# running over the page break; every page gets a running head and a page number.
PDF_PAGES = [
    [
        "Fixture for the ActorGraph ingest tests",
        "",
        "This text is invented for testing; its actors are fictional.",
        "In March 2019 Ruritania reportedly fun-",
        "ded the Red Hand Front.2 The Red Hand Front attacked",
        "Borduria in 2020. Ruritania did not host the Red Hand",
    ],
    [
        "Front. General Tar-",
        "kov, the leader of the Red Hand Front, lives in the",
        "mountains.",
        "Ruritania met with Borduria in Vienna in 2021.",
        "Other spellings of registry names: Mazar-e Sharif, Jaish",
        "ul-Adl and al-Masri. The Blue Lantern Brigade is a name",
        "the registry lacks.",
    ],
]


def source_offset(mapped: Any, offset: int) -> int:
    """The raw-text offset a cleaned-text offset of a MappedText comes from (the end maps to the raw end)."""
    if offset >= len(mapped.origin):
        return len(mapped.raw)
    return int(mapped.origin[offset])


def rows(kg: Any, sparql: str) -> list[dict[str, str]]:
    """SELECT rows as plain strings, with the usual prefixes (like conftest.rows, importable by name)."""
    from actorgraph.ontology.vocab import sparql_prefixes

    result: list[dict[str, str]] = kg.select(sparql_prefixes() + sparql)
    return result


def fixture_sources(tmp_path: Path) -> Path:
    """A fresh copy of the ingest test sources (registry of fictional actors, no documents)."""
    target = tmp_path / "sources"
    shutil.copytree(INGEST / "sources", target)
    return target


def make_fixture_pdf(path: Path) -> Path:
    """Write the PDF fixture with fpdf2 (title and author in its metadata)."""
    from fpdf import FPDF

    class Pdf(FPDF):  # type: ignore[misc]
        def header(self) -> None:
            self.set_font("Helvetica", size=8)
            self.cell(0, 6, RUNNING_HEAD, new_x="LMARGIN", new_y="NEXT")
            self.ln(4)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.cell(0, 6, str(self.page_no()), align="C")

    pdf = Pdf()
    pdf.set_title("Fixture for the ActorGraph ingest tests (PDF)")
    pdf.set_author("Test Author")
    for lines in PDF_PAGES:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        for line in lines:
            pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path
