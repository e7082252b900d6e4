"""Namespaces and IRI minting rules, shared by every module (no pyoxigraph here)."""

from __future__ import annotations

BASE = "https://w3id.org/actorgraph/"
AG = BASE + "ontology#"
RES = BASE + "resource/"
GRAPH = BASE + "graph/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
WD = "http://www.wikidata.org/entity/"

PREFIXES: dict[str, str] = {
    "ag": AG,
    "res": RES,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "oa": OA,
    "foaf": FOAF,
    "schema": SCHEMA,
    "org": ORG,
    "void": VOID,
    "wd": WD,
}

# Named graphs: one per document, plus these.
ONTOLOGY_GRAPH = GRAPH + "ontology"
ENTITIES_GRAPH = GRAPH + "entities"
TRUTHY_GRAPH = GRAPH + "truthy"
META_GRAPH = GRAPH + "meta"
INFERRED_GRAPH = GRAPH + "inferred"
CANDIDATES_GRAPH = GRAPH + "candidates"
LINKS_GRAPH = GRAPH + "links"
ENRICHMENT_GRAPH = GRAPH + "enrichment"
NEW_ENTITY_PREFIX = "new:"  # how candidate statements name a new-entity candidate before review
VOID_GRAPH = GRAPH + "void"  # only in exports: the VoID description is computed from the store


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace above, for queries and the query page."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def entity_iri(entity_id: str) -> str:
    return RES + entity_id


def document_iri(doc_id: str) -> str:
    return RES + "document/" + doc_id


def statement_iri(doc_id: str, local_id: str) -> str:
    return RES + "statement/" + doc_id + "/" + local_id


def citation_iri(doc_id: str, citation_id: str) -> str:
    return RES + "citation/" + doc_id + "/" + citation_id


def candidate_entity_iri(doc_id: str, key: str) -> str:
    """A new-entity candidate of one document ("new:<slug>" -> res:candidate/<doc>/<slug>)."""
    return RES + "candidate/" + doc_id + "/" + key.removeprefix(NEW_ENTITY_PREFIX)


def mention_iri(doc_id: str, start: int, end: int, entity: str) -> str:
    """The annotation saying that the text at [start, end) of a document names an entity (id or new: key)."""
    return RES + "mention/" + doc_id + "/" + str(start) + "-" + str(end) + "/" + entity.replace(":", "-")


def passage_iri(doc_id: str, local_id: str) -> str:
    return RES + "passage/" + doc_id + "/" + local_id


def document_graph(doc_id: str) -> str:
    return GRAPH + "doc/" + doc_id


def ag(local: str) -> str:
    return AG + local
