"""Alliances: the signed actor network through time, its conclusions in RDF, and its pictures.

- ``network``: the model and its analytics (ties, structural balance, predictions, proxy chains);
- ``conclusions``: ``AllianceAnalysis`` reads the statements from the store, ``write_conclusions``
  writes ties, triads and hypotheses into the inferred graph;
- ``render``: SVG and GraphML of a network.
"""

from __future__ import annotations

from actorgraph.graph.alliances.conclusions import AllianceAnalysis, write_conclusions
from actorgraph.graph.alliances.network import Hypothesis, ProxyChain, SignedNetwork, Tie, Triad, local
from actorgraph.graph.alliances.render import network_graphml, network_svg

__all__ = [
    "AllianceAnalysis",
    "Hypothesis",
    "ProxyChain",
    "SignedNetwork",
    "Tie",
    "Triad",
    "local",
    "network_graphml",
    "network_svg",
    "write_conclusions",
]
