"""The store contract on every backend: embedded Oxigraph, Oxigraph's server, Virtuoso 7 (docs/deploy.md).

One parametrised fixture gives a KnowledgeGraph on each backend; the same tests build, query, serve,
write, reason and export on all three and compare with the in-memory reference graph. The servers
are real processes started once per session (tests/backends.py); one that cannot start fails the
tests with the reason instead of skipping them.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from backends import BackendUnavailable, Server, actorgraph_serve, session_servers

from actorgraph.graph import remote as remote_module
from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.graph.errors import InvalidQuery, StoreError, StoreTimeout
from actorgraph.graph.remote import MARKS, STAGING, Endpoint, RemoteStore, bind_values
from actorgraph.graph.store import GraphStore, as_solutions, named_node
from actorgraph.ontology.vocab import INFERRED_GRAPH, RES
from actorgraph.server import create_app

TOKEN = "remote-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SCRATCH = "https://w3id.org/actorgraph/graph/test-scratch"
BACKENDS = ("embedded", "oxigraph", "virtuoso")
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
# Three unbound triple patterns over ~10^5 quads: ~10^15 solutions, far beyond any timeout.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="session")
def servers(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> dict[str, Server | BackendUnavailable]:
    """Oxigraph's server and Virtuoso, started once (shared with test_remote_contract.py)."""
    return session_servers(tmp_path_factory, pytestconfig)


def backend_settings(name: str, servers: dict[str, Server | BackendUnavailable], tmp: Path) -> Settings:
    if name == "embedded":
        return Settings(store_path=str(tmp / "store"), read_only=False)
    server = servers[name]
    if isinstance(server, BackendUnavailable):
        pytest.fail(f"the {name} server did not start (a backend is not skipped): {server}")
    return Settings(store_path=server.url, store_kind=server.kind, read_only=False)


@pytest.fixture(scope="module", params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, servers: dict[str, Server | BackendUnavailable],
    tmp_path_factory: pytest.TempPathFactory,
) -> KnowledgeGraph:  # fmt: skip
    """A KnowledgeGraph on one backend, built from the shipped sources (the tests below change it)."""
    settings = backend_settings(request.param, servers, tmp_path_factory.mktemp(request.param))
    graph = KnowledgeGraph(settings)
    graph.build()
    return graph


@pytest.fixture(scope="session")
def reasoned() -> KnowledgeGraph:
    """The reference graph with the inferred graph, in memory."""
    graph = KnowledgeGraph(Settings(store_path=":memory:"))
    graph.build(reason=True)
    return graph


def total(graph: KnowledgeGraph) -> int:
    return int(graph.select(COUNT_ALL)[0]["n"])


def as_set(rows: list[dict[str, object]]) -> list[str]:
    """Rows as comparable text; GROUP_CONCAT's order of parts is the engine's, so parts are sorted.

    Unbound and "" compare equal: Virtuoso leaves GROUP_CONCAT over no values unbound where SPARQL
    (and Oxigraph) give "" (docs/deploy.md lists its deviations).
    """
    return sorted(str(sorted((k, "; ".join(sorted(str(v or "").split("; ")))) for k, v in row.items()))
                  for row in rows)  # fmt: skip


# ---------------------------------------------------------------- the contract, on every backend


def test_build_writes_every_graph_with_the_reference_counts(backend: KnowledgeGraph, kg: KnowledgeGraph) -> None:
    assert backend.stats() == kg.stats()
    assert len(backend.stats()) >= 5


def test_query_over_the_union_of_graphs(backend: KnowledgeGraph, kg: KnowledgeGraph) -> None:
    union = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert backend.select(union) == kg.select(union)
    typed = "SELECT ?label WHERE { <%s> <http://www.w3.org/2000/01/rdf-schema#label> ?label }" % (RES + "iran")
    assert [r["label"] for r in backend.select(typed)] == ["Iran"]


def named_rows(graph: KnowledgeGraph, name: str, params: dict[str, str]) -> list[str]:
    result = graph.run_named(name, params)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return as_set([{n: (row[n].value if row[n] is not None else None) for n in names} for row in result])  # type: ignore[union-attr]


# Named queries Virtuoso answers as the SPARQL standard says (docs/deploy.md lists those it does not).
PARAMETERISED = (
    ("accusations", {"accused": RES + "iran"}),
    ("statements_with_certainty", {"certainty": "https://w3id.org/actorgraph/ontology#Alleged"}),
    ("who_hosted_whom", {"host": RES + "iran"}),
    ("state_organs", {"state": RES + "iran"}),
)


def test_named_queries_with_parameters(backend: KnowledgeGraph, kg: KnowledgeGraph) -> None:
    for name, params in PARAMETERISED:
        want = named_rows(kg, name, params)
        assert want, f"{name} {params} answers nothing on the reference graph"
        assert named_rows(backend, name, params) == want, name


def test_a_string_parameter_stays_a_string_on_every_backend(backend: KnowledgeGraph) -> None:
    """On a server the value is written into the query text (bind_values): quotes and braces must not escape."""
    before = backend.stats()
    matched = {row["matched"].value for row in backend.run_named("entity_search", {"text": "mazar"})}  # type: ignore[index, union-attr]
    assert {"Mazar-e Sharif", "Mazar-i-Sharif", "the consulate in Mazar-e Sharif"} <= matched
    assert list(backend.run_named("entity_search", {"text": '" } } DROP ALL #'})) == []  # type: ignore[call-overload]
    assert backend.stats() == before


def test_resource_page(backend: KnowledgeGraph) -> None:
    client = create_app(backend.settings, backend).test_client()
    response = client.get("/resource/iran", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Iran</h1>" in page
    assert "Islamic Republic of Iran" in page


def test_an_ordered_query_under_the_row_limit(backend: KnowledgeGraph) -> None:
    """/sparql caps rows with a LIMIT; Virtuoso refuses one above its MaxSortedTopRows (10 000) with ORDER BY
    (SR353), so there the query runs under the most Virtuoso takes, which the header then gives."""
    client = create_app(backend.settings.with_(max_rows=50_000), backend).test_client()
    query = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s ?label WHERE { ?s rdfs:label ?label } "
             "ORDER BY ?label")  # fmt: skip
    response = client.get("/sparql", query_string={"query": query, "format": "json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    rows = response.get_json()["results"]["bindings"]
    counting = query.replace("SELECT ?s ?label", "SELECT (COUNT(*) AS ?n)").replace("ORDER BY ?label", "")
    counted = backend.select(counting)
    assert len(rows) == int(counted[0]["n"]) > 300
    refused = backend.settings.store_kind == "virtuoso"
    assert response.headers.get("X-SPARQL-MaxRows") == ("10000" if refused else "50000")
    # With an OFFSET, Virtuoso's bound counts offset and limit together: then it runs without our limit.
    offset = client.get("/sparql", query_string={"query": query + " OFFSET 5", "format": "json"})
    assert offset.status_code == 200, offset.get_data(as_text=True)
    assert len(offset.get_json()["results"]["bindings"]) == len(rows) - 5
    assert offset.headers.get("X-SPARQL-MaxRows") == (None if refused else "50000")


def test_a_syntax_error_points_into_the_users_own_text(backend: KnowledgeGraph) -> None:
    """The base IRI is sent to a server as a BASE line only when the query has a relative IRI: always sent, it
    moved the line of every syntax error the server reports by one (Oxigraph said 2:8 for the user's 1:8)."""
    client = create_app(backend.settings, backend).test_client()
    broken = "SELECT ?x WHERE {\n  ?x ?y ?z .\n  FILTER(?x = )\n}"
    response = client.get("/sparql", query_string={"query": broken})
    assert response.status_code == 400
    message = response.get_data(as_text=True)
    with pytest.raises(InvalidQuery) as embedded:
        GraphStore.memory().query(broken)
    position = re.search(r"error at \d+:\d+:", str(embedded.value))
    assert position is not None, embedded.value
    where = {"virtuoso": "line 3:"}.get(backend.settings.store_kind, position.group(0))
    assert where in message, message
    relative = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { BIND(<resource/iran> AS ?x) }",
                                                   "format": "json"})  # fmt: skip
    assert relative.status_code == 200, relative.get_data(as_text=True)
    assert relative.get_json()["results"]["bindings"][0]["x"]["value"] == "http://localhost/resource/iran"


def test_update_and_graph_store_with_the_token(backend: KnowledgeGraph) -> None:
    client = create_app(backend.settings.with_(update_token=TOKEN), backend).test_client()
    triple = f'<{RES}test-a> <{RES}test-p> "one" .'
    insert = f"INSERT DATA {{ GRAPH <{SCRATCH}> {{ {triple} }} }}"
    assert client.post("/update", data={"update": insert}).status_code == 401
    assert client.post("/update", data={"update": insert}, headers=AUTH).status_code == 204
    read = client.get("/store", query_string={"graph": SCRATCH}, headers={"Accept": "application/n-triples"})
    assert read.status_code == 200 and '"one"' in read.get_data(as_text=True)
    put = client.put("/store", query_string={"graph": SCRATCH}, headers={**AUTH, "Content-Type": "text/turtle"},
                     data=f'<{RES}test-b> <{RES}test-p> "two" , "three" .')  # fmt: skip
    assert put.status_code == 204
    assert backend.store.count(SCRATCH) == 2
    assert client.delete("/store", query_string={"graph": SCRATCH}).status_code == 401
    assert client.delete("/store", query_string={"graph": SCRATCH}, headers=AUTH).status_code == 204
    assert client.get("/store", query_string={"graph": SCRATCH}).status_code == 404


def test_export_holds_every_quad_and_the_void_description(backend: KnowledgeGraph, kg: KnowledgeGraph) -> None:
    theirs, ours = io.BytesIO(), io.BytesIO()
    backend.export(theirs, "nquads")
    kg.export(ours, "nquads")
    assert len(theirs.getvalue().splitlines()) == len(ours.getvalue().splitlines()) > 15_000


def test_reasoning_writes_the_inferred_graph(backend: KnowledgeGraph, reasoned: KnowledgeGraph) -> None:
    backend.reason()
    assert backend.stats()[INFERRED_GRAPH] == reasoned.stats()[INFERRED_GRAPH] > 1000
    assert backend.stats() == reasoned.stats()
    assert len(backend.balance(2020)) == len(reasoned.balance(2020))


def test_rebuild_while_readers_query_sees_old_or_new(backend: KnowledgeGraph, kg: KnowledgeGraph) -> None:
    before = total(backend)  # with the inferred graph (the test above)
    after = sum(kg.stats().values())
    assert before > after
    reader = KnowledgeGraph(backend.settings.with_(read_only=True))  # a server's reader, in another "process"
    seen: list[int] = []
    failures: list[BaseException] = []
    done = threading.Event()

    def read() -> None:
        try:
            while not done.is_set():
                seen.append(total(reader))
        except Exception as exc:  # handed to the test's thread, which fails with it
            failures.append(exc)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        backend.build()
    finally:
        done.set()
        thread.join()
    assert not failures
    assert total(backend) == after
    assert len(seen) >= 2
    torn = sorted(set(seen) - {before, after})
    assert not torn, f"a reader saw a half-built store: {torn}"


# ---------------------------------------------------------------- remote stores only


@pytest.fixture(params=("oxigraph", "virtuoso"))
def remote(request: pytest.FixtureRequest, servers: dict[str, Server | BackendUnavailable], tmp_path: Path) -> Settings:
    return backend_settings(request.param, servers, tmp_path)


SWITCHED = [f"https://w3id.org/actorgraph/graph/test-switch-{n}" for n in range(8)]
COUNT_SWITCHED = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <urn:actorgraph:test:p> ?o } }"


def switched_data(tag: str, size: int) -> dict[str, bytes]:
    """The same graphs with different contents: readers can tell which version they count."""
    triple = '<urn:actorgraph:test:s{i}> <urn:actorgraph:test:p> "{tag}{i}" .\n'
    return {graph: "".join(triple.format(i=i, tag=tag) for i in range(size)).encode() for graph in SWITCHED}


def test_readers_never_see_a_mix_during_several_rebuilds(remote: Settings) -> None:
    """Two readers count in a loop while four switches alternate two versions: only whole versions."""
    store = RemoteStore.from_settings(remote)
    if not store.switch_isolated():
        pytest.xfail(f"{remote.store_kind}: {store.endpoint.kind.guarantees} (docs/deploy.md)")
    versions = [switched_data("a", 2000), switched_data("b", 2100)]
    totals = {8 * 2000, 8 * 2100}
    store.switch(versions[0])
    seen: list[int] = []
    failures: list[BaseException] = []
    done = threading.Event()

    def read() -> None:
        reader = RemoteStore.from_settings(remote.with_(read_only=True))
        try:
            while not done.is_set():
                seen.append(int(next(iter(reader.select(COUNT_SWITCHED)))[0].value))
        except Exception as exc:  # handed to the test's thread, which fails with it
            failures.append(exc)

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    landed = 0
    try:
        for _rebuild in range(4):
            try:
                store.switch(versions[(landed + 1) % 2])
                landed += 1
            except StoreError as exc:
                # Virtuoso at repeatable read: readers in a loop can win every deadlock against the switch,
                # which then fails whole (docs/deploy.md) and leaves the version before it.
                assert "deadlock" in str(exc), exc
    finally:
        done.set()
        for thread in threads:
            thread.join()
        store.switch({}, drop=SWITCHED)
    assert not failures
    assert len(seen) >= 8 and landed >= 1
    assert set(seen) <= totals, f"readers saw a half switch: {sorted(set(seen) - totals)}"


def test_a_query_that_a_switch_lands_under_is_run_again_where_fenced(remote: Settings,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """A switch that lands while a reader's query runs: on Virtuoso (fenced by the switch marks) the reader runs
    the query again and answers the new version; Oxigraph's own transactions need no fence, so it answers once."""
    store = RemoteStore.from_settings(remote)
    store.switch(switched_data("a", 300))
    reader = RemoteStore.from_settings(remote.with_(read_only=True))
    counted: list[int] = []
    real_post = RemoteStore._post_query

    def switch_under_the_first_count(self: RemoteStore, sparql: str, params: dict[str, object]) -> object:
        result = real_post(self, sparql, params)
        if self is reader and sparql.endswith(COUNT_SWITCHED):
            counted.append(1)
            if len(counted) == 1:  # the answer is read; a switch lands before the reader looks at the marks
                store.switch(switched_data("b", 310))
        return result

    monkeypatch.setattr(RemoteStore, "_post_query", switch_under_the_first_count)
    try:
        answer = int(next(iter(reader.select(COUNT_SWITCHED)))[0].value)
    finally:
        monkeypatch.undo()
        store.switch({}, drop=SWITCHED)
    fenced = store.endpoint.kind.fenced
    assert (fenced, answer, len(counted)) == (remote.store_kind == "virtuoso", 8 * 310 if fenced else 8 * 300,
                                              2 if fenced else 1)  # fmt: skip


def test_a_reader_waits_for_an_unsettled_switch_and_not_for_a_stale_one(servers: dict[str, Server | BackendUnavailable],
                                                                       tmp_path: Path) -> None:  # fmt: skip
    """Virtuoso: a switch marked begun and never settled (its writer died) holds our readers back until its
    budget has passed on the server's clock; then they answer."""
    settings = backend_settings("virtuoso", servers, tmp_path)
    writer = RemoteStore.from_settings(settings)
    writer.switch(switched_data("a", 100))
    reader = RemoteStore.from_settings(settings.with_(read_only=True, query_timeout=1.0))
    try:
        writer.mark_begun("a-writer-that-died", 600)
        with pytest.raises(StoreTimeout, match="switching graphs"):
            reader.select(COUNT_SWITCHED)
        assert not reader.read_marks().quiet
        writer.mark_begun("a-writer-that-died-long-ago", 0)
        time.sleep(1.1)  # the server's NOW() has whole seconds at least
        marks = reader.read_marks()
        assert (marks.begun, marks.stale, marks.quiet) == ("a-writer-that-died-long-ago", True, True)
        assert int(next(iter(reader.select(COUNT_SWITCHED)))[0].value) == 8 * 100
    finally:
        writer.update(f"DROP SILENT GRAPH <{MARKS}>")  # fenced too: begun and settled again
        writer.switch({}, drop=SWITCHED)
    assert reader.read_marks().quiet


def test_the_local_copy_is_read_again_after_our_writes(servers: dict[str, Server | BackendUnavailable],
                                                       tmp_path: Path) -> None:  # fmt: skip
    """Virtuoso's wrong named queries are answered from a copy in memory: reused while nothing of ours was
    written, read again after a write (every write of ours moves the switch marks)."""
    store = RemoteStore.from_settings(backend_settings("virtuoso", servers, tmp_path))
    store.switch(switched_data("a", 50))
    try:
        first = store.local_copy(10**7)
        assert first is not None and store.local_copy(10**7) is first
        assert first.count(SWITCHED[0]) == 50
        store.load(b'<urn:actorgraph:test:s> <urn:actorgraph:test:p> "added" .\n', "ntriples", SWITCHED[0])
        second = store.local_copy(10**7)
        assert second is not first and second is not None and second.count(SWITCHED[0]) == 51
    finally:
        store.switch({}, drop=SWITCHED)


def test_the_local_copy_sees_another_clients_write_by_the_counts(servers: dict[str, Server | BackendUnavailable],
                                                                  tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """A client writing to Virtuoso directly moves no switch mark: once COPY_CHECK has passed, the copy is kept
    while the counts per graph are unchanged, and read again when they changed."""
    store = RemoteStore.from_settings(backend_settings("virtuoso", servers, tmp_path))
    store.switch(switched_data("a", 50))
    monkeypatch.setattr(remote_module, "COPY_CHECK", 0.0)
    try:
        first = store.local_copy(10**7)
        assert first is not None and store.local_copy(10**7) is first  # checked by the counts, and kept
        triple = '<urn:actorgraph:test:s> <urn:actorgraph:test:p> "direct"'
        direct = f"INSERT DATA {{ GRAPH <{SWITCHED[0]}> {{ {triple} }} }}"
        written = httpx.post(store.endpoint.update_url, data={"update": direct}, timeout=30)
        assert written.status_code == 200, written.text
        assert store.read_marks() == first_marks(store)  # no mark moved
        second = store.local_copy(10**7)
        assert second is not first and second is not None and second.count(SWITCHED[0]) == 51
    finally:
        store.switch({}, drop=SWITCHED)


def first_marks(store: RemoteStore) -> object:
    cached = store._copy
    assert cached is not None
    return cached.marks


def test_failed_build_leaves_the_old_graphs(remote: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    graph = KnowledgeGraph(remote)
    graph.build()
    before = graph.stats()
    calls = []
    upload = RemoteStore.upload

    def fail_on_third(self: RemoteStore, *args: object, **kwargs: object) -> int:
        calls.append(1)
        if len(calls) == 3:
            raise StoreError("the network went away")
        return upload(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(RemoteStore, "upload", fail_on_third)
    with pytest.raises(StoreError, match="network went away"):
        graph.build(reason=True)
    monkeypatch.undo()
    assert graph.stats() == before
    everything = RemoteStore.from_settings(remote).select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert not [row[0].value for row in everything if row[0].value.startswith(STAGING)]


def every_graph(store: RemoteStore) -> list[str]:
    """Every graph on the server, staging ones too (visible_graphs hides those)."""
    rows = store._post_query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", {})
    return [str(row[0].value) for row in as_solutions(rows)]


def test_a_switch_that_fails_leaves_the_old_graphs_and_no_staging(remote: Settings,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The switch request itself refused (every graph already staged): old graphs whole, staging gone."""
    store = RemoteStore.from_settings(remote)
    store.switch(switched_data("a", 300))
    real_update = RemoteStore._update

    def refuse_the_switch(self: RemoteStore, text: str, *, timeout: float | None) -> None:
        if " TO <" in text:  # the switch's MOVE or ADD, not the staging clean-up
            raise StoreError("the store answered 500: out of memory")
        real_update(self, text, timeout=timeout)

    monkeypatch.setattr(RemoteStore, "_update", refuse_the_switch)
    with pytest.raises(StoreError, match="out of memory"):
        store.switch(switched_data("b", 310), drop=[SWITCHED[0]])
    monkeypatch.undo()
    try:
        assert int(next(iter(store.select(COUNT_SWITCHED)))[0].value) == 8 * 300
        assert store.count(SWITCHED[0]) == 300
        assert not [g for g in every_graph(store) if g.startswith(STAGING)]
    finally:
        store.switch({}, drop=SWITCHED)


def test_a_switch_replaces_graphs_whole_and_leaves_no_staging(remote: Settings) -> None:
    """Old graphs replaced (not merged), dropped graphs gone, graphs replaced by nothing gone, no staging left."""
    store = RemoteStore.from_settings(remote)
    store.switch(switched_data("a", 300))
    newer = switched_data("b", 200)
    newer[SWITCHED[1]] = b""
    del newer[SWITCHED[2]]
    try:
        store.switch(newer, drop=[SWITCHED[2]])
        counts = store.counts_per_graph()
        assert {g: counts.get(g, 0) for g in SWITCHED} == {g: 0 if g in SWITCHED[1:3] else 200 for g in SWITCHED}
        assert not [g for g in every_graph(store) if g.startswith(STAGING)]
    finally:
        store.switch({}, drop=SWITCHED)


def test_a_query_past_the_timeout_ends_with_503(remote: Settings) -> None:
    graph = KnowledgeGraph(remote.with_(query_timeout=1.0))
    graph.build()
    with pytest.raises(StoreTimeout):
        graph.select(ENDLESS)
    client = create_app(graph.settings, graph).test_client()
    response = client.get("/sparql", query_string={"query": ENDLESS})
    assert response.status_code == 503


def test_copy_between_a_folder_and_a_remote_store_both_ways(remote: Settings, tmp_path: Path,
                                                            kg: KnowledgeGraph) -> None:  # fmt: skip
    from click.testing import CliRunner

    from actorgraph.graph.cli import cli

    folder = tmp_path / "copy"
    KnowledgeGraph(Settings(store_path=str(folder))).build()
    runner = CliRunner()
    kind = ["--store-kind", remote.store_kind]
    there = runner.invoke(cli, ["copy", "--from", str(folder), "--to", remote.store_path, *kind])
    assert there.exit_code == 0, there.output
    assert "counts checked" in there.output
    assert KnowledgeGraph(remote).stats() == kg.stats()
    back = runner.invoke(cli, ["copy", "--from", remote.store_path, "--to", str(tmp_path / "back"), *kind])
    assert back.exit_code == 0, back.output
    assert KnowledgeGraph(Settings(store_path=str(tmp_path / "back"))).stats() == kg.stats()


def test_service_description_says_what_backs_the_endpoint(remote: Settings) -> None:
    client = create_app(remote, KnowledgeGraph(remote)).test_client()
    text = client.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert f"Backed by {remote.store_kind} SPARQL server at {remote.store_path}" in text


PASSWORD = "pw-never-logged"
BEARER = "tok-never-logged"


def test_credentials_never_reach_the_logs(remote: Settings, caplog: pytest.LogCaptureFixture,
                                          capfd: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """A build with a bearer token, then one with basic authentication: neither secret is logged."""
    caplog.set_level(logging.DEBUG)  # httpx and httpcore log each request at DEBUG
    for secret in (remote.with_(store_token=BEARER), remote.with_(store_user="ag", store_password=PASSWORD)):
        graph = KnowledgeGraph(secret)
        graph.build()
        assert graph.stats()
    captured = capfd.readouterr()
    assert caplog.records, "nothing was logged: the check would prove nothing"
    for shown in (caplog.text, captured.out, captured.err):
        assert PASSWORD not in shown and BEARER not in shown


def test_a_wrong_password_is_one_clear_error_line(servers: dict[str, Server | BackendUnavailable]) -> None:
    """Virtuoso's authenticated endpoint answers 401: the CLI prints one line, without the password."""
    from click.testing import CliRunner  # the CLI, as a user runs it

    from actorgraph.graph.cli import cli

    server = servers["virtuoso"]
    if isinstance(server, BackendUnavailable):
        pytest.fail(f"the virtuoso server did not start (a backend is not skipped): {server}")
    url = server.url + "-auth"
    env = {"ACTORGRAPH_STORE_USER": "dba", "ACTORGRAPH_STORE_PASSWORD": PASSWORD}
    result = CliRunner().invoke(cli, ["build", "--store", url, "--store-kind", "virtuoso"], env=env)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: the store refused our credentials (401) at {url}: "
                      "check store_user/store_password or store_token"], result.output  # fmt: skip
    assert PASSWORD not in result.output


def test_serve_describes_its_backend_without_credentials(remote: Settings, tmp_path: Path) -> None:
    """`actorgraph serve --store URL`: the service description names the kind and the URL, no secrets."""
    host = httpx.URL(remote.store_path)
    with_userinfo = str(host.copy_with(username="ag", password=PASSWORD))
    env = {"ACTORGRAPH_STORE_TOKEN": BEARER, "ACTORGRAPH_STORE_PASSWORD": PASSWORD}
    args = ["--store", with_userinfo, "--store-kind", remote.store_kind]
    with actorgraph_serve(args, tmp_path / "serve.log", env) as served:
        answer = httpx.get(served + "/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert answer.status_code == 200
    assert f"Backed by {remote.store_kind} SPARQL server at {remote.store_path}" in answer.text
    for shown in (answer.text, (tmp_path / "serve.log").read_text()):
        assert PASSWORD not in shown and BEARER not in shown


# ---------------------------------------------------------------- settings (no server)


def test_endpoints_follow_from_the_kind() -> None:
    oxigraph = Endpoint.from_settings(Settings(store_path="http://h:7878/query", store_kind="oxigraph"))
    assert (oxigraph.update_url, oxigraph.graph_store_url) == ("http://h:7878/update", "http://h:7878/store")
    virtuoso = Endpoint.from_settings(Settings(store_path="http://h:8890/sparql", store_kind="virtuoso"))
    assert (virtuoso.update_url, virtuoso.graph_store_url) == (
        "http://h:8890/sparql",
        "http://h:8890/sparql-graph-crud",
    )
    assert virtuoso.kind.timeout_param == ("timeout", 1000.0)
    fuseki = Endpoint.from_settings(Settings(store_path="http://h:3030/ds/query", store_kind="fuseki"))
    assert (fuseki.update_url, fuseki.graph_store_url) == ("http://h:3030/ds/update", "http://h:3030/ds/data")
    graphdb = Endpoint.from_settings(Settings(store_path="http://h:7200/repositories/ag", store_kind="graphdb"))
    assert graphdb.update_url == "http://h:7200/repositories/ag/statements"
    generic = Endpoint.from_settings(Settings(store_path="http://h/sparql", store_update_url="http://h/update"))
    assert (generic.update_url, generic.graph_store_url) == ("http://h/update", None)
    with pytest.raises(StoreError, match="unknown store kind"):
        Endpoint.from_settings(Settings(store_path="http://h/sparql", store_kind="neptune"))


def test_credentials_stay_out_of_repr() -> None:
    settings = Settings(store_path="http://h/sparql", store_user="ag", store_password="pw-secret",
                        store_token="tok-secret")  # fmt: skip
    endpoint = Endpoint.from_settings(settings)
    for shown in (repr(settings), repr(endpoint), repr(RemoteStore(endpoint))):
        assert "pw-secret" not in shown and "tok-secret" not in shown
    assert endpoint.headers() == {"Authorization": "Bearer tok-secret"}
    assert isinstance(endpoint.auth(), httpx.BasicAuth)


def test_settings_know_a_remote_location_from_the_environment() -> None:
    settings = Settings.from_env({"ACTORGRAPH_STORE": "http://h:7878/query", "ACTORGRAPH_STORE_KIND": "oxigraph"})
    assert settings.remote and settings.store_kind == "oxigraph"
    assert not Settings(store_path="var/store").remote and not Settings(store_path=":memory:").remote


def test_parameters_are_bound_at_the_start_of_the_where_clause() -> None:
    query = 'SELECT ?x (COUNT(*) AS ?n) WHERE { ?x <p> ?actor . FILTER(?x != "WHERE {") } GROUP BY ?x'
    bound = bind_values(query, {"actor": "Iran"})
    assert bound.startswith('SELECT ?x (COUNT(*) AS ?n) WHERE { VALUES ?actor { "Iran" } ')
    assert bound.endswith('?x <p> "Iran" . FILTER(?x != "WHERE {") } GROUP BY ?x')


def test_parameters_are_written_in_where_the_pattern_uses_them_but_not_in_subqueries() -> None:
    """As pyoxigraph's substitutions: the engine plans with the value, and a subquery's variables are its own."""
    query = (
        "SELECT ?x ?actor WHERE { ?x <p> ?actor # ?actor\n"
        "  { SELECT ?x WHERE { ?x <q> ?actor } } BIND(?actor AS ?a2) VALUES (?y ?actor) { (1 <a>) }\n"
        "  OPTIONAL { ?x <r> $actor } FILTER EXISTS { ?actor <s> ?x } } GROUP BY ?x ?actor"
    )
    iran = "<https://w3id.org/actorgraph/resource/iran>"
    assert bind_values(query, {"actor": named_node(iran[1:-1])}) == (
        f"SELECT ?x ?actor WHERE {{ VALUES ?actor {{ {iran} }}  ?x <p> {iran} # ?actor\n"
        f"  {{ SELECT ?x WHERE {{ ?x <q> ?actor }} }} BIND({iran} AS ?a2) VALUES (?y ?actor) {{ (1 <a>) }}\n"
        f"  OPTIONAL {{ ?x <r> {iran} }} FILTER EXISTS {{ {iran} <s> ?x }} }} GROUP BY ?x ?actor"
    )


def virtuoso_answering(answer: Callable[[httpx.Request], httpx.Response], sent: list[str]) -> RemoteStore:
    """A RemoteStore of kind virtuoso whose server is answer (the updates it is sent go to sent)."""

    def handle(request: httpx.Request) -> httpx.Response:
        form = dict(urllib.parse.parse_qsl(request.content.decode()))
        if "update" in form:
            sent.append(form["update"])
            return answer(request)
        if "query" in form:  # a switch asks nothing of the store
            return httpx.Response(500, text=f"unexpected query {form['query']}")
        return httpx.Response(200)  # an upload to a staging graph

    endpoint = Endpoint.from_settings(Settings(store_path="http://h:8890/sparql", store_kind="virtuoso",
                                               store_graph_store_url="http://h:8890/sparql-graph-crud"))  # fmt: skip
    client = httpx.Client(transport=httpx.MockTransport(handle))
    return RemoteStore(endpoint, read_only=False, client=client)


def test_a_switch_past_virtuosos_time_limit_names_the_setting_and_drops_the_staging() -> None:
    """Virtuoso's answer when [SPARQL] MaxQueryExecutionTime stops the switch (measured: rolled back whole)."""
    sent: list[str] = []

    def timed_out(request: httpx.Request) -> httpx.Response:
        text = dict(urllib.parse.parse_qsl(request.content.decode()))["update"]
        if " TO <" in text:
            return httpx.Response(500, text="Virtuoso S1T00 Error SR171: Transaction timed out\n\nSPARQL query: ...")
        return httpx.Response(200, text="done")

    store = virtuoso_answering(timed_out, sent)
    with pytest.raises(StoreError, match=r"MaxQueryExecutionTime.*SR171"):
        store.switch({SWITCHED[0]: b"<urn:s> <urn:p> <urn:o> .\n"})
    # Fenced by the switch marks: begun, the refused switch, settled all the same, then the staging dropped.
    begun, switch, settled, drop = sent
    assert "<urn:actorgraph:switch:begun>" in begun and switch.count("MOVE SILENT <urn:actorgraph:staging:") == 1
    assert "INSERT { GRAPH <urn:actorgraph:switches> { <urn:actorgraph:switch:settled>" in settled
    assert re.search(r'"([0-9a-f]{32})"', begun).group(1) in settled  # type: ignore[union-attr]
    assert drop.startswith("DROP SILENT GRAPH <urn:actorgraph:staging:")


def test_a_switch_past_virtuosos_after_image_limit_names_the_setting() -> None:
    """Virtuoso's answer when one transaction outgrows TransactionAfterImageLimit (measured at 10^7 quads)."""
    sent: list[str] = []

    def too_large(request: httpx.Request) -> httpx.Response:
        if b"TO+%3C" in request.content:  # the switch's MOVE, form-encoded
            return httpx.Response(500, text="Virtuoso 40005 Error SR325: Transaction aborted because it's log after "
                                            "image size went above the limit")  # fmt: skip
        return httpx.Response(200, text="done")

    with pytest.raises(StoreError, match=r"SR325[\s\S]*raise it in virtuoso.ini, \[Parameters\], up to 2147483647"):
        virtuoso_answering(too_large, sent).switch({SWITCHED[0]: b"<urn:s> <urn:p> <urn:o> .\n"})
    assert sent[-1].startswith("DROP SILENT GRAPH <urn:actorgraph:staging:")  # the staging copy dropped


def test_an_update_virtuoso_ended_part_way_is_an_error() -> None:
    """An "anytime" answer (200, X-SQL-State) to an update: the server kept part of it, which we must not hide."""
    sent: list[str] = []

    def partial(request: httpx.Request) -> httpx.Response:
        if b"switch" in request.content:  # the switch marks around the update
            return httpx.Response(200, text="done")
        return httpx.Response(200, text="done", headers={"X-SQL-State": "S1TAT"})

    with pytest.raises(StoreError, match=r"part way.*S1TAT"):
        virtuoso_answering(partial, sent).update("DROP SILENT GRAPH <urn:g>")
    assert len(sent) == 3 and sent[1] == "DROP SILENT GRAPH <urn:g>"


def oxigraph_answering(body: bytes) -> RemoteStore:
    """A RemoteStore of kind oxigraph whose server answers every query with status 200 and body."""
    endpoint = Endpoint.from_settings(Settings(store_path="http://h:7878/query", store_kind="oxigraph"))
    reply = httpx.Response(200, content=body, headers={"Content-Type": "application/sparql-results+json"})
    return RemoteStore(endpoint, client=httpx.Client(transport=httpx.MockTransport(lambda request: reply)))


# Oxigraph's server streams its rows; when its --timeout-s strikes it has sent status 200 and some rows, and
# ends the body with this sentence (measured on oxigraph 0.5: a cross product of 3 000 triples, --timeout-s 1).
ROW = b'{"x":{"type":"literal","value":"854"}}'
CANCELLED = b"The SPARQL operation has been cancelled"
BROKEN_OFF = b'{"head":{"vars":["x"]},"results":{"bindings":[' + ROW + b"," + ROW + CANCELLED


def test_an_answer_oxigraph_broke_off_at_its_time_limit_is_a_timeout() -> None:
    store = oxigraph_answering(BROKEN_OFF)
    with pytest.raises(StoreTimeout, match="its own time limit"):
        store.select("SELECT ?x WHERE { ?x ?p ?o }", default_graphs=["urn:g"])


def test_an_answer_cut_short_is_a_store_error_before_any_row_is_used() -> None:
    """The rows parse lazily in pyoxigraph: the whole answer is checked before a caller sees the first row."""
    store = oxigraph_answering(BROKEN_OFF.removesuffix(CANCELLED))
    with pytest.raises(StoreError, match="does not parse"):
        store.select("SELECT ?x WHERE { ?x ?p ?o }", default_graphs=["urn:g"])
    whole = oxigraph_answering(BROKEN_OFF.replace(CANCELLED, b"]}}"))
    rows = whole.select("SELECT ?x WHERE { ?x ?p ?o }", default_graphs=["urn:g"])
    assert [row[0].value for row in rows] == ["854", "854"]  # type: ignore[union-attr]
