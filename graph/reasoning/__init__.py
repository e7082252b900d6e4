"""OWL 2 RL inference: the rule files run to a fixpoint, with an explanation per triple.

Rooms, in the order a closure uses them:

- ``rules``: the rule file format (``queries/rules/<rule-id>.rq``) and which rules can fire;
- ``fixpoint``: the Python engine (the default), the rule bodies compiled into loops over hash indexes;
- ``sparql``: the SPARQL engine, the same rounds as SPARQL updates inside Oxigraph;
- ``explanations``: a derivation per inferred triple, ``explain`` and the clash finder (cax-dw);
- ``closure``: ``materialise`` (either engine, then explanations) and ``infer`` (plus the alliance
  conclusions), written into ``…/graph/inferred`` and never into an asserted graph.

Callers import from here: ``from actorgraph.graph.reasoning import infer``.
"""

from __future__ import annotations

from actorgraph.graph.reasoning.closure import (
    ENGINES,
    FASTER_STRATEGY,
    STRATEGIES,
    ClosureReport,
    InferenceReport,
    infer,
    infer_on_server,
    materialise,
    reason_in_memory,
    remote_strategy,
)
from actorgraph.graph.reasoning.explanations import Clash, Step, clashes, compact, explain, rule_counts, triple_iri
from actorgraph.graph.reasoning.fixpoint import graphs_ntriples
from actorgraph.graph.reasoning.rules import INPUT_GRAPHS, MAX_ROUNDS, Rule, load_rules, parse_rule
from actorgraph.graph.reasoning.sparql import count_inferred, inferred_triples

__all__ = [
    "ENGINES",
    "FASTER_STRATEGY",
    "INPUT_GRAPHS",
    "MAX_ROUNDS",
    "STRATEGIES",
    "Clash",
    "ClosureReport",
    "InferenceReport",
    "Rule",
    "Step",
    "clashes",
    "compact",
    "count_inferred",
    "explain",
    "graphs_ntriples",
    "infer",
    "infer_on_server",
    "inferred_triples",
    "load_rules",
    "materialise",
    "parse_rule",
    "reason_in_memory",
    "remote_strategy",
    "rule_counts",
    "triple_iri",
]
