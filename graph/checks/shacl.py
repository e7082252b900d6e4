"""SHACL validation of the compiled graph (pyshacl), run by `actorgraph validate` and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import rdflib

from actorgraph.graph.rdf import compile_corpus
from actorgraph.graph.sources import load_corpus
from actorgraph.ontology import shapes_text


@dataclass
class ValidationResult:
    """What the checks found: source counts, SHACL conformance and its report."""

    documents: int
    statements: int
    conforms: bool
    report: str

    def summary(self) -> str:
        verdict = "conforms to the SHACL shapes" if self.conforms else "does NOT conform to the SHACL shapes"
        return f"sources ok: {self.documents} documents, {self.statements} statements; graph {verdict}"


def shacl_check(data: rdflib.Graph) -> tuple[bool, str]:
    """Run the shapes over a data graph (which should include the ontology, for subclasses)."""
    from pyshacl import validate  # ~150 ms to import, only for `actorgraph validate` and the tests

    shapes = rdflib.Graph().parse(data=shapes_text(), format="turtle")
    conforms, _graph, text = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    return bool(conforms), str(text)


def union_graph(dataset: rdflib.Dataset) -> rdflib.Graph:
    union = rdflib.Graph()
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def validate_sources(sources: Path | None = None, *, shacl: bool = True) -> ValidationResult:
    """Load and check all sources (raises SourceError), then SHACL-validate the compiled graph."""
    corpus = load_corpus(sources)
    conforms, report = True, ""
    if shacl:
        conforms, report = shacl_check(union_graph(compile_corpus(corpus)))
    return ValidationResult(len(corpus.documents), len(corpus.statements), conforms, report)
