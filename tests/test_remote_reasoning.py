"""Reasoning on a store, both strategies: rules run by the store itself, or read, reasoned here, written back.

On embedded Oxigraph (on disk), Oxigraph's server and Virtuoso 7 the two strategies must write the
same inferred graph (closure, explanations, alliance conclusions), equal to the in-memory
reference. The servers are real processes (tests/backends.py); one that cannot start fails the
tests instead of skipping them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from backends import BackendUnavailable, Server, oxigraph_server, virtuoso_server
from click.testing import CliRunner

from actorgraph.graph import cli
from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.graph.errors import KGError
from actorgraph.graph.reasoning import FASTER_STRATEGY, closure, infer, infer_on_server, remote_strategy
from actorgraph.graph.remote import STAGING, RemoteStore
from actorgraph.graph.store import GraphStore, Store
from actorgraph.ontology.vocab import INFERRED_GRAPH

ALL_GRAPHS = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server | BackendUnavailable]]:
    """Oxigraph's server and Virtuoso, started once for this module; a server that fails is kept as its error."""
    started: dict[str, Server | BackendUnavailable] = {}
    contexts = []
    for name, start in (("oxigraph", oxigraph_server), ("virtuoso", virtuoso_server)):
        context = start(tmp_path_factory.mktemp(f"reasoning-{name}"))
        try:
            started[name] = context.__enter__()
            contexts.append(context)
        except BackendUnavailable as exc:
            started[name] = exc
    yield started
    for context in reversed(contexts):
        context.__exit__(None, None, None)


@pytest.fixture(scope="module")
def reference() -> set[bytes]:
    """The inferred graph of the shipped sources, reasoned in memory (N-Triples lines)."""
    graph = KnowledgeGraph(Settings(store_path=":memory:"))
    graph.build(reason=True)
    return inferred_lines(graph.store)


def inferred_lines(store: Store) -> set[bytes]:
    """The inferred graph as N-Triples lines, written by the embedded store (Virtuoso separates terms by tabs)."""
    answer, canonical = io.BytesIO(), io.BytesIO()
    store.dump_graph(answer, "ntriples", INFERRED_GRAPH)
    copy = GraphStore.memory()
    copy.load(answer.getvalue(), "ntriples", INFERRED_GRAPH)
    copy.dump_graph(canonical, "ntriples", INFERRED_GRAPH)
    return set(canonical.getvalue().splitlines())


def every_graph(store: Store) -> list[str]:
    """Every named graph the store holds, scratch and staging graphs included."""
    return [row[0].value for row in store.select(ALL_GRAPHS, default_graphs=[])]


def built(name: str, servers: dict[str, Server | BackendUnavailable], tmp: Path) -> tuple[Settings, Store]:
    """Settings and a writable store on one backend, built from the shipped sources without reasoning."""
    if name == "embedded":
        settings = Settings(store_path=str(tmp / "store"), read_only=False)
        KnowledgeGraph(settings).build()
        return settings, GraphStore.open(tmp / "store", read_only=False)
    server = servers[name]
    if isinstance(server, BackendUnavailable):
        pytest.fail(f"the {name} server did not start (a backend is not skipped): {server}")
    settings = Settings(store_path=server.url, store_kind=server.kind, read_only=False, query_timeout=300)
    KnowledgeGraph(settings).build()
    return settings, RemoteStore.from_settings(settings, read_only=False)


@pytest.mark.parametrize("name", ["embedded", "oxigraph", "virtuoso"])
def test_both_strategies_write_the_same_inferred_graph(
    name: str, servers: dict[str, Server | BackendUnavailable], reference: set[bytes], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    _settings, store = built(name, servers, tmp_path)
    infer(store, strategy="copy")
    copied = inferred_lines(store)
    marked: list[str] = []
    if isinstance(store, RemoteStore):
        # Only the move onto the inferred graph is fenced on Virtuoso: the rounds write scratch graphs no reader sees.
        monkeypatch.setattr(store, "mark_begun", lambda token, budget: marked.append(token))
    report = infer_on_server(store)
    on_server = inferred_lines(store)
    assert len(marked) == (1 if name == "virtuoso" else 0)
    assert copied == on_server == reference
    assert len(on_server) > 40_000  # closure, explanations and conclusions of our graph
    assert report.closure.inferred > 2000 and report.triads > 10
    assert not [g for g in every_graph(store) if g.startswith(STAGING) or "/inferred/round/" in g]


def test_reason_with_the_server_strategy_setting(
    servers: dict[str, Server | BackendUnavailable], reference: set[bytes], tmp_path: Path
) -> None:
    settings, store = built("virtuoso", servers, tmp_path)
    summary = KnowledgeGraph(replace(settings, store_reasoning="server")).reason()
    assert "70 triads" in summary
    assert inferred_lines(store) == reference


def test_failed_reasoning_on_the_server_keeps_the_old_inferred_graph(
    servers: dict[str, Server | BackendUnavailable], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _settings, store = built("oxigraph", servers, tmp_path)
    store.replace_graph(INFERRED_GRAPH, b"<urn:x:a> <urn:x:b> <urn:x:c> .\n")

    def fail(*_args: object, **_kwargs: object) -> int:
        raise RuntimeError("the conclusions failed")

    monkeypatch.setattr(closure, "write_conclusions", fail)
    with pytest.raises(RuntimeError, match="the conclusions failed"):
        infer_on_server(store)
    assert inferred_lines(store) == {b"<urn:x:a> <urn:x:b> <urn:x:c> ."}
    assert not [g for g in every_graph(store) if g.startswith(STAGING)]


def test_the_strategy_follows_the_setting_else_the_kind() -> None:
    assert remote_strategy("oxigraph", "server") == "server"
    assert remote_strategy("virtuoso", " Copy ") == "copy"
    assert remote_strategy("oxigraph") == FASTER_STRATEGY["oxigraph"]
    assert remote_strategy("virtuoso") == FASTER_STRATEGY["virtuoso"]
    assert remote_strategy("graphdb") == "copy"  # not measured here: read and write back
    with pytest.raises(KGError, match="unknown reasoning strategy 'rules'"):
        remote_strategy("oxigraph", "rules")


def test_reason_command_offers_both_strategies() -> None:
    result = CliRunner().invoke(cli.cli, ["reason", "--strategy", "elsewhere"])
    assert result.exit_code == 2
    assert "'copy', 'server'" in result.output or "'copy' or 'server'" in result.output
