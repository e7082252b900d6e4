"""Curation: every change an analyst makes to a document's statements and to the entity registry.

One core function, ``apply``, takes a ``Change`` (accept, correct, reject, add, accept or merge a
new entity, undo) for one document of a sources folder and:

1. checks the caller saw the current state (``version``, a hash of the document's files): two
   analysts on one document never overwrite each other's work (``Conflict``);
2. checks the input itself (known entities and relations, dates, certainty, a verbatim quote),
   raising ``CurationError`` with a message for the page;
3. edits the YAML sources with a round-trip parser (ruamel.yaml), so comments, key order and
   quoting stay and ``git diff`` shows only what the analyst did; the statement records who
   (``reviewed_by``) and when (``reviewed_at``), which the build turns into PROV;
4. loads the whole sources folder as the build does, then rebuilds the graph (the caller's
   ``rebuild``); if either fails, every file is put back as it was and the error is raised;
5. appends the change to ``history/<doc>.yaml`` (who, when, what) and keeps the files' previous
   content under ``.undo/<doc>/<n>.json`` so the last change can be undone.

The web pages (server/web/review.py) and the facade (``KnowledgeGraph.curate``) call only this.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import OWL
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from actorgraph.graph.curation_edits import Change as Change
from actorgraph.graph.curation_edits import edit_document, last_undoable, undo_last
from actorgraph.graph.curation_files import (
    YamlFile,
    history_file,
    read_or_none,
    sha_of,
    statements_file,
    undo_file,
    write_or_remove,
)

# Re-exported: the facade (graph/api.py), the review pages and tests reach curation through this module.
from actorgraph.graph.curation_files import locked as locked
from actorgraph.graph.curation_files import version_of as version_of
from actorgraph.graph.errors import Conflict as Conflict
from actorgraph.graph.errors import CurationError as CurationError
from actorgraph.graph.errors import SourceError
from actorgraph.graph.ingest.files import all_or_nothing
from actorgraph.graph.ingest.review import candidates_file
from actorgraph.graph.model import Document
from actorgraph.graph.sources import load_corpus, load_documents, load_entities, locate_quote
from actorgraph.ontology import load_ontology, ontology_terms
from actorgraph.ontology.vocab import AG

Action = Literal["accept", "correct", "reject", "add", "accept_entity", "merge_entity", "undo"]
ACTIONS: tuple[str, ...] = ("accept", "correct", "reject", "add", "accept_entity", "merge_entity", "undo")
REVIEWER_PATTERN = re.compile(r"^[\w .@'-]{1,64}$")


@dataclass(frozen=True)
class Entry:
    """A statement of the document's file, located in its text when its quote is found."""

    local_id: str
    data: dict[str, Any]
    span: tuple[int, int] | None

    @property
    def candidate(self) -> bool:
        return bool(self.data.get("candidate"))


@dataclass
class DocumentState:
    """What the review page of one document shows."""

    document: Document
    version: str
    candidates: list[Entry]
    reviewed: list[Entry]
    mentions: list[dict[str, Any]]
    new_entities: list[dict[str, Any]]
    rejected: list[dict[str, Any]]
    history: list[dict[str, Any]]

    @property
    def can_undo(self) -> bool:
        return last_undoable(self.history) is not None


@dataclass(frozen=True)
class Applied:
    """What apply() did: the history record and the document's new version."""

    record: dict[str, Any]
    version: str


# ------------------------------------------------------------------------------ reading


def reviewer_name(name: str) -> str:
    """A reviewer's name as recorded in the sources. Raises CurationError."""
    name = name.strip()
    if not REVIEWER_PATTERN.match(name):
        raise CurationError("give your name (letters, digits, spaces, '.', '@', '-'; at most 64 characters)")
    return name


def document_state(sources: Path, document: str) -> DocumentState:
    """The review page's data for one document. Raises SourceError when the document is unknown."""
    documents = load_documents(sources)
    if document not in documents:
        raise SourceError(f"no document {document!r} in {sources / 'documents.yaml'}")
    doc = documents[document]
    version = version_of(sources, document)
    statements = YamlFile.load(statements_file(sources, document), {}).data or {}
    side = YamlFile.load(candidates_file(sources, document), {}).data or {}
    entries = [_entry(doc, item) for item in statements.get("statements") or [] if isinstance(item, dict)]
    history = YamlFile.load(history_file(sources, document), []).data or []
    return DocumentState(
        document=doc,
        version=version,
        candidates=[e for e in entries if e.candidate],
        reviewed=[e for e in entries if not e.candidate],
        mentions=[dict(m) for m in side.get("mentions") or [] if isinstance(m, dict)],
        new_entities=[dict(c) for c in side.get("new_entities") or [] if isinstance(c, dict)],
        rejected=[dict(r) for r in side.get("rejected") or [] if isinstance(r, dict)],
        history=[dict(h) for h in history if isinstance(h, dict)],
    )


def _entry(doc: Document, item: dict[str, Any]) -> Entry:
    span = None
    quote = item.get("quote")
    if isinstance(quote, str) and quote:
        try:
            found = locate_quote(doc, quote, item.get("occurrence"))
            span = (found.start, found.end)
        except ValueError:
            span = None
    return Entry(str(item.get("id", "")), dict(item), span)


def open_counts(sources: Path) -> list[tuple[Document, int, int]]:
    """Every document of the sources folder with its open candidates and new-entity candidates."""
    if not (sources / "documents.yaml").exists():
        return []
    counts = []
    for doc in load_documents(sources).values():
        statements = YamlFile.load(statements_file(sources, doc.id), {}).data or {}
        side = YamlFile.load(candidates_file(sources, doc.id), {}).data or {}
        open_statements = sum(
            1 for s in statements.get("statements") or [] if isinstance(s, dict) and s.get("candidate")
        )
        counts.append((doc, open_statements, len(side.get("new_entities") or [])))
    return counts


@cache
def relation_choices() -> list[tuple[str, str]]:
    """(local name, label) of every object property of the ontology, by label."""
    graph = load_ontology()
    found = []
    for prop in graph.subjects(RDF.type, OWL.ObjectProperty):
        if isinstance(prop, URIRef) and str(prop).startswith(AG):
            name = str(prop)[len(AG) :]
            label = graph.value(prop, RDFS.label)
            found.append((name, str(label) if label is not None else name))
    return sorted(found, key=lambda pair: pair[1].lower())


def entity_choices(sources: Path) -> list[tuple[str, str, str]]:
    """(id, label, types) of every entity of the registry, for the autocomplete."""
    return sorted(((e.id, e.label, ", ".join(e.types)) for e in load_entities(sources).values()), key=lambda t: t[1])


def class_choices() -> list[str]:
    return sorted(ontology_terms().classes)


# ------------------------------------------------------------------------------ the one write path


def apply(
    sources: Path,
    document: str,
    change: Change,
    *,
    reviewer: str,
    version: str,
    rebuild: Callable[[], object] = lambda: None,
    now: dt.datetime | None = None,
) -> Applied:
    """Make one change to a document's sources, check it as the build does, rebuild; all or nothing.

    Raises Conflict (the document changed since ``version``), CurationError (bad input),
    SourceError (the sources would not load); in every case the files are as they were.
    """
    who = reviewer_name(reviewer)
    when = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    if change.action not in ACTIONS:
        raise CurationError(f"unknown action {change.action!r}")
    with locked(sources):
        current = version_of(sources, document)
        if version != current:
            raise Conflict(
                "this document was changed by someone else since you opened it; nothing was changed. "
                "The page now shows its current state: check it and make your change again."
            )
        if change.action == "undo":
            writes, record = undo_last(sources, document, who, when)
        else:
            writes, record = edit_document(sources, document, change, who, when)
        before = {path: read_or_none(path) for path in writes}
        record["files"] = {
            str(path.relative_to(sources)): [sha_of(before[path]), sha_of(content)] for path, content in writes.items()
        }
        history = YamlFile.load(history_file(sources, document), CommentedSeq(), _HISTORY_HEADER)
        record["n"] = 1 + max((int(h.get("n", 0)) for h in history.data), default=0)
        for earlier in history.data:  # an undo marks the change it undid
            if record["action"] == "undo" and str(earlier.get("n")) == record["target"]:
                earlier["undone"] = True
        history.data.append(CommentedMap(record))
        snapshot = undo_file(sources, document, record["n"])
        writes[history_file(sources, document)] = history.dump()
        writes[snapshot] = json.dumps({str(p.relative_to(sources)): text for p, text in before.items()})
        with all_or_nothing(list(writes)):
            for path, content in writes.items():
                write_or_remove(path, content)
            load_corpus(sources)  # exactly the build's checks: quotes verbatim, ids, predicates
            rebuild()
        return Applied(record, version_of(sources, document))


_HISTORY_HEADER = "# What analysts changed in this document's sources, oldest first (written by the review pages).\n"
