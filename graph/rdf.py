"""Compile the statement model to RDF quads. Every IRI is minted here (via ontology.vocab).

The canonical form is a statement node (Wikidata style) in the document's named graph::

    res:statement/<doc>/<id> a ag:Statement ;
        ag:subject res:iran ; ag:relation ag:supports ; ag:object res:taliban ;
        ag:certainty ag:Reported ; prov:wasAttributedTo res:isi ; ag:startTime "2015"^^xsd:gYear ;
        ag:statementOf res:document/<doc> ;
        prov:wasDerivedFrom <…/evidence> .               # an oa:Annotation
    <…/evidence> oa:hasTarget <…/evidence/target> .
    <…/evidence/target> oa:hasSource res:document/<doc> ;
        oa:hasSelector <…/evidence/quote> , <…/evidence/position> .   # TextQuote / TextPosition

From those nodes the build derives bare "truthy" triples (res:iran ag:supports res:taliban)
into a graph of their own, for joins and for OWL reasoning.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import quote

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.graph import Graph
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from actorgraph.graph.linking.registry import link_quads
from actorgraph.graph.model import (
    CERTAINTIES,
    CandidateFile,
    Citation,
    Corpus,
    Document,
    Entity,
    LiteralValue,
    NoClaim,
    Span,
    Statement,
)
from actorgraph.graph.sources import source_fingerprint
from actorgraph.ontology import load_ontology
from actorgraph.ontology import vocab as v

Quad = tuple[URIRef | BNode, URIRef, URIRef | BNode | Literal, URIRef]

CONTEXT_CHARS = 32  # prefix/suffix length of TextQuoteSelector, as hypothes.is does


def iri(value: str) -> URIRef:
    return URIRef(value)


def ag(local: str) -> URIRef:
    return URIRef(v.AG + local)


def oa(local: str) -> URIRef:
    return URIRef(v.OA + local)


def literal(value: LiteralValue) -> Literal:
    """The rdflib literal of a model value (plain strings stay xsd:string)."""
    if value.language:
        return Literal(value.lexical, lang=value.language)
    return Literal(value.lexical, datatype=URIRef(str(XSD) + value.datatype))


CERTAINTY_IRIS = {name: ag(name.capitalize()) for name in CERTAINTIES}
# Truthy triples skip what the text denies or only forecasts; everything else keeps its
# certainty on the statement node for who needs to filter.
NOT_TRUTHY = frozenset({"denied", "forecast"})


def compile_corpus(corpus: Corpus) -> Dataset:
    """The whole dataset: ontology, entities, one graph per document, truthy, meta."""
    dataset = Dataset()
    add_quads(dataset, corpus_quads(corpus))
    return dataset


def corpus_nquads(corpus: Corpus) -> bytes:
    """The same dataset as compile_corpus, written straight to N-Quads for a store to load.

    Skipping rdflib's Dataset (its indexes and events) makes a build's compile step several
    times cheaper; duplicate quads are left to the store, which keeps one of each.
    """
    return "".join(nquad(quad) for quad in corpus_quads(corpus)).encode("utf-8", "replace")


def nquad(quad: Quad) -> str:
    """One N-Quads line, written as rdflib's N-Quads serializer writes it."""
    s, p, o, g = quad
    obj = _quoted_literal(o) if isinstance(o, Literal) else o.n3()
    return f"{s.n3()} {p.n3()} {obj} {g.n3()} .\n"


_LITERAL_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", '"': '\\"', "\r": "\\r"})


def _quoted_literal(value: Literal) -> str:
    text = f'"{str(value).translate(_LITERAL_ESCAPES)}"'
    if value.language:
        return f"{text}@{value.language}"
    if value.datatype:
        return f"{text}^^<{value.datatype}>"
    return text


def corpus_quads(corpus: Corpus) -> Iterator[Quad]:
    """Every quad of the dataset, graph by graph (a quad may come more than once)."""
    yield from ontology_quads()
    yield from entity_quads(corpus.entities.values())
    for doc in corpus.documents.values():
        yield from document_quads(doc)
    for f in corpus.files:
        graph = iri(v.document_graph(f.document))
        doc = corpus.documents[f.document]
        for statement in f.statements:
            # Unreviewed candidates live in a graph of their own, visibly apart from curated statements.
            home = iri(v.CANDIDATES_GRAPH) if statement.candidate else graph
            yield from statement_quads(statement, doc, home)
        for citation in f.citations:
            yield from citation_quads(citation, doc, graph)
        for passage in f.no_claims:
            yield from no_claim_quads(passage, doc, graph)
        yield from graph_meta_quads(graph, doc, f.path)
    for candidates in corpus.candidates:
        yield from candidate_file_quads(candidates, corpus.documents[candidates.document])
    yield from truthy_quads(corpus.statements)
    yield from link_quads(corpus)  # the links graph: checked external identifiers


def add_quads(dataset: Dataset, quads: Iterable[Quad]) -> None:
    for s, p, o, g in quads:
        dataset.add((s, p, o, dataset.graph(g)))


def ontology_quads() -> Iterator[Quad]:
    graph = iri(v.ONTOLOGY_GRAPH)
    for s, p, o in _skolemised(load_ontology(), v.BASE + ".well-known/genid/ontology/"):
        yield s, p, o, graph


def _skolemised(graph: Graph, prefix: str) -> Iterator[tuple[URIRef, URIRef, URIRef | Literal]]:
    """Blank nodes of the ontology (restrictions, lists) get stable IRIs so builds are reproducible."""
    names: dict[BNode, URIRef] = {}

    def name(node: object) -> object:
        if isinstance(node, BNode):
            if node not in names:
                names[node] = URIRef(f"{prefix}b{len(names)}")
            return names[node]
        return node

    for s, p, o in sorted(graph, key=lambda t: (isinstance(t[0], BNode), str(t[0]), str(t[1]), str(t[2]))):
        yield name(s), p, name(o)  # type: ignore[misc]


def entity_quads(entities: Iterable[Entity]) -> Iterator[Quad]:
    graph = iri(v.ENTITIES_GRAPH)
    for entity in entities:
        node = iri(v.entity_iri(entity.id))
        for kind in entity.types:
            yield node, RDF.type, ag(kind), graph
        yield node, RDFS.label, Literal(entity.label, lang="en"), graph
        yield node, SKOS.prefLabel, Literal(entity.label, lang="en"), graph
        for alias in entity.aliases:
            yield node, SKOS.altLabel, Literal(alias, lang="en"), graph
        for metonym in entity.metonyms:
            yield node, SKOS.hiddenLabel, Literal(metonym, lang="en"), graph
        if entity.description:
            yield node, DCTERMS.description, Literal(entity.description, lang="en"), graph


def document_quads(doc: Document) -> Iterator[Quad]:
    graph = iri(v.ENTITIES_GRAPH)
    node = iri(v.document_iri(doc.id))
    yield node, RDF.type, ag("Document"), graph
    yield node, DCTERMS.title, Literal(doc.title, lang=doc.language), graph
    yield node, RDFS.label, Literal(doc.title, lang=doc.language), graph
    yield node, DCTERMS.language, Literal(doc.language), graph
    yield node, ag("sha256"), Literal(doc.sha256), graph
    yield node, ag("fileName"), Literal(doc.file), graph
    yield node, ag("text"), Literal(doc.text), graph
    for author in doc.authors:
        yield node, DCTERMS.creator, iri(v.entity_iri(author)), graph
    for role in doc.author_roles:
        yield node, ag("authorRole"), Literal(role, lang="en"), graph
    if doc.date:
        yield node, DCTERMS.date, _date_literal(doc.date), graph
    if doc.venue:
        yield node, ag("venue"), Literal(doc.venue), graph


def _date_literal(text: str) -> Literal:
    from actorgraph.graph.sources import time_value  # local: sources imports the ontology at load

    try:
        return literal(time_value(text))
    except ValueError:
        return Literal(text)


def evidence_quads(node: URIRef, span: Span, doc: Document, graph: URIRef) -> Iterator[Quad]:
    """A W3C Web Annotation with a TextQuoteSelector and a TextPositionSelector."""
    ann = iri(str(node) + "/evidence")
    yield node, PROV.wasDerivedFrom, ann, graph
    yield from _annotation_quads(ann, ann, span, doc, graph, motivation="describing")


def _annotation_quads(
    ann: URIRef, base: URIRef, span: Span, doc: Document, graph: URIRef, *, motivation: str
) -> Iterator[Quad]:
    """An oa:Annotation whose target is [start, end) of the document (IRIs of its parts under base)."""
    target = iri(str(base) + "/target")
    quote_sel = iri(str(base) + "/quote")
    pos_sel = iri(str(base) + "/position")
    text = doc.text
    yield ann, RDF.type, oa("Annotation"), graph
    yield ann, oa("motivatedBy"), oa(motivation), graph
    yield ann, oa("hasTarget"), target, graph
    yield target, RDF.type, oa("SpecificResource"), graph
    yield target, oa("hasSource"), iri(v.document_iri(doc.id)), graph
    yield target, oa("hasSelector"), quote_sel, graph
    yield target, oa("hasSelector"), pos_sel, graph
    yield quote_sel, RDF.type, oa("TextQuoteSelector"), graph
    yield quote_sel, oa("exact"), Literal(span.quote), graph
    yield quote_sel, oa("prefix"), Literal(text[max(0, span.start - CONTEXT_CHARS) : span.start]), graph
    yield quote_sel, oa("suffix"), Literal(text[span.end : span.end + CONTEXT_CHARS]), graph
    yield pos_sel, RDF.type, oa("TextPositionSelector"), graph
    yield pos_sel, oa("start"), Literal(span.start), graph
    yield pos_sel, oa("end"), Literal(span.end), graph


def entity_node(document: str, ref: str) -> URIRef:
    """A registry entity, or a new-entity candidate of the document ("new:<slug>")."""
    if ref.startswith(v.NEW_ENTITY_PREFIX):
        return iri(v.candidate_entity_iri(document, ref))
    return iri(v.entity_iri(ref))


def statement_object(statement: Statement) -> URIRef | Literal:
    if statement.object is not None:
        return entity_node(statement.document, statement.object)
    assert statement.value is not None  # guaranteed by sources: exactly one of object/value
    return literal(statement.value)


def statement_quads(statement: Statement, doc: Document, graph: URIRef) -> Iterator[Quad]:
    node = iri(v.statement_iri(statement.document, statement.local_id))
    yield node, RDF.type, ag("CandidateStatement" if statement.candidate else "Statement"), graph
    yield node, ag("subject"), entity_node(statement.document, statement.subject), graph
    yield node, ag("relation"), ag(statement.predicate), graph
    yield node, ag("object"), statement_object(statement), graph
    yield node, ag("certainty"), CERTAINTY_IRIS[statement.certainty], graph
    yield node, ag("statementOf"), iri(v.document_iri(doc.id)), graph
    yield node, ag("localId"), Literal(statement.local_id), graph
    for claimant in statement.attributed_to:
        yield node, PROV.wasAttributedTo, entity_node(statement.document, claimant), graph
    for key, prop in (
        ("start", "startTime"),
        ("end", "endTime"),
        ("point_in_time", "pointInTime"),
        ("quantity", "quantity"),
    ):
        value = getattr(statement, key)
        if value is not None:
            yield node, ag(prop), literal(value), graph
    if statement.place:
        yield node, ag("place"), entity_node(statement.document, statement.place), graph
    for key in ("unit", "role", "note", "extractor"):
        value = getattr(statement, key)
        if value is not None:
            yield node, ag(key), Literal(value), graph
    if statement.confidence is not None:
        yield node, ag("confidence"), Literal(statement.confidence, datatype=XSD.decimal), graph
    for cite in statement.cites:
        yield node, ag("cites"), iri(v.citation_iri(statement.document, cite)), graph
    for ref in statement.contradicts:
        other = iri(v.statement_iri(*ref.split("/", 1)))
        # ag:contradicts is symmetric; both directions are written so plain SPARQL finds either side.
        yield node, ag("contradicts"), other, graph
        yield other, ag("contradicts"), node, graph
    yield from evidence_quads(node, statement.evidence, doc, graph)
    yield from review_quads(node, statement, graph)


def review_quads(node: URIRef, statement: Statement, graph: URIRef) -> Iterator[Quad]:
    """Who reviewed the statement and when, as PROV on its evidence annotation.

    On the annotation, not the statement node: there prov:wasAttributedTo already names whom the
    text attributes the claim to. The annotation (this quote supports this claim) is the reviewer's work.
    """
    if statement.reviewed_by is None:
        return
    ann = iri(str(node) + "/evidence")
    reviewer = iri(v.RES + "reviewer/" + quote(statement.reviewed_by, safe=""))
    yield ann, PROV.wasAttributedTo, reviewer, graph
    yield reviewer, RDF.type, PROV.Agent, graph
    yield reviewer, RDFS.label, Literal(statement.reviewed_by), graph
    if statement.reviewed_at is not None:
        yield ann, PROV.generatedAtTime, Literal(statement.reviewed_at, datatype=XSD.dateTime), graph


def candidate_file_quads(candidates: CandidateFile, doc: Document) -> Iterator[Quad]:
    """New-entity candidates and entity mentions of an ingested document, in the candidates graph.

    A new entity: ``res:candidate/<doc>/<slug> a ag:CandidateEntity`` with its label, aliases,
    suggested class, confidence and the document it was proposed in. A mention
    (``res:mention/<doc>/<start>-<end>/<entity>``): a W3C Web Annotation motivated by
    ``oa:identifying`` whose body is the entity and whose target is the span of the document
    (TextPosition and TextQuote selectors), as evidence quotes are.
    """
    graph = iri(v.CANDIDATES_GRAPH)
    document = iri(v.document_iri(doc.id))
    for new in candidates.new_entities.values():
        node = entity_node(doc.id, new.key)
        yield node, RDF.type, ag("CandidateEntity"), graph
        yield node, RDFS.label, Literal(new.label, lang="en"), graph
        yield node, SKOS.prefLabel, Literal(new.label, lang="en"), graph
        for alias in new.aliases:
            yield node, SKOS.altLabel, Literal(alias, lang="en"), graph
        yield node, ag("suggestedType"), ag(new.suggested_type), graph
        yield node, ag("confidence"), Literal(round(new.confidence, 2), datatype=XSD.decimal), graph
        yield node, ag("proposedIn"), document, graph
        if new.extractor:
            yield node, ag("extractor"), Literal(new.extractor), graph
    for mention in candidates.mentions:
        span = mention.evidence
        node = iri(v.mention_iri(doc.id, span.start, span.end, mention.entity))
        yield node, oa("hasBody"), entity_node(doc.id, mention.entity), graph
        yield node, ag("confidence"), Literal(round(mention.confidence, 2), datatype=XSD.decimal), graph
        yield from _annotation_quads(node, node, span, doc, graph, motivation="identifying")


def citation_quads(citation: Citation, doc: Document, graph: URIRef) -> Iterator[Quad]:
    node = iri(v.citation_iri(citation.document, citation.local_id))
    yield node, RDF.type, ag("Citation"), graph
    yield node, DCTERMS.isReferencedBy, iri(v.document_iri(doc.id)), graph
    yield node, RDFS.label, Literal(citation.evidence.quote), graph
    if citation.number is not None:
        yield node, ag("footnoteNumber"), Literal(citation.number), graph
    for key, prop in (
        ("author", DCTERMS.creator),
        ("title", DCTERMS.title),
        ("venue", ag("venue")),
        ("date", ag("dateAsGiven")),
    ):
        value = getattr(citation, key)
        if value is not None:
            yield node, prop, Literal(value), graph
    yield from evidence_quads(node, citation.evidence, doc, graph)


def no_claim_quads(passage: NoClaim, doc: Document, graph: URIRef) -> Iterator[Quad]:
    node = iri(v.passage_iri(passage.document, passage.local_id))
    yield iri(v.document_iri(doc.id)), ag("noClaim"), node, graph
    yield node, ag("reason"), Literal(passage.reason), graph
    yield from evidence_quads(node, passage.evidence, doc, graph)


def graph_meta_quads(graph: URIRef, doc: Document, source_file: str) -> Iterator[Quad]:
    """PROV description of a document graph, in the meta graph (no timestamps: builds are reproducible)."""
    meta = iri(v.META_GRAPH)
    yield graph, RDF.type, PROV.Entity, meta
    yield graph, PROV.wasDerivedFrom, iri(v.document_iri(doc.id)), meta
    yield graph, DCTERMS.source, Literal(source_file.rsplit("/", 1)[-1]), meta
    yield graph, ag("sha256"), Literal(source_fingerprint(source_file)), meta
    yield graph, RDFS.label, Literal(f"Statements from {doc.title}"), meta


def truthy_quads(statements: Iterable[Statement]) -> Iterator[Quad]:
    """Bare (subject, relation, object) triples derived from the statement nodes."""
    graph = iri(v.TRUTHY_GRAPH)
    for statement in statements:
        if statement.certainty in NOT_TRUTHY or statement.candidate:
            continue
        yield iri(v.entity_iri(statement.subject)), ag(statement.predicate), statement_object(statement), graph
