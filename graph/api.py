"""KnowledgeGraph: the one facade the CLI and the web application both call."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from actorgraph.graph import build as build_mod
from actorgraph.graph import curation, leases, linking
from actorgraph.graph.alliances import AllianceAnalysis, Hypothesis, SignedNetwork, Triad, network_graphml, network_svg
from actorgraph.graph.checks.coverage import DocumentCoverage, coverage_report
from actorgraph.graph.checks.hermit import ConsistencyResult, ProxyEvidence, check_consistency, proxy_evidence
from actorgraph.graph.checks.shacl import ValidationResult, validate_sources
from actorgraph.graph.config import Settings
from actorgraph.graph.errors import StoreError
from actorgraph.graph.ingest import IngestOptions, IngestReport, documents_in, ingest_files
from actorgraph.graph.ingest import review as candidate_review
from actorgraph.graph.ingest.review import Candidate
from actorgraph.graph.linking import reconcile as reconciliation
from actorgraph.graph.linking import suggest as link_suggest
from actorgraph.graph.linking.void import void_graph
from actorgraph.graph.named_queries import NamedQuery, load_all
from actorgraph.graph.named_queries import get as named_query
from actorgraph.graph.reasoning import infer, remote_strategy
from actorgraph.graph.remote import RemoteStore, kind_named
from actorgraph.graph.sources import load_corpus, shipped_sources
from actorgraph.graph.store import (
    GraphStore,
    QueryResult,
    Store,
    as_solutions,
    current_target,
    named_node,
    serialize_results,
    serialize_triples,
    typed_literal,
)
from actorgraph.ontology import vocab as v
from actorgraph.ontology.docs import write_docs
from actorgraph.ontology.vocab import CANDIDATES_GRAPH, INFERRED_GRAPH, VOID_GRAPH, XSD

if TYPE_CHECKING:
    from rdflib import Graph

ALLIANCES_TTL = 60.0  # seconds a remote store's alliance analysis is reused before it is read again


def term_for(kind: str, value: str) -> Any:
    """The RDF term of a checked named-query parameter value."""
    if kind == "IRI":
        return named_node(value)
    if kind in ("integer", "decimal", "boolean"):
        return typed_literal(value.lower() if kind == "boolean" else value, XSD + kind)
    return typed_literal(value, XSD + "string")


class KnowledgeGraph:
    """Build, open and query the ActorGraph store.

    One instance per process. On disk it opens the store read-only (unless settings say
    otherwise) and reopens it when a rebuild has swapped in a new store, so a long-running
    server follows rebuilds without a restart.
    """

    def __init__(self, settings: Settings | None = None, *, sources: Path | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.sources = sources
        self._store: Store | None = None
        self._target: Path | None = None
        self._link: str | None = None
        self._lock = threading.Lock()
        self._alliances: AllianceAnalysis | None = None
        self._alliances_read = 0.0
        self._reconciler: reconciliation.Reconciler | None = None

    # ------------------------------------------------------------------ store

    @property
    def store(self) -> Store:
        """The current store; reopened when a rebuild has swapped the symlink."""
        if self.settings.remote:
            if self._store is None:
                self._store = RemoteStore.from_settings(self.settings)
            return self._store
        if self.settings.in_memory:
            if self._store is None:
                self._store = GraphStore.memory()
            return self._store
        try:
            # One readlink(2) per access: the cheap check a server makes on every request.
            link: str | None = os.readlink(self.settings.store_path)  # noqa: PTH115 - no Path object per call
        except OSError:
            link = None  # not a symlink (a legacy store folder, or none yet): resolve the slow way
        if link is not None and self._store is not None and link == self._link:
            return self._store
        target = current_target(self.settings.store_dir)
        self._link = link
        if self._store is None or target != self._target:
            with self._lock:
                if self._store is None or target != self._target:
                    if target is None:
                        raise StoreError(f"no store at {self.settings.store_path}: run 'actorgraph build' first")
                    self._store = GraphStore.open(target, read_only=self.settings.read_only)
                    self._target = target
                    # Held while any thread still has this store object: a rebuild will not delete it.
                    weakref.finalize(self._store, leases.hold(target).release)
        return self._store

    def open(self) -> None:
        """Open the store now rather than at the first query (a missing store raises StoreError here)."""
        self.store  # noqa: B018 - the property opens it

    def close(self) -> None:
        """Forget the open store (the next access reopens it): before a fork, after a rebuild."""
        self._store = None
        self._target = None
        self._link = None

    # ------------------------------------------------------------------ build

    def build(
        self,
        step: build_mod.Step = lambda _: None,
        *,
        reason: bool = False,
        sources: Path | None = None,
        progress: build_mod.Progress = lambda _done, _total: None,
    ) -> build_mod.BuildReport:
        """Build the graph from the sources (atomically on disk or on a remote store; in place in memory).

        ``sources`` overrides the folder this graph was opened with (curation builds the ingest folder);
        progress(done, total) follows the upload of triples into a remote store.
        """
        sources = sources or self.sources
        self._reconciler = None  # the registry may have changed (curation rebuilds after each change)
        if self.settings.remote:
            target = RemoteStore.from_settings(self.settings, read_only=False)
            report = build_mod.build_remote(target, sources, step, reason=reason, progress=progress)
            self.close()
            return report
        if self.settings.in_memory:
            store = GraphStore.memory()
            report = build_mod.build(None, sources, step, memory_store=store, reason=reason)
            self._store = store  # swapped in only once built: readers never see a half-built store
            return report
        try:
            self.settings.store_dir.parent.mkdir(parents=True, exist_ok=True)
            report = build_mod.build(self.settings.store_dir, sources, step, reason=reason)
        except OSError as exc:  # a read-only or full disk, a file where a folder should be: the old store stays
            raise StoreError(f"cannot build the store at {self.settings.store_path}: {exc}") from exc
        self.close()
        return report

    # ------------------------------------------------------------------ reasoning and alliances

    def reason(self, step: build_mod.Step = lambda _: None) -> str:
        """Write …/graph/inferred (OWL 2 RL closure, triads, hypotheses); on disk into a swapped-in copy."""
        if self.settings.in_memory:
            summary = infer(self.store).summary()
        elif self.settings.remote:
            step(build_mod.REASON_STEP)
            strategy = remote_strategy(self.settings.store_kind, self.settings.store_reasoning)
            summary = infer(RemoteStore.from_settings(self.settings, read_only=False), strategy=strategy).summary()
        else:
            summary = build_mod.reason_store(self.settings.store_dir, step)
            self.close()
        self._alliances = None
        return summary

    def alliances(self) -> AllianceAnalysis:
        """The statements read for alliance analytics (cached until the store changes)."""
        store = self.store
        if isinstance(store, RemoteStore):
            # Read once into memory: analytics read most of the graph, and path queries with both ends
            # unbound (rdfs:subPropertyOf*) are not evaluated by every server (Virtuoso refuses them).
            if self._alliances is None or time.monotonic() - self._alliances_read > ALLIANCES_TTL:
                self._alliances = AllianceAnalysis(store.snapshot())
                self._alliances_read = time.monotonic()
            return self._alliances
        if self._alliances is None or self._alliances.store is not store:
            self._alliances = AllianceAnalysis(store)
        return self._alliances

    def network(self, start: int, end: int | None = None) -> SignedNetwork:
        """The signed actor network of the statements that hold in [start, end] (a year if end is None)."""
        return self.alliances().network(start, end)

    def balance(self, start: int, end: int | None = None) -> list[Triad]:
        """Triads with three signed ties at that time, balanced or not (Heider)."""
        return self.network(start, end).triads()

    def predictions(self, start: int, end: int | None = None) -> list[Hypothesis]:
        """Enemy-of-my-enemy and friend-of-my-enemy predictions, best first."""
        return self.network(start, end).predictions()

    def timeline(self, a: str, b: str) -> list[dict[str, Any]]:
        """The tie between two agents (IRIs) year by year."""
        return self.alliances().timeline(a, b)

    def network_svg(self, start: int, end: int | None = None) -> str:
        """The signed network as SVG, with a legend."""
        return network_svg(self.network(start, end))

    def network_graphml(self, start: int, end: int | None = None) -> bytes:
        """The signed network as GraphML (for Gephi, yEd, networkx)."""
        return network_graphml(self.network(start, end))

    # ------------------------------------------------------------------ query

    def query(self, sparql: str, *, local_copy: bool = False, **kwargs: Any) -> QueryResult:
        """Run SPARQL over the union of all graphs (see GraphStore.query for options).

        local_copy: on a remote store, answer from our dataset copied into memory (RemoteStore.local_copy)
        when it is small enough: for the named queries the store's kind answers wrongly (prepare_named).
        """
        store = self.store
        if local_copy and isinstance(store, RemoteStore):
            copy = store.local_copy(self.settings.store_copy_max)
            if copy is not None:
                return copy.query(sparql, **kwargs)
        return store.query(sparql, **kwargs)

    def select(self, sparql: str, **kwargs: Any) -> list[dict[str, Any]]:
        """Run a SELECT and return rows of plain Python values (IRIs and lexical forms)."""
        result = self.store.select(sparql, **kwargs)
        variables = [v.value for v in result.variables]
        return [{name: _plain(row[name]) for name in variables} for row in result]

    def export(self, output: IO[bytes], fmt: str = "nquads") -> None:
        """Dump everything: all named graphs for quad formats, the union for triple formats.

        The dataset's VoID description (statistics, linksets) is included, in the graph …/graph/void.
        """
        void = void_graph(self.store).serialize(format="nt")
        self.store.dump_with(output, fmt, extra_ntriples=void, extra_graph=VOID_GRAPH)

    def reviewed_dataset(self, include_candidates: bool = False) -> dict[str, Any]:
        """Query options for what named queries and pages show: every graph but the unreviewed candidates.

        Empty (the plain union) when there are no candidates or they are asked for.
        """
        graphs = self.store.named_graphs()
        if include_candidates or CANDIDATES_GRAPH not in graphs:
            return {}
        reviewed = [g for g in graphs if g != CANDIDATES_GRAPH]
        return {"default_graphs": reviewed, "named_graphs": reviewed}

    def run_named(
        self, name: str, params: dict[str, str] | None = None, *, include_candidates: bool = False
    ) -> QueryResult:
        """Run a named query over the reviewed statements (candidates only when asked), binding
        parameters as RDF terms (pyoxigraph substitutions).

        Raises UnknownQuery, QueryParameterError.
        """
        sparql, options = self.prepare_named(name, params, include_candidates=include_candidates)
        return self.query(sparql, **options)

    def prepare_named(
        self, name: str, params: dict[str, str] | None = None, *, include_candidates: bool = False
    ) -> tuple[str, dict[str, Any]]:
        """A named query's text and its query options (bound parameters, dataset), checked, not run.

        For callers that run it under their own limits (the server's row cap). Raises UnknownQuery,
        QueryParameterError.
        """
        query = named_query(name)
        bindings = {key: term_for(kind, value) for key, (kind, value) in query.bindings(params or {}).items()}
        options = {"substitutions": bindings, **self.reviewed_dataset(include_candidates)}
        # A query the store's kind answers wrongly is answered from a copy in memory, if small enough.
        return query.sparql, options | ({"local_copy": True} if self._wrong_on_this_store(name) else {})

    def _wrong_on_this_store(self, name: str) -> str | None:
        # From the settings alone: listing the caveats must not open (or reopen) a store.
        return kind_named(self.settings.store_kind).caveat(name) if self.settings.remote else None

    def named_query_caveat(self, name: str) -> str | None:
        """What is wrong with this store's answer to a named query (a remote kind's bug it answers with, when
        the store is too large to answer it from a copy in memory), or None."""
        caveat = self._wrong_on_this_store(name)
        return caveat if caveat and not self._answers_from_a_copy() else None

    def named_query_caveats(self) -> dict[str, str]:
        """named_query_caveat of every named query that has one, the copy checked once for all."""
        wrong = {name: caveat for name in load_all() if (caveat := self._wrong_on_this_store(name))}
        return wrong if wrong and not self._answers_from_a_copy() else {}

    def _answers_from_a_copy(self) -> bool:
        store = self.store
        return isinstance(store, RemoteStore) and store.local_copy(self.settings.store_copy_max) is not None

    def named_queries(self) -> dict[str, NamedQuery]:
        """Every named query (queries/*.rq) by name, with its title and parameters."""
        return load_all()

    def stats(self) -> dict[str, int]:
        """Quads per named graph."""
        counts: dict[str, int] = self.store.counts_per_graph()
        return counts

    # ------------------------------------------------------------------ checks of the sources (no store needed)

    def validate(self, *, shacl: bool = True) -> ValidationResult:
        """Check the sources (quotes, ids, predicates) and, unless shacl is False, the SHACL shapes."""
        return validate_sources(self.sources, shacl=shacl)

    def coverage(self) -> list[DocumentCoverage]:
        """Per document, the sentences that carry a statement, are marked as no claim, or neither."""
        return coverage_report(self.sources)

    def check_consistency(self, *, with_data: bool = True) -> ConsistencyResult:
        """HermiT (needs Java): is the ontology, plus the sources' data unless with_data is False, consistent?"""
        return check_consistency(sources=self.sources, with_data=with_data)

    def proxy_evidence(self, proxies: list[str]) -> list[ProxyEvidence]:
        """The sponsorship statements behind each actor HermiT classified as ag:ProxyActor."""
        return proxy_evidence(proxies, self.sources)

    def write_ontology_docs(self, folder: Path) -> Path:
        """Write the ontology's HTML documentation (pyLODE) into folder; returns the index file."""
        return write_docs(folder)

    # ------------------------------------------------------------------ external links (docs/linking.md)

    def link_report(self) -> linking.LinkReport:
        """Which entities of the sources carry checked external identifiers, and which do not."""
        return linking.link_report(load_corpus(self.sources))

    def verify_links(self, only: Iterable[str] | None = None) -> list[linking.VerifyResult]:
        """Compare each linked QID's Wikidata label and instance-of with our entity (settings.wikidata_api).

        Raises WikidataUnavailable when offline, LinkError when an entity asked for has no QID.
        """
        client = linking.WikidataClient(self.settings.wikidata_api)
        return linking.verify_links(load_corpus(self.sources), client, only)

    def enrich_links(self, *, refresh: bool = False) -> linking.EnrichResult:
        """Fetch Wikidata facts of linked entities (cached in settings.wikidata_cache) into the enrichment graph.

        Replaces that graph, and only it; needs a writable store. Raises WikidataUnavailable when offline.
        """
        client = linking.WikidataClient(self.settings.wikidata_api)
        cache = Path(self.settings.wikidata_cache)
        result = linking.enrich(load_corpus(self.sources), client, cache, refresh=refresh)
        linking.write_enrichment(self.store, result)
        return result

    def link_of(self, entity_id: str) -> linking.Link | None:
        """The registry's entry for an entity: its identifiers and how each was checked (None: no entry)."""
        return self.reconciler().links.get(entity_id)

    def suggest_links(self, only: Iterable[str] | None = None) -> tuple[Path, list[link_suggest.Suggestion]]:
        """Ask settings.reconcile_service for candidates of entities without a QID; write them for review.

        Returns the review file (link-candidates.yaml beside links.yaml) and the suggestions.
        Raises ReconciliationUnavailable when the service cannot be reached, LinkError for an unknown id.
        """
        client = link_suggest.ReconciliationClient(self.settings.reconcile_service)
        suggestions = link_suggest.suggest(load_corpus(self.sources), client, only)
        path = link_suggest.write_candidates(self._registry_folder(), suggestions, client.service_url, _today())
        return path, suggestions

    def accept_link(self, entity_id: str, qid: str) -> linking.VerifyResult:
        """Check a proposed QID through the Wikidata API (settings.wikidata_api), then write it into links.yaml.

        Raises LinkError (not proposed, or it does not match: nothing is written), WikidataUnavailable.
        """
        client = linking.WikidataClient(self.settings.wikidata_api)
        corpus = load_corpus(self.sources)
        result = link_suggest.accept(corpus, self._registry_folder(), entity_id, qid, client, _today())
        self._reconciler = None  # the registry changed
        return result

    def reject_link(self, entity_id: str, qid: str) -> str:
        """Record in links.yaml that a proposed QID is not the entity; the line written. Raises LinkError."""
        line = link_suggest.reject(load_corpus(self.sources), self._registry_folder(), entity_id, qid, _today())
        self._reconciler = None  # the registry changed
        return line

    def _registry_folder(self) -> Path:
        """The sources folder whose links.yaml the link commands read and write."""
        return self.sources or shipped_sources()

    # ------------------------------------------------------------------ reconciliation service (docs/linking.md)

    def reconciler(self) -> reconciliation.Reconciler:
        """The matcher over the registry's entities and links (built once per instance)."""
        if self._reconciler is None:
            corpus = load_corpus(self.sources)
            self._reconciler = reconciliation.Reconciler(corpus, linking.corpus_links(corpus))
        return self._reconciler

    def reconcile(self, batch: dict[str, Any]) -> dict[str, Any]:
        """Answer a reconciliation query batch ({key: {query, type, limit, properties}}).

        Raises ValueError when a query is malformed.
        """
        return self.reconciler().reconcile_batch(batch)

    def reconcile_suggest(self, kind: str, prefix: str) -> list[dict[str, Any]]:
        """Suggest entities, types or properties (kind) for a prefix. Raises ValueError for another kind."""
        if kind == "entity":
            return self.reconciler().suggest_entities(prefix)
        if kind == "type":
            return reconciliation.suggest_types(prefix)
        if kind == "property":
            known = reconciliation.RECONCILE_PROPERTIES | reconciliation.EXTEND_PROPERTIES
            return reconciliation.suggest_properties(prefix, known)
        raise ValueError(f"nothing to suggest of kind {kind!r} (entity, type, property)")

    def reconcile_card(self, entity_id: str) -> reconciliation.EntityCard | None:
        """The preview card of an entity: label, types, aliases, identifiers, three statements with evidence."""
        if entity_id not in self.reconciler().entities:
            return None
        bindings = {"entity": named_node(v.entity_iri(entity_id))}
        rows = self.select(reconciliation.PREVIEW_STATEMENTS, substitutions=bindings, **self.reviewed_dataset())
        return reconciliation.entity_card(self.reconciler(), entity_id, rows)

    def reconcile_extend(self, ids: list[str], properties: list[dict[str, Any]]) -> dict[str, Any]:
        """Data extension: type, Wikidata QID, sponsors, adversaries in a year of each entity.

        Raises ValueError for an unknown property or a bad setting.
        """
        meta = reconciliation.extension_meta(properties)
        rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for entity_id in ids:
            rows[entity_id] = {str(p["id"]): self._extension_values(entity_id, p) for p in properties}
        return {"meta": meta, "rows": rows}

    def _extension_values(self, entity_id: str, prop: dict[str, Any]) -> list[dict[str, Any]]:
        reconciler = self.reconciler()
        entity = reconciler.entities.get(entity_id)
        if entity is None:
            return []
        pid = prop["id"]
        if pid == "type":
            return [{"id": t["id"], "name": t["name"]} for t in reconciler.types_json(entity)]
        if pid == "wikidata":
            link = reconciler.links.get(entity_id)
            return [{"str": link.wikidata}] if link and link.wikidata else []
        iri = v.entity_iri(entity_id)
        if pid == "sponsor":
            found = [(r["sponsor"], r["sponsorLabel"]) for r in self._named_rows("proxies_and_sponsors", {})
                     if r["proxy"] == iri]  # fmt: skip
        else:
            year = str(reconciliation.year_setting(prop))
            rows = self._named_rows("adversaries_at_year", {"actor": iri, "year": year})
            found = [(r["adversary"], r["adversaryLabel"]) for r in rows]
        return [{"id": ref.removeprefix(v.RES), "name": name} for ref, name in dict(found).items()]

    def _named_rows(self, name: str, params: dict[str, str]) -> list[dict[str, Any]]:
        result = as_solutions(self.run_named(name, params))
        variables = [var.value for var in result.variables]
        return [{key: _plain(row[key]) for key in variables} for row in result]

    # ------------------------------------------------------------------ ingest and review (settings.sources_path)

    def ingest(
        self,
        paths: Sequence[Path],
        options: IngestOptions,
        *,
        progress: Callable[[int, int], None] = lambda _done, _total: None,
        finished: Callable[[Path], None] | None = None,
    ) -> list[IngestReport]:
        """Read, register and extract documents (files, or every document in folders) into the ingest sources folder.

        All or nothing; several files are read in settings.ingest_workers processes. Raises ExtractionError
        (unreadable, binary, empty, too large, unknown date) or SourceError.
        """
        files = documents_in(list(paths))
        return ingest_files(files, self.settings.sources_dir, options, workers=self.settings.ingest_workers,
                            progress=progress, finished=finished)  # fmt: skip

    def ingest_options(self, **given: Any) -> IngestOptions:
        """Ingest options with this graph's size cap (settings.ingest_max_bytes)."""
        return IngestOptions(max_bytes=self.settings.ingest_max_bytes, **given)

    def accept_entity(self, document: str, name: str, entity_id: str, entity_type: str | None = None) -> dict[str, Any]:
        """Add a document's new-entity candidate (name or new: key) to the registry as entity_id."""
        return candidate_review.accept_entity(self.settings.sources_dir, document, name, entity_id, entity_type)

    def merge_entity(self, document: str, name: str, into: str) -> list[str]:
        """Make a document's new-entity candidate an alias of the registry entity `into`; the aliases added."""
        return candidate_review.merge_entity(self.settings.sources_dir, document, name, into)

    def pending_candidates(self, document: str | None = None) -> list[Candidate]:
        """The candidate statements not yet reviewed (of one document, or all)."""
        return candidate_review.pending(self.settings.sources_dir, document)

    def entity_candidates(self, document: str) -> list[dict[str, Any]]:
        """The names in a document that may be new entities, with a suggested type."""
        return candidate_review.entity_candidates(self.settings.sources_dir, document)

    def accept_candidate(self, local_id: str, document: str | None = None, corrections: Sequence[str] = ()) -> None:
        """Accept a candidate statement, corrected by key=value pairs; its document is found when not given."""
        fixes = candidate_review.parse_corrections(tuple(corrections))
        sources = self.settings.sources_dir
        candidate_review.accept(sources, document or candidate_review.find_document(sources, local_id), local_id, fixes)

    def reject_candidate(self, local_id: str, document: str | None = None) -> None:
        """Reject a candidate statement; its document is found when not given."""
        sources = self.settings.sources_dir
        candidate_review.reject(sources, document or candidate_review.find_document(sources, local_id), local_id)

    def review_session(
        self, document: str | None, ask: Callable[[str], str], say: Callable[[str], None]
    ) -> dict[str, int]:
        """Walk through the pending candidates interactively; returns how many were accepted, rejected, ..."""
        return candidate_review.session(self.settings.sources_dir, document, ask, say)

    # ------------------------------------------------------------------ curation in the browser (docs/curation.md)

    def review_documents(self) -> list[tuple[Any, int, int]]:
        """Documents of the ingest sources folder with their open candidates and new-entity candidates."""
        return curation.open_counts(self.settings.sources_dir)

    def review_state(self, document: str) -> curation.DocumentState:
        """One document's text, candidates, mentions, new entities, history and version. Raises SourceError."""
        return curation.document_state(self.settings.sources_dir, document)

    def add_document(
        self, path: Path, *, title: str, author: str | None, date: str | None, progress: Callable[[int, int], None]
    ) -> IngestReport:
        """Ingest a document into the ingest sources folder and rebuild the graph from it (the upload page).

        Holds the curation lock, so no analyst's change runs between the ingest and the rebuild.
        """
        sources = self.settings.sources_dir
        with curation.locked(sources):
            options = self.ingest_options(title=title, author=author, date=date)
            [report] = self.ingest([path], options, progress=progress)
            self.build(sources=sources, reason=self._reasoned())
        return report

    def _reasoned(self) -> bool:
        """Whether the store serves an inferred graph, which a rebuild after a curation change must keep."""
        try:
            return INFERRED_GRAPH in self.store.named_graphs()
        except StoreError:
            return False  # no store yet: the first build decides

    def curate(self, document: str, change: curation.Change, *, reviewer: str, version: str) -> curation.Applied:
        """Make one analyst change to the ingest sources, then rebuild the graph from them (all or nothing).

        Raises Conflict, CurationError, SourceError; the sources are unchanged when it raises.
        """
        sources = self.settings.sources_dir
        reason = self._reasoned()
        return curation.apply(
            sources,
            document,
            change,
            reviewer=reviewer,
            version=version,
            rebuild=lambda: self.build(sources=sources, reason=reason),
        )

    # ------------------------------------------------------------------ resource pages

    def outgoing(self, iri: str) -> list[tuple[Any, Any]]:
        """(predicate, object) terms of every triple about an IRI, in any graph, once each (an index lookup)."""
        return self.store.outgoing(iri)

    def named_graphs(self) -> list[str]:
        """The IRIs of every named graph, sorted."""
        return self.store.named_graphs()

    def health(self) -> dict[str, Any]:
        """Ask the store a trivial query; where it lives and whether it is read-only. Raises StoreError."""
        store = self.store
        store.query("ASK { ?s ?p ?o }")
        where = store.location.name if store.location else ("remote" if store.remote else "memory")
        return {"store": where, "read_only": store.read_only}

    def backend(self) -> str:
        """What backs the store (the service description says it): 'embedded Oxigraph (memory)', ..."""
        return self.store.describe()

    def void(self, sparql_endpoint: str | None = None, data_dump: str | None = None) -> Graph:
        """The dataset's VoID description (statistics, one subset per named graph, linksets)."""
        return void_graph(self.store, sparql_endpoint=sparql_endpoint, data_dump=data_dump)

    # ------------------------------------------------------------------ serialisation

    def serialize(self, result: QueryResult, output: IO[bytes], fmt: str) -> None:
        """Write a query result in a format of store.RESULT_FORMATS (SELECT/ASK) or GRAPH_FORMATS (CONSTRUCT)."""
        serialize_results(result, output, fmt)

    def serialize_triples(self, result: QueryResult, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
        """A small CONSTRUCT/DESCRIBE result as bytes, sorted by subject, declaring only the prefixes used."""
        return serialize_triples(result, fmt, prefixes)

    # ------------------------------------------------------------------ writing (SPARQL Update, Graph Store)

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run SPARQL Update in one transaction (relative IRIs against base_iri).

        Raises ReadOnlyStore, InvalidQuery, QueryEvaluationError.
        """
        self.store.update(sparql, base_iri=base_iri)

    def graph_exists(self, graph: str | None) -> bool:
        """Whether a named graph is in the store (None, the store's default graph, always is)."""
        return self.store.graph_exists(graph)

    def dump(self, output: IO[bytes], fmt: str = "nquads") -> None:
        """Serialise every graph as it is stored (a quad format), without computed descriptions."""
        self.store.dump(output, fmt)

    def read_graph(self, output: IO[bytes], fmt: str, graph: str | None) -> None:
        """Serialise one graph (None: the store's default graph) in a triple format."""
        self.store.dump_graph(output, fmt, graph)

    def replace_graph(self, graph: str | None, data: bytes, fmt: str) -> int:
        """Replace one graph's content atomically; the triples written. Raises InvalidQuery, ReadOnlyStore."""
        return self.store.write_graph(graph, data, fmt, replace=True)

    def merge_graph(self, graph: str | None, data: bytes, fmt: str) -> int:
        """Add triples to one graph atomically; the triples written. Raises InvalidQuery, ReadOnlyStore."""
        return self.store.write_graph(graph, data, fmt, replace=False)

    def drop_graph(self, graph: str | None) -> bool:
        """Remove a named graph (or empty the default graph); False when the named graph did not exist."""
        return self.store.drop_graph(graph)


def _today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def _plain(term: Any) -> Any:
    if term is None:
        return None
    return term.value
