"""Register an ingested document in a sources folder and write its candidate statements.

A user sources folder (default ``var/sources``) has the layout of the shipped one
(``graph.sources``); the first ingest seeds it with a copy of the shipped sources so one
build sees everything. An ingest writes, for a document ``<id>``:

    documents/<id>.txt            the cleaned text (offsets point into it)
    documents/<id>.offsets.json   the offset map back to the extracted text, and PDF page starts
    documents.yaml                one more entry (appended, comments kept)
    statements/<id>.yaml          candidate statements (``candidate: true``), same format as curated ones
    candidates/<id>.yaml          mentions, new-entity candidates, what verification dropped

All of it is written as one unit: when reading, extracting or the final check of the
sources fails, every file is restored and the error is raised (the store is never touched here).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from actorgraph.graph.ingest import review
from actorgraph.graph.errors import ExtractionError, SourceError
from actorgraph.graph.extract import get_extractor
from actorgraph.graph.extract.base import ExtractionResult, Progress, no_progress
from actorgraph.graph.extract.verify import Verified, verify
from actorgraph.graph.ingest.readers import ReadResult, read_file
from actorgraph.graph.sources import load_corpus, load_documents, load_entities, shipped_sources

SEED = ("documents.yaml", "documents", "entities", "statements", "links.yaml")


@dataclass
class IngestReport:
    """What an ingest did."""

    document: str
    title: str
    format: str
    characters: int
    extractor: str
    candidates: int
    mentions: int
    new_entities: int
    dropped: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    replaced: bool = False


def ensure_sources(root: Path) -> None:
    """Seed a user sources folder with a copy of the shipped sources if it has none yet."""
    if (root / "documents.yaml").exists():
        return
    shipped = shipped_sources()
    root.mkdir(parents=True, exist_ok=True)
    for name in SEED:
        src = shipped / name
        if src.is_dir():
            shutil.copytree(src, root / name, dirs_exist_ok=True)
        elif src.exists():
            shutil.copy2(src, root / name)
    (root / "candidates").mkdir(exist_ok=True)


def slugify(text: str, limit: int = 48) -> str:
    """A document id from a title: lowercase ascii words joined by '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return (slug[:limit].rstrip("-") or "document") if slug else "document"


def normalise_date(text: str | None) -> str | None:
    """A date as given ("April 2024", "2024-04-03T10:00") as 2024-04 / 2024-04-03 / 2024 (dateparser)."""
    if not text:
        return None
    text = str(text).strip()
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        return text
    from dateparser.date import DateDataParser

    data = DateDataParser(languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first"}).get_date_data(text)
    if data.date_obj is None:
        raise ExtractionError(f"cannot read the date {text!r}; give it as 2024, 2024-04 or 2024-04-03")
    if data.period == "year":
        return f"{data.date_obj.year:04d}"
    if data.period == "month":
        return f"{data.date_obj.year:04d}-{data.date_obj.month:02d}"
    return str(data.date_obj.date().isoformat())


def ingest_file(
    path: Path,
    sources: Path,
    *,
    title: str | None = None,
    author: str | None = None,
    date: str | None = None,
    fmt: str | None = None,
    extractor: str = "rules",
    doc_id: str | None = None,
    progress: Progress = no_progress,
) -> IngestReport:
    """Read, register and extract one document into the sources folder (all or nothing).

    Raises ExtractionError (unreadable, binary, empty, unknown date) or SourceError.
    """
    read = read_file(path, fmt)  # before anything is written: a broken file changes nothing
    date_text = normalise_date(date or read.date)
    ensure_sources(sources)
    documents = load_documents(sources)
    entities = load_entities(sources)
    text = read.text.text
    data = text.encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()
    title = (title or read.title or path.stem).strip()
    doc_id = doc_id or slugify(title)
    replaced = False
    if doc_id in documents:
        if documents[doc_id].sha256 != sha:
            raise ExtractionError(f"a different document already has the id {doc_id!r}; give another with --id")
        replaced = True
    same = [d.id for d in documents.values() if d.sha256 == sha and d.id != doc_id]
    if same:
        raise ExtractionError(f"this text is already registered as {same[0]!r}")
    previously_rejected = review.rejected(sources, doc_id)
    engine = get_extractor(extractor)
    result = engine.extract(text, entities, progress)
    verified = verify(result, text, entities)
    files = {
        sources / "documents" / f"{doc_id}.txt": data,
        sources / "documents" / f"{doc_id}.offsets.json": _offsets_json(read).encode("utf-8"),
        sources / "statements" / f"{doc_id}.yaml": candidate_yaml(
            doc_id, title, result, verified, _reviewed(sources / "statements" / f"{doc_id}.yaml"), previously_rejected
        ).encode("utf-8"),
        review.candidates_file(sources, doc_id): side_yaml(doc_id, text, result, previously_rejected).encode("utf-8"),
    }
    if not replaced:
        entry = _registry_entry(doc_id, title, sha, author, date_text, read, path, entities)
        registry = sources / "documents.yaml"
        files[registry] = _append_entry(registry.read_text(encoding="utf-8"), entry).encode("utf-8")
    with _all_or_nothing(list(files)):
        for target, content in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        try:
            load_corpus(sources)
        except SourceError as exc:
            raise ExtractionError(f"the candidates do not load, nothing was changed: {exc}") from exc
    return IngestReport(
        document=doc_id,
        title=title,
        format=read.format,
        characters=len(text),
        extractor=result.extractor,
        candidates=len(verified),
        mentions=len(result.mentions),
        new_entities=len(result.new_entities),
        dropped=dict(result.dropped),
        files=[str(p) for p in files],
        replaced=replaced,
    )


def _append_entry(registry: str, entry: str) -> str:
    """The registry text with one more entry; an empty registry ("[]") keeps only its comments."""
    if not yaml.safe_load(registry):
        registry = "".join(line for line in registry.splitlines(keepends=True) if line.lstrip().startswith("#"))
    return registry.rstrip("\n") + "\n" + entry


@contextmanager
def _all_or_nothing(paths: list[Path]) -> Iterator[None]:
    """Restore every path to what it was (or remove it) if the block raises."""
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


def _offsets_json(read: ReadResult) -> str:
    data = json.loads(read.text.map_json())
    data["format"] = read.format
    if read.pages:
        data["page_starts"] = read.pages
    return json.dumps(data)


def _registry_entry(
    doc_id: str,
    title: str,
    sha: str,
    author: str | None,
    date: str | None,
    read: ReadResult,
    path: Path,
    entities: dict[str, Any],
) -> str:
    entry: dict[str, Any] = {"id": doc_id, "file": f"{doc_id}.txt", "sha256": sha, "title": title}
    author = author or read.author
    if author:
        # The registry links authors by entity id; a name it does not know is kept as given.
        known = [
            e.id for e in entities.values() if author.strip().lower() in {e.label.lower(), *map(str.lower, e.aliases)}
        ]
        if known:
            entry["authors"] = known[:1]
        entry["author_name"] = author.strip()
    if date:
        entry["date"] = date
    entry["ingested_from"] = path.name
    entry["format"] = read.format
    body = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=1000)
    return f"# ingested by actorgraph ingest ({read.format})\n{body}"


def _time(value: str) -> str | int:
    return int(value) if re.fullmatch(r"\d{4}", value) else value


def candidate_statement(local_id: str, item: Verified, extractor: str) -> dict[str, Any]:
    """One candidate in the statements YAML format (graph.sources)."""
    p = item.proposal
    entry: dict[str, Any] = {
        "id": local_id,
        "candidate": True,
        "confidence": round(p.confidence, 2),
        "extractor": extractor,
        "quote": p.quote,
    }
    if item.occurrences > 1:
        entry["occurrence"] = item.occurrence
    entry.update(subject=p.subject, predicate=p.predicate, object=p.object)
    if p.certainty != "stated":
        entry["certainty"] = p.certainty
    if p.attributed_to:
        entry["attributed_to"] = list(p.attributed_to)
    for key, value in (("at", p.at), ("start", p.start_time), ("end", p.end_time)):
        if value:
            entry[key] = _time(value)
    if p.place:
        entry["place"] = p.place
    if p.quantity is not None:
        entry["quantity"] = p.quantity
        if p.unit:
            entry["unit"] = p.unit
    if p.note:
        entry["note"] = p.note
    return entry


def _reviewed(path: Path) -> list[dict[str, Any]]:
    """The statements of an existing file that are no longer candidates (kept on re-ingest)."""
    if not path.exists():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [s for s in raw.get("statements") or [] if isinstance(s, dict) and not s.get("candidate")]


def _key(entry: dict[str, Any]) -> tuple[Any, ...]:
    return entry.get("subject"), entry.get("predicate"), entry.get("object"), entry.get("quote")


def candidate_yaml(
    doc_id: str,
    title: str,
    result: ExtractionResult,
    verified: list[Verified],
    reviewed: list[dict[str, Any]] | None = None,
    rejected: list[dict[str, Any]] | None = None,
) -> str:
    """The statements file of an ingested document: reviewed statements kept, every verified proposal a candidate."""
    statements = list(reviewed or [])
    taken = {s.get("id") for s in statements}
    known = {_key(s) for s in [*statements, *(rejected or [])]}
    for n, item in enumerate(verified, 1):
        p = item.proposal
        local_id = f"c{n:03d}-{p.subject}-{p.predicate}-{p.object}"[:120]
        if local_id in taken or (p.subject, p.predicate, p.object, p.quote) in known:
            continue
        statements.append(candidate_statement(local_id, item, result.extractor))
    header = (
        f"# Candidate statements for {title!r}, proposed by {result.extractor}.\n"
        "# Review them with `actorgraph review`, or edit this file: delete 'candidate: true' to accept,\n"
        "# delete the entry to reject.\n"
    )
    body = yaml.safe_dump(
        {"document": doc_id, "statements": statements}, sort_keys=False, allow_unicode=True, width=1000
    )
    return header + body


def side_yaml(doc_id: str, text: str, result: ExtractionResult, rejected: list[dict[str, Any]] | None = None) -> str:
    """Mentions and new-entity candidates (not statements: the build does not load this file)."""
    data = {
        "document": doc_id,
        "extractor": result.extractor,
        "dropped": dict(result.dropped),
        "new_entities": [
            {
                "name": c.name,
                "suggested_type": c.suggested_type,
                "count": c.count,
                "confidence": round(c.confidence, 2),
                "start": c.start,
                "end": c.end,
                "context": text[max(0, c.start - 60) : c.end + 60].replace("\n", " "),
            }
            for c in result.new_entities
        ],
        "mentions": [
            {"entity": m.entity, "start": m.start, "end": m.end, "surface": m.surface, "how": m.how}
            for m in result.mentions
        ],
    }
    if rejected:
        data["rejected"] = rejected
    return (
        "# Mentions and new-entity candidates found by the extractor; `actorgraph review --entities` lists them.\n"
        + (yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000))
    )
