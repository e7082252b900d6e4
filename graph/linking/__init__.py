"""External identifiers: the link registry, its RDF and VoID, and the Wikidata checks and enrichment.

Modules, each with one job:

- ``registry``: read and check ``graph/data/links.yaml``, compile the links graph, the report of unlinked entities;
- ``wikidata``: the HTTP client for the Wikidata API (wbgetentities) and readers of its entity JSON;
- ``verify``: compare each QID's label and instance-of (P31) with our entity;
- ``enrich``: fetch chosen Wikidata facts into the enrichment graph, cached on disk;
- ``void``: the dataset's VoID description, with one linkset per external dataset;
- ``reconcile``: the reconciliation service's matching core (names -> our entities) and its protocol shapes;
- ``suggest``: reconciling our entities against Wikidata (suggest, accept after verification, reject).

Their errors (``LinkError``, ``WikidataUnavailable``, ``ReconciliationUnavailable``) live in
``actorgraph.graph.errors``.
"""

from __future__ import annotations

from actorgraph.graph.linking.enrich import EnrichResult, enrich, write_enrichment
from actorgraph.graph.linking.registry import (
    IDENTIFIERS,
    Link,
    LinkReport,
    corpus_links,
    entity_classes,
    link_quads,
    link_report,
    parse_links,
)
from actorgraph.graph.linking.verify import VerifyResult, verify_links
from actorgraph.graph.linking.void import (
    DATASET_IRI,
    TARGETS,
    linkset_counts,
    stored_linkset_counts,
    void_graph,
    void_linksets,
)
from actorgraph.graph.linking.wikidata import WikidataClient

__all__ = [
    "DATASET_IRI",
    "IDENTIFIERS",
    "TARGETS",
    "EnrichResult",
    "Link",
    "LinkReport",
    "VerifyResult",
    "WikidataClient",
    "corpus_links",
    "enrich",
    "entity_classes",
    "link_quads",
    "link_report",
    "linkset_counts",
    "parse_links",
    "stored_linkset_counts",
    "verify_links",
    "void_graph",
    "void_linksets",
    "write_enrichment",
]
