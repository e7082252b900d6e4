"""The SPARQL files shipped with ActorGraph: named queries (``*.rq``) and reasoning rules (``rules/*.rq``).

Data and its loaders only: the header format of a named query and its parameters are read by
actorgraph.graph.named_queries, the rule format by actorgraph.graph.reasoning.rules.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable


def folder() -> Traversable:
    """The folder of the named queries (rules are in its ``rules`` subfolder)."""
    return resources.files(__name__)


def _rq_texts(where: Traversable) -> dict[str, str]:
    """Name (the file name without ``.rq``) -> text of every ``.rq`` file in a folder, sorted by name."""
    entries = sorted((e for e in where.iterdir() if e.name.endswith(".rq")), key=lambda e: e.name)
    return {entry.name[:-3]: entry.read_text(encoding="utf-8") for entry in entries}


def query_texts() -> dict[str, str]:
    """Every named query file: name -> SPARQL text (with its header)."""
    return _rq_texts(folder())


def rule_texts() -> dict[str, str]:
    """Every reasoning rule file: name -> text (with its header)."""
    return _rq_texts(folder() / "rules")
