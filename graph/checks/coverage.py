"""Sentence coverage: which sentences of each document carry a statement.

A sentence counts as covered when a statement's (or citation's) evidence overlaps it,
and as marked when a no_claim passage overlaps it. Sentences come from actorgraph.graph.sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from actorgraph.graph.model import Corpus, Document, Span
from actorgraph.graph.sentences import Sentence, sentences
from actorgraph.graph.sources import load_corpus


@dataclass
class DocumentCoverage:
    """Coverage of one document."""

    document: str
    total: int
    covered: int
    uncovered: list[Sentence] = field(default_factory=list)
    no_claim: list[tuple[Sentence, str]] = field(default_factory=list)

    @property
    def marked(self) -> int:
        return len(self.no_claim)

    @property
    def share(self) -> float:
        """Share of sentences that carry a statement or are marked as carrying no claim."""
        return (self.covered + self.marked) / self.total if self.total else 1.0


def document_coverage(doc: Document, evidence: list[Span], no_claims: list[tuple[Span, str]]) -> DocumentCoverage:
    report = DocumentCoverage(doc.id, total=0, covered=0)
    for sentence in sentences(doc.text):
        report.total += 1
        if any(sentence.overlaps(span) for span in evidence):
            report.covered += 1
            continue
        reason = next((why for span, why in no_claims if sentence.overlaps(span)), None)
        if reason is not None:
            report.no_claim.append((sentence, reason))
        else:
            report.uncovered.append(sentence)
    return report


def coverage_of(corpus: Corpus) -> list[DocumentCoverage]:
    reports = []
    for doc_id, doc in corpus.documents.items():
        files = [f for f in corpus.files if f.document == doc_id]
        evidence = [s.evidence for f in files for s in f.statements] + [c.evidence for f in files for c in f.citations]
        marks = [(n.evidence, n.reason) for f in files for n in f.no_claims]
        reports.append(document_coverage(doc, evidence, marks))
    return reports


def coverage_report(sources: Path | None = None) -> list[DocumentCoverage]:
    """Coverage of every document in the sources (default: the shipped ones)."""
    return coverage_of(load_corpus(sources))
