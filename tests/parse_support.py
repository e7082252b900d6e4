"""What the parse extractor's unit tests share: reading a proposal out of a result."""

from __future__ import annotations

from actorgraph.graph.extract.base import ExtractionResult, Proposal


def triples(result: ExtractionResult) -> set[tuple[str, str, str]]:
    """Every proposal as (subject, predicate, object)."""
    return {(p.subject, p.predicate, p.object) for p in result.proposals}


def only(result: ExtractionResult, subject: str, predicate: str, obj: str) -> Proposal:
    """The one proposal of this triple; fails showing every triple when there is none or more than one."""
    found = [p for p in result.proposals if (p.subject, p.predicate, p.object) == (subject, predicate, obj)]
    assert len(found) == 1, triples(result)
    return found[0]
