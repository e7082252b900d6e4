"""Review candidate statements: accept (optionally corrected), reject, and the same for new entities.

Candidates are entries with ``candidate: true`` in ``statements/<doc>.yaml`` of a sources
folder. Accepting one removes the mark (and its confidence), so the next build puts it in
the document's graph and the truthy graph like any curated statement; the extractor's name
stays as provenance. Rejecting removes it and records it in ``candidates/<doc>.yaml`` so a
re-ingest does not propose it again. Every change is checked by loading the file the way
the build does, and written only when it loads (an atomic rename).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from actorgraph.graph.errors import SourceError
from actorgraph.graph.ingest.files import all_or_nothing
from actorgraph.graph.sources import (
    ID_PATTERN,
    load_candidate_file,
    load_corpus,
    load_documents,
    load_entities,
    load_statement_file,
    new_entity_key,
)
from actorgraph.ontology import ontology_terms

CORRECTABLE = frozenset(
    {"subject", "predicate", "object", "certainty", "attributed_to", "at", "start", "end", "place", "quantity",
     "unit", "role", "note", "quote", "occurrence", "cites"}
)  # fmt: skip
REVIEW_HEADER = (
    "# Statements of an ingested document; entries with 'candidate: true' await review (actorgraph review).\n"
)


@dataclass(frozen=True)
class Candidate:
    """A candidate statement awaiting review."""

    document: str
    local_id: str
    entry: dict[str, Any]
    path: Path

    def summary(self) -> str:
        e = self.entry
        extra = [f"{k}={e[k]}" for k in ("certainty", "at", "start", "end", "place", "quantity") if k in e]
        return f"{e.get('subject')} {e.get('predicate')} {e.get('object')}  [{e.get('confidence', '?')}] " + " ".join(
            extra
        )


def _statement_files(sources: Path, document: str | None) -> list[Path]:
    folder = sources / "statements"
    if document:
        path = folder / f"{document}.yaml"
        if not path.exists():
            raise SourceError(f"no statements file for document {document!r}", path)
        return [path]
    return sorted(folder.glob("*.yaml"))


def _read(path: Path) -> dict[str, Any]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise SourceError("expected a mapping with 'document' and 'statements'", path)
    return raw


def pending(sources: Path, document: str | None = None) -> list[Candidate]:
    """Every candidate statement (of one document, or of all), in file order."""
    found = []
    for path in _statement_files(sources, document):
        raw = _read(path)
        for entry in raw.get("statements") or []:
            if isinstance(entry, dict) and entry.get("candidate"):
                found.append(Candidate(str(raw["document"]), str(entry["id"]), entry, path))
    return found


def _find(sources: Path, document: str, local_id: str) -> tuple[Path, dict[str, Any], int]:
    path = _statement_files(sources, document)[0]
    raw = _read(path)
    for index, entry in enumerate(raw.get("statements") or []):
        if isinstance(entry, dict) and entry.get("id") == local_id:
            if not entry.get("candidate"):
                raise SourceError(f"{local_id!r} is not a candidate (already reviewed)", path)
            return path, raw, index
    raise SourceError(f"no candidate {local_id!r} in document {document!r}", path)


def _write_checked(sources: Path, path: Path, raw: dict[str, Any]) -> None:
    """Write a statements file only if it loads as the build would load it."""
    text = _header(path) + yaml.safe_dump(raw, sort_keys=False, allow_unicode=True, width=1000)
    tmp = path.with_name(f".{path.name}.review")
    tmp.write_text(text, encoding="utf-8")
    try:
        documents, entities = load_documents(sources), load_entities(sources)
        side = candidates_file(sources, str(raw.get("document")))
        keys = frozenset(load_candidate_file(side, documents, entities).new_entities) if side.exists() else frozenset()
        load_statement_file(tmp, documents, entities, keys)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)


def _header(path: Path) -> str:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines) or REVIEW_HEADER


def accept(sources: Path, document: str, local_id: str, corrections: dict[str, Any] | None = None) -> dict[str, Any]:
    """Make a candidate a curated statement, applying corrections first. Raises SourceError."""
    path, raw, index = _find(sources, document, local_id)
    entry = dict(raw["statements"][index])
    unknown = set(corrections or {}) - CORRECTABLE
    if unknown:
        raise SourceError(f"cannot correct {sorted(unknown)} (correctable: {', '.join(sorted(CORRECTABLE))})", path)
    for key, value in (corrections or {}).items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    if "subject" in (corrections or {}) or "predicate" in (corrections or {}) or "object" in (corrections or {}):
        entry["note"] = (str(entry.get("note", "")) + " (corrected in review)").strip()
    entry.pop("candidate", None)
    entry.pop("confidence", None)
    raw["statements"][index] = entry
    _write_checked(sources, path, raw)
    return entry


def reject(sources: Path, document: str, local_id: str, reason: str | None = None) -> dict[str, Any]:
    """Remove a candidate, recording it as rejected in candidates/<doc>.yaml. Raises SourceError."""
    path, raw, index = _find(sources, document, local_id)
    entry: dict[str, Any] = raw["statements"].pop(index)
    _write_checked(sources, path, raw)
    side = candidates_file(sources, document)
    data = _read_side(side) or {"document": document}
    record = {k: entry.get(k) for k in ("id", "subject", "predicate", "object", "quote")}
    if reason:
        record["reason"] = reason
    data.setdefault("rejected", []).append(record)
    side.parent.mkdir(parents=True, exist_ok=True)
    side.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")
    return entry


def candidates_file(sources: Path, document: str) -> Path:
    """candidates/<doc>.yaml: the side file of an ingested document (rejected candidates, new names)."""
    return sources / "candidates" / f"{document}.yaml"


def _read_side(side: Path) -> dict[str, Any]:
    return (yaml.safe_load(side.read_text(encoding="utf-8")) if side.exists() else None) or {}


def rejected(sources: Path, document: str) -> list[dict[str, Any]]:
    """The candidates rejected so far for a document."""
    return [r for r in _read_side(candidates_file(sources, document)).get("rejected") or [] if isinstance(r, dict)]


# ------------------------------------------------------------------------------ new entities


def entity_candidates(sources: Path, document: str) -> list[dict[str, Any]]:
    """Names the extractor found that the registry lacks, with their suggested type."""
    return list(_read_side(candidates_file(sources, document)).get("new_entities") or [])


def accept_entity(
    sources: Path, document: str, name: str, entity_id: str, entity_type: str | None = None, label: str | None = None
) -> dict[str, Any]:
    """Add a new-entity candidate (by name or key) to entities/<doc>.yaml; its statements then name entity_id."""
    side = candidates_file(sources, document)
    data = _read_side(side)
    found = _new_candidate(data, name, side)
    kind = entity_type or str(found.get("suggested_type") or "Agent")
    if kind not in ontology_terms().classes:
        raise SourceError(f"unknown class {kind!r} (not in ontology/actors.ttl)", side)
    if not ID_PATTERN.match(entity_id):
        raise SourceError(f"entity id {entity_id!r} must be lowercase letters, digits and '-'", side)
    if entity_id in load_entities(sources):
        raise SourceError(f"entity id {entity_id!r} is taken", side)
    label = label or str(found["name"])
    entity: dict[str, Any] = {"id": entity_id, "type": kind, "label": label}
    aliases = [a for a in dict.fromkeys([str(found["name"]), *(found.get("aliases") or [])]) if a != label]
    if aliases:
        entity["aliases"] = aliases
    target = sources / "entities" / f"{document}.yaml"
    existing = target.read_text(encoding="utf-8") if target.exists() else ""
    block = yaml.safe_dump([entity], sort_keys=False, allow_unicode=True, width=1000)
    text = existing.rstrip("\n") + ("\n" if existing else "") + block
    _resolve(sources, document, data, found, entity_id, {target: text})
    return entity


def merge_entity(sources: Path, document: str, name: str, into: str) -> list[str]:
    """Make a new-entity candidate an alias of the registry entity `into`; its statements then name `into`.

    Returns the aliases added (the candidate's name and aliases the entity lacked).
    """
    side = candidates_file(sources, document)
    data = _read_side(side)
    found = _new_candidate(data, name, side)
    entities = load_entities(sources)
    if into not in entities:
        raise SourceError(f"no entity {into!r} in the registry to merge {found['name']!r} into", side)
    entity = entities[into]
    known = {n.casefold() for n in (entity.label, *entity.aliases, *entity.metonyms)}
    added = [a for a in dict.fromkeys([str(found["name"]), *(found.get("aliases") or [])]) if a.casefold() not in known]
    files: dict[Path, str] = {}
    if added and entity.origin is not None:
        path = Path(entity.origin.file)
        files[path] = with_aliases(path.read_text(encoding="utf-8"), entity.origin.line, added)
    _resolve(sources, document, data, found, into, files)
    return added


def _new_candidate(data: dict[str, Any], name: str, side: Path) -> dict[str, Any]:
    for candidate in data.get("new_entities") or []:
        if name in (candidate.get("name"), candidate.get("key")):
            return dict(candidate)
    raise SourceError(f"no new-entity candidate named {name!r} for {data.get('document')!r}", side)


def _resolve(
    sources: Path, document: str, data: dict[str, Any], found: dict[str, Any], entity_id: str, files: dict[Path, str]
) -> None:
    """Write the registry change, point the document's statements and mentions at entity_id, check, or undo all."""
    key = str(found.get("key") or new_entity_key(str(found["name"])))
    data["new_entities"] = [c for c in data.get("new_entities") or [] if c.get("name") != found["name"]]
    for mention in data.get("mentions") or []:
        if mention.get("entity") == key:
            mention["entity"] = entity_id
    side = candidates_file(sources, document)
    files[side] = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    statements = sources / "statements" / f"{document}.yaml"
    if statements.exists():
        raw = _read(statements)
        for entry in raw.get("statements") or []:
            if isinstance(entry, dict):
                _rename(entry, key, entity_id)
        files[statements] = _header(statements) + yaml.safe_dump(raw, sort_keys=False, allow_unicode=True, width=1000)
    with all_or_nothing(list(files)):
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        load_corpus(sources)  # raises SourceError (and the files are restored) if anything no longer loads


def _rename(entry: dict[str, Any], key: str, entity_id: str) -> None:
    for field in ("subject", "object", "place"):
        if entry.get(field) == key:
            entry[field] = entity_id
    if isinstance(entry.get("attributed_to"), list):
        entry["attributed_to"] = [entity_id if a == key else a for a in entry["attributed_to"]]


def with_aliases(text: str, line: int, aliases: list[str]) -> str:
    """An entities file with aliases added to the entry starting at `line` (comments and layout kept)."""
    lines = text.splitlines(keepends=True)
    start = line - 1
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].strip() and not lines[i].startswith((" ", "\t"))),
        len(lines),
    )
    for i in range(start, end):
        match = re.match(r"^(\s*(?:-\s+)?)aliases:\s*(\[.*\])\s*$", lines[i])
        if match:
            merged = [*yaml.safe_load(match.group(2)), *aliases]
            lines[i] = f"{match.group(1)}aliases: {_flow(merged)}\n"
            return "".join(lines)
    label = next((i for i in range(start, end) if re.match(r"^\s*(?:-\s+)?label:", lines[i])), start)
    indent = re.match(r"^\s*", lines[label].replace("-", " ", 1)).group(0)  # type: ignore[union-attr]
    lines.insert(label + 1, f"{indent}aliases: {_flow(aliases)}\n")
    return "".join(lines)


def _flow(items: list[str]) -> str:
    return yaml.safe_dump(items, default_flow_style=True, allow_unicode=True, width=1000).strip()


# ------------------------------------------------------------------------------ a review session


def find_document(sources: Path, local_id: str) -> str:
    """The document whose statements file holds candidate local_id (ids are unique per document)."""
    owners = [c.document for c in pending(sources) if c.local_id == local_id]
    if not owners:
        raise SourceError(f"no candidate {local_id!r} in {sources / 'statements'}")
    if len(owners) > 1:
        raise SourceError(f"candidate id {local_id!r} is in several documents ({', '.join(owners)}): give --document")
    return owners[0]


def parse_corrections(items: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """key=value pairs as YAML scalars ("at=2001" is a year, "attributed_to=[iran]" a list)."""
    corrections: dict[str, Any] = {}
    for item in items:
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep:
            raise SourceError(f"correction {item!r} is not key=value")
        corrections[key.strip()] = yaml.safe_load(value) if value.strip() else None
    return corrections


def session(
    sources: Path,
    document: str | None,
    ask: Callable[[str], str],
    say: Callable[[str], None],
) -> dict[str, int]:
    """Walk through the pending candidates: [a]ccept, [c]orrect, [r]eject, [s]kip, [q]uit."""
    counts = {"accepted": 0, "corrected": 0, "rejected": 0, "skipped": 0}
    documents = load_documents(sources)
    for candidate in pending(sources, document):
        text = documents[candidate.document].text
        quote = str(candidate.entry.get("quote", ""))
        at = text.find(quote)
        context = text[max(0, at - 80) : at].replace("\n", " ") if at >= 0 else ""
        say(f"\n{candidate.document} / {candidate.local_id}\n  …{context}[{quote}]\n  {candidate.summary()}")
        if candidate.entry.get("note"):
            say(f"  note: {candidate.entry['note']}")
        answer = ask("[a]ccept, [c]orrect, [r]eject, [s]kip, [q]uit").strip().lower()[:1]
        if answer == "q":
            break
        if answer == "a":
            accept(sources, candidate.document, candidate.local_id)
            counts["accepted"] += 1
        elif answer == "c":
            fixes = parse_corrections(ask("corrections as key=value, separated by ';'").split(";"))
            accept(sources, candidate.document, candidate.local_id, fixes)
            counts["corrected"] += 1
        elif answer == "r":
            reject(sources, candidate.document, candidate.local_id, ask("reason (optional)").strip() or None)
            counts["rejected"] += 1
        else:
            counts["skipped"] += 1
    return counts
