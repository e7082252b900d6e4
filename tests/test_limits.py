"""The row limit's query rewrite: top-level LIMIT only, strings/IRIs/comments/VALUES respected."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.server.protocol.limits import limit_rows


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o }\nLIMIT 100\n"),
        ("SELECT * { ?s ?p ?o } OFFSET 3 LIMIT 5000", "SELECT * { ?s ?p ?o } OFFSET 3 LIMIT 100"),
        ('SELECT * { ?s ?p "}" } LIMIT 50 # }', 'SELECT * { ?s ?p "}" } LIMIT 50 # }'),
        ("SELECT * { ?s ?p ?o } # a comment", "SELECT * { ?s ?p ?o } # a comment\nLIMIT 100\n"),
        (
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o { SELECT * { ?s ?p ?o } LIMIT 9999 } } VALUES ?s { <http://a> }",
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o { SELECT * { ?s ?p ?o } LIMIT 9999 } } \nLIMIT 100\n"
            "VALUES ?s { <http://a> }",
        ),
        ("ASK { ?s ?p ?o }", "ASK { ?s ?p ?o }"),
        ("DESCRIBE <http://a>", "DESCRIBE <http://a>"),
    ],
)
def test_limit_rows_rewrites_only_the_outer_limit(query: str, expected: str) -> None:
    limited = limit_rows(query, 100)
    assert limited.sparql == expected
    assert limited.changed == (query != expected)
    ox.Store().query(limited.sparql)  # still valid SPARQL


def test_limit_rows_caps_the_real_graph(kg: KnowledgeGraph) -> None:
    query = "SELECT ?s WHERE { ?s a ?class }"
    assert len(kg.select(query)) > 7  # the graph has more: the cap below is what cuts
    limited = limit_rows(query, 7)
    assert len(kg.select(limited.sparql)) == 7
