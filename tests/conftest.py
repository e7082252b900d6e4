"""Shared fixtures: the real graph built once in memory, a fresh on-disk store per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from wikidata_mock import MockWikidata, mock_wikidata

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.graph.model import Corpus
from actorgraph.graph.sources import load_corpus
from actorgraph.server import create_app

DATA = Path(__file__).parent / "data"
# The bearer token of the writer fixture (test modules repeat it: "conftest" may name another file).
UPDATE_TOKEN = "test-update-token"


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """The shipped documents and statements, built once into an in-memory store."""
    graph = KnowledgeGraph(Settings(store_path=":memory:"))
    graph.build()
    return graph


@pytest.fixture(scope="module")
def writable(kg: KnowledgeGraph) -> KnowledgeGraph:
    """A writable in-memory copy of the real graph, one per test module (its tests change it)."""
    import io

    copy = KnowledgeGraph(Settings(store_path=":memory:"))
    dump = io.BytesIO()
    kg.store.dump(dump, "nquads")
    copy.store.load(dump.getvalue(), "nquads")
    return copy


@pytest.fixture
def client(kg: KnowledgeGraph) -> FlaskClient:
    """The web application over the shared graph, for requests that only read."""
    return create_app(kg=kg).test_client()


@pytest.fixture
def writer(writable: KnowledgeGraph) -> FlaskClient:
    """The web application over the module's writable graph, updates on with UPDATE_TOKEN."""
    return create_app(writable.settings.with_(update_token=UPDATE_TOKEN), writable).test_client()


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    """The shipped sources, loaded and checked (one per test module)."""
    return load_corpus()


@pytest.fixture
def wikidata() -> Iterator[MockWikidata]:
    """A local HTTP server answering like the Wikidata API from recorded JSON (tests/data/wikidata)."""
    with mock_wikidata() as server:
        yield server


@pytest.fixture
def store_settings(tmp_path: Path) -> Settings:
    """Settings for an on-disk store in a fresh temporary folder."""
    return Settings(store_path=str(tmp_path / "store"))


def rows(kg: KnowledgeGraph, sparql: str) -> list[dict[str, str]]:
    """SELECT rows as plain strings, with the usual prefixes prepended."""
    from actorgraph.ontology.vocab import sparql_prefixes

    return kg.select(sparql_prefixes() + sparql)


FIXTURE = DATA / "fixture"
GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite tests/golden/* from the current output.")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def fixture_sources(tmp_path: Path) -> Path:
    """A writable copy of the small fixture sources (tests may break it on purpose)."""
    import shutil

    target = tmp_path / "sources"
    shutil.copytree(FIXTURE, target)
    return target
