"""The only module that imports pyoxigraph: open, build atomically, query, dump.

``Store`` is the interface everything above the store speaks; ``GraphStore`` is its embedded
implementation (pyoxigraph in this process), ``actorgraph.graph.remote.RemoteStore`` the one that
speaks the SPARQL 1.1 protocols to a server. The remote store hands the bytes it receives to
``parse_results`` here, so both give callers the same result types.

On disk a store path (default ``var/store``) is a symlink to a build directory beside it
(``var/.store-builds/<id>``). A build writes a fresh directory and swaps the symlink with
one atomic rename, so a failed build leaves the previous store untouched and a running
server can notice the new target and reopen. The previous build is kept (a server may
still be answering from it); older ones are removed.
"""

from __future__ import annotations

import gc
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol, TypeGuard

import pyoxigraph as ox

from actorgraph.graph import leases
from actorgraph.graph.config import MEMORY
from actorgraph.graph.errors import (
    InvalidIRI,
    InvalidQuery,
    QueryEvaluationError,
    ReadOnlyStore,
    StoreError,
    UnknownFormat,
)
from actorgraph.graph.guard import check_query_shape
from actorgraph.ontology.vocab import AG, RES

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Solutions = ox.QuerySolutions
Triples = ox.QueryTriples


@dataclass(frozen=True)
class Format:
    """A serialisation: our name for it, pyoxigraph's format object (media type, extension), other names.

    >>> format_by_name("ttl").media_type
    'text/turtle'
    """

    name: str
    kind: ox.RdfFormat | ox.QueryResultsFormat
    aliases: tuple[str, ...] = ()

    @property
    def media_type(self) -> str:
        """The media type without parameters (pyoxigraph adds a charset to CSV and TSV)."""
        media_type: str = self.kind.media_type.split(";", 1)[0]
        return media_type

    @property
    def extension(self) -> str:
        extension: str = self.kind.file_extension
        return extension

    @property
    def content_type(self) -> str:
        """The Content-Type header of an answer in this format (UTF-8 text says so)."""
        textual = self.media_type.startswith("text/") or self.name in ("json", "xml", "jsonld", "rdfxml")
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type

    @property
    def is_graph(self) -> bool:
        return isinstance(self.kind, ox.RdfFormat)

    @property
    def has_datasets(self) -> bool:
        """Whether the format carries named graphs (N-Quads, TriG)."""
        return self.kind in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)


# Each family in the server's order of preference: the first is the default answer.
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", ox.QueryResultsFormat.JSON, ("application/json", "json", "srj")),
    Format("xml", ox.QueryResultsFormat.XML, ("application/xml", "text/xml", "xml", "srx")),
    Format("csv", ox.QueryResultsFormat.CSV, ("csv",)),
    Format("tsv", ox.QueryResultsFormat.TSV, ("tsv",)),
)
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", ox.RdfFormat.TURTLE, ("application/x-turtle", "text/n3", "turtle", "ttl")),
    Format("ntriples", ox.RdfFormat.N_TRIPLES, ("ntriples", "nt", "n-triples")),
    Format("jsonld", ox.RdfFormat.JSON_LD, ("application/json", "jsonld", "json-ld", "json")),
    Format("rdfxml", ox.RdfFormat.RDF_XML, ("application/xml", "text/xml", "rdfxml", "rdf", "xml")),
    Format("nquads", ox.RdfFormat.N_QUADS, ("nquads", "nq", "n-quads")),
    Format("trig", ox.RdfFormat.TRIG, ("trig",)),
)
# One graph at a time (a resource, a Graph Store graph): quad formats would only repeat the graph name.
TRIPLE_FORMATS: tuple[Format, ...] = tuple(f for f in GRAPH_FORMATS if not f.has_datasets)
QUAD_FORMATS: tuple[Format, ...] = tuple(f for f in GRAPH_FORMATS if f.has_datasets)
_RDF: dict[str, ox.RdfFormat] = {f.name: f.kind for f in GRAPH_FORMATS if isinstance(f.kind, ox.RdfFormat)}
_RESULTS: dict[str, ox.QueryResultsFormat] = {
    f.name: f.kind for f in RESULT_FORMATS if isinstance(f.kind, ox.QueryResultsFormat)
}


def format_by_name(name: str, formats: tuple[Format, ...] = GRAPH_FORMATS + RESULT_FORMATS) -> Format:
    """The format of formats called name (our name, an alias, a media type or an extension).

    Raises UnknownFormat.
    """
    wanted = name.strip().lower()
    # Our own names first: "json" is SPARQL JSON results before it is JSON-LD's alias.
    for candidate in formats:
        if wanted == candidate.name:
            return candidate
    for candidate in formats:
        if wanted in (candidate.media_type, candidate.extension, *candidate.aliases):
            return candidate
    raise UnknownFormat(f"unknown format {name!r}; one of: {', '.join(f.name for f in formats)}")


def format_by_media_type(media_type: str, formats: tuple[Format, ...] = GRAPH_FORMATS) -> Format | None:
    """The format of formats with that media type (or a media-type alias); None when there is none."""
    wanted = media_type.split(";", 1)[0].strip().lower()
    for candidate in formats:
        if wanted == candidate.media_type or (wanted in candidate.aliases and "/" in wanted):
            return candidate
    return None


KEEP_BUILDS = 2


def builds_dir(path: Path) -> Path:
    return path.parent / f".{path.name}-builds"


def current_target(path: Path) -> Path | None:
    """The build directory the store path points at now (None if there is no store)."""
    if path.is_symlink():
        return (path.parent / path.readlink()).resolve()
    if path.is_dir():
        return path.resolve()
    return None


class Store(Protocol):
    """What build, queries, pages, reasoning, analytics, export and linking ask of a store.

    Two implementations: GraphStore (embedded pyoxigraph) and remote.RemoteStore (SPARQL 1.1
    Protocol and Graph Store Protocol over HTTP). Both raise the same errors (graph/errors.py)
    and return the same result types.
    """

    read_only: bool
    location: Path | None

    @property
    def remote(self) -> bool:
        """Whether the store lives in another process (reason on a copy, write back once)."""

    def describe(self) -> str:
        """What backs the store, for people: 'embedded (memory)', 'oxigraph at http://...'."""

    def load(
        self, data: bytes | str | IO[bytes], fmt: str = ..., graph: str | None = ..., *, trusted: bool = ...
    ) -> None: ...
    def replace_graph(self, graph: str, data: bytes | str, fmt: str = ...) -> None: ...
    def update(self, sparql: str, *, base_iri: str | None = ...) -> None: ...
    def flush(self) -> None: ...
    def query(
        self,
        sparql: str,
        *,
        substitutions: dict[str, Any] | None = ...,
        union_default: bool = ...,
        default_graphs: list[str] | None = ...,
        named_graphs: list[str] | None = ...,
        prefixes: dict[str, str] | None = ...,
        base_iri: str | None = ...,
    ) -> QueryResult: ...
    def select(self, sparql: str, **kwargs: Any) -> ox.QuerySolutions: ...
    def ask(self, sparql: str, **kwargs: Any) -> bool: ...
    def construct(self, sparql: str, **kwargs: Any) -> ox.QueryTriples: ...
    def named_graphs(self) -> list[str]: ...
    def count(self, graph: str | None = ...) -> int: ...
    def counts_per_graph(self) -> dict[str, int]: ...
    def dump(self, output: IO[bytes], fmt: str = ..., graph: str | None = ...) -> None: ...
    def dump_with(self, output: IO[bytes], fmt: str, *, extra_ntriples: str, extra_graph: str) -> None: ...
    def outgoing(self, subject: str) -> list[tuple[Any, Any]]: ...
    def graph_exists(self, graph: str | None) -> bool: ...
    def dump_graph(self, output: IO[bytes], fmt: str, graph: str | None) -> None: ...
    def write_graph(self, graph: str | None, data: bytes | str, fmt: str, *, replace: bool) -> int: ...
    def drop_graph(self, graph: str | None) -> bool: ...


def _open_rocksdb(target: Path, read_only: bool) -> ox.Store:
    return ox.Store.read_only(str(target)) if read_only else ox.Store(str(target))


class GraphStore:
    """A pyoxigraph store plus the conventions of ActorGraph (union default graph, errors)."""

    remote = False

    def __init__(self, store: ox.Store, *, read_only: bool, location: Path | None = None) -> None:
        self._store = store
        self.read_only = read_only
        self.location = location

    def describe(self) -> str:
        return f"embedded Oxigraph ({self.location or 'memory'})"

    # ---------------------------------------------------------------- opening

    @classmethod
    def memory(cls) -> GraphStore:
        return cls(ox.Store(), read_only=False)

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = True) -> GraphStore:
        """Open the store at path (following its symlink); ':memory:' gives an empty in-memory store."""
        if str(path) == MEMORY:
            return cls.memory()
        target = current_target(Path(path))
        if target is None:
            raise StoreError(f"no store at {path}: run 'actorgraph build' first")
        try:
            store = _open_rocksdb(target, read_only)
        except OSError as exc:
            if "lock hold by current process" not in str(exc):
                raise StoreError(f"cannot open store {target}: {exc}") from exc
            # A handle of this process that nothing uses any more (the build's, kept by a reference cycle) still
            # holds RocksDB's lock until the garbage collector frees it: free it, and try once more.
            gc.collect()
            try:
                store = _open_rocksdb(target, read_only)
            except (OSError, RuntimeError) as again:
                raise StoreError(f"cannot open store {target}: {again}") from again
        except RuntimeError as exc:  # RocksDB's "Corruption" (a store left by a crash)
            raise StoreError(f"cannot open store {target}: {exc}") from exc
        return cls(store, read_only=read_only, location=target)

    # ---------------------------------------------------------------- writing

    def _writable(self) -> ox.Store:
        if self.read_only:
            raise ReadOnlyStore("the store is open read-only")
        return self._store

    def load(
        self, data: bytes | str | IO[bytes], fmt: str = "nquads", graph: str | None = None, *, trusted: bool = False
    ) -> None:
        """Load RDF in one transaction (to a named graph for triple formats when graph is given).

        trusted skips validating IRIs and literals (a third faster); only for text that Oxigraph
        itself wrote, such as the reasoner's conclusions.
        """
        to_graph = ox.NamedNode(graph) if graph else None
        try:
            self._writable().load(data, format=_RDF[fmt], to_graph=to_graph, lenient=trusted)
        except SyntaxError as exc:
            raise InvalidQuery(f"invalid {fmt}: {exc}") from exc

    def bulk_load(self, data: bytes | str, fmt: str = "nquads") -> None:
        self._writable().bulk_load(data, format=_RDF[fmt])

    def replace_graph(self, graph: str, data: bytes | str, fmt: str = "ntriples") -> None:
        """Replace one named graph's content atomically (SPARQL Update in one transaction)."""
        self.write_graph(graph, data, fmt, replace=True)

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run SPARQL Update (atomic: one transaction); relative IRIs resolve against base_iri."""
        check_query_shape(sparql)
        writable = self._writable()
        try:
            writable.update(sparql, base_iri=base_iri)
        except SyntaxError as exc:
            raise _invalid(exc) from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc
        except RuntimeError as exc:  # evaluation (CREATE of an existing graph, ...): the request's fault
            raise QueryEvaluationError(f"update failed, nothing was changed: {exc}") from exc

    def flush(self) -> None:
        if not self.read_only:
            self._store.flush()

    # ---------------------------------------------------------------- reading

    def query(
        self,
        sparql: str,
        *,
        substitutions: dict[str, Any] | None = None,
        union_default: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        prefixes: dict[str, str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; the default graph is the union of all graphs unless graphs are named.

        prefixes are declared for the parser (the query text need not repeat PREFIX lines);
        relative IRIs resolve against base_iri (the protocol: the endpoint's URL).
        Raises InvalidQuery, QueryEvaluationError, StoreError.
        """
        kwargs: dict[str, Any] = {}
        if prefixes:
            kwargs["prefixes"] = prefixes
        if base_iri:
            kwargs["base_iri"] = base_iri
        if default_graphs is not None:  # [] is an empty default graph (only named graphs given)
            kwargs["default_graph"] = [named_node(g) for g in default_graphs]
        else:
            kwargs["use_default_graph_as_union"] = union_default
        if named_graphs:
            kwargs["named_graphs"] = [named_node(g) for g in named_graphs]
        if substitutions:
            kwargs["substitutions"] = {ox.Variable(k): to_term(val) for k, val in substitutions.items()}
        check_query_shape(sparql)
        try:
            return self._store.query(sparql, **kwargs)
        except SyntaxError as exc:
            raise _invalid(exc) from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc
        except RuntimeError as exc:  # evaluation (an unknown function, ...): the query's fault
            raise QueryEvaluationError(f"query failed: {exc}") from exc

    def select(self, sparql: str, **kwargs: Any) -> ox.QuerySolutions:
        """Run a SELECT query (typed: raises InvalidQuery for another query form)."""
        result = self.query(sparql, **kwargs)
        if not isinstance(result, ox.QuerySolutions):
            raise InvalidQuery("expected a SELECT query")
        return result

    def ask(self, sparql: str, **kwargs: Any) -> bool:
        """Run an ASK query."""
        result = self.query(sparql, **kwargs)
        if not isinstance(result, ox.QueryBoolean):
            raise InvalidQuery("expected an ASK query")
        return bool(result)

    def construct(self, sparql: str, **kwargs: Any) -> ox.QueryTriples:
        """Run a CONSTRUCT or DESCRIBE query."""
        result = self.query(sparql, **kwargs)
        if not isinstance(result, ox.QueryTriples):
            raise InvalidQuery("expected a CONSTRUCT or DESCRIBE query")
        return result

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        """Number of quads, in one named graph or in all."""
        if graph is None:
            return len(self._store)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def counts_per_graph(self) -> dict[str, int]:
        return {g: self.count(g) for g in self.named_graphs()}

    def dump(self, output: IO[bytes], fmt: str = "nquads", graph: str | None = None) -> None:
        """Serialise everything (quad formats) or one graph (triple formats) with pyoxigraph."""
        kwargs: dict[str, Any] = {"format": _RDF[fmt]}
        if graph is not None:
            kwargs["from_graph"] = ox.NamedNode(graph)
        self._store.dump(output, **kwargs)

    def dump_with(self, output: IO[bytes], fmt: str, *, extra_ntriples: str, extra_graph: str) -> None:
        """Dump everything plus some computed triples: in extra_graph for quad formats, merged otherwise."""
        extra = list(ox.parse(extra_ntriples, format=ox.RdfFormat.N_TRIPLES))
        if _RDF[fmt] in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
            self._store.dump(output, format=_RDF[fmt])
            graph = ox.NamedNode(extra_graph)
            # A second N-Quads or TriG document appended to the first is still one valid document.
            ox.serialize([ox.Quad(t.subject, t.predicate, t.object, graph) for t in extra], output, _RDF[fmt])
            return
        union = self.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", union_default=True)
        ox.serialize([*union, *extra], output, _RDF[fmt])

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        return iter(self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph) if graph else None))

    def triple_set(self, graphs: Iterable[str]) -> set[ox.Triple]:
        """The triples of some named graphs as a Python set (the reasoner's memory of what holds)."""
        store = self._store
        return {quad.triple for g in graphs for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(g))}

    def keep_new(self, graph: str, seen: set[ox.Triple]) -> int:
        """Remove from graph the triples in seen, add the rest to seen; returns how many are left.

        A Python set costs about a microsecond a triple; a lookup per quad in the store costs
        about fifteen, and Oxigraph plans the same difference in SPARQL as a hash join over
        every graph read, which costs more still when the graph is small (the reasoner's rounds).
        """
        store = self._writable()
        drop, left = [], 0
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            triple = quad.triple
            if triple in seen:
                drop.append(quad)
            else:
                seen.add(triple)
                left += 1
        for quad in drop:
            store.remove(quad)
        return left

    def outgoing(self, subject: str) -> list[tuple[Any, Any]]:
        """(predicate, object) of every triple about subject in any graph, once each.

        A direct index lookup: about ten times faster than the same SELECT for the Linked Data pages.
        """
        pairs = dict.fromkeys(
            (q.predicate, q.object) for q in self._store.quads_for_pattern(named_node(subject), None, None)
        )
        return list(pairs)

    # ---------------------------------------------------------------- one graph (Graph Store Protocol)
    # graph=None means the store's own default graph (not the union that queries see by default).

    def graph_exists(self, graph: str | None) -> bool:
        """Whether a named graph is in the store (the default graph always exists)."""
        return graph is None or self._store.contains_named_graph(named_node(graph))

    def dump_graph(self, output: IO[bytes], fmt: str, graph: str | None) -> None:
        """Serialise one graph (or the default graph) in a triple format."""
        self._store.dump(output, format=_RDF[fmt], from_graph=_graph_node(graph))

    def write_graph(self, graph: str | None, data: bytes | str, fmt: str, *, replace: bool) -> int:
        """Replace (replace=True) or extend one graph in one transaction; returns the triples written.

        Raises InvalidQuery when the payload does not parse, ReadOnlyStore.
        """
        writable = self._writable()
        try:
            triples = list(ox.parse(data, format=_RDF[fmt], base_iri=graph))
        except SyntaxError as exc:
            raise InvalidQuery(f"invalid {fmt}: {exc}") from exc
        body = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        target = "DEFAULT" if graph is None else f"GRAPH <{graph}>"
        insert = f"INSERT DATA {{ {body} }}" if graph is None else f"INSERT DATA {{ GRAPH <{graph}> {{ {body} }} }}"
        # One update string = one transaction, so readers see the old graph or the new one, never half.
        # N-Triples terms are valid SPARQL terms, so the triples go into INSERT DATA as they are.
        writable.update(f"CLEAR SILENT {target} ;\n{insert}" if replace else insert)
        return len(triples)

    def drop_graph(self, graph: str | None) -> bool:
        """Remove a named graph (or empty the default graph); False if the named graph did not exist."""
        writable = self._writable()
        if graph is not None and not writable.contains_named_graph(named_node(graph)):
            return False
        writable.update("CLEAR DEFAULT" if graph is None else f"DROP GRAPH <{graph}>")
        return True

    @property
    def raw(self) -> ox.Store:
        """The underlying pyoxigraph store, for the few callers (benchmarks) that need it."""
        return self._store


# ---------------------------------------------------------------- what remote stores answer

RESULTS_MEDIA_TYPES: dict[str, ox.QueryResultsFormat] = {m.media_type.split(";")[0]: m for m in _RESULTS.values()} | {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}


def parse_results(data: bytes, media_type: str) -> QueryResult:
    """The result of a query answered by a remote store, as the embedded store would give it.

    SELECT/ASK results parse with pyoxigraph; CONSTRUCT/DESCRIBE triples go into a small
    in-memory store that hands them back as QueryTriples (pyoxigraph builds that type only
    from a query), so callers serialise and iterate them the same way. Raises StoreError.
    """
    wanted = media_type.split(";", 1)[0].strip().lower()
    try:
        if wanted in RESULTS_MEDIA_TYPES:
            results_format = RESULTS_MEDIA_TYPES[wanted]
            parsed: QueryResult = ox.parse_query_results(data, results_format)
            if isinstance(parsed, ox.QuerySolutions):
                # pyoxigraph parses rows as they are read: read them all once here, so an answer broken off
                # midway fails now, as StoreError, and not later in a caller's loop as a bare SyntaxError.
                for _ in parsed:
                    pass
                parsed = ox.parse_query_results(data, results_format)
            return parsed
        rdf = format_by_media_type(wanted)
        if rdf is None or not isinstance(rdf.kind, ox.RdfFormat):
            raise StoreError(f"the remote store answered in an unexpected media type {media_type!r}")
        holder = ox.Store()
        holder.load(data, format=rdf.kind)
        return holder.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    except SyntaxError as exc:
        raise StoreError(f"the remote store's answer does not parse: {exc}") from exc


def ntriples_chunks(data: bytes, triples_per_chunk: int) -> Iterator[bytes]:
    """An N-Triples document in pieces of whole lines, for uploads in several requests.

    A blank node's label only holds within one request, so a document that has any is
    returned whole (our builds have none; a hand-loaded graph might).
    """
    if b"_:" in data:
        yield data
        return
    lines = data.splitlines(keepends=True)
    for start in range(0, len(lines), triples_per_chunk):
        yield b"".join(lines[start : start + triples_per_chunk])


def to_ntriples(data: bytes | str, fmt: str, base_iri: str | None = None) -> tuple[bytes, int]:
    """A triple-format payload as N-Triples, and how many triples it holds. Raises InvalidQuery."""
    try:
        triples = list(ox.parse(data, format=_RDF[fmt], base_iri=base_iri))
    except SyntaxError as exc:
        raise InvalidQuery(f"invalid {fmt}: {exc}") from exc
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", len(triples)


def term_sparql(value: Any) -> str:
    """A Python value or term in SPARQL syntax (for VALUES blocks sent to a remote store)."""
    return str(to_term(value))


def to_term(value: Any) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """A Python value as an RDF term: terms pass through, str IRIs must be given as NamedNode."""
    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        return value
    if isinstance(value, bool):
        return ox.Literal(
            "true" if value else "false", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
        )
    if isinstance(value, int | float | str):
        return ox.Literal(value)
    raise TypeError(f"cannot bind {value!r} as an RDF term")


def named_node(value: str) -> ox.NamedNode:
    """An IRI as a term; raises InvalidIRI when it is not a valid IRI."""
    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise InvalidIRI(f"not a valid IRI: {value!r} ({exc})") from exc


def _graph_node(graph: str | None) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if graph is None else named_node(graph)


def typed_literal(lexical: str, datatype: str) -> ox.Literal:
    return ox.Literal(lexical, datatype=ox.NamedNode(datatype))


def _invalid(exc: SyntaxError) -> InvalidQuery:
    message = str(exc)
    return InvalidQuery(message, getattr(exc, "lineno", None), getattr(exc, "offset", None))


def serialize_results(result: QueryResult, output: IO[bytes], fmt: str) -> None:
    """Write SELECT/ASK results (json, xml, csv, tsv) or CONSTRUCT triples (RDF formats).

    Raises QueryEvaluationError when evaluation fails while the result is read (results are lazy), and
    StoreError when the engine meets an I/O error then (a SERVICE call that fails, a storage error).
    An exception that output's write raises passes through unchanged (pyoxigraph re-raises it).
    """
    try:
        if isinstance(result, ox.QueryTriples):
            result.serialize(output, _RDF[fmt])
        else:
            result.serialize(output, _RESULTS[fmt])
    except RuntimeError as exc:
        raise QueryEvaluationError(f"query failed: {exc}") from exc
    except OSError as exc:
        raise StoreError(str(exc)) from exc


def convert_rdf(
    data: bytes | str, from_fmt: str, to_fmt: str, prefixes: dict[str, str] | None = None, base_iri: str | None = None
) -> bytes:
    """Re-serialise a small RDF document (service description, VoID, uploads) with pyoxigraph.

    Relative IRIs resolve against base_iri. Raises SyntaxError when data does not parse.
    """
    out: bytes | None = ox.serialize(ox.parse(data, format=_RDF[from_fmt], base_iri=base_iri), format=_RDF[to_fmt],
                                     prefixes=prefixes)  # fmt: skip
    return out or b""


# -------------------------------------------------------------------- atomic builds


def build_store(path: Path, fill: Callable[[GraphStore], None]) -> Path:
    """Write a new store with fill(), then swap it in; on any error the old store stays.

    Returns the new build directory.
    """
    builds = builds_dir(path)
    builds.mkdir(parents=True, exist_ok=True)
    build_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    target = builds / build_id
    try:
        store = ox.Store(str(target))
        fill(GraphStore(store, read_only=False, location=target))
        store.flush()
        store.optimize()
        del store  # release RocksDB's lock before readers open it
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    _swap_symlink(path, target)
    _prune_builds(path, keep=target)
    return target


def _swap_symlink(path: Path, target: Path) -> None:
    if path.exists() and not path.is_symlink():
        # A store from before symlinks: move it among the builds so the swap can be atomic.
        legacy = builds_dir(path) / "legacy"
        shutil.rmtree(legacy, ignore_errors=True)
        path.rename(legacy)
    tmp = path.parent / f".{path.name}.swap-{os.getpid()}"
    with suppress(FileNotFoundError):
        tmp.unlink()
    tmp.symlink_to(os.path.relpath(target, path.parent))
    tmp.replace(path)  # rename(2): atomic on POSIX


def _prune_builds(path: Path, keep: Path) -> None:
    builds = sorted(builds_dir(path).iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    survivors = [keep, *[b for b in builds if b != keep][: KEEP_BUILDS - 1]]
    for build in builds:
        # A build some process still reads (graph/leases.py) stays until a later build finds it unread.
        if build not in survivors and not leases.in_use(build):
            shutil.rmtree(build, ignore_errors=True)


def is_boolean(result: QueryResult) -> TypeGuard[ox.QueryBoolean]:
    return isinstance(result, ox.QueryBoolean)


def is_triples(result: QueryResult) -> TypeGuard[ox.QueryTriples]:
    return isinstance(result, ox.QueryTriples)


def as_solutions(result: QueryResult) -> ox.QuerySolutions:
    """The result of a SELECT, typed; raises InvalidQuery for ASK/CONSTRUCT results."""
    if not isinstance(result, ox.QuerySolutions):
        raise InvalidQuery("expected a SELECT query")
    return result


def term_text(term: Any) -> str:
    """A short human form of a term: IRIs compacted to res:/ag: where they can be."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, ns in (("res:", RES), ("ag:", AG)):
            if term.value.startswith(ns):
                return prefix + term.value[len(ns) :]
        return term.value
    return str(term.value)


def term_parts(term: Any) -> tuple[str, str, str | None, str | None]:
    """A term as (kind, value, datatype IRI, language): kind is 'iri', 'literal' or 'bnode'."""
    if isinstance(term, ox.NamedNode):
        return "iri", term.value, None, None
    if isinstance(term, ox.Literal):
        return "literal", term.value, term.datatype.value, term.language
    return "bnode", str(term.value), None, None


def serialize_triples(
    result: QueryResult, fmt: str, prefixes: dict[str, str] | None = None, base_iri: str | None = None
) -> bytes:
    """A small CONSTRUCT/DESCRIBE result as bytes, sorted so Turtle groups by subject.

    Only the prefixes the triples use are declared. Sorting holds the triples in memory:
    meant for resource descriptions, not for dumps.
    """
    if not isinstance(result, ox.QueryTriples):
        raise TypeError("serialize_triples needs the result of a CONSTRUCT or DESCRIBE query")
    triples = sorted(set(result), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    iris = {
        term.value for t in triples for term in (t.subject, t.predicate, t.object) if isinstance(term, ox.NamedNode)
    }
    iris |= {t.object.datatype.value for t in triples if isinstance(t.object, ox.Literal)}
    used = {p: ns for p, ns in (prefixes or {}).items() if any(i.startswith(ns) for i in iris)}
    data: bytes | None = ox.serialize(triples, format=_RDF[fmt], prefixes=used, base_iri=base_iri)
    return data or b""
