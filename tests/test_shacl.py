"""SHACL shapes: the real graph conforms; a statement without evidence or label does not."""

from __future__ import annotations

import rdflib

from actorgraph.graph.checks.shacl import shacl_check, union_graph, validate_sources
from actorgraph.graph.rdf import compile_corpus
from actorgraph.graph.sources import load_corpus
from actorgraph.ontology.vocab import AG, RES

PROV_DERIVED = rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")


def test_shacl_shipped_graph_conforms() -> None:
    result = validate_sources()
    assert result.conforms, result.report
    assert result.documents == 2


def test_shacl_statement_without_evidence_is_reported() -> None:
    graph = union_graph(compile_corpus(load_corpus()))
    statement = rdflib.URIRef(RES + "statement/yousafzai-2024/iskp-affiliate-of-is")
    assert (statement, rdflib.RDF.type, rdflib.URIRef(AG + "Statement")) in graph
    graph.remove((statement, PROV_DERIVED, None))
    conforms, report = shacl_check(graph)
    assert not conforms
    assert "a statement has evidence" in report
    assert "iskp-affiliate-of-is" in report


def test_shacl_actor_without_label_is_reported() -> None:
    graph = union_graph(compile_corpus(load_corpus()))
    iran = rdflib.URIRef(RES + "iran")
    graph.remove((iran, rdflib.RDFS.label, None))
    conforms, report = shacl_check(graph)
    assert not conforms
    assert "every actor, place and event has a label" in report
