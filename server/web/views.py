"""Read models of the graph for the Linked Data pages: an actor, a statement, a document, the indexes.

The SPARQL of the pages lives here, over the KnowledgeGraph facade, so templates only render:
``describe_resource`` gives an actor's types, labels, aliases, external links and its statements
grouped by relation (each with dates, certainty, attribution and evidence); ``document_view``
gives a document's text cut into segments at every evidence span; ``resource_rdf`` is the RDF
description served to clients. The resource IRI is always bound as a term (pyoxigraph
substitutions), never pasted into SPARQL, and the prefixes are given to the parser, not pasted.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.errors import InvalidIRI
from actorgraph.graph.store import QueryResult, as_solutions, is_boolean, is_triples, named_node, term_parts
from actorgraph.ontology.vocab import (
    AG,
    DCTERMS,
    ENTITIES_GRAPH,
    ONTOLOGY_GRAPH,
    OWL,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    RES,
    SKOS,
)
from actorgraph.server.web.models import (
    DocumentView,
    OntologyTerm,
    RelationGroup,
    ResourceView,
    ResultTable,
    Span,
    StatementView,
    Term,
    display_types,
    local_name,
    segments,
)

STATEMENT_TYPES = (AG + "Statement", AG + "CandidateStatement")
LABEL_PROPERTIES = (SKOS + "prefLabel", RDFS + "label", DCTERMS + "title")
EXTERNAL_LINK_PROPERTIES = (SKOS + "exactMatch", OWL + "sameAs", SKOS + "closeMatch", RDFS + "seeAlso")
# Shown in their own sections of a page, so left out of the generic property table.
SECTIONED = frozenset(
    {
        RDF + "type",
        RDFS + "label",
        SKOS + "prefLabel",
        SKOS + "altLabel",
        DCTERMS + "description",
        AG + "text",
        *EXTERNAL_LINK_PROPERTIES,
    }
)
MAX_INCOMING = 200  # other resources pointing here, listed on the page (the RDF has them all)


# ---------------------------------------------------------------------------- queries

_OUTGOING = "SELECT ?this ?p ?o WHERE { ?this ?p ?o }"
_INCOMING = "SELECT DISTINCT ?this ?s ?p WHERE { ?s ?p ?this FILTER(!isLiteral(?s)) } ORDER BY ?p ?s LIMIT " + str(
    MAX_INCOMING * 4
)
_INVOLVED = """
SELECT DISTINCT ?this ?st ?role WHERE {
  { ?st ag:subject ?this BIND("subject" AS ?role) }
  UNION { ?st ag:object ?this BIND("object" AS ?role) }
  UNION { ?st prov:wasAttributedTo ?this BIND("attributed" AS ?role) }
  UNION { ?st ag:place ?this BIND("place" AS ?role) }
  ?st a ?type FILTER(?type IN (ag:Statement, ag:CandidateStatement))
}"""
_ANNOTATED = """
SELECT DISTINCT ?this ?node ?start ?end WHERE {
  ?target oa:hasSource ?this . ?annotation oa:hasTarget ?target . ?node prov:wasDerivedFrom ?annotation .
  ?target oa:hasSelector ?pos . ?pos oa:start ?start . ?pos oa:end ?end .
}"""
_SAME_SPAN = """
SELECT DISTINCT ?this ?other WHERE {
  ?this prov:wasDerivedFrom ?a . ?a oa:hasTarget ?t . ?t oa:hasSource ?doc . ?t oa:hasSelector ?pos .
  ?pos oa:start ?start . ?pos oa:end ?end .
  ?t2 oa:hasSource ?doc . ?t2 oa:hasSelector ?pos2 . ?pos2 oa:start ?start . ?pos2 oa:end ?end .
  ?a2 oa:hasTarget ?t2 . ?other prov:wasDerivedFrom ?a2 . ?other ag:relation ?relation .
}"""
_RDF = """
CONSTRUCT { ?this ?p ?o . ?s ?q ?this . ?n ?np ?no }
WHERE {
  { ?this ?p ?o }
  UNION { ?s ?q ?this }
  UNION { ?this prov:wasDerivedFrom ?a . ?a (oa:hasTarget|oa:hasSelector)* ?n . ?n ?np ?no }
}"""


class Describer:
    """Builds the read models of one KnowledgeGraph; cheap, create one per request."""

    def __init__(self, kg: KnowledgeGraph, *, include_candidates: bool = False) -> None:
        self.kg = kg
        self._labels: dict[str, str] = {}
        # Pages show reviewed statements; candidates only when asked (?candidates=1).
        self._dataset = kg.reviewed_dataset(include_candidates)

    def _rows(self, sparql: str, this: str | None = None) -> list[dict[str, Any]]:
        # pyoxigraph substitutes only projected variables, so every query selects ?this.
        subs = {"this": named_node(this)} if this is not None else None
        result = as_solutions(self.kg.query(sparql, prefixes=PREFIXES, substitutions=subs, **self._dataset))
        names = [v.value for v in result.variables]
        return [{n: row[n] for n in names} for row in result]

    def term(self, raw: Any) -> Term:
        kind, value, datatype, language = term_parts(raw)
        return Term(value, kind, datatype, language, self._labels.get(value) if kind == "iri" else None)

    def load_labels(self, iris: set[str]) -> None:
        """Fetch the best English label of every IRI not seen yet (one query)."""
        wanted = sorted(i for i in iris if i not in self._labels and ">" not in i and " " not in i)
        if not wanted:
            return
        values = " ".join(f"<{i}>" for i in wanted)
        # One UNION branch per property: binding ?p by VALUES makes pyoxigraph scan far more.
        branches = " UNION ".join(f"{{ ?x <{p}> ?l BIND(<{p}> AS ?p) }}" for p in LABEL_PROPERTIES)
        sparql = f"SELECT ?x ?p ?l WHERE {{ VALUES ?x {{ {values} }} {branches} }}"
        best: dict[str, tuple[int, str]] = {}
        for row in self._rows(sparql):
            _, text, _, lang = term_parts(row["l"])
            rank = LABEL_PROPERTIES.index(row["p"].value) * 2 + (0 if lang in (None, "", "en") else 1)
            iri = row["x"].value
            if iri not in best or rank < best[iri][0]:
                best[iri] = (rank, text)
        for iri in wanted:
            self._labels[iri] = best[iri][1] if iri in best else local_name(iri)

    # ------------------------------------------------------------------ statements

    def statements(self, iris: list[str]) -> dict[str, StatementView]:
        """Statement views for the given statement node IRIs, with their evidence."""
        if not iris:
            return {}
        values = " ".join(f"<{i}>" for i in sorted(set(iris)))
        # Written step by step, OPTIONALs last: with a property path pyoxigraph's plan is 100x slower.
        evidence = self._rows(
            f"""SELECT ?st ?exact ?prefix ?suffix ?start ?end ?reviewer ?reviewed WHERE {{
              VALUES ?st {{ {values} }}
              ?st prov:wasDerivedFrom ?a . ?a oa:hasTarget ?t . ?t oa:hasSelector ?q . ?q oa:exact ?exact .
              ?t oa:hasSelector ?pos . ?pos oa:start ?start . ?pos oa:end ?end .
              OPTIONAL {{ ?q oa:prefix ?prefix }} OPTIONAL {{ ?q oa:suffix ?suffix }}
              OPTIONAL {{ ?a prov:wasAttributedTo ?who . ?who rdfs:label ?reviewer }}
              OPTIONAL {{ ?a prov:generatedAtTime ?reviewed }}
            }}"""
        )
        by_node = {iri: [(p.value, o) for p, o in self.kg.outgoing(iri)] for iri in sorted(set(iris))}
        self.load_labels({raw.value for pairs in by_node.values() for _, raw in pairs if term_parts(raw)[0] == "iri"})
        views = {iri: self._statement(iri, pairs) for iri, pairs in by_node.items()}
        for row in evidence:
            view = views.get(row["st"].value)
            if view is not None:
                view.quote = row["exact"].value
                view.prefix = row["prefix"].value if row["prefix"] is not None else ""
                view.suffix = row["suffix"].value if row["suffix"] is not None else ""
                view.span = (int(row["start"].value), int(row["end"].value))
                # Who reviewed it in the review pages, and when (PROV on the evidence annotation).
                view.reviewed_by = row["reviewer"].value if row["reviewer"] is not None else None
                view.reviewed_at = row["reviewed"].value if row["reviewed"] is not None else None
        return views

    def _statement(self, iri: str, pairs: list[tuple[str, Any]]) -> StatementView:
        one: dict[str, Term] = {}
        many: dict[str, list[Term]] = defaultdict(list)
        for prop, raw in pairs:
            term = self.term(raw)
            one.setdefault(prop, term)
            many[prop].append(term)

        def text(prop: str) -> str | None:
            return one[prop].value if prop in one else None

        return StatementView(
            iri=iri,
            subject=one.get(AG + "subject", Term("")),
            relation=one.get(AG + "relation", Term("")),
            object=one.get(AG + "object", Term("")),
            document=one.get(AG + "statementOf"),
            local_id=text(AG + "localId") or local_name(iri),
            certainty=one.get(AG + "certainty"),
            candidate=any(t.value == AG + "CandidateStatement" for t in many[RDF + "type"]),
            attributed_to=sorted(many[PROV + "wasAttributedTo"], key=lambda t: t.text),
            start=one.get(AG + "startTime"),
            end=one.get(AG + "endTime"),
            point_in_time=one.get(AG + "pointInTime"),
            place=one.get(AG + "place"),
            quantity=one.get(AG + "quantity"),
            unit=text(AG + "unit"),
            role=text(AG + "role"),
            note=text(AG + "note"),
            confidence=text(AG + "confidence"),
            cites=sorted(many[AG + "cites"], key=lambda t: t.value),
        )

    # ------------------------------------------------------------------ resources

    def resource(self, iri: str, *, related: bool = True) -> ResourceView | None:
        """The view of any resource; None when the graph says nothing about it.

        related=False skips what points at it and its statements (the document page needs neither).
        """
        outgoing = [(row["p"], row["o"]) for row in self._rows(_OUTGOING, iri)]
        incoming = [(row["s"], row["p"]) for row in self._rows(_INCOMING, iri)] if related else []
        if not outgoing and not incoming:
            return None
        iris = {iri} | {p.value for p, _ in outgoing} | {p.value for _, p in incoming}
        iris |= {raw.value for pair in outgoing + incoming for raw in pair if term_parts(raw)[0] == "iri"}
        self.load_labels(iris)
        by_prop: dict[str, list[Term]] = defaultdict(list)
        for p, o in outgoing:
            by_prop[p.value].append(self.term(o))
        types = display_types(by_prop.get(RDF + "type", []))
        type_iris = {t.value for t in types}
        kind = "resource"
        if type_iris & set(STATEMENT_TYPES):
            kind = "statement"
        elif AG + "Document" in type_iris:
            kind = "document"
        elif AG + "Citation" in type_iris:
            kind = "citation"
        elif iri.startswith(RES) and "/" not in iri[len(RES) :]:
            kind = "actor"
        labels = sorted(
            {t for p in (RDFS + "label", SKOS + "prefLabel") for t in by_prop.get(p, [])}, key=lambda t: t.value
        )
        view = ResourceView(
            iri=iri,
            label=self._labels.get(iri) or local_name(iri),
            kind=kind,
            types=types,
            labels=labels,
            aliases=sorted(by_prop.get(SKOS + "altLabel", []), key=lambda t: t.value.lower()),
            descriptions=by_prop.get(DCTERMS + "description", []),
            external_links=sorted(
                {t for p in EXTERNAL_LINK_PROPERTIES for t in by_prop.get(p, [])}, key=lambda t: t.value
            ),
            properties=[
                (self.term(named_node(p)), sorted(values, key=lambda t: (t.kind, t.text)))
                for p, values in sorted(by_prop.items(), key=lambda kv: self._labels.get(kv[0], kv[0]))
                if p not in SECTIONED
            ],
        )
        if related:
            self._add_statements(view)
        # A truthy triple already shown as a statement is not repeated; derived ones stay.
        stated = {(s.relation.value, s.object.value) for g in view.as_subject for s in g.statements}
        view.properties = [
            (prop, kept)
            for prop, values in view.properties
            if (kept := [t for t in values if (prop.value, t.value) not in stated])
        ]
        shown = {s.iri for g in view.as_subject + view.as_object for s in g.statements}
        shown |= {s.iri for s in view.attributed + view.as_place}
        view.incoming = [
            (self.term(s), self.term(p))
            for s, p in incoming
            if s.value not in shown and p.value not in (AG + "subject", AG + "object")
        ][:MAX_INCOMING]
        if kind == "statement":
            view.statement = self.statements([iri]).get(iri)
            if view.statement is not None and view.statement.span and view.statement.document:
                siblings = [row["other"].value for row in self._rows(_SAME_SPAN, iri)]
                view.same_evidence = sorted(self.statements(siblings).values(), key=lambda s: s.local_id)
        return view

    def _add_statements(self, view: ResourceView) -> None:
        roles: dict[str, set[str]] = defaultdict(set)
        for row in self._rows(_INVOLVED, view.iri):
            roles[row["role"].value].add(row["st"].value)
        found = self.statements(sorted(set().union(*roles.values()))) if roles else {}

        def grouped(role: str) -> list[RelationGroup]:
            groups: dict[str, list[StatementView]] = defaultdict(list)
            for st in roles.get(role, ()):
                if st in found:
                    groups[found[st].relation.value].append(found[st])
            return [
                RelationGroup(items[0].relation, sorted(items, key=StatementView.sort_key))
                for _, items in sorted(groups.items(), key=lambda kv: kv[1][0].relation.text)
            ]

        view.as_subject = grouped("subject")
        view.as_object = grouped("object")
        view.attributed = sorted(
            (found[s] for s in roles.get("attributed", ()) if s in found), key=StatementView.sort_key
        )
        view.as_place = sorted((found[s] for s in roles.get("place", ()) if s in found), key=StatementView.sort_key)

    def _document_statements(self, annotated: list[dict[str, Any]]) -> list[StatementView]:
        found = self.statements([row["node"].value for row in annotated])
        # Only statement nodes have a relation; citations and passages are anchored too.
        return sorted(
            (s for s in found.values() if s.relation.value),
            key=lambda s: (s.span or (0, 0), s.local_id),
        )

    def document(self, doc_id: str) -> DocumentView | None:
        """A document's view: its text, numbered statements and the segments between span edges."""
        iri = RES + "document/" + doc_id
        resource = self.resource(iri, related=False)
        if resource is None or resource.kind != "document":
            return None
        text_rows = self._rows("SELECT ?this ?text WHERE { ?this ag:text ?text } LIMIT 1", iri)
        text = text_rows[0]["text"].value if text_rows else ""
        annotated = self._rows(_ANNOTATED, iri)
        statements = self._document_statements(annotated)
        numbers: dict[tuple[int, int], list[int]] = defaultdict(list)
        for number, st in enumerate(statements, start=1):
            if st.span:
                numbers[st.span].append(number)
        others: dict[tuple[int, int], list[str]] = defaultdict(list)
        statement_iris = {s.iri for s in statements}
        for row in annotated:
            if row["node"].value not in statement_iris:
                others[(int(row["start"].value), int(row["end"].value))].append(row["node"].value)
        self.load_labels({i for nodes in others.values() for i in nodes})
        spans = [
            Span(
                s, e, tuple(numbers.get((s, e), ())), tuple(Term(n, label=self._labels.get(n)) for n in others[(s, e)])
            )
            for s, e in sorted(set(numbers) | set(others))
        ]
        return DocumentView(resource, text, statements, spans, segments(text, spans))

    def table(self, result: Any, limit: int) -> ResultTable:
        """The first `limit` rows of a query result as labelled terms (the rest is only counted as cut)."""
        if is_boolean(result):
            return ResultTable([], [], boolean=bool(result))
        if is_triples(result):
            variables = ["subject", "predicate", "object"]
            raw = [[t.subject, t.predicate, t.object] for _, t in zip(range(limit + 1), result, strict=False)]
        else:
            variables = [v.value for v in result.variables]
            raw = [[row[v] for v in variables] for _, row in zip(range(limit + 1), result, strict=False)]
        truncated = len(raw) > limit
        raw = raw[:limit]
        self.load_labels({term_parts(t)[1] for row in raw for t in row if t is not None and term_parts(t)[0] == "iri"})
        rows = [[self.term(t) if t is not None else None for t in row] for row in raw]
        return ResultTable(variables, rows, truncated=truncated)

    def documents(self) -> list[Term]:
        """Every document, by title."""
        rows = self._rows("SELECT ?doc WHERE { ?doc a ag:Document }")
        self.load_labels({row["doc"].value for row in rows})
        return sorted((self.term(row["doc"]) for row in rows), key=lambda t: t.text)

    def index(self) -> list[tuple[Term, list[Term]]]:
        """Every entity of ours under each of its asserted types (documents and statements apart)."""
        rows = self._rows(
            f"""SELECT DISTINCT ?x ?type WHERE {{
              GRAPH <{ENTITIES_GRAPH}> {{ ?x a ?type }} FILTER(?type != ag:Document)
            }}"""
        )
        self.load_labels({row["x"].value for row in rows} | {row["type"].value for row in rows})
        by_type: dict[str, list[Term]] = defaultdict(list)
        for row in rows:
            by_type[row["type"].value].append(self.term(row["x"]))
        return [
            (self.term(named_node(t)), sorted(members, key=lambda m: m.text.lower()))
            for t, members in sorted(by_type.items(), key=lambda kv: self._labels.get(kv[0], kv[0]).lower())
        ]

    def ontology_terms(self) -> list[OntologyTerm]:
        """The ontology's classes, then its properties, each with parents, domain, range and use count."""
        kinds = {
            OWL + "Class": "class",
            OWL + "ObjectProperty": "object property",
            OWL + "DatatypeProperty": "datatype property",
            OWL + "AnnotationProperty": "annotation property",
        }
        rows = self._rows(
            f"""SELECT ?term ?kind ?def ?parent ?domain ?range WHERE {{
              GRAPH <{ONTOLOGY_GRAPH}> {{
                ?term a ?kind FILTER(?kind IN ({", ".join(f"<{k}>" for k in kinds)}) && STRSTARTS(STR(?term), "{AG}"))
                OPTIONAL {{ ?term skos:definition|rdfs:comment ?def }}
                OPTIONAL {{ ?term rdfs:subClassOf|rdfs:subPropertyOf ?parent FILTER(STRSTARTS(STR(?parent), "{AG}")) }}
                OPTIONAL {{ ?term rdfs:domain ?domain FILTER(isIRI(?domain)) }}
                OPTIONAL {{ ?term rdfs:range ?range FILTER(isIRI(?range)) }}
              }}
            }}"""
        )
        uses = {
            row["rel"].value: int(row["n"].value)
            for row in self._rows(
                "SELECT ?rel (COUNT(DISTINCT ?st) AS ?n) WHERE { { ?st ag:relation ?rel } UNION { ?st a ?rel } }"
                " GROUP BY ?rel"
            )
        }
        iris = {row[k].value for row in rows for k in ("term", "parent", "domain", "range") if row[k] is not None}
        self.load_labels(iris)
        terms: dict[str, OntologyTerm] = {}
        for row in rows:
            iri = row["term"].value
            item = terms.setdefault(
                iri, OntologyTerm(self.term(row["term"]), kinds[row["kind"].value], uses=uses.get(iri, 0))
            )
            if row["def"] is not None and not item.definition:
                item.definition = row["def"].value
            for key, bucket in (("parent", item.parents), ("domain", item.domains), ("range", item.ranges)):
                if row[key] is not None and (t := self.term(row[key])) not in bucket:
                    bucket.append(t)
        order = list(kinds.values())
        return sorted(terms.values(), key=lambda t: (order.index(t.kind), t.term.text.lower()))

    def rdf(self, iri: str) -> QueryResult:
        """The RDF description of a resource (a CONSTRUCT result): what it says, what points at it,
        and for statements their evidence annotation."""
        return self.kg.query(_RDF, prefixes=PREFIXES, substitutions={"this": named_node(iri)})


# ---------------------------------------------------------------------------- what the pages call


def describe_resource(kg: KnowledgeGraph, iri: str, *, include_candidates: bool = False) -> ResourceView | None:
    """Types, labels, aliases, external links and statements (by relation) of a resource; None if unknown.

    A string that is not a valid IRI names nothing of ours: None too.
    """
    try:
        return Describer(kg, include_candidates=include_candidates).resource(iri)
    except InvalidIRI:
        return None


def document_view(kg: KnowledgeGraph, doc_id: str, *, include_candidates: bool = False) -> DocumentView | None:
    """A document's text with its evidence spans and numbered statements; None if unknown."""
    try:
        return Describer(kg, include_candidates=include_candidates).document(doc_id)
    except InvalidIRI:
        return None


def documents(kg: KnowledgeGraph) -> list[Term]:
    """Every document (IRI and title)."""
    return Describer(kg).documents()


def entity_index(kg: KnowledgeGraph) -> list[tuple[Term, list[Term]]]:
    """Every entity under each of its types, for the browsing index."""
    return Describer(kg).index()


def ontology_terms(kg: KnowledgeGraph) -> list[OntologyTerm]:
    """The ontology's classes and properties with definitions, parents and how often they are used."""
    return Describer(kg).ontology_terms()


def result_table(kg: KnowledgeGraph, result: QueryResult, limit: int = 1000) -> ResultTable:
    """The first rows of a query result as labelled terms, for an HTML table."""
    return Describer(kg).table(result, limit)


def ontology_rdf(kg: KnowledgeGraph, fmt: str = "turtle") -> bytes:
    """The ontology graph in an RDF format."""
    result = kg.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}")
    return kg.serialize_triples(result, fmt, PREFIXES)


def resource_rdf(kg: KnowledgeGraph, iri: str, fmt: str = "turtle") -> bytes | None:
    """The RDF description of a resource (outgoing, incoming, evidence) in an RDF format; None if not an IRI."""
    # Resource IRIs hold slashes, which prefixed names must escape: full IRIs read better.
    prefixes = {p: ns for p, ns in PREFIXES.items() if ns != RES}
    try:
        return kg.serialize_triples(Describer(kg).rdf(iri), fmt, prefixes)
    except InvalidIRI:
        return None
