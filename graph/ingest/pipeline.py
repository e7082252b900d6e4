"""Register an ingested document in a sources folder and write its candidate statements.

A user sources folder (default ``var/sources``) has the layout of the shipped one
(``graph.sources``); the first ingest seeds it with a copy of the shipped sources so one
build sees everything. An ingest writes, for a document ``<id>``:

    documents/<id>.txt            the cleaned text (offsets point into it)
    documents/<id>.offsets.json   the offset map back to the extracted text, and PDF page starts
    documents.yaml                one more entry (appended, comments kept)
    statements/<id>.yaml          candidate statements (``candidate: true``), same format as curated ones
    candidates/<id>.yaml          mentions, new-entity candidates, what verification dropped

Several files are read and extracted first (in worker processes), then all of them are
written as one unit: when reading or extracting any file, or the final check of the sources,
fails, nothing is written or every file is restored, and the error is raised (the store is
never touched here).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import unicodedata
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from actorgraph.graph.errors import ExtractionError, KGError, SourceError
from actorgraph.graph.extract import DEFAULT_EXTRACTORS, extractor_list, get_extractors
from actorgraph.graph.extract.base import EntityCandidate, Mention, Progress, no_progress
from actorgraph.graph.extract.combine import Combined, combine, keyed
from actorgraph.graph.extract.verify import Verified, verify
from actorgraph.graph.ingest.files import all_or_nothing
from actorgraph.graph.ingest.language import not_english
from actorgraph.graph.ingest.readers import SUFFIXES, ReadResult, read_file
from actorgraph.graph.ingest.review import candidates_file, rejected
from actorgraph.graph.model import Entity
from actorgraph.graph.sources import load_corpus, load_documents, load_entities, shipped_sources
from actorgraph.ontology.vocab import NEW_ENTITY_PREFIX

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
    skipped: str | None = None  # why extraction was skipped (the text does not look English)
    path: str = ""


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
    from dateparser.date import DateDataParser  # start-up cost: dateparser loads its locale data (~0.3 s)

    data = DateDataParser(languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first"}).get_date_data(text)
    if data.date_obj is None:
        raise ExtractionError(f"cannot read the date {text!r}; give it as 2024, 2024-04 or 2024-04-03")
    if data.period == "year":
        return f"{data.date_obj.year:04d}"
    if data.period == "month":
        return f"{data.date_obj.year:04d}-{data.date_obj.month:02d}"
    return str(data.date_obj.date().isoformat())


@dataclass(frozen=True)
class IngestOptions:
    """How to ingest: metadata given on the command line and which extractors to run."""

    title: str | None = None
    author: str | None = None
    date: str | None = None
    fmt: str | None = None
    doc_id: str | None = None
    extractor: str = DEFAULT_EXTRACTORS  # one name or several, comma-separated ("parse,llm")
    max_bytes: int = 25_000_000


@dataclass
class Extracted:
    """What reading and extracting one file gave (built in a worker process, so picklable)."""

    path: Path
    read: ReadResult
    date: str | None
    combined: Combined
    skipped: str | None = None  # why extraction was skipped (not English)


def documents_in(paths: list[Path]) -> list[Path]:
    """The files to ingest: files as given, and in folders every file with a known suffix (recursively)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        else:
            found.append(path)
    if not found:
        raise ExtractionError(f"no document ({' '.join(sorted(SUFFIXES))}) in {', '.join(map(str, paths))}")
    return found


def ingest_file(
    path: Path,
    sources: Path,
    *,
    title: str | None = None,
    author: str | None = None,
    date: str | None = None,
    fmt: str | None = None,
    extractor: str = DEFAULT_EXTRACTORS,
    doc_id: str | None = None,
    progress: Progress = no_progress,
    max_bytes: int = 25_000_000,
) -> IngestReport:
    """Read, register and extract one document into the sources folder (all or nothing).

    Raises ExtractionError (unreadable, binary, empty, too large, unknown date) or SourceError.
    """
    options = IngestOptions(title, author, date, fmt, doc_id, extractor, max_bytes)
    return ingest_files([path], sources, options, progress=progress)[0]


def ingest_files(
    paths: list[Path],
    sources: Path,
    options: IngestOptions,
    *,
    workers: int = 1,
    progress: Progress = no_progress,
    finished: Callable[[Path], None] | None = None,
) -> list[IngestReport]:
    """Read and extract every file (in `workers` processes), then register them all at once.

    Nothing is written unless every file reads and extracts: a failure is raised as one ExtractionError
    naming its file, and for a batch no further file is started once one has failed (a file over the size
    limit fails before any extraction). `progress` follows one document's sentences (a single file);
    `finished` is called as each document is done (several files).
    """
    if len(paths) > 1 and (options.title or options.doc_id):
        raise ExtractionError("--title and --id name one document; give them with one file only")
    extractor_list(options.extractor)  # an unknown name is one error, not one per file
    registry_root = sources if (sources / "documents.yaml").exists() else shipped_sources()
    corpus = load_corpus(registry_root)  # a broken sources folder fails here, before anything is read or written
    for path in paths:  # a file over the limit refuses the batch at once, before any extraction
        if message := _too_large(path, options.max_bytes):
            raise ExtractionError(_batch_error(message, len(paths)))
    if len(paths) == 1:
        results: dict[int, Extracted | str] = {0: _extract_job(paths[0], options, corpus.entities, progress)}
        if finished:
            finished(paths[0])
    else:
        results = _run_parallel(paths, options, corpus.entities, workers, finished)
    failed = sorted(index for index, outcome in results.items() if isinstance(outcome, str))
    if failed:
        path, message = paths[failed[0]], str(results[failed[0]])
        raise ExtractionError(_batch_error(message if path.name in message else f"{path}: {message}", len(paths)))
    ensure_sources(sources)
    extracted = [outcome for _, outcome in sorted(results.items()) if isinstance(outcome, Extracted)]
    del results  # _register lets go of each document once its files are written
    return _register(extracted, sources, options)


def _batch_error(message: str, count: int) -> str:
    """A file's error; for a batch, saying that none of its documents went in."""
    return message if count == 1 else f"{message} (none of the {count} documents was ingested; nothing was written)"


def _too_large(path: Path, max_bytes: int) -> str | None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        return f"{path}: cannot read: {exc.strerror}"
    if size > max_bytes:
        return f"{path} is {size:,} bytes, more than the ingest limit of {max_bytes:,} (ACTORGRAPH_INGEST_MAX_BYTES)"
    return None


# What a worker process extracts with, sent once when it starts instead of with each of its documents.
_worker_state: dict[str, Any] = {}


def _start_worker(options: IngestOptions, entities: dict[str, Entity]) -> None:
    _worker_state.update(options=options, entities=entities)


def _extract_in_worker(path: Path) -> Extracted | str:
    return _extract_job(path, _worker_state["options"], _worker_state["entities"])


def _run_parallel(
    paths: list[Path],
    options: IngestOptions,
    entities: dict[str, Entity],
    workers: int,
    finished: Callable[[Path], None] | None,
) -> dict[int, Extracted | str]:
    """Each file in a worker process, by its index; at the first file that fails the rest are not started
    (the batch is refused, so extracting them would be wasted)."""
    results: dict[int, Extracted | str] = {}
    processes = max(1, min(workers, len(paths)))
    with ProcessPoolExecutor(processes, initializer=_start_worker, initargs=(options, entities)) as pool:
        futures = {pool.submit(_extract_in_worker, path): index for index, path in enumerate(paths)}
        for future in as_completed(futures):
            outcome = results[futures[future]] = future.result()
            if isinstance(outcome, str):
                pool.shutdown(wait=True, cancel_futures=True)
                break
            if finished:
                finished(paths[futures[future]])
    return results


def _extract_job(
    path: Path, options: IngestOptions, entities: dict[str, Entity], progress: Progress = no_progress
) -> Extracted | str:
    """Read and extract one file; an error comes back as its message (exceptions with paths pickle badly)."""
    try:
        if message := _too_large(path, options.max_bytes):
            return message
        read = read_file(path, options.fmt)
        date = normalise_date(options.date or read.date)
        text = read.text.text
        skipped = not_english(text)
        names = "" if skipped else options.extractor
        combined = extract_all(text, entities, names, progress) if names else Combined(extractor="none")
        return Extracted(path, read, date, combined, skipped)
    except KGError as exc:
        return str(exc)
    except OSError as exc:
        return f"{path}: cannot read: {exc.strerror}"


def extract_all(text: str, entities: dict[str, Entity], names: str, progress: Progress = no_progress) -> Combined:
    """Run each named extractor, key their new entities alike, verify, and merge (de-duplicated)."""
    taken: dict[str, str] = {}
    runs = []
    for engine in get_extractors(names):
        result = keyed(engine.extract(text, entities, progress), taken)
        runs.append((result, verify(result, text, entities)))
    return combine(runs)


def _register(extracted: list[Extracted], sources: Path, options: IngestOptions) -> list[IngestReport]:
    """Write every document's files as one unit and check that the sources still load.

    Takes the documents out of `extracted` as it goes, and the file contents out of memory as they are
    written: the final check loads every candidates file back, the peak of a long text's ingest, and the
    extraction results and their YAML no longer sit beside it (2 MB text: 205 MB before the check, now 114).
    """
    documents = load_documents(sources)
    entities = load_entities(sources)
    registry = sources / "documents.yaml"
    registry_text = registry.read_text(encoding="utf-8")
    entries: list[str] = []
    files: dict[Path, bytes] = {}
    reports = []
    batch: dict[str, str] = {}  # sha256 -> id, for two identical files in one batch
    while extracted:
        written, entry, report = _document_files(extracted.pop(0), sources, options, documents, entities, batch)
        files.update(written)
        entries.extend([entry] if entry else [])
        reports.append(report)
    if entries:
        registry_text = _registry_for_appending(registry_text) + "".join(entries)
    files[registry] = registry_text.encode("utf-8")
    with all_or_nothing(list(files)):
        _write_all(files)
        try:
            load_corpus(sources)
        except SourceError as exc:
            raise ExtractionError(f"the candidates do not load, nothing was changed: {exc}") from exc
    return reports


def _document_files(
    item: Extracted,
    sources: Path,
    options: IngestOptions,
    documents: dict[str, Any],
    entities: dict[str, Entity],
    batch: dict[str, str],
) -> tuple[dict[Path, bytes], str | None, IngestReport]:
    """One document's files (text, offsets, statements, candidates), its registry entry (None on a re-ingest)
    and its report; notes its sha256 and id in `batch`."""
    text = item.read.text.text
    data = text.encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()
    title = (options.title or item.read.title or item.path.stem).strip()
    doc_id = options.doc_id or _batch_id(slugify(title), batch)
    replaced = _check_identity(doc_id, sha, documents, batch, item.path)
    batch[sha] = doc_id
    previously_rejected = rejected(sources, doc_id)
    statements = sources / "statements" / f"{doc_id}.yaml"
    files = {
        sources / "documents" / f"{doc_id}.txt": data,
        sources / "documents" / f"{doc_id}.offsets.json": _offsets_json(item.read).encode("utf-8"),
        statements: candidate_yaml(doc_id, title, item.combined, _reviewed(statements), previously_rejected).encode(
            "utf-8"
        ),
        candidates_file(sources, doc_id): side_yaml(
            doc_id, text, item.combined, previously_rejected, item.skipped
        ).encode("utf-8"),
    }
    entry = None
    if not replaced:
        entry = _registry_entry(doc_id, title, sha, options.author, item.date, item.read, item.path, entities)
    return files, entry, _report(doc_id, title, item, replaced, [statements])


def _write_all(files: dict[Path, bytes]) -> None:
    """Write each file, dropping its content from `files` once written."""
    while files:
        target, content = files.popitem()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _batch_id(wanted: str, batch: dict[str, str]) -> str:
    """The id from the title, numbered when another document of the same ingest took it."""
    doc_id, n = wanted, 2
    while doc_id in batch.values():
        doc_id, n = f"{wanted}-{n}", n + 1
    return doc_id


def _check_identity(doc_id: str, sha: str, documents: dict[str, Any], batch: dict[str, str], path: Path) -> bool:
    """Whether this is a re-ingest of the same text under its id; refuses a clash either way."""
    if sha in batch:
        raise ExtractionError(f"{path}: the same text is given twice in one ingest (as {batch[sha]!r})")
    if doc_id in batch.values():
        raise ExtractionError(f"{path}: two documents of one ingest would get the id {doc_id!r}")
    replaced = False
    if doc_id in documents:
        if documents[doc_id].sha256 != sha:
            raise ExtractionError(f"a different document already has the id {doc_id!r}; give another with --id")
        replaced = True
    same = [d.id for d in documents.values() if d.sha256 == sha and d.id != doc_id]
    if same:
        raise ExtractionError(f"this text is already registered as {same[0]!r}")
    return replaced


def _report(doc_id: str, title: str, item: Extracted, replaced: bool, files: list[Path]) -> IngestReport:
    combined = item.combined
    return IngestReport(
        document=doc_id,
        title=title,
        format=item.read.format,
        characters=len(item.read.text.text),
        extractor=combined.extractor,
        candidates=len(combined.verified),
        mentions=len(combined.mentions),
        new_entities=len(combined.new_entities),
        dropped=dict(combined.dropped),
        files=[str(p) for p in files],
        replaced=replaced,
        skipped=item.skipped,
        path=str(item.path),
    )


# libyaml's emitter when PyYAML has it: a large document's mentions took seconds with the Python one.
_SafeDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def dump_yaml(data: Any) -> str:
    """YAML as the sources are written: keys in order, Unicode kept, long lines not folded."""
    return yaml.dump(data, Dumper=_SafeDumper, sort_keys=False, allow_unicode=True, width=1000)


def _registry_for_appending(registry: str) -> str:
    """The registry text ready for entries to be appended; an empty registry ("[]") keeps only its comments.

    Parsed once per ingest, not once per entry: a batch of 100 documents re-parsed a growing registry
    with the pure-Python YAML loader 100 times.
    """
    if not yaml.load(registry, Loader=_SafeLoader):  # noqa: S506 - libyaml's SafeLoader
        registry = "".join(line for line in registry.splitlines(keepends=True) if line.lstrip().startswith("#"))
    return registry.rstrip("\n") + "\n"


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
    result: Combined,
    reviewed: list[dict[str, Any]] | None = None,
    rejected: list[dict[str, Any]] | None = None,
) -> str:
    """The statements file of an ingested document: reviewed statements kept, every verified proposal a candidate."""
    statements = list(reviewed or [])
    taken = {s.get("id") for s in statements}
    known = {_key(s) for s in [*statements, *(rejected or [])]}
    for n, (item, extractor) in enumerate(result.verified, 1):
        p = item.proposal
        subject, obj = p.subject.removeprefix(NEW_ENTITY_PREFIX), p.object.removeprefix(NEW_ENTITY_PREFIX)
        local_id = f"c{n:03d}-{subject}-{p.predicate}-{obj}"[:120]
        if local_id in taken or (p.subject, p.predicate, p.object, p.quote) in known:
            continue
        statements.append(candidate_statement(local_id, item, extractor))
    header = (
        f"# Candidate statements for {title!r}, proposed by {result.extractor}.\n"
        "# Review them with `actorgraph review`, or edit this file: delete 'candidate: true' to accept,\n"
        "# delete the entry to reject.\n"
    )
    body = dump_yaml({"document": doc_id, "statements": statements})
    return header + body


def side_yaml(
    doc_id: str, text: str, result: Combined, rejected: list[dict[str, Any]] | None = None, skipped: str | None = None
) -> str:
    """Mentions and new-entity candidates; the build puts them in the candidates graph (graph.rdf)."""
    mentions = [*result.mentions, *_first_mentions(text, result.new_entities)]
    data: dict[str, Any] = {
        "document": doc_id,
        "extractor": result.extractor,
        **({"skipped": skipped} if skipped else {}),
        "dropped": dict(result.dropped),
        "new_entities": [
            {
                "key": c.key,
                "name": c.name,
                "suggested_type": c.suggested_type,
                **({"aliases": list(c.aliases)} if c.aliases else {}),
                "count": c.count,
                "confidence": round(c.confidence, 2),
                "start": c.start,
                "end": c.end,
                "context": text[max(0, c.start - 60) : c.end + 60].replace("\n", " "),
            }
            for c in result.new_entities
        ],
        "mentions": [
            {
                "entity": m.entity,
                "start": m.start,
                "end": m.end,
                "surface": m.surface,
                "how": m.how,
                "confidence": round(m.confidence, 2),
            }
            for m in sorted(mentions, key=lambda m: (m.start, m.end))
        ],
    }
    if rejected:
        data["rejected"] = rejected
    return (
        "# Mentions and new-entity candidates found by the extractor (in the candidates graph after a build);\n"
        "# `actorgraph review --entities` lists the new entities, --accept-entity / --merge-entity review them.\n"
        + dump_yaml(data)
    )


def _first_mentions(text: str, candidates: list[EntityCandidate]) -> list[Mention]:
    """A mention of each new-entity candidate where the extractor first saw it (when the text says so there)."""
    found = []
    for c in candidates:
        surface = text[c.start : c.end]
        if surface and surface == c.name:
            found.append(Mention(c.key, c.start, c.end, surface, c.confidence, "new"))
    return found
