"""Helpers shared by the curation tests: a sources folder with one ingested (invented) document."""

from __future__ import annotations

import shutil
from pathlib import Path

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.ontology.vocab import sparql_prefixes

DATA = Path(__file__).parent / "data"
NOTE = DATA / "curation" / "frontier-notes.txt"
DOC = "frontier-notes"
TOKEN = "test-curation-token"
ACCEPT = "c001-ruritania-funds-red-hand-front"
CORRECT = "c002-general-tarkov-leaderOf-red-hand-front"
REJECT = "c003-red-hand-front-attacks-borduria"
# An upload runs the default extractors (parse,rules): the parse reads "Ruritania and Borduria clashed" too.
CLASHED = "c004-ruritania-hostileTo-borduria"
NEW_QUOTE = "Ruritania and Borduria clashed at the border in 2022"
NEW_ENTITY = "Zembla Province"


def fresh_sources(tmp: Path) -> Path:
    """A copy of the ingest tests' sources (fictional actors), never the shipped ones."""
    target = tmp / "sources"
    shutil.copytree(DATA / "ingest" / "sources", target)
    return target


def curation_graph(tmp: Path, *, ingest: bool = True, **settings: str) -> KnowledgeGraph:
    """An in-memory graph whose sources folder is a temporary copy, the note ingested and built."""
    sources = fresh_sources(tmp)
    kg = KnowledgeGraph(Settings(store_path=":memory:", sources_path=str(sources), **settings))  # type: ignore[arg-type]
    if ingest:
        kg.ingest(
            [NOTE], kg.ingest_options(title="Frontier notes", author="A. Analyst", date="2024-05", extractor="rules")
        )
    kg.build(sources=sources)
    return kg


def snapshot(sources: Path) -> dict[str, bytes]:
    """Every file of a sources folder (but the lock) by relative path: to assert nothing changed."""
    return {
        str(p.relative_to(sources)): p.read_bytes()
        for p in sorted(sources.rglob("*"))
        if p.is_file() and p.name != ".curation.lock"
    }


def rows(kg: KnowledgeGraph, sparql: str) -> list[dict[str, str]]:
    """SELECT rows as plain strings, with the project's prefixes prepended."""
    return kg.select(sparql_prefixes() + sparql)
