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

import contextlib
import datetime as dt
import fcntl
import hashlib
import io
import json
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Set
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import OWL
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from actorgraph.graph.errors import KGError, SourceError
from actorgraph.graph.ingest.review import candidates_file
from actorgraph.graph.model import CERTAINTIES, Document
from actorgraph.graph.sources import (
    ID_PATTERN,
    load_corpus,
    load_documents,
    load_entities,
    locate_quote,
    new_entity_key,
    time_value,
)
from actorgraph.ontology import load_ontology, ontology_terms
from actorgraph.ontology.vocab import AG

Action = Literal["accept", "correct", "reject", "add", "accept_entity", "merge_entity", "undo"]
ACTIONS: tuple[str, ...] = ("accept", "correct", "reject", "add", "accept_entity", "merge_entity", "undo")
ENTITY_FIELDS = ("subject", "object", "place")
TIME_FIELDS = ("at", "start", "end")
# What a correction may change (the quote of a candidate stays: it is the extractor's evidence).
CORRECTABLE = (*ENTITY_FIELDS, "predicate", *TIME_FIELDS, "certainty", "attributed_to", "note")
REVIEWER_PATTERN = re.compile(r"^[\w .@'-]{1,64}$")
_LOCK = threading.RLock()  # one change at a time per process; the file lock covers other processes


class CurationError(KGError, ValueError):
    """A change that cannot be made as asked (unknown entity, quote not verbatim, bad date...)."""


class Conflict(CurationError):
    """The document changed since the analyst loaded it: the change was not made."""


@dataclass(frozen=True)
class Change:
    """One analyst action on one document; ``fields`` are the form's values, as text."""

    action: str
    target: str = ""  # the candidate's local id, or the new-entity candidate's name
    fields: Mapping[str, str] = field(default_factory=dict)
    reason: str = ""


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


# ------------------------------------------------------------------------------ files


def statements_file(sources: Path, document: str) -> Path:
    return sources / "statements" / f"{document}.yaml"


def entities_file(sources: Path, document: str) -> Path:
    """entities/<doc>.yaml: where entities accepted from a document's candidates go."""
    return sources / "entities" / f"{document}.yaml"


def history_file(sources: Path, document: str) -> Path:
    return sources / "history" / f"{document}.yaml"


def undo_file(sources: Path, document: str, number: int) -> Path:
    return sources / ".undo" / document / f"{number}.json"


def document_files(sources: Path, document: str) -> list[Path]:
    """The files whose content is the document's version."""
    return [
        statements_file(sources, document),
        candidates_file(sources, document),
        entities_file(sources, document),
        history_file(sources, document),
    ]


def version_of(sources: Path, document: str) -> str:
    """A hash of the document's files: changes whenever anyone changes any of them."""
    digest = hashlib.sha256()
    for path in document_files(sources, document):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"<none>")
        digest.update(b"\0")
    return digest.hexdigest()[:20]


def _sha(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


# ------------------------------------------------------------------------------ round-trip YAML


def _yaml(offset: int) -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long quote onto several lines
    yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
    return yaml


def _style(text: str) -> int:
    """The list indentation a file uses (the offset that writes it back byte for byte)."""
    for offset in (2, 0):
        yaml = _yaml(offset)
        out = io.StringIO()
        yaml.dump(yaml.load(text), out)
        if out.getvalue() == text:
            return offset
    nested = re.search(r"^( *)- ", text, re.MULTILINE)
    return 2 if nested and nested.group(1) else 0


@dataclass
class YamlFile:
    """One YAML source file, parsed for a round-trip edit."""

    path: Path
    data: Any
    offset: int
    header: str = ""

    @classmethod
    def load(cls, path: Path, default: Any, header: str = "") -> YamlFile:
        text = _read(path)
        if text is None or not text.strip():
            return cls(path, default, 2, header)
        offset = _style(text)
        data = _yaml(offset).load(text)
        return cls(path, default if data is None else data, offset)

    def dump(self) -> str:
        out = io.StringIO()
        _yaml(self.offset).dump(self.data, out)
        return self.header + out.getvalue()


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
            writes, record = _undo(sources, document, who, when)
        else:
            writes, record = _edit(sources, document, change, who, when)
        before = {path: _read(path) for path in writes}
        record["files"] = {
            str(path.relative_to(sources)): [_sha(before[path]), _sha(content)] for path, content in writes.items()
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
        with _all_or_nothing(list(writes)):
            for path, content in writes.items():
                _write(path, content)
            load_corpus(sources)  # exactly the build's checks: quotes verbatim, ids, predicates
            rebuild()
        return Applied(record, version_of(sources, document))


_HISTORY_HEADER = "# What analysts changed in this document's sources, oldest first (written by the review pages).\n"


def _write(path: Path, content: str | None) -> None:
    if content is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.curation")
    tmp.write_text(content, encoding="utf-8")
    tmp.replace(path)


@contextlib.contextmanager
def locked(sources: Path) -> Iterator[None]:
    """Hold the sources folder's curation lock: one writer at a time, across threads and processes."""
    with _LOCK:
        sources.mkdir(parents=True, exist_ok=True)
        with (sources / ".curation.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def _all_or_nothing(paths: list[Path]) -> Iterator[None]:
    """Put every path back as it was (or remove it) if the block raises."""
    saved = {p: p.read_bytes() if p.exists() else None for p in paths}
    try:
        yield
    except BaseException:
        for p, content in saved.items():
            if content is None:
                p.unlink(missing_ok=True)
            else:
                p.write_bytes(content)
        raise


# ------------------------------------------------------------------------------ the edits


def _edit(
    sources: Path, document: str, change: Change, who: str, when: str
) -> tuple[dict[Path, str | None], dict[str, Any]]:
    documents = load_documents(sources)
    if document not in documents:
        raise CurationError(f"no document {document!r}")
    record: dict[str, Any] = {"action": change.action, "target": change.target, "by": who, "at": when}
    if change.action in ("accept_entity", "merge_entity"):
        return _entity_change(sources, document, change, record), record
    statements = YamlFile.load(statements_file(sources, document), None)
    if statements.data is None:
        raise CurationError(f"document {document!r} has no statements file yet")
    items = statements.data.setdefault("statements", CommentedSeq())
    entity_ids = set(load_entities(sources))
    writes: dict[Path, str | None] = {}
    if change.action == "add":
        entry = _new_statement(documents[document], items, change.fields, entity_ids, who, when)
        items.append(entry)
        record["target"] = entry["id"]
        record["summary"] = _summary(entry)
    else:
        index = _candidate_index(items, change.target)
        entry = items[index]
        if change.action == "reject":
            record["summary"] = _summary(entry)
            record["reason"] = change.reason.strip()
            writes[candidates_file(sources, document)] = _record_rejection(sources, document, entry, record)
            del items[index]
        else:
            if change.action == "correct":
                _correct(entry, change.fields, entity_ids)
            entry.pop("candidate", None)
            entry.pop("confidence", None)
            entry["reviewed_by"] = who
            entry["reviewed_at"] = when
            record["summary"] = _summary(entry)
    writes[statements.path] = statements.dump()
    return writes, record


def _candidate_index(items: CommentedSeq, local_id: str) -> int:
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("id") == local_id:
            if not item.get("candidate"):
                raise CurationError(f"{local_id!r} is not an open candidate (already reviewed)")
            return index
    raise CurationError(f"no candidate {local_id!r} in this document")


def _summary(entry: Mapping[str, Any]) -> str:
    return f"{entry.get('subject')} {entry.get('predicate')} {entry.get('object')}"


def _record_rejection(sources: Path, document: str, entry: Mapping[str, Any], record: dict[str, Any]) -> str:
    """candidates/<doc>.yaml with the rejected candidate listed, so a re-ingest does not propose it again."""
    side = YamlFile.load(candidates_file(sources, document), CommentedMap({"document": document}))
    rejected = {k: entry.get(k) for k in ("id", "subject", "predicate", "object", "quote")}
    rejected.update(reason=record["reason"] or None, by=record["by"], at=record["at"])
    side.data.setdefault("rejected", CommentedSeq()).append(
        CommentedMap({k: v for k, v in rejected.items() if v is not None})
    )
    return side.dump()


def _correct(entry: CommentedMap, form: Mapping[str, str], entities: Set[str]) -> None:
    values = _checked_values(form, CORRECTABLE, entities)
    if values.get("certainty") == "stated" and "certainty" not in entry:
        del values["certainty"]  # the default: written only when the candidate said otherwise
    values = {k: v for k, v in values.items() if v != entry.get(k) and not (v is None and k not in entry)}
    changed = [k for k in ("subject", "predicate", "object") if k in values and values[k] != entry.get(k)]
    for key, value in values.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    if changed:
        entry["note"] = (str(entry.get("note") or "") + f" (corrected in review: {', '.join(changed)})").strip()


def _checked_values(form: Mapping[str, str], allowed: tuple[str, ...], entities: Set[str]) -> dict[str, Any]:
    """Form text to YAML values, each checked; an empty field means 'remove'. Raises CurationError."""
    terms = ontology_terms()
    values: dict[str, Any] = {}
    for key in allowed:
        if key not in form:
            continue
        text = str(form[key]).strip()
        if not text:
            values[key] = None
            continue
        if key in ENTITY_FIELDS or key == "attributed_to":
            ids = [part.strip() for part in text.split(",") if part.strip()] if key == "attributed_to" else [text]
            for entity in ids:
                if entity not in entities:
                    raise CurationError(f"{key}: unknown entity {entity!r} (pick one of the registry's ids)")
            values[key] = ids if key == "attributed_to" else text
        elif key == "predicate":
            if text not in terms.object_properties:
                raise CurationError(f"relation: unknown relation {text!r} (pick one of the ontology's properties)")
            values[key] = text
        elif key in TIME_FIELDS:
            try:
                time_value(text)
            except ValueError as exc:
                raise CurationError(f"{key}: {exc}") from exc
            values[key] = int(text) if re.fullmatch(r"\d{4}", text) else text
        elif key == "certainty":
            if text not in CERTAINTIES:
                raise CurationError(f"certainty must be one of {', '.join(CERTAINTIES)}")
            values[key] = text
        else:
            values[key] = text
    return values


def _new_statement(
    doc: Document, items: CommentedSeq, form: Mapping[str, str], entities: Set[str], who: str, when: str
) -> CommentedMap:
    """A statement from a span the analyst selected: the quote verbatim, its occurrence from the offsets."""
    quote = str(form.get("quote", ""))
    if not quote.strip():
        raise CurationError("select the passage of the text that says it (the quote is empty)")
    starts = [m.start() for m in re.finditer(re.escape(quote), doc.text)]
    if not starts:
        raise CurationError(f"the quote is not verbatim in the document: {quote[:80]!r}")
    occurrence = None
    if len(starts) > 1:
        try:
            start = int(form.get("quote_start", ""))
        except ValueError as exc:
            raise CurationError(
                "the quote occurs several times: select it in the text (its offset is missing)"
            ) from exc
        if start not in starts:
            raise CurationError("the selected offset does not match the quote in the document")
        occurrence = starts.index(start) + 1
    for key in ("subject", "predicate", "object"):
        if not str(form.get(key, "")).strip():
            raise CurationError(f"a new statement needs a {key}")
    values = {k: v for k, v in _checked_values(form, CORRECTABLE, entities).items() if v is not None}
    taken = {str(item.get("id")) for item in items if isinstance(item, dict)}
    base = f"r-{values['subject']}-{values['predicate']}-{values['object']}"[:110]
    local_id, n = base, 1
    while local_id in taken:
        n += 1
        local_id = f"{base}-{n}"
    entry = CommentedMap({"id": local_id, "quote": quote})
    if occurrence is not None:
        entry["occurrence"] = occurrence
    for key in ("subject", "predicate", "object", "certainty", "attributed_to", *TIME_FIELDS, "place", "note"):
        if key in values:
            entry[key] = values[key]
    entry["reviewed_by"] = who
    entry["reviewed_at"] = when
    return entry


def _entity_change(sources: Path, document: str, change: Change, record: dict[str, Any]) -> dict[Path, str | None]:
    """Accept a new-entity candidate into entities/<doc>.yaml, or add its name as an alias of an entity."""
    side = YamlFile.load(candidates_file(sources, document), CommentedMap())
    found = [i for i, c in enumerate(side.data.get("new_entities") or []) if c.get("name") == change.target]
    if not found:
        raise CurationError(f"no new-entity candidate named {change.target!r} for this document")
    name = change.target
    entities = load_entities(sources)
    writes: dict[Path, str | None] = {}
    if change.action == "merge_entity":
        into = str(change.fields.get("into", "")).strip()
        if into not in entities:
            raise CurationError(f"merge: unknown entity {into!r} (pick one of the registry's ids)")
        origin = entities[into].origin
        assert origin is not None  # every loaded entity knows its file
        target = YamlFile.load(Path(origin.file), CommentedSeq())
        item = next(e for e in target.data if isinstance(e, dict) and e.get("id") == into)
        aliases = item.get("aliases")
        if aliases is None:
            item["aliases"] = [name]
        elif isinstance(aliases, list):
            if name in aliases or name == item.get("label"):
                raise CurationError(f"{name!r} is already a name of {into!r}")
            aliases.append(name)
        else:
            item["aliases"] = [aliases, name]
        writes[target.path] = target.dump()
        record["summary"] = f"{name!r} merged into {into} as an alias"
    else:
        entity = _new_entity(change.fields, name, entities)
        target = YamlFile.load(entities_file(sources, document), CommentedSeq(), _ENTITIES_HEADER)
        target.data.append(entity)
        writes[target.path] = target.dump()
        record["summary"] = f"{entity['id']} ({entity['type']}) {entity['label']!r}"
    entity_id = into if change.action == "merge_entity" else str(entity["id"])
    candidate = side.data["new_entities"][found[0]]
    key = str(candidate.get("key") or new_entity_key(name))
    del side.data["new_entities"][found[0]]
    # The extractor's mentions and candidate statements name the candidate by its key: they now name the entity.
    for mention in side.data.get("mentions") or []:
        if isinstance(mention, dict) and mention.get("entity") == key:
            mention["entity"] = entity_id
    writes[side.path] = side.dump()
    statements = YamlFile.load(statements_file(sources, document), CommentedMap())
    if _repoint(statements.data.get("statements") or [], key, entity_id):
        writes[statements.path] = statements.dump()
    return writes


def _repoint(entries: list[Any], key: str, entity_id: str) -> bool:
    """Make statements that name a new-entity key name the entity instead; whether any changed."""
    changed = False
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        for role in ("subject", "object", "place"):
            if entry.get(role) == key:
                entry[role] = entity_id
                changed = True
        attributed = entry.get("attributed_to")
        if isinstance(attributed, list) and key in attributed:
            entry["attributed_to"] = [entity_id if a == key else a for a in attributed]
            changed = True
    return changed


_ENTITIES_HEADER = "# Entities accepted from this document's new-entity candidates (review pages).\n"


def _new_entity(form: Mapping[str, str], name: str, entities: Mapping[str, Any]) -> CommentedMap:
    entity_id = str(form.get("id", "")).strip()
    kind = str(form.get("type", "")).strip()
    label = str(form.get("label", "")).strip() or name
    if not ID_PATTERN.match(entity_id):
        raise CurationError(f"entity id {entity_id!r} must be lowercase letters, digits and '-'")
    if entity_id in entities:
        raise CurationError(f"entity id {entity_id!r} is taken (merge into it instead)")
    if kind not in ontology_terms().classes:
        raise CurationError(f"unknown type {kind!r} (pick one of the ontology's classes)")
    aliases = [a.strip() for a in str(form.get("aliases", "")).split(",") if a.strip()]
    if name != label and name not in aliases:
        aliases.insert(0, name)
    entity = CommentedMap({"id": entity_id, "type": kind, "label": label})
    if aliases:
        entity["aliases"] = aliases
    return entity


# ------------------------------------------------------------------------------ undo


def last_undoable(history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The latest change that was not undone (undo records themselves are not undone)."""
    undoable = [r for r in history if r.get("action") != "undo" and not r.get("undone")]
    return undoable[-1] if undoable else None


def _undo(sources: Path, document: str, who: str, when: str) -> tuple[dict[Path, str | None], dict[str, Any]]:
    history = YamlFile.load(history_file(sources, document), CommentedSeq())
    last = last_undoable(list(history.data))
    if last is None:
        raise CurationError("there is no change to undo")
    snapshot = undo_file(sources, document, int(last["n"]))
    if not snapshot.exists():
        raise CurationError(f"the previous state of change {last['n']} was not kept; it cannot be undone")
    before: dict[str, str | None] = json.loads(snapshot.read_text(encoding="utf-8"))
    for name, (_old, new) in (last.get("files") or {}).items():
        if name in before and _sha(_read(sources / name)) != new:
            raise CurationError(f"{name} changed after change {last['n']}; it cannot be undone")
    writes: dict[Path, str | None] = {sources / name: text for name, text in before.items()}
    summary = f"undid {last['action']} of {last.get('target')} ({last.get('summary', '')})"
    return writes, {"action": "undo", "target": str(last["n"]), "by": who, "at": when, "summary": summary}
