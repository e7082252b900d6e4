"""The edits behind each curation action: accept, correct, reject, add, accept or merge an entity, undo.

Each returns the files to write (path -> new content, None to remove) and the history record;
graph/curation.py ``apply`` writes them all or nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from actorgraph.graph.curation_files import (
    YamlFile,
    entities_file,
    history_file,
    read_or_none,
    sha_of,
    statements_file,
    undo_file,
)
from actorgraph.graph.errors import CurationError
from actorgraph.graph.ingest.review import candidates_file
from actorgraph.graph.model import CERTAINTIES, Document
from actorgraph.graph.sources import ID_PATTERN, load_documents, load_entities, new_entity_key, time_value
from actorgraph.ontology import ontology_terms

ENTITY_FIELDS = ("subject", "object", "place")
TIME_FIELDS = ("at", "start", "end")
# What a correction may change (the quote of a candidate stays: it is the extractor's evidence).
CORRECTABLE = (*ENTITY_FIELDS, "predicate", *TIME_FIELDS, "certainty", "attributed_to", "note")


@dataclass(frozen=True)
class Change:
    """One analyst action on one document; ``fields`` are the form's values, as text."""

    action: str
    target: str = ""  # the candidate's local id, or the new-entity candidate's name
    fields: Mapping[str, str] = field(default_factory=dict)
    reason: str = ""


# ------------------------------------------------------------------------------ the edits


def edit_document(
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


def undo_last(sources: Path, document: str, who: str, when: str) -> tuple[dict[Path, str | None], dict[str, Any]]:
    history = YamlFile.load(history_file(sources, document), CommentedSeq())
    last = last_undoable(list(history.data))
    if last is None:
        raise CurationError("there is no change to undo")
    snapshot = undo_file(sources, document, int(last["n"]))
    if not snapshot.exists():
        raise CurationError(f"the previous state of change {last['n']} was not kept; it cannot be undone")
    before: dict[str, str | None] = json.loads(snapshot.read_text(encoding="utf-8"))
    for name, (_old, new) in (last.get("files") or {}).items():
        if name in before and sha_of(read_or_none(sources / name)) != new:
            raise CurationError(f"{name} changed after change {last['n']}; it cannot be undone")
    writes: dict[Path, str | None] = {sources / name: text for name, text in before.items()}
    summary = f"undid {last['action']} of {last.get('target')} ({last.get('summary', '')})"
    return writes, {"action": "undo", "target": str(last["n"]), "by": who, "at": when, "summary": summary}
