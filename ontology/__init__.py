"""The ActorGraph ontology (OWL 2 in Turtle) and SHACL shapes, loaded as package data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from actorgraph.ontology.vocab import AG

ONTOLOGY_FILE = "actors.ttl"
SHAPES_FILE = "shapes.ttl"


def ontology_text() -> str:
    """The ontology's Turtle source."""
    return (resources.files("actorgraph.ontology") / ONTOLOGY_FILE).read_text(encoding="utf-8")


def shapes_text() -> str:
    """The SHACL shapes' Turtle source."""
    return (resources.files("actorgraph.ontology") / SHAPES_FILE).read_text(encoding="utf-8")


@cache
def load_ontology() -> rdflib.Graph:
    """The ontology as an rdflib graph (parsed once per process)."""
    return rdflib.Graph().parse(data=ontology_text(), format="turtle")


@dataclass(frozen=True)
class OntologyTerms:
    """Local names (in the ag: namespace) of the ontology's classes and properties."""

    classes: frozenset[str]
    properties: frozenset[str]
    object_properties: frozenset[str]


@cache
def ontology_terms() -> OntologyTerms:
    """Classes and properties the sources may use, read from the ontology itself."""
    graph = load_ontology()

    def local(kind: rdflib.URIRef) -> frozenset[str]:
        return frozenset(
            str(s)[len(AG) :]
            for s in graph.subjects(RDF.type, kind)
            if isinstance(s, rdflib.URIRef) and str(s).startswith(AG)
        )

    object_props = local(OWL.ObjectProperty)
    props = object_props | local(OWL.DatatypeProperty) | local(RDF.Property)
    classes = local(OWL.Class) | local(RDFS.Class)
    return OntologyTerms(classes=classes, properties=props, object_properties=object_props)
