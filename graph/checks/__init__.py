"""Checks of the sources and the graph, for development and CI (never on a request path).

- ``shacl``: the compiled graph against the SHACL shapes (``actorgraph validate``);
- ``coverage``: which sentences of each document carry a statement (``actorgraph coverage``);
- ``hermit``: HermiT (owlready2, Java) over the ontology and the data, clashes explained with the OWL 2 RL rules.
"""
