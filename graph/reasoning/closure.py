"""The OWL 2 RL closure with either engine, its explanations, and everything the reasoner writes.

``materialise`` replaces ``…/graph/inferred`` with the closure of the input graphs: the rounds
come from the Python engine (the default, actorgraph.graph.reasoning.fixpoint) or the SPARQL
engine (actorgraph.graph.reasoning.sparql), then are explained round by round in SPARQL.
``infer`` adds the alliance conclusions (ties, triads, hypotheses); ``reason_in_memory`` runs
it on a copy in memory and hands back the inferred graph, for stores on disk.

On a remote store ``infer`` has two strategies (STRATEGIES): "copy" reads our graphs, reasons in
this process and writes the inferred graph back in one staged switch; "server" runs the rule
files as SPARQL Update on the server into a scratch graph readers do not see, then moves it in
with one update. Which is faster depends on the kind of server (FASTER_STRATEGY, measured by
benchmarks/backends.py; docs/deploy.md).
"""

from __future__ import annotations

import io
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from actorgraph.graph.alliances.conclusions import AllianceAnalysis, write_conclusions
from actorgraph.graph.errors import KGError
from actorgraph.graph.reasoning.explanations import describe_rules, explain_rounds, link_premises, rule_counts
from actorgraph.graph.reasoning.fixpoint import python_closure_rounds
from actorgraph.graph.reasoning.rules import INPUT_GRAPHS, MAX_ROUNDS, Rule, load_rules
from actorgraph.graph.reasoning.sparql import ROUND_BASE, closure_rounds, count_inferred, count_quads, round_graph
from actorgraph.graph.remote import STAGING, unfenced
from actorgraph.graph.store import GraphStore, Store
from actorgraph.ontology import vocab as v

ENGINES = ("python", "sparql")
STRATEGIES = ("copy", "server")
# The faster strategy per kind of server on our graph (benchmarks/backends.py --reasoning: copy 2.0-2.1x
# faster on both, three runs). On a synthetic workload whose closure is 3x its input, server was 2x faster
# on Virtuoso (docs/deploy.md); kinds not measured here read and write back.
FASTER_STRATEGY: dict[str, str] = {"oxigraph": "copy", "virtuoso": "copy"}


def remote_strategy(kind: str, setting: str = "") -> str:
    """The strategy to reason over a remote store of a kind: the setting, or else the faster one measured.

    Raises KGError for an unknown strategy.
    """
    chosen = setting.strip().lower() or FASTER_STRATEGY.get(kind, "copy")
    if chosen not in STRATEGIES:
        raise KGError(f"unknown reasoning strategy {setting!r}: choose one of {', '.join(STRATEGIES)}")
    return chosen


@dataclass
class ClosureReport:
    """What a closure run did: rounds, new triples (conclusions only), explanation size, time."""

    rounds: int
    inferred: int
    quads: int
    seconds: float
    closure_seconds: float = 0.0
    per_rule: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"OWL 2 RL closure: {self.inferred} inferred triples in {self.rounds} rounds, "
            f"{self.quads} quads with explanations, {self.seconds:.2f} s "
            f"({self.closure_seconds:.2f} s closure, the rest explanations)"
        )


def materialise(
    store: Store,
    *,
    graphs: Iterable[str] = INPUT_GRAPHS,
    target: str = v.INFERRED_GRAPH,
    explain: bool = True,
    rules: Iterable[Rule] | None = None,
    max_rounds: int = MAX_ROUNDS,
    engine: str = "python",
    round_base: str = ROUND_BASE,
) -> ClosureReport:
    """Replace the target graph with the OWL 2 RL closure of the input graphs (conclusions and explanations).

    engine "python" computes the rounds in Python and writes each new triple once; "sparql" runs the rule
    files as SPARQL updates inside the store (embedded, or a server: then only "sparql"). Both give
    the same rounds, hence the same triples and explanations. Raises KGError when the fixpoint is
    not reached within max_rounds, or for an unknown engine.
    """
    started = time.perf_counter()
    graphs = tuple(graphs)
    chosen = tuple(rules) if rules is not None else load_rules()
    store.update(f"DROP SILENT GRAPH <{target}>")
    sizes: list[int] | None = None  # the size of each round, when known without counting in the store
    if engine == "sparql":
        rounds = closure_rounds(store, graphs, chosen, max_rounds, round_base)
    elif engine == "python" and isinstance(store, GraphStore):
        # with explanations, the rounds stay apart (they are explained round by round, in SPARQL)
        sizes = python_closure_rounds(
            store, graphs, chosen, round_graph if explain else (lambda _number: target), max_rounds
        )
        rounds = [round_graph(number) for number in range(1, len(sizes) + 1)] if explain else []
    elif engine == "python":
        raise KGError("the python engine reasons in this process: on a server, use the sparql engine")
    else:
        raise KGError(f"unknown reasoning engine {engine!r}: choose one of {', '.join(ENGINES)}")
    closure_seconds = time.perf_counter() - started
    if explain:
        explain_rounds(store, graphs, rounds, chosen, target)
    for new in rounds:
        store.update(f"ADD SILENT <{new}> TO <{target}>")
        store.update(f"DROP SILENT GRAPH <{new}>")
    if explain:
        describe_rules(store, chosen, target)
        link_premises(store, graphs, target)
    # without explanations the python engine's target holds its conclusions and nothing else
    counted = sizes is not None and not explain
    inferred = sum(sizes or ()) if counted else count_inferred(store, target)
    report = ClosureReport(
        rounds=(len(sizes) if sizes is not None else len(rounds)) + 1,
        inferred=inferred,
        quads=inferred if counted else count_quads(store, target),
        seconds=time.perf_counter() - started,
        closure_seconds=closure_seconds,
    )
    if explain:
        report.per_rule = rule_counts(store, target)
    return report


@dataclass
class InferenceReport:
    """The OWL 2 RL closure and the alliance conclusions written into the inferred graph."""

    closure: ClosureReport
    triads: int
    seconds: float

    def summary(self) -> str:
        return f"{self.closure.summary()}; {self.triads} triads and their hypotheses in {self.seconds:.2f} s in all"


def infer(store: Store, *, explain: bool = True, strategy: str = "copy") -> InferenceReport:
    """Replace …/graph/inferred: the OWL 2 RL closure with explanations, then ties, triads and hypotheses.

    An on-disk store, and a remote one with strategy "copy", is reasoned over in memory
    (reason_in_memory) and only the inferred graph is written back, in one transaction (on a
    remote store, one staged switch). With strategy "server" a remote store reasons itself
    (infer_on_server). Raises KGError for an unknown strategy.
    """
    if isinstance(store, GraphStore) and store.location is None:
        return _infer_here(store, explain=explain)
    if strategy not in STRATEGIES:
        raise KGError(f"unknown reasoning strategy {strategy!r}: choose one of {', '.join(STRATEGIES)}")
    if strategy == "server" and store.remote:
        return infer_on_server(store, explain=explain)
    buffer = io.BytesIO()
    store.dump(buffer, "nquads")
    report, inferred = reason_in_memory(buffer.getvalue(), explain=explain)
    store.replace_graph(v.INFERRED_GRAPH, inferred, "ntriples")
    return report


def reason_in_memory(nquads: bytes, *, explain: bool = True) -> tuple[InferenceReport, bytes]:
    """Infer over a copy of a dataset (N-Quads) in memory; returns the report and the inferred graph (N-Triples).

    On disk the rounds would be hundreds of small updates, each a RocksDB transaction: callers
    reason on the copy, then write the inferred graph once (infer) or into a new build (reason_store).
    """
    work = GraphStore.memory()
    work.load(nquads, "nquads")
    report = _infer_here(work, explain=explain)
    inferred = io.BytesIO()
    work.dump(inferred, "ntriples", graph=v.INFERRED_GRAPH)
    return report, inferred.getvalue()


def infer_on_server(store: Store, *, explain: bool = True) -> InferenceReport:
    """The closure as SPARQL updates on the server, the alliance conclusions from what it then holds.

    Everything is written under scratch names readers do not see (like a build's staging graphs),
    then one update moves the result onto …/graph/inferred: readers see the old inferred graph or
    the new one, as the kind guarantees for a switch. The alliance conclusions are not rules: they
    are computed here from a copy of the statements and the new closure, as the server's analytics
    are (some servers do not evaluate the analysis's path queries), then uploaded to the scratch graph.
    On failure the scratch graphs are dropped and the old inferred graph stays.
    """
    started = time.perf_counter()
    scratch = f"{STAGING}reason:{uuid.uuid4().hex[:12]}"
    target = f"{scratch}:inferred"
    round_base = f"{scratch}:round:"
    try:
        with unfenced():  # every write until the move goes to the scratch graphs
            closure = materialise(store, target=target, explain=explain, engine="sparql", round_base=round_base)
            analysis = AllianceAnalysis(_statements_with(store, target))
            triads = write_conclusions(store, analysis, graph=target)
        store.update(f"DROP SILENT GRAPH <{v.INFERRED_GRAPH}> ;\nMOVE SILENT <{target}> TO <{v.INFERRED_GRAPH}>")
    except BaseException:
        # the rounds too: a closure that failed midway leaves some (each name is unique to this run)
        rounds = [round_graph(number, round_base) for number in range(1, MAX_ROUNDS + 1)]
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in (target, *rounds)))
        raise
    return InferenceReport(closure, triads, time.perf_counter() - started)


def _statements_with(store: Store, inferred: str) -> GraphStore:
    """Our graphs, the old inferred graph left out and the graph inferred replacing it, copied into memory."""
    copy = GraphStore.memory()
    for graph in store.named_graphs():
        if graph != v.INFERRED_GRAPH:
            _copy_graph(store, graph, graph, copy)
    _copy_graph(store, inferred, v.INFERRED_GRAPH, copy)
    return copy


def _copy_graph(store: Store, graph: str, name: str, copy: GraphStore) -> None:
    buffer = io.BytesIO()
    store.dump_graph(buffer, "ntriples", graph)
    copy.load(buffer.getvalue(), "ntriples", name, trusted=True)


def _infer_here(store: GraphStore, *, explain: bool) -> InferenceReport:
    """The closure, then the alliance conclusions, written into the store's own inferred graph."""
    started = time.perf_counter()
    closure = materialise(store, explain=explain)
    triads = write_conclusions(store)
    return InferenceReport(closure, triads, time.perf_counter() - started)
