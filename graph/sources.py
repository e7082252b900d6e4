"""Load the human-edited sources (YAML) into the statement model, checking everything.

Layout of a sources folder (the shipped one is ``actorgraph/graph/data``)::

    documents.yaml          the document registry
    documents/*.txt         the texts, byte for byte (offsets point into them)
    entities/*.yaml         the entity registry, any number of files
    links.yaml              external identifiers, each with how it was checked (optional)
    statements/*.yaml       one file per document: statements, citations, no-claim passages

Every error names the file and line. A quote must occur verbatim, exactly once, in
its document (or carry ``occurrence: N`` to pick one); offsets are computed here.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

from actorgraph.graph.candidates import load_candidate_file, load_candidate_files, new_entity_key
from actorgraph.graph.errors import SourceError
from actorgraph.graph.model import Corpus, Document, Entity
from actorgraph.graph.quotes import locate_quote, quote_occurrences
from actorgraph.graph.source_yaml import (
    ID_PATTERN,
    KEY_LINES,
    LINE_KEY,
    FileContext,
    as_list,
    check_id,
    date_text,
    read_yaml,
)
from actorgraph.graph.statements import check_statement_refs, literal_value, load_statement_file, time_value
from actorgraph.ontology import ontology_terms

# The readers live in their own modules; this is the entry point, so their public names stay importable here.
__all__ = [
    "ID_PATTERN",
    "literal_value",
    "load_candidate_file",
    "load_candidate_files",
    "load_corpus",
    "load_documents",
    "load_entities",
    "load_links",
    "load_statement_file",
    "locate_quote",
    "new_entity_key",
    "quote_occurrences",
    "read_yaml",
    "shipped_sources",
    "source_fingerprint",
    "time_value",
]


def shipped_sources() -> Path:
    """The sources folder shipped inside the package (works installed or editable)."""
    return Path(str(resources.files("actorgraph.graph") / "data"))


# --------------------------------------------------------------------------- documents


def load_documents(root: Path) -> dict[str, Document]:
    """Read documents.yaml and the texts it names; the sha256 must match when given."""
    path = root / "documents.yaml"
    ctx = FileContext(path)
    raw = read_yaml(path)
    if not isinstance(raw, list):
        raise ctx.error("expected a list of documents")
    documents: dict[str, Document] = {}
    for item in raw:
        doc = _document(ctx, root, item)
        if doc.id in documents:
            raise ctx.error(f"duplicate document id {doc.id!r}", item)
        documents[doc.id] = doc
    return documents


def _document(ctx: FileContext, root: Path, item: Any) -> Document:
    if not isinstance(item, dict):
        raise ctx.error("a document must be a mapping")
    for key in ("id", "file", "title"):
        if not item.get(key):
            raise ctx.error(f"document is missing {key!r}", item)
    text_path = root / "documents" / str(item["file"])
    try:
        data = text_path.read_bytes()
    except OSError as exc:
        raise ctx.error(f"cannot read document text {text_path}: {exc.strerror}", item) from exc
    sha = hashlib.sha256(data).hexdigest()
    if item.get("sha256") and item["sha256"] != sha:
        raise ctx.error(f"sha256 of {text_path.name} is {sha}, the registry says {item['sha256']}", item)
    return Document(
        id=check_id(ctx, item, "id"),
        file=str(item["file"]),
        title=str(item["title"]),
        text=data.decode("utf-8"),
        sha256=sha,
        authors=tuple(as_list(item.get("authors"))),
        author_roles=tuple(as_list(item.get("author_roles"))),
        date=date_text(item.get("date")),
        venue=item.get("venue"),
        language=str(item.get("language", "en")),
        origin=ctx.origin(item),
    )


# --------------------------------------------------------------------------- entities


def load_entities(root: Path) -> dict[str, Entity]:
    """Read every entities/*.yaml file into one registry; ids are unique across files."""
    classes = ontology_terms().classes
    entities: dict[str, Entity] = {}
    for path in sorted((root / "entities").glob("*.yaml")):
        ctx = FileContext(path)
        raw = read_yaml(path) or []
        if not isinstance(raw, list):
            raise ctx.error("expected a list of entities")
        for item in raw:
            entity = _entity(ctx, item, classes)
            if entity.id in entities:
                first = entities[entity.id].origin
                raise ctx.error(f"duplicate entity id {entity.id!r} (first at {first})", item)
            entities[entity.id] = entity
    _check_alias_collisions(entities)
    return entities


def _check_alias_collisions(entities: dict[str, Entity]) -> None:
    """An alias that is another entity's label merges two things in search and extraction: refuse it.

    (A YAML flow list splits unquoted commas: [the attack in Kerman, Iran] gives the alias "Iran".)
    """
    owners = {e.label: e.id for e in entities.values()}
    for entity in entities.values():
        for alias in entity.aliases:
            owner = owners.get(alias)
            if owner is not None and owner != entity.id:
                line = entity.origin.line if entity.origin else None
                file = entity.origin.file if entity.origin else None
                message = (
                    f"alias {alias!r} of {entity.id!r} is the label of {owner!r} (quote aliases that contain "
                    "commas; a name used by metonymy goes under 'metonyms')"
                )
                raise SourceError(message, file, line)


def _entity(ctx: FileContext, item: Any, classes: frozenset[str]) -> Entity:
    if not isinstance(item, dict):
        raise ctx.error("an entity must be a mapping")
    for key in ("id", "type", "label"):
        if not item.get(key):
            raise ctx.error(f"entity is missing {key!r}", item)
    types = tuple(as_list(item["type"]))
    for kind in types:
        if kind not in classes:
            raise ctx.error(f"unknown class {kind!r} (not in ontology/actors.ttl)", item)
    return Entity(
        id=check_id(ctx, item, "id"),
        types=types,
        label=str(item["label"]),
        aliases=tuple(str(a) for a in as_list(item.get("aliases"))),
        description=item.get("description"),
        origin=ctx.origin(item),
        metonyms=tuple(str(m) for m in as_list(item.get("metonyms"))),
    )


def load_links(root: Path, entities: dict[str, Entity]) -> dict[str, dict[str, Any]]:
    """Read links.yaml (external identifiers per entity id); unknown ids are errors."""
    path = root / "links.yaml"
    if not path.exists():
        return {}
    ctx = FileContext(path)
    raw = read_yaml(path) or []
    if not isinstance(raw, list):
        raise ctx.error("expected a list of links")
    links: dict[str, dict[str, Any]] = {}
    for item in raw:
        if not isinstance(item, dict) or not item.get("id"):
            raise ctx.error("a link entry needs an 'id'", item if isinstance(item, dict) else None)
        if item["id"] not in entities:
            raise ctx.error(f"link for unknown entity {item['id']!r}", item)
        if item["id"] in links:
            raise ctx.error(f"duplicate link entry for {item['id']!r}", item)
        links[item["id"]] = {k: v for k, v in item.items() if k not in (LINE_KEY, KEY_LINES)}
    return links


# --------------------------------------------------------------------------- corpus


def load_corpus(root: Path | None = None) -> Corpus:
    """Load and check every source under root (default: the shipped sources)."""
    root = root or shipped_sources()
    documents = load_documents(root)
    entities = load_entities(root)
    _check_document_authors(root, documents, entities)
    links = load_links(root, entities)
    candidates = load_candidate_files(root, documents, entities)
    keys = {c.document: frozenset(c.new_entities) for c in candidates}
    files = []
    for path in sorted((root / "statements").glob("*.yaml")):
        files.append(load_statement_file(path, documents, entities, keys.get(_document_of(path), frozenset())))
    seen: dict[str, str] = {}
    for f in files:
        if f.document in seen:
            raise SourceError(
                f"a second statements file for document {f.document!r} (first: {seen[f.document]})", f.path
            )
        seen[f.document] = f.path
    check_statement_refs(files)
    return Corpus(documents=documents, entities=entities, files=files, links=links, candidates=candidates)


def _document_of(path: Path) -> str:
    """statements/<doc>.yaml and candidates/<doc>.yaml pair by file name."""
    return path.stem


def _check_document_authors(root: Path, documents: dict[str, Document], entities: dict[str, Entity]) -> None:
    for doc in documents.values():
        for author in doc.authors:
            if author not in entities:
                line = doc.origin.line if doc.origin else None
                raise SourceError(f"author {author!r} is not in the entity registry", root / "documents.yaml", line)


def source_fingerprint(path: str) -> str:
    """The sha256 of a source file (recorded in the meta graph)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
