"""Quote verification: a proposal survives only if its quote occurs verbatim in the text.

Every extractor's output passes here. A proposal whose quote is absent is dropped and
counted; one whose quote occurs several times is pinned to the occurrence nearest to
where the extractor said it was (its offsets), and gets an ``occurrence`` number.
"""

from __future__ import annotations

from dataclasses import dataclass

from actorgraph.graph.extract.base import ExtractionResult, Proposal
from actorgraph.graph.model import Entity
from actorgraph.graph.sources import quote_occurrences
from actorgraph.ontology import ontology_terms


@dataclass(frozen=True)
class Verified:
    """A proposal whose quote was found: its offsets and which occurrence (1-based) it is."""

    proposal: Proposal
    start: int
    end: int
    occurrence: int
    occurrences: int


def verify(result: ExtractionResult, text: str, entities: dict[str, Entity]) -> list[Verified]:
    """Keep the proposals whose quote is verbatim in text and whose terms exist; count the rest.

    A proposal may name a registry id or one of the result's new-entity candidates by its key.
    """
    terms = ontology_terms()
    known = set(entities) | {c.key for c in result.new_entities if c.key}
    found = quote_occurrences(text, [p.quote for p in result.proposals if p.quote.strip() == p.quote])
    kept: list[Verified] = []
    for proposal in result.proposals:
        named = [
            proposal.subject,
            proposal.object,
            *proposal.attributed_to,
            *([proposal.place] if proposal.place else []),
        ]
        if any(name not in known for name in named):
            result.drop("unknown entity")
            continue
        if proposal.predicate not in terms.properties:
            result.drop("unknown predicate")
            continue
        starts = found.get(proposal.quote, [])
        if not starts:
            result.drop("quote not in text")
            continue
        hint = proposal.start if proposal.start is not None else starts[0]
        index = min(range(len(starts)), key=lambda i: abs(starts[i] - hint))
        start = starts[index]
        kept.append(Verified(proposal, start, start + len(proposal.quote), index + 1, len(starts)))
    return kept
