"""RemoteStore: the Store interface over the SPARQL 1.1 Protocol and Graph Store Protocol (httpx).

A store location that is a URL names a SPARQL query endpoint; the update and Graph Store
endpoints, credentials and the kind of server come from the settings (docs/deploy.md). What
differs between servers is written once, in KINDS: where the update and Graph Store endpoints
are, whether and how a query takes a timeout, which result format parses cleanly.

The store's dataset, as ActorGraph sees it, is every named graph of the server except the
server's own (Virtuoso's system graphs) and a build's staging graphs: queries name those graphs
as their default graph (the union) and as their named graphs, so a build in progress is never
read. A build or a graph replacement writes staging graphs first, then switches them in with
one SPARQL Update request (MOVE per graph; on Oxigraph DROP + ADD, the staging copies dropped
after the commit, see Kind.switch_form): one transaction on Oxigraph, Virtuoso, Fuseki
(TDB2) and GraphDB, so readers see the old graphs or the new ones, never half. Virtuoso's readers
can see a commit land mid-scan at any isolation tried (docs/deploy.md), so there every write that
switches graphs is fenced by switch marks (SwitchMarks, a sequence lock in a graph of its own) and
our readers run a query again when a switch began or was under way while it ran.
"""

from __future__ import annotations

import atexit
import io
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TypeVar

import httpx

from actorgraph.graph.config import Settings
from actorgraph.graph.errors import (
    InvalidQuery,
    LimitRefused,
    QueryEvaluationError,
    ReadOnlyStore,
    StoreError,
    StoreTimeout,
)
from actorgraph.graph.guard import check_query_shape
from actorgraph.graph.store import (
    GraphStore,
    QueryResult,
    Solutions,
    Triples,
    as_solutions,
    convert_rdf,
    is_boolean,
    is_triples,
    ntriples_chunks,
    parse_results,
    serialize_results,
    term_sparql,
    to_ntriples,
)
from actorgraph.ontology import vocab as v

LOG = logging.getLogger(__name__)
STAGING = "urn:actorgraph:staging:"
# The graph of switch marks (Kind.fenced): hidden from readers like the staging graphs.
MARKS = "urn:actorgraph:switches"
BEGUN, SETTLED = "urn:actorgraph:switch:begun", "urn:actorgraph:switch:settled"
TOKEN, BEGUN_AT, BUDGET = "urn:actorgraph:switch:token", "urn:actorgraph:switch:at", "urn:actorgraph:switch:budget"
FENCE_POLL = 0.05
# local_copy: a copy is checked against the store's counts per graph at most every COPY_CHECK seconds (writes of
# other clients are not marked), and read again after COPY_MAX_AGE whatever the counts say.
COPY_CHECK, COPY_MAX_AGE = 60.0, 900.0
# A fenced writer waits SWITCH_GRACE seconds between marking a switch begun and switching; so a reader's answer
# received within READ_GRACE of asking for quiet marks was read before any switch that began later (SwitchMarks).
SWITCH_GRACE, READ_GRACE = 0.5, 0.35
R = TypeVar("R")
DEADLOCK_RETRIES = 12
# Twice the slowest switch measured (918 s for 10^6 quads on Oxigraph's server at load average 11, staging
# drop included): a switch is not cut short when merely slow.
SWITCH_SECONDS_PER_MILLION = 1800.0
Progress = Callable[[int, int], None]
RESULTS_JSON = "application/sparql-results+json"
RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9"


@dataclass(frozen=True)
class Kind:
    """The quirks of one kind of SPARQL server, each a fact about that server.

    update_from and graph_store_from turn the query URL into the other endpoints (None: the
    setting must give it, or for the Graph Store, uploads go through SPARQL Update instead).
    timeout_param is the query parameter that bounds a query on the server and its unit in
    seconds (None: the server takes none per request; we still end the request ourselves).
    """

    name: str
    update_from: Callable[[str], str] | None
    graph_store_from: Callable[[str], str] | None
    results: str = RESULTS_JSON
    timeout_param: tuple[str, float] | None = None
    system_graphs: tuple[str, ...] = ()
    # Virtuoso's timeout is an "anytime query": it answers 200 with partial results and says so in a header.
    partial_header: str | None = None
    guarantees: str = ""
    # Answers of status 500 that are the query's fault (Virtuoso reports SPARQL compile errors so).
    query_errors: tuple[str, ...] = ()
    # Extra Graph Store parameters for uploads to staging graphs, which no reader sees, so need no transaction.
    upload_params: tuple[tuple[str, str], ...] = ()
    # Whether the server's own transactions keep readers from seeing a switch half done.
    isolated_switch: bool = True
    # Whether our writes that switch graphs are fenced by switch marks, which our readers check (SwitchMarks):
    # for servers whose readers see a commit land mid-scan (Virtuoso, at every isolation level measured).
    fenced: bool = False
    # The start of an answer saying our transaction lost a deadlock and was rolled back: worth a retry.
    deadlock: str | None = None
    # How the switch puts a staging graph in place (switch_statements): "move" (MOVE, which also deletes the
    # staging graph inside the transaction) or "add" (DROP + ADD, the staging graph dropped after the commit).
    switch_form: str = "move"
    # The start of the answer to an update the server stopped at its own time limit, and what to change
    # (Virtuoso: [SPARQL] MaxQueryExecutionTime bounds updates too, and a switch is one update).
    time_limit: tuple[str, str] | None = None
    # Errors a setting of the server causes, and which setting to change (said with the error).
    setting_errors: tuple[tuple[str, str], ...] = ()
    # The query listing the server's named graphs. The portable form scans every quad; Oxigraph answers
    # `GRAPH ?g {}` from its list of graphs (at 10^6 quads: 0.6 s against 127 s on a loaded host).
    graphs_query: str = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    # Named queries (queries/*.rq) this kind of server is known to answer wrongly, and how: said with each answer
    # (KnowledgeGraph.named_query_caveat); tests/test_remote_contract.py checks each against the embedded store.
    wrong_answers: tuple[tuple[str, str], ...] = ()
    # The error code of a server that refuses a LIMIT above its own bound on sorted results (LimitRefused).
    limit_refused: str | None = None
    # What a server that streams its answer writes after the rows sent so far when its own time limit strikes
    # (status 200 already sent): the answer then ends with it.
    cancelled: bytes | None = None

    def caveat(self, named_query: str) -> str | None:
        """What is known to be wrong with this kind's answer to a named query, if anything."""
        return dict(self.wrong_answers).get(named_query)


# Virtuoso 7.2's wrong answers to our named queries (measured against the embedded store; docs/deploy.md).
VIRTUOSO_TWO_PATHS = (
    "Virtuoso 7.2 answers nothing when one query has two transitive paths (ag:partOf* to each actor); each "
    "path alone is right; no rewrite found that it answers in full (docs/deploy.md)"
)
VIRTUOSO_STATEFUL = (
    "Virtuoso 7.2 sometimes answers this query's * property path wrongly: right on a fresh server, wrong "
    "after rebuilds on the same server (state-dependent path evaluation, as in openlink/virtuoso-opensource#929)"
)
VIRTUOSO_WRONG = (
    ("dyad_timeline", VIRTUOSO_TWO_PATHS),
    ("relation_through_time", VIRTUOSO_TWO_PATHS),
    (
        "actor_locations",
        "Virtuoso 7.2 keeps 2 of 230 rows: a subClassOf* path joined with ?place a ?placeClass and "
        "a second type pattern over the many-graph dataset",
    ),
    (
        "event_participants",
        "Virtuoso 7.2 keeps 2 of 34 rows: a subClassOf* path inside an aggregating subquery "
        "joined with aggregating OPTIONAL subqueries",
    ),
    *(
        (name, VIRTUOSO_STATEFUL)
        for name in ("factions_of", "persons_and_roles", "reasoning_explain", "sponsorship_chains", "support_network")
    ),
)


def _replace_tail(old: str, new: str) -> Callable[[str], str]:
    def derive(url: str) -> str:
        base = url.rstrip("/")
        return base[: -len(old)] + new if old and base.endswith(old) else base + new

    return derive


def _same(url: str) -> str:
    return url


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        # oxigraph serve: /query, /update, /store; a timeout only for the whole server (--timeout-s).
        # Uploads skip the per-request transaction and re-validation (no_transaction, lenient): several times faster.
        # Its transaction is a write batch in memory committed at the end: DROP + ADD writes a third less than
        # MOVE, whose deletion of the staging copy can wait for a request of its own (docs/deploy.md, measured).
        Kind("oxigraph", _replace_tail("/query", "/update"), _replace_tail("/query", "/store"),
             guarantees="one update request is one transaction (snapshot isolation): readers see old or new",
             upload_params=(("no_transaction", ""), ("lenient", "")), switch_form="add",
             graphs_query="SELECT ?g WHERE { GRAPH ?g { } }",
             cancelled=b"The SPARQL operation has been cancelled"),  # oxigraph 0.5.x, --timeout-s, measured
        # Virtuoso: /sparql takes queries and updates (SPARQL_UPDATE granted to the user), the Graph Store
        # is /sparql-graph-crud (/sparql-graph-crud-auth with digest authentication); results in JSON (its
        # SPARQL 1.0 "typed-literal" is read by pyoxigraph; pyoxigraph's XML results parser trims the edge spaces
        # of strings); `timeout` is in milliseconds and gives partial results.
        Kind("virtuoso", _same, _replace_tail("/sparql", "/sparql-graph-crud"), RESULTS_JSON, ("timeout", 1000.0),
             ("http://www.openlinksw.com/", "http://www.w3.org/ns/ldp#", "http://localuriqaserver/",
              "http://localhost:8890/", "urn:activitystreams-owl:map", "urn:core:services:sparql"),
             "X-SQL-State",
             "one update request is one transaction, but a reader may see part old, part new while it commits "
             "(at every isolation level measured); ActorGraph's readers are fenced by switch marks and see old or "
             "new, other clients may see a mix; a failed upload leaves the old graphs",
             ("Virtuoso 37000", "Virtuoso 42", "Virtuoso 22", "Virtuoso 07"), isolated_switch=False, fenced=True,
             deadlock="Virtuoso 40001", wrong_answers=VIRTUOSO_WRONG, limit_refused="SR353",
             setting_errors=(("SR325", "one transaction changed more than the server's TransactionAfterImageLimit: "
                                       "raise it in virtuoso.ini, [Parameters], up to 2147483647 bytes (a 32-bit "
                                       "number; a larger value makes the limit tiny); a build's switch of 10^7 "
                                       "quads needs the largest, docs/deploy.md"),),
             time_limit=("Virtuoso S1T00 Error SR171", "raise [SPARQL] MaxQueryExecutionTime in virtuoso.ini (seconds, "
                         "0: none): it bounds updates too, and the switch is one update")),
        # Fuseki: /ds/query, /ds/update, /ds/data; `timeout` in seconds.
        Kind("fuseki", _replace_tail("/query", "/update"), _replace_tail("/query", "/data"),
             timeout_param=("timeout", 1.0),
             guarantees="TDB2: one update request is one transaction (serialisable writers, MVCC readers)"),
        # GraphDB: /repositories/<id>, updates at .../statements, Graph Store at .../rdf-graphs/service.
        Kind("graphdb", _replace_tail("", "/statements"), _replace_tail("", "/rdf-graphs/service"),
             timeout_param=("timeout", 1.0),
             guarantees="one update request is one transaction"),
        Kind("generic", _same, None, guarantees="whatever the server gives one update request (see its docs)"),
    )
}  # fmt: skip


def kind_named(name: str) -> Kind:
    try:
        return KINDS[name.strip().lower()]
    except KeyError:
        raise StoreError(f"unknown store kind {name!r}: one of {', '.join(KINDS)}") from None


@dataclass(frozen=True)
class Endpoint:
    """Where a remote store answers, and how to authenticate (secrets stay out of repr and logs)."""

    query_url: str
    update_url: str
    graph_store_url: str | None
    kind: Kind
    user: str = ""
    password: str = field(default="", repr=False)
    token: str = field(default="", repr=False)
    chunk: int = 50_000

    @classmethod
    def from_settings(cls, settings: Settings) -> Endpoint:
        kind = kind_named(settings.store_kind)
        query = settings.store_path
        update = settings.store_update_url or (kind.update_from(query) if kind.update_from else query)
        graph_store = settings.store_graph_store_url or (
            kind.graph_store_from(query) if kind.graph_store_from else None
        )
        return cls(query, update, graph_store, kind, settings.store_user, settings.store_password,
                   settings.store_token, settings.store_chunk)  # fmt: skip

    def auth(self) -> httpx.Auth | None:
        return httpx.BasicAuth(self.user, self.password) if self.user else None

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


_clients: dict[tuple[str, str, str], httpx.Client] = {}
_clients_lock = threading.Lock()


def shared_client(endpoint: Endpoint) -> httpx.Client:
    """One connection pool per set of credentials, for the whole process.

    Every RemoteStore of the process (a server's, a rebuild's, a reasoner's) reuses the same
    keep-alive connections, and none is left for the garbage collector to close.
    """
    key = (endpoint.user, endpoint.password, endpoint.token)
    with _clients_lock:
        if key not in _clients:
            # Uploads and dumps may take longer than a query: only queries carry the query timeout.
            _clients[key] = httpx.Client(auth=endpoint.auth(), headers=endpoint.headers(), timeout=600.0)
        return _clients[key]


@atexit.register
def _close_clients() -> None:
    """Close the pools' keep-alive connections at exit (else Python warns of unclosed sockets)."""
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_ALLOWED = re.compile(r"Only (\d+) are allowed")
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_OPAQUE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"\s]*>|#[^\n]*'
)


def switch_timeout(triples: int) -> float:
    """How long a switch of this many triples may take before we give up on it.

    The switch is one transaction whose time grows with the build (docs/deploy.md: 4 to 15 min per
    10^6 triples on Oxigraph's server on a busy 2-core host); a client that gives up first cannot
    tell whether it landed.
    """
    return 600.0 + SWITCH_SECONDS_PER_MILLION * triples / 1_000_000


def public_url(url: str) -> str:
    """The URL without credentials written into it (user:password@), fit to show and log."""
    parts = httpx.URL(url)
    return str(parts.copy_with(username=None, password=None)) if parts.userinfo else url


def bind_values(sparql: str, substitutions: dict[str, Any]) -> str:
    """The query with each variable bound by a VALUES block at the start of its WHERE clause, and
    written as its value where the WHERE clause uses it (inline_values).

    The protocol has no substitutions, and a trailing VALUES would join after GROUP BY; bound
    first in the pattern, a variable holds its value everywhere the pattern uses it, and the
    projection still has it.
    """
    if not substitutions:
        return sparql
    masked = _OPAQUE.sub(lambda m: " " * len(m.group(0)), sparql)
    where = _WHERE.search(masked)
    brace = where.end() if where else masked.find("{") + 1
    if brace <= 0:
        raise InvalidQuery("cannot bind parameters: the query has no group pattern")
    values = " ".join(f"VALUES ?{name} {{ {term_sparql(value)} }}" for name, value in substitutions.items())
    body = inline_values(sparql[brace:], masked[brace:], substitutions)
    return f"{sparql[:brace]} {values} {body}"


def inline_values(text: str, masked: str, substitutions: dict[str, Any]) -> str:
    """The WHERE clause's text (after its opening brace) with each bound variable written as its value.

    pyoxigraph's substitutions bind a variable before the query is planned; a VALUES block is only
    joined, so the engines plan the patterns without the value (Oxigraph's server: common_enemies in
    6.1 s, against 0.6 s with the values written in). Like substitutions, this leaves subqueries alone
    (their variables are their own), and it skips what must stay a variable: `AS ?v`, a VALUES
    block's variables. It ends at the WHERE clause's closing brace (GROUP BY ?v must stay).
    Blank nodes stay in VALUES only: written in a pattern, one would be a fresh variable.
    """
    terms = {name: term for name, value in substitutions.items() if not (term := term_sparql(value)).startswith("_:")}
    pieces: list[str] = []
    subquery_depths: list[int] = []  # the depth of each enclosing subquery's group
    depth, start = 1, 0
    for token in _BODY_TOKEN.finditer(masked):
        word = token.group(0)
        if word == "{":
            depth += 1
        elif word == "}":
            depth -= 1
            if subquery_depths and depth < subquery_depths[-1]:
                subquery_depths.pop()
            if depth == 0:
                break
        elif word.upper() == "SELECT":
            subquery_depths.append(depth)
        elif word[1:] in terms and not subquery_depths and not _must_stay_variable(masked, token.start()):
            pieces += [text[start : token.start()], terms[word[1:]]]
            start = token.end()
    return "".join([*pieces, text[start:]])


def _must_stay_variable(masked: str, at: int) -> bool:
    # Only the text just before the variable can make it a target (a window keeps this linear in the query).
    return _KEEP_VARIABLE.search(masked, max(0, at - 200), at) is not None


_BODY_TOKEN = re.compile(r"[{}]|[?$]\w+|\bSELECT\b", re.IGNORECASE)
# Before a variable that must stay one: a BIND or projection target, or a VALUES block's variables.
_KEEP_VARIABLE = re.compile(r"(?:\bAS|\bVALUES\s*\(?(?:\s*[?$]\w+)*)\s*$", re.IGNORECASE)


def has_relative_iri(sparql: str) -> bool:
    """Whether the text may hold a relative IRI (one without a scheme), which a BASE must resolve.

    The protocol carries no base IRI, so one is sent as a BASE line, but only when needed: the line
    would move the positions in the server's syntax errors off the user's text. A `<` that compares
    may look like an IRI here too: the BASE line is then sent, which does no harm.
    """
    # IRIs are kept whole (a `#` in one is not a comment); strings and comments are blanked.
    masked = _OPAQUE.sub(lambda m: m.group(0) if m.group(0)[0] == "<" else " ", sparql)
    return any(not _SCHEME.match(iri) for iri in _IRI.findall(masked))


_IRI = re.compile(r"<([^<>\"\s]*)>")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class LocalCopy:
    """A copy of our dataset in memory (RemoteStore.local_copy; None when too large): the switch marks and the
    counts per graph it was read under, when it was read and when last found current."""

    marks: SwitchMarks
    counts: dict[str, int]
    made: float
    checked: float
    store: GraphStore | None


MARKS_QUERY = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{MARKS}> {{ ?s ?p ?o }} }}"
_FENCE = threading.local()


@dataclass(frozen=True)
class SwitchMarks:
    """The switch marks as one reader saw them: the token of the last switch begun, and of the last settled.

    A sequence lock kept in a graph of the server (MARKS). A fenced write first marks its token
    begun (an update of its own, committed), then switches, then marks it settled, unless a later
    switch has begun meanwhile. A reader's answer is whole if the marks were quiet (begun ==
    settled) at some moment before its query and are the same after it: a switch's graphs change
    only once its begun mark has committed, and it is settled only once the switch has committed
    whole. Tokens are never reused, so the same marks after the query mean no switch in between.

    The check after the query is needed only for a query that ended more than READ_GRACE after
    the quiet marks were asked for: the writer lets SWITCH_GRACE pass between its begun mark and
    its switch, so a switch that had not begun when the marks were read cannot have changed a
    graph before then. A reader busy with short queries asks once per READ_GRACE, not per query.
    """

    begun: str | None = None
    settled: str | None = None
    # Begun longer ago than its writer would wait for the switch: the writer is gone, its switch done or undone.
    stale: bool = False
    # When (time.monotonic) the reader sent the question that these marks answer.
    asked_at: float = field(default=0.0, compare=False)

    @property
    def quiet(self) -> bool:
        return self.begun == self.settled or self.stale


@contextmanager
def unfenced() -> Iterator[None]:
    """Within: this thread's updates are not fenced (SwitchMarks): for work that writes only staging graphs,
    which no reader sees (the reasoner's rounds on a server), so that each update saves the marks and the grace."""
    _FENCE.scratch = True
    try:
        yield
    finally:
        _FENCE.scratch = False


class RemoteStore:
    """A SPARQL 1.1 server as a Store: queries, updates, Graph Store reads and writes, atomic switches."""

    remote = True
    location: Path | None = None

    def __init__(
        self, endpoint: Endpoint, *, read_only: bool = True, timeout: float | None = 30.0,
        client: httpx.Client | None = None,
    ) -> None:  # fmt: skip
        self.endpoint = endpoint
        self.read_only = read_only
        self.timeout = timeout
        self._client = client or shared_client(endpoint)
        self._graphs: tuple[float, list[str]] | None = None
        self._lock = threading.Lock()
        self._marks: SwitchMarks | None = None  # the switch marks seen last (Kind.fenced)
        self._copy: LocalCopy | None = None

    @classmethod
    def from_settings(cls, settings: Settings, *, read_only: bool | None = None) -> RemoteStore:
        return cls(Endpoint.from_settings(settings), read_only=settings.read_only if read_only is None else read_only,
                   timeout=settings.query_timeout)  # fmt: skip

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint.kind.name} at {self.endpoint.query_url})"

    def describe(self) -> str:
        return f"{self.endpoint.kind.name} SPARQL server at {public_url(self.endpoint.query_url)}"

    def switch_isolated(self) -> bool:
        """Whether our readers see a switch whole: by the server's transactions, or by the switch marks."""
        kind = self.endpoint.kind
        return kind.isolated_switch or kind.fenced

    # ---------------------------------------------------------------- switch marks (Kind.fenced)

    def read_marks(self) -> SwitchMarks:
        """The switch marks now (one query; a second, for the server's clock, while a switch is under way)."""
        asked_at = time.monotonic()
        found = {(str(row[0].value), str(row[1].value)): str(row[2].value)
                 for row in as_solutions(self._post_query(MARKS_QUERY, {}))}  # fmt: skip
        marks = SwitchMarks(found.get((BEGUN, TOKEN)), found.get((SETTLED, TOKEN)), asked_at=asked_at)
        if marks.quiet or (BEGUN, BEGUN_AT) not in found:
            return marks
        rows = as_solutions(self._post_query("SELECT (NOW() AS ?now) WHERE {}", {}))
        now = next(iter(rows))[0]
        started, current = (datetime.fromisoformat(t).replace(tzinfo=None) for t in (found[(BEGUN, BEGUN_AT)],
                                                                                     str(now.value)))  # fmt: skip
        return replace(marks, stale=(current - started).total_seconds() > float(found.get((BEGUN, BUDGET), 0)))

    def consistent(self, read: Callable[[], R]) -> R:
        """read(), run again until no fenced switch began or was under way while it ran (SwitchMarks)."""
        if not self.endpoint.kind.fenced or getattr(_FENCE, "inside", False):
            return read()
        deadline = time.monotonic() + (self.timeout or 30.0)
        # Marks seen quiet at any earlier moment will do as "before": the same marks after the read still prove it.
        before = self._marks
        if before is None or not before.quiet:
            before = self._marks = self.read_marks()
        _FENCE.inside = True
        try:
            while True:
                if before.quiet:
                    result = read()
                    if time.monotonic() - before.asked_at < READ_GRACE:
                        return result
                    after = self._marks = self.read_marks()
                    if after == before:
                        return result
                    before = after
                    continue
                if time.monotonic() >= deadline:
                    raise StoreTimeout("a build is switching graphs on the store and has not finished within "
                                       f"{self.timeout or 30.0:g} s; try again when it has")  # fmt: skip
                time.sleep(FENCE_POLL)
                before = self._marks = self.read_marks()
        finally:
            _FENCE.inside = False

    @contextmanager
    def fenced_write(self, triples: int) -> Iterator[None]:
        """Mark a switch begun, let the caller switch, then mark it settled (Kind.fenced; else nothing)."""
        if not self.endpoint.kind.fenced or getattr(_FENCE, "scratch", False):
            yield
            return
        token = uuid.uuid4().hex
        self.mark_begun(token, switch_timeout(triples))
        time.sleep(SWITCH_GRACE)  # readers that saw the marks quiet just before trust answers read within READ_GRACE
        try:
            yield
        except BaseException:
            # A failed switch leaves the old graphs: it is over too. If the server is gone, readers wait for the
            # mark to go stale (its budget) or for the next write to settle it.
            with suppress(StoreError):
                self._settle(token)
            raise
        self._settle(token)

    def mark_begun(self, token: str, budget: float) -> None:
        """Mark the switch of token begun, at the server's time, to be over within budget seconds."""
        self._update(
            f"DELETE WHERE {{ GRAPH <{MARKS}> {{ <{BEGUN}> ?p ?o }} }} ;\n"
            f'INSERT {{ GRAPH <{MARKS}> {{ <{BEGUN}> <{TOKEN}> "{token}" ; <{BEGUN_AT}> ?now ; '
            f"<{BUDGET}> {budget:.0f} }} }} WHERE {{ BIND(NOW() AS ?now) }}",
            timeout=None,
        )

    def _settle(self, token: str) -> None:
        """Mark the switch of token settled, unless a later one has begun (which then settles itself)."""
        mine = f'GRAPH <{MARKS}> {{ <{BEGUN}> <{TOKEN}> "{token}" }}'
        self._update(
            f"DELETE {{ GRAPH <{MARKS}> {{ <{SETTLED}> <{TOKEN}> ?old }} }} "
            f"WHERE {{ {mine} GRAPH <{MARKS}> {{ <{SETTLED}> <{TOKEN}> ?old }} }} ;\n"
            f'INSERT {{ GRAPH <{MARKS}> {{ <{SETTLED}> <{TOKEN}> "{token}" }} }} WHERE {{ {mine} }}',
            timeout=None,
        )

    # ---------------------------------------------------------------- HTTP

    def _send(self, method: str, url: str, *, timeout: float | None = None, **kwargs: Any) -> httpx.Response:
        """One request, again after a lost deadlock (rolled back whole, so safe to repeat); see _send_once."""
        deadlock = self.endpoint.kind.deadlock
        for attempt in range(DEADLOCK_RETRIES):
            try:
                return self._send_once(method, url, timeout=timeout, **kwargs)
            except StoreError as exc:
                if deadlock is None or deadlock not in str(exc) or attempt == DEADLOCK_RETRIES - 1:
                    raise
                # Repeatable-read readers and a switch can deadlock; the server rolled our request back.
                LOG.info("the store chose our request as a deadlock victim; trying again (%d)", attempt + 1)
                time.sleep(min(0.1 * 2**attempt, 2.0))  # about 17 s in all
        raise AssertionError("unreachable")

    def _send_once(self, method: str, url: str, *, timeout: float | None = None, **kwargs: Any) -> httpx.Response:
        """One request; transport failures and timeouts become StoreError/StoreTimeout, HTTP errors too."""
        try:
            response = self._client.request(method, url, timeout=timeout or self._client.timeout, **kwargs)
        except httpx.TimeoutException as exc:
            raise StoreTimeout(f"the {self.endpoint.kind.name} store did not answer within {timeout:g} s"
                               if timeout else f"the store timed out: {exc}") from exc  # fmt: skip
        except httpx.HTTPError as exc:
            raise StoreError(f"cannot reach the store at {public_url(str(url))}: {exc}") from exc
        if response.status_code == 400:
            raise InvalidQuery(f"the store refused the request: {response.text.strip()[:2000]}")
        if response.status_code == 500 and response.text.startswith(self.endpoint.kind.query_errors or ("\0",)):
            refused = self.endpoint.kind.limit_refused
            if refused and refused in response.text[:200]:
                allowed = _ALLOWED.search(response.text[:500])  # Virtuoso: "Only 10000 are allowed"
                raise LimitRefused(f"the store refused the row limit: {response.text.strip()[:500]}",
                                   int(allowed.group(1)) if allowed else None)  # fmt: skip
            raise QueryEvaluationError(f"the store cannot evaluate the request: {response.text.strip()[:2000]}")
        if response.status_code in (401, 403):
            raise StoreError(
                f"the store refused our credentials ({response.status_code}) at {public_url(str(url))}: "
                "check store_user/store_password or store_token"
            )
        if response.status_code >= 400 and response.status_code != 404:
            hints = [hint for code, hint in self.endpoint.kind.setting_errors if code in response.text]
            raise StoreError(f"the store answered {response.status_code}: {response.text.strip()[:2000]}"
                             + "".join(f"\n({hint})" for hint in hints))  # fmt: skip
        return response

    # ---------------------------------------------------------------- reading

    def visible_graphs(self) -> list[str]:
        """Our dataset's named graphs: every graph but the server's own, staging and marks (cached a second)."""
        now = time.monotonic()
        cached = self._graphs
        if cached is not None and now - cached[0] < 1.0:
            return cached[1]
        # Kind.graphs_query; its default says GROUP BY, not DISTINCT: Virtuoso plans DISTINCT ?g as a scan of
        # every quad (25 s on 10^5 quads).
        data = self._post_query(self.endpoint.kind.graphs_query, {})
        hidden = (STAGING, MARKS, *self.endpoint.kind.system_graphs)
        graphs = sorted(row[0].value for row in as_solutions(data) if not str(row[0].value).startswith(hidden))
        self._graphs = (now, graphs)
        return graphs

    def _forget_graphs(self) -> None:
        self._graphs = None

    def _post_query(self, sparql: str, params: dict[str, Any]) -> QueryResult:
        kind = self.endpoint.kind
        form: dict[str, Any] = {"query": sparql, **params}
        # One family per query form: offered both, Virtuoso answers a CONSTRUCT's Accept with 406.
        found = _FORM.search(_OPAQUE.sub(" ", sparql))
        graph_form = found is not None and found.group(1).upper() in ("CONSTRUCT", "DESCRIBE")
        if self.timeout and kind.timeout_param:
            name, unit = kind.timeout_param
            form[name] = str(int(self.timeout * unit)) if unit > 1 else f"{self.timeout:g}"
        # A little more than the server's own bound, so the server's answer (an error) comes first.
        wait = self.timeout + 2.0 if self.timeout else None
        response = self._send("POST", self.endpoint.query_url, data=form, timeout=wait,
                              headers={"Accept": RDF_ACCEPT if graph_form else kind.results})  # fmt: skip
        if response.status_code == 404:
            raise StoreError(f"no SPARQL endpoint at {self.endpoint.query_url}")
        if kind.partial_header and response.headers.get(kind.partial_header):
            raise StoreTimeout(f"the store ran out of time ({response.headers[kind.partial_header]}); "
                               "it gave partial results, which we do not pass on")  # fmt: skip
        if kind.cancelled and response.content.rstrip().endswith(kind.cancelled):
            raise StoreTimeout("the store stopped the query at its own time limit and broke off its answer")
        return parse_results(response.content, response.headers.get("Content-Type", kind.results))

    def query(
        self,
        sparql: str,
        *,
        substitutions: dict[str, Any] | None = None,
        union_default: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        prefixes: dict[str, str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run a SPARQL query on the server, with the embedded store's dataset rules (see module doc)."""
        check_query_shape(sparql)
        text = bind_values(sparql, substitutions or {})
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in (prefixes or {}).items())
        if base_iri and has_relative_iri(text):
            prologue = f"BASE <{base_iri}>\n" + prologue
        params: dict[str, Any] = {}
        if default_graphs is not None:
            params["default-graph-uri"] = default_graphs
            params["named-graph-uri"] = named_graphs or []
        elif union_default:
            graphs = self.visible_graphs() or [STAGING + "none"]  # an empty store: an empty, named dataset
            params["default-graph-uri"] = graphs
            params["named-graph-uri"] = named_graphs or graphs
        elif named_graphs:
            params["named-graph-uri"] = named_graphs
        return self.consistent(lambda: self._post_query(prologue + text, params))

    def select(self, sparql: str, **kwargs: Any) -> Solutions:
        return as_solutions(self.query(sparql, **kwargs))

    def ask(self, sparql: str, **kwargs: Any) -> bool:
        result = self.query(sparql, **kwargs)
        if not is_boolean(result):
            raise InvalidQuery("expected an ASK query")
        return bool(result)

    def construct(self, sparql: str, **kwargs: Any) -> Triples:
        result = self.query(sparql, **kwargs)
        if not is_triples(result):
            raise InvalidQuery("expected a CONSTRUCT or DESCRIBE query")
        return result

    def named_graphs(self) -> list[str]:
        return list(self.visible_graphs())

    def counts_per_graph(self) -> dict[str, int]:
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        wanted = set(self.visible_graphs())
        return {row[0].value: int(row[1].value) for row in rows if row[0].value in wanted}

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return sum(self.counts_per_graph().values())
        rows = self.consistent(
            lambda: self._post_query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", {})
        )
        return next((int(row[0].value) for row in as_solutions(rows)), 0)

    def outgoing(self, subject: str) -> list[tuple[Any, Any]]:
        rows = self.select(f"SELECT DISTINCT ?p ?o WHERE {{ <{subject}> ?p ?o }}")
        return [(row[0], row[1]) for row in rows]

    def graph_exists(self, graph: str | None) -> bool:
        return graph is None or self.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", default_graphs=[],
                                         named_graphs=[graph])  # fmt: skip

    def graph_ntriples(self, graph: str | None) -> bytes:
        """One graph (None: the server's default graph) as N-Triples, by the Graph Store or a CONSTRUCT."""
        return self.consistent(lambda: self._graph_ntriples(graph))

    def _graph_ntriples(self, graph: str | None) -> bytes:
        store_url = self.endpoint.graph_store_url
        if store_url:
            params = {"graph": graph} if graph else {"default": ""}
            response = self._send("GET", store_url, params=params, headers={"Accept": RDF_ACCEPT})
            if response.status_code == 404:
                return b""
            media = response.headers.get("Content-Type", "application/n-triples").split(";")[0].strip()
            return response.content if media == "application/n-triples" else convert_rdf(
                response.content, "turtle", "ntriples")  # fmt: skip
        pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        triples = self._post_query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} }}", {})
        buffer = io.BytesIO()
        serialize_results(triples, buffer, "ntriples")
        return buffer.getvalue()

    def snapshot(self) -> GraphStore:
        """Every graph of our dataset copied into an in-memory store (export, reasoning, copy)."""
        return self.consistent(self._snapshot)

    def local_copy(self, max_quads: int) -> GraphStore | None:
        """Our dataset in memory, for the named queries this kind answers wrongly (Kind.wrong_answers); None
        when it holds more than max_quads.

        Reading it takes about 10 s per 10^6 quads (docs/deploy.md), so it is reused while the switch marks
        show no write of ours since. A client writing to the server directly moves no mark: every COPY_CHECK
        seconds the store's quads per graph are counted (one small query), and the copy is read again when
        they changed, or at the latest after COPY_MAX_AGE.
        """
        marks = self.read_marks()
        cached, now = self._copy, time.monotonic()
        if cached is not None and cached.marks == marks and marks.quiet and now - cached.made < COPY_MAX_AGE:
            if now - cached.checked < COPY_CHECK:
                return cached.store
            counts = self.counts_per_graph()
            if counts == cached.counts:
                self._copy = replace(cached, checked=now)
                return cached.store
        else:
            counts = self.counts_per_graph()
        copy = self.snapshot() if sum(counts.values()) <= max_quads else None
        self._copy = LocalCopy(marks, counts, now, now, copy)
        return copy

    def _snapshot(self) -> GraphStore:
        copy = GraphStore.memory()
        for graph in self.visible_graphs():
            copy.load(self._graph_ntriples(graph), "ntriples", graph, trusted=True)
        return copy

    def dump(self, output: IO[bytes], fmt: str = "nquads", graph: str | None = None) -> None:
        if graph is not None:
            self.dump_graph(output, fmt, graph)
            return
        self.snapshot().dump(output, fmt)

    def dump_with(self, output: IO[bytes], fmt: str, *, extra_ntriples: str, extra_graph: str) -> None:
        self.snapshot().dump_with(output, fmt, extra_ntriples=extra_ntriples, extra_graph=extra_graph)

    def dump_graph(self, output: IO[bytes], fmt: str, graph: str | None) -> None:
        data = self.graph_ntriples(graph)
        output.write(data if fmt == "ntriples" else convert_rdf(data, "ntriples", fmt))

    # ---------------------------------------------------------------- writing

    def _check_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyStore("the store is open read-only")

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run SPARQL Update on the server: one request, one transaction on the kinds that say so."""
        text = f"BASE <{base_iri}>\n{sparql}" if base_iri and has_relative_iri(sparql) else sparql
        with self.fenced_write(0):
            self._update(text, timeout=None)

    def _update(self, text: str, *, timeout: float | None) -> None:
        """One update request, waiting up to timeout seconds (None: the client's 600 s)."""
        self._check_writable()
        check_query_shape(text)
        kind = self.endpoint.kind
        try:
            response = self._send("POST", self.endpoint.update_url, data={"update": text}, timeout=timeout)
        except StoreError as exc:
            if kind.time_limit and kind.time_limit[0] in str(exc):
                # Rolled back whole (measured: the old graphs stay), but only a setting of the server lets it pass.
                limit = kind.time_limit[1]
                raise StoreError(f"the store stopped the update at its time limit; {limit}: {exc}") from exc
            raise
        finally:
            self._forget_graphs()
        if response.status_code == 404:
            raise StoreError(f"no SPARQL Update endpoint at {self.endpoint.update_url}")
        if kind.partial_header and response.headers.get(kind.partial_header):
            # Virtuoso's "anytime" answer: it committed what it had done when time ran out. We never send the
            # timeout parameter that turns this on for updates, so this means the server's settings do.
            raise StoreError(f"the store ended the update part way and kept that part "
                             f"({response.headers[kind.partial_header]}): check the server's timeouts")  # fmt: skip

    def flush(self) -> None:
        """Nothing to flush: the server commits each request."""

    def upload(self, graph: str, ntriples: bytes, progress: Progress = lambda _d, _t: None, done: int = 0,
               total: int = 0) -> int:  # fmt: skip
        """Add N-Triples to a graph in chunks (Graph Store POST, or INSERT DATA); returns triples sent."""
        self._check_writable()
        sent = 0
        for chunk in ntriples_chunks(ntriples, self.endpoint.chunk):
            if not chunk.strip():
                continue
            if self.endpoint.graph_store_url:
                params = (("graph", graph), *self.endpoint.kind.upload_params)
                self._send("POST", self.endpoint.graph_store_url, params=params, content=chunk,
                           headers={"Content-Type": "application/n-triples"})  # fmt: skip
            else:
                body = chunk.decode("utf-8")
                self._send("POST", self.endpoint.update_url,
                           data={"update": f"INSERT DATA {{ GRAPH <{graph}> {{ {body} }} }}"})  # fmt: skip
            sent += chunk.count(b"\n")
            progress(done + sent, total)
        self._forget_graphs()
        return sent

    def switch(self, graphs: dict[str, bytes], *, drop: Iterable[str] = (), progress: Progress = lambda _d, _t: None
               ) -> None:  # fmt: skip
        """Replace graphs (IRI -> N-Triples) and drop others, readers seeing old or new and never half.

        Each graph goes to a staging name first; one update request then puts every staging graph
        in place of its target and drops the graphs in drop. On any failure the staging graphs are
        removed and the old graphs stay as they were.
        """
        self._check_writable()
        build = uuid.uuid4().hex[:12]
        staged = {graph: f"{STAGING}{build}:{index}" for index, graph in enumerate(graphs)}
        total = sum(data.count(b"\n") for data in graphs.values())
        try:
            done = 0
            for graph, data in graphs.items():
                done += self.upload(staged[graph], data, progress, done, total)
            drops = [f"DROP SILENT GRAPH <{graph}>" for graph in drop if graph not in graphs]
            # An empty graph was never created under its staging name: MOVE SILENT of nothing is a no-op,
            # so a graph replaced by nothing must be dropped explicitly.
            drops += [f"DROP SILENT GRAPH <{graph}>" for graph, data in graphs.items() if not data.strip()]
            if not self.switch_isolated():
                LOG.warning(
                    "readers of %s may see this switch half done (%s)", self.describe(), self.endpoint.kind.guarantees
                )
            started = time.monotonic()
            # Only graphs with triples are put in place: an empty one is dropped above, and must not come back
            # as an empty named graph (Oxigraph lists those: Kind.graphs_query).
            filled = {graph: staging for graph, staging in staged.items() if graphs[graph].strip()}
            with self.fenced_write(total):
                self._update(" ;\n".join([*drops, *self.switch_statements(filled)]), timeout=switch_timeout(total))
            LOG.info("switched %d triples in %.1f s", total, time.monotonic() - started)
        except BaseException:
            self._drop_staging(staged.values())
            raise
        if self.endpoint.kind.switch_form == "add":
            # The new graphs are in place; the staging copies, invisible to readers, go in a request of their own.
            self._drop_staging(staged.values())

    def switch_statements(self, staged: dict[str, str]) -> list[str]:
        """The update operations that put each staging graph in place of its target (Kind.switch_form)."""
        if self.endpoint.kind.switch_form == "add":
            return [
                f"DROP SILENT GRAPH <{graph}> ;\nADD SILENT <{staging}> TO <{graph}>"
                for graph, staging in staged.items()
            ]
        return [f"MOVE SILENT <{staging}> TO <{graph}>" for graph, staging in staged.items()]

    def _drop_staging(self, graphs: Iterable[str]) -> None:
        # If the server is gone, the staging graphs stay: invisible to readers, and unique to this build.
        with suppress(StoreError):
            self._update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs), timeout=None)

    def publish(self, dataset: GraphStore, progress: Progress = lambda _d, _t: None, keep: Iterable[str] = ()) -> None:
        """Make our graphs on the server those of dataset, in one switch (a build); graphs in keep stay."""
        kept = set(keep) - set(dataset.named_graphs())
        ours = [g for g in self.visible_graphs() if g.startswith(v.GRAPH) and g not in kept]
        graphs = {}
        for graph in dataset.named_graphs():
            buffer = io.BytesIO()
            dataset.dump(buffer, "ntriples", graph=graph)
            graphs[graph] = buffer.getvalue()
        self.switch(graphs, drop=ours, progress=progress)

    def load(self, data: bytes | str | IO[bytes], fmt: str = "nquads", graph: str | None = None, *,
             trusted: bool = False) -> None:  # fmt: skip
        """Add RDF to the server (per graph; a triple format to graph, or to the default graph)."""
        if graph is None and fmt not in ("nquads", "trig"):
            payload = data if isinstance(data, bytes | str) else data.read()
            self.write_graph(None, payload, fmt, replace=False)
            return
        staged = GraphStore.memory()
        staged.load(data, fmt, graph, trusted=trusted)
        # Marked like a switch (not one transaction, though): copies of the dataset (local_copy) are read again.
        with self.fenced_write(staged.count()):
            for name in staged.named_graphs():
                buffer = io.BytesIO()
                staged.dump(buffer, "ntriples", graph=name)
                self.upload(name, buffer.getvalue())

    def replace_graph(self, graph: str, data: bytes | str, fmt: str = "ntriples") -> None:
        self.write_graph(graph, data, fmt, replace=True)

    def write_graph(self, graph: str | None, data: bytes | str, fmt: str, *, replace: bool) -> int:
        """Replace or extend one graph; a replacement is staged and switched in. Returns the triples written."""
        self._check_writable()
        ntriples, count = to_ntriples(data, fmt, base_iri=graph)
        if graph is None:
            body = ntriples.decode("utf-8")
            self.update(("CLEAR SILENT DEFAULT ;\n" if replace else "") + f"INSERT DATA {{ {body} }}")
        elif replace:
            self.switch({graph: ntriples})
        else:
            with self.fenced_write(count):  # as in load
                self.upload(graph, ntriples)
        return count

    def drop_graph(self, graph: str | None) -> bool:
        self._check_writable()
        if graph is not None and not self.graph_exists(graph):
            return False
        # SILENT: Virtuoso refuses DROP GRAPH of a graph it holds triples of but was never CREATEd.
        self.update("CLEAR SILENT DEFAULT" if graph is None else f"DROP SILENT GRAPH <{graph}>")
        return True
