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

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from actorgraph.graph.errors import KGError, QuoteError, SourceError
from actorgraph.graph.model import (
    CERTAINTIES,
    CandidateFile,
    Citation,
    Corpus,
    Document,
    Entity,
    EntityMention,
    LiteralValue,
    NewEntity,
    NoClaim,
    Origin,
    Span,
    Statement,
    StatementFile,
)
from actorgraph.ontology import ontology_terms
from actorgraph.ontology.vocab import NEW_ENTITY_PREFIX

LINE_KEY = "__line__"
KEY_LINES = "__key_lines__"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LOCAL_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
NEW_KEY_PATTERN = re.compile(r"^new:[a-z0-9][a-z0-9-]*$")
STATEMENT_REF = re.compile(r"^[a-z0-9][a-z0-9-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
STATEMENT_KEYS = {
    "id", "quote", "occurrence", "subject", "predicate", "object", "value", "datatype", "lang",
    "certainty", "attributed_to", "start", "end", "at", "place", "quantity", "unit", "role",
    "cites", "note", "claims", "candidate", "confidence", "extractor", "contradicts",
    "reviewed_by", "reviewed_at",
}  # fmt: skip
INHERITED_KEYS = ("quote", "occurrence", "certainty", "attributed_to", "cites", "start", "end", "at", "place", "note",
                  "reviewed_by", "reviewed_at")  # fmt: skip


def shipped_sources() -> Path:
    """The sources folder shipped inside the package (works installed or editable)."""
    return Path(str(resources.files("actorgraph.graph") / "data"))


# libyaml's parser when PyYAML has it: the pure-Python one made loading an ingested document's
# candidates (tens of thousands of mentions) the slowest part of an ingest.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """A SafeLoader that records the 1-based line of every mapping under LINE_KEY."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = {str(k): v for k, v in loader.construct_mapping(node, deep=True).items()}
    mapping[LINE_KEY] = node.start_mark.line + 1
    # Line of each key too, so an error about a value points at the line that holds it.
    mapping[KEY_LINES] = {str(k.value): k.start_mark.line + 1 for k, _v in node.value if isinstance(k, yaml.ScalarNode)}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file, turning syntax errors into SourceError with file and line."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise SourceError(f"YAML syntax: {exc.problem or exc}", path, line) from exc
    except yaml.YAMLError as exc:  # a character YAML does not allow (ReaderError): found by tests/test_fuzz.py
        raise SourceError(f"YAML: {exc}".replace("\n", " "), path) from exc
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8: {exc}", path) from exc
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror}", path) from exc


@dataclass
class _Ctx:
    """Where we are while reading one file, for error messages."""

    path: Path

    def error(self, message: str, item: dict[str, Any] | None = None, key: str | None = None) -> SourceError:
        line = None
        if isinstance(item, dict):
            line = item.get(KEY_LINES, {}).get(key) or item.get(LINE_KEY)
        return SourceError(message, self.path, line)

    def origin(self, item: dict[str, Any]) -> Origin:
        return Origin(str(self.path), int(item.get(LINE_KEY, 0)))


# --------------------------------------------------------------------------- documents


def load_documents(root: Path) -> dict[str, Document]:
    """Read documents.yaml and the texts it names; the sha256 must match when given."""
    path = root / "documents.yaml"
    ctx = _Ctx(path)
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


def _document(ctx: _Ctx, root: Path, item: Any) -> Document:
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
        id=_check_id(ctx, item, "id"),
        file=str(item["file"]),
        title=str(item["title"]),
        text=data.decode("utf-8"),
        sha256=sha,
        authors=tuple(_as_list(item.get("authors"))),
        author_roles=tuple(_as_list(item.get("author_roles"))),
        date=_date_text(item.get("date")),
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
        ctx = _Ctx(path)
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


def _entity(ctx: _Ctx, item: Any, classes: frozenset[str]) -> Entity:
    if not isinstance(item, dict):
        raise ctx.error("an entity must be a mapping")
    for key in ("id", "type", "label"):
        if not item.get(key):
            raise ctx.error(f"entity is missing {key!r}", item)
    types = tuple(_as_list(item["type"]))
    for kind in types:
        if kind not in classes:
            raise ctx.error(f"unknown class {kind!r} (not in ontology/actors.ttl)", item)
    return Entity(
        id=_check_id(ctx, item, "id"),
        types=types,
        label=str(item["label"]),
        aliases=tuple(str(a) for a in _as_list(item.get("aliases"))),
        description=item.get("description"),
        origin=ctx.origin(item),
        metonyms=tuple(str(m) for m in _as_list(item.get("metonyms"))),
    )


def load_links(root: Path, entities: dict[str, Entity]) -> dict[str, dict[str, Any]]:
    """Read links.yaml (external identifiers per entity id); unknown ids are errors."""
    path = root / "links.yaml"
    if not path.exists():
        return {}
    ctx = _Ctx(path)
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


# --------------------------------------------------------------------------- statements


def load_statement_file(
    path: Path, documents: dict[str, Document], entities: dict[str, Entity], new_keys: frozenset[str] = frozenset()
) -> StatementFile:
    """Read one per-document statements file, checking ids, predicates and quotes.

    Candidate statements may also name the document's new-entity candidates (new_keys, "new:<slug>").
    """
    try:
        return _read_statement_file(path, documents, entities, new_keys)
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        # A value of an unexpected shape (a list where an id belongs, ...) that no check named yet:
        # still the file's fault, so a SourceError with the file, not a traceback (tests/test_fuzz.py).
        if isinstance(exc, KGError):
            raise
        raise SourceError(f"a value of an unexpected type or shape ({type(exc).__name__}: {exc})", path) from exc


def _read_statement_file(
    path: Path, documents: dict[str, Document], entities: dict[str, Entity], new_keys: frozenset[str]
) -> StatementFile:
    ctx = _Ctx(path)
    raw = read_yaml(path)
    if not isinstance(raw, dict) or "document" not in raw:
        raise ctx.error("expected a mapping with 'document' and 'statements'")
    doc_id = raw["document"]
    if not isinstance(doc_id, str):
        raise ctx.error(f"'document' must be a document id, got {doc_id!r}", raw)
    if doc_id not in documents:
        raise ctx.error(f"unknown document {doc_id!r} (not in documents.yaml)", raw)
    reader = _StatementReader(ctx, documents[doc_id], entities, new_keys)
    reader.occurrences = quote_occurrences(documents[doc_id].text, _quotes(raw))
    result = StatementFile(document=doc_id, path=str(path))
    result.citations = [reader.citation(item) for item in _items(ctx, raw, "citations")]
    reader.citation_ids = {c.local_id for c in result.citations}
    for item in _items(ctx, raw, "statements"):
        result.statements.extend(reader.statements(item))
    result.no_claims = [reader.no_claim(item) for item in _items(ctx, raw, "no_claim")]
    return result


def _quotes(node: Any) -> Iterator[str]:
    """Every 'quote' value anywhere in a statements file (statements, claims, citations, passages)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "quote" and isinstance(value, str):
                yield value
            else:
                yield from _quotes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _quotes(value)


def _items(ctx: _Ctx, raw: dict[str, Any], key: str) -> Iterator[dict[str, Any]]:
    value = raw.get(key) or []
    if not isinstance(value, list):
        raise ctx.error(f"{key!r} must be a list", raw)
    for item in value:
        if not isinstance(item, dict):
            raise ctx.error(f"every entry of {key!r} must be a mapping", raw)
        yield item


class _StatementReader:
    """Turns the mappings of one statements file into model objects."""

    def __init__(
        self, ctx: _Ctx, document: Document, entities: dict[str, Entity], new_keys: frozenset[str] = frozenset()
    ) -> None:
        self.ctx = ctx
        self.new_keys = new_keys
        self.document = document
        self.entities = entities
        self.terms = ontology_terms()
        self.seen_ids: dict[str, int] = {}
        self.occurrences: dict[str, list[int]] = {}  # quote -> its starts, found for the whole file at once
        self.citation_ids: set[str] = set()

    def _claim_local_id(self, item: dict[str, Any]) -> str:
        local_id = item.get("id")
        if not isinstance(local_id, str) or not LOCAL_ID_PATTERN.match(local_id):
            raise self.ctx.error("every statement needs an 'id' of letters, digits, '-', '_' or '.'", item)
        if local_id in self.seen_ids:
            raise self.ctx.error(f"duplicate id {local_id!r} (first at line {self.seen_ids[local_id]})", item)
        self.seen_ids[local_id] = int(item.get(LINE_KEY, 0))
        return local_id

    def statements(self, item: dict[str, Any]) -> list[Statement]:
        """One statement, or several when the entry groups 'claims' under one quote."""
        unknown = set(item) - STATEMENT_KEYS - {LINE_KEY, KEY_LINES}
        if unknown:
            raise self.ctx.error(f"unknown key(s) {sorted(unknown)}", item)
        if "claims" not in item:
            return [self.statement(item)]
        shared = {k: item[k] for k in INHERITED_KEYS if k in item}
        if "quote" in shared:
            self.locate(item)  # a bad shared quote is reported at the line that holds it
        claims = item["claims"]
        if not isinstance(claims, list) or not claims:
            raise self.ctx.error("'claims' must be a non-empty list", item)
        return [self.statement({**shared, **claim}) for claim in claims]

    def statement(self, item: dict[str, Any]) -> Statement:
        local_id = self._claim_local_id(item)
        span = self.locate(item)
        subject = self.entity_ref(item, "subject", required=True)
        predicate = item.get("predicate")
        if predicate not in self.terms.properties:
            message = f"unknown predicate {predicate!r} (not a property in ontology/actors.ttl)"
            raise self.ctx.error(message, item, "predicate")
        has_object, has_value = "object" in item, "value" in item
        if has_object == has_value:
            raise self.ctx.error("a statement needs exactly one of 'object' (an entity) or 'value' (a literal)", item)
        certainty = item.get("certainty", "stated")
        if certainty not in CERTAINTIES:
            raise self.ctx.error(f"certainty must be one of {', '.join(CERTAINTIES)}", item)
        cites = tuple(str(c) for c in _as_list(item.get("cites")))
        for cite in cites:
            if cite not in self.citation_ids:
                raise self.ctx.error(f"cites unknown citation {cite!r}", item)
        return Statement(
            document=self.document.id,
            local_id=local_id,
            subject=subject or "",
            predicate=str(predicate),
            evidence=span,
            object=self.entity_ref(item, "object") if has_object else None,
            value=self.literal(item) if has_value else None,
            certainty=certainty,
            attributed_to=tuple(self.entity_id(item, a) for a in _as_list(item.get("attributed_to"))),
            start=self.time(item, "start"),
            end=self.time(item, "end"),
            point_in_time=self.time(item, "at"),
            place=self.entity_ref(item, "place"),
            quantity=self.quantity(item),
            unit=_opt_str(item.get("unit")),
            role=_opt_str(item.get("role")),
            cites=cites,
            note=_opt_str(item.get("note")),
            contradicts=self.statement_refs(item, "contradicts"),
            candidate=bool(item.get("candidate", False)),
            confidence=float(item["confidence"]) if "confidence" in item else None,
            extractor=_opt_str(item.get("extractor")),
            origin=self.ctx.origin(item),
            reviewed_by=_opt_str(item.get("reviewed_by")),
            reviewed_at=self.reviewed_at(item),
        )

    def statement_refs(self, item: dict[str, Any], key: str) -> tuple[str, ...]:
        refs = tuple(str(r) for r in _as_list(item.get(key)))
        for ref in refs:
            if not STATEMENT_REF.match(ref):
                raise self.ctx.error(f"{key}: {ref!r} is not 'document-id/statement-id'", item, key)
        return refs

    def citation(self, item: dict[str, Any]) -> Citation:
        local_id = self._claim_local_id(item)
        number = item.get("number")
        return Citation(
            document=self.document.id,
            local_id=local_id,
            number=int(number) if number is not None else None,
            evidence=self.locate(item),
            author=_opt_str(item.get("author")),
            title=_opt_str(item.get("title")),
            venue=_opt_str(item.get("venue")),
            date=_opt_str(item.get("date")),
            origin=self.ctx.origin(item),
        )

    def no_claim(self, item: dict[str, Any]) -> NoClaim:
        local_id = self._claim_local_id(item)
        if not item.get("reason"):
            raise self.ctx.error("a no_claim passage needs a 'reason'", item)
        return NoClaim(self.document.id, local_id, self.locate(item), str(item["reason"]), self.ctx.origin(item))

    def locate(self, item: dict[str, Any]) -> Span:
        quote = item.get("quote")
        if not isinstance(quote, str) or not quote.strip():
            raise self.ctx.error("missing 'quote' (the verbatim evidence)", item)
        try:
            return locate_quote(self.document, quote, item.get("occurrence"), self.occurrences.get(quote))
        except ValueError as exc:
            line = item.get(KEY_LINES, {}).get("quote") or item.get(LINE_KEY)
            raise QuoteError(str(exc), self.ctx.path, line) from exc

    def entity_id(self, item: dict[str, Any], value: Any, key: str | None = None) -> str:
        if isinstance(value, str) and value.startswith(NEW_ENTITY_PREFIX):
            if value not in self.new_keys:
                raise self.ctx.error(f"unknown new-entity candidate {value!r} (not in candidates/)", item, key)
            if not item.get("candidate"):
                raise self.ctx.error(
                    f"only a candidate may name {value!r}: accept or merge the entity first", item, key
                )
            return value
        if not isinstance(value, str) or value not in self.entities:
            raise self.ctx.error(f"unknown entity {value!r} (not in the entity registry)", item, key)
        return value

    def entity_ref(self, item: dict[str, Any], key: str, *, required: bool = False) -> str | None:
        if key not in item:
            if required:
                raise self.ctx.error(f"missing {key!r}", item)
            return None
        return self.entity_id(item, item[key], key)

    def literal(self, item: dict[str, Any]) -> LiteralValue:
        try:
            return literal_value(item["value"], item.get("datatype"), item.get("lang"))
        except ValueError as exc:
            raise self.ctx.error(str(exc), item) from exc

    def time(self, item: dict[str, Any], key: str) -> LiteralValue | None:
        if key not in item:
            return None
        try:
            return time_value(item[key])
        except ValueError as exc:
            raise self.ctx.error(f"{key}: {exc}", item) from exc

    def reviewed_at(self, item: dict[str, Any]) -> str | None:
        """When a reviewer wrote or accepted the statement: an ISO 8601 date-time (graph/curation.py)."""
        value = item.get("reviewed_at")
        if value is None:
            return None
        text = value.isoformat() if isinstance(value, dt.datetime) else str(value)
        try:
            dt.datetime.fromisoformat(text)
        except ValueError as exc:
            raise self.ctx.error(f"reviewed_at: {text!r} is not a date-time (2026-12-02T11:00:00Z)", item) from exc
        return text

    def quantity(self, item: dict[str, Any]) -> LiteralValue | None:
        if "quantity" not in item:
            return None
        value = item["quantity"]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.ctx.error("quantity must be a number", item)
        return literal_value(value, None, None)


# --------------------------------------------------------------------------- values


def locate_quote(document: Document, quote: str, occurrence: Any = None, starts: list[int] | None = None) -> Span:
    """Find a quote in the document text; raise ValueError when absent or ambiguous.

    starts: the quote's occurrences when already known (``quote_occurrences``).

    >>> doc = Document("d", "d.txt", "T", "Iran and Iran.", "x")
    >>> locate_quote(doc, "and Iran").start
    5
    """
    if starts is None:
        starts = quote_occurrences(document.text, [quote])[quote]
    if not starts:
        raise ValueError(_absent_message(document, quote))
    if occurrence is not None:
        if not isinstance(occurrence, int) or not 1 <= occurrence <= len(starts):
            raise ValueError(f"occurrence must be 1..{len(starts)} for this quote")
        start = starts[occurrence - 1]
    elif len(starts) > 1:
        raise ValueError(
            f"quote is ambiguous: it occurs {len(starts)} times in {document.file} "
            f"(at {', '.join(map(str, starts))}); quote more, or add 'occurrence: N'"
        )
    else:
        start = starts[0]
    return Span(document.id, quote, start, start + len(quote))


INDEX_MIN_TEXT = 200_000  # below this, one regex scan per quote is the faster way
INDEX_PREFIX = 16


def quote_occurrences(text: str, quotes: Iterable[str]) -> dict[str, list[int]]:
    """Start offsets of the non-overlapping verbatim occurrences of each quote (as re.finditer finds them).

    For a long text and many quotes, one pass over the text finds them all (positions whose first
    16 characters begin some quote): a scan of the whole text per quote made loading the candidates
    of a large ingested document quadratic.
    """
    wanted = {q for q in quotes if q}
    if len(text) < INDEX_MIN_TEXT or len(wanted) < 20:
        return {q: [m.start() for m in re.finditer(re.escape(q), text)] for q in wanted}
    found: dict[str, list[int]] = {q: [] for q in wanted}
    by_prefix: dict[str, list[str]] = {}
    for q in wanted:
        if len(q) >= INDEX_PREFIX:
            by_prefix.setdefault(q[:INDEX_PREFIX], []).append(q)
        else:
            found[q] = [m.start() for m in re.finditer(re.escape(q), text)]
    for i in range(len(text) - INDEX_PREFIX + 1):
        group = by_prefix.get(text[i : i + INDEX_PREFIX])
        if group is None:
            continue
        for q in group:
            starts = found[q]
            if text.startswith(q, i) and (not starts or starts[-1] + len(q) <= i):
                starts.append(i)
    return found


def _normalise(text: str) -> str:
    table = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2014": "-", "\u2013": "-"})
    return re.sub(r"\s+", " ", text.translate(table)).strip()


def _absent_message(document: Document, quote: str) -> str:
    short = quote if len(quote) <= 60 else quote[:57] + "..."
    message = f"quote not found verbatim in {document.file}: {short!r}"
    if _normalise(quote) in _normalise(document.text):
        message += " (it matches once quotes, dashes and white space are normalised: copy it exactly)"
    return message


_TIME_PATTERNS = (
    (re.compile(r"^-?\d{4}$"), "gYear"),
    (re.compile(r"^\d{4}-\d{2}$"), "gYearMonth"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "date"),
)


def time_value(value: Any) -> LiteralValue:
    """A year, year-month or date as a typed literal (xsd:gYear, xsd:gYearMonth, xsd:date)."""
    if isinstance(value, dt.date):
        return LiteralValue(value.isoformat(), "date")
    text = str(value).strip()
    for pattern, datatype in _TIME_PATTERNS:
        if pattern.match(text):
            return LiteralValue(text, datatype)
    raise ValueError(f"{value!r} is not a year (1998), year-month (2021-08) or date (2017-06-07)")


def literal_value(value: Any, datatype: str | None, lang: str | None) -> LiteralValue:
    """Type a YAML scalar: integers, decimals, booleans, dates; strings stay strings."""
    if datatype:
        return LiteralValue(str(value), str(datatype))
    if lang:
        return LiteralValue(str(value), "langString", str(lang))
    if isinstance(value, bool):
        return LiteralValue("true" if value else "false", "boolean")
    if isinstance(value, int):
        return LiteralValue(str(value), "integer")
    if isinstance(value, float):
        return LiteralValue(repr(value), "decimal")
    if isinstance(value, dt.date):
        return LiteralValue(value.isoformat(), "date")
    if isinstance(value, str):
        return LiteralValue(value, "string")
    raise ValueError(f"value {value!r} is not a scalar")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _date_text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _check_id(ctx: _Ctx, item: dict[str, Any], key: str) -> str:
    value = str(item[key])
    if not ID_PATTERN.match(value):
        raise ctx.error(f"{key} {value!r} must be lowercase letters, digits and '-'", item)
    return value


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
    _check_statement_refs(files)
    return Corpus(documents=documents, entities=entities, files=files, links=links, candidates=candidates)


def _document_of(path: Path) -> str:
    """statements/<doc>.yaml and candidates/<doc>.yaml pair by file name."""
    return path.stem


# --------------------------------------------------------------------------- candidates of ingested documents


def new_entity_key(name: str) -> str:
    """How proposals name a new-entity candidate: "new:" and a slug of its name."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return NEW_ENTITY_PREFIX + (re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].rstrip("-") or "name")


def load_candidate_files(
    root: Path, documents: dict[str, Document], entities: dict[str, Entity]
) -> list[CandidateFile]:
    """Every candidates/<doc>.yaml: new-entity candidates and mentions, checked (mentions verbatim)."""
    folder = root / "candidates"
    if not folder.is_dir():
        return []
    return [load_candidate_file(p, documents, entities) for p in sorted(folder.glob("*.yaml"))]


def load_candidate_file(path: Path, documents: dict[str, Document], entities: dict[str, Entity]) -> CandidateFile:
    """One side file of an ingested document. Raises SourceError with the file and line."""
    ctx = _Ctx(path)
    raw = read_yaml(path)
    if not isinstance(raw, dict) or raw.get("document") not in documents:
        raise ctx.error(
            "expected a mapping whose 'document' is in documents.yaml", raw if isinstance(raw, dict) else None
        )
    document = documents[str(raw["document"])]
    result = CandidateFile(document.id, str(path), _opt_str(raw.get("extractor")))
    classes = ontology_terms().classes
    for item in _items(ctx, raw, "new_entities"):
        new = _new_entity(ctx, item, document.id, classes, result.extractor)
        result.new_entities[new.key] = new
    for item in _items(ctx, raw, "mentions"):
        result.mentions.append(_entity_mention(ctx, item, document, entities, result.new_entities))
    return result


def _new_entity(
    ctx: _Ctx, item: dict[str, Any], document: str, classes: frozenset[str], extractor: str | None
) -> NewEntity:
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ctx.error("a new entity needs a 'name'", item)
    key = str(item.get("key") or new_entity_key(name))
    if not NEW_KEY_PATTERN.match(key):
        raise ctx.error(f"key {key!r} must be 'new:' and lowercase letters, digits and '-'", item, "key")
    kind = str(item.get("suggested_type") or "Agent")
    if kind not in classes:
        raise ctx.error(f"unknown class {kind!r} (not in ontology/actors.ttl)", item, "suggested_type")
    confidence = item.get("confidence", 0.5)
    return NewEntity(
        document, key, name.strip(), kind, tuple(str(a) for a in _as_list(item.get("aliases"))),
        float(confidence), extractor,
    )  # fmt: skip


def _entity_mention(
    ctx: _Ctx, item: dict[str, Any], document: Document, entities: dict[str, Entity], new: dict[str, NewEntity]
) -> EntityMention:
    entity, start, end, surface = (item.get(k) for k in ("entity", "start", "end", "surface"))
    if entity not in entities and entity not in new:
        raise ctx.error(f"mention of unknown entity {entity!r}", item, "entity")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(document.text):
        raise ctx.error("a mention needs 'start' < 'end' inside the text", item)
    if document.text[start:end] != surface:
        raise ctx.error(f"mention {surface!r} is not the text at {start}-{end}", item, "surface")
    return EntityMention(str(entity), Span(document.id, surface, start, end), float(item.get("confidence", 1.0)))


def _check_statement_refs(files: list[StatementFile]) -> None:
    """Every 'contradicts' reference names a statement that exists."""
    known = {f"{s.document}/{s.local_id}" for f in files for s in f.statements}
    for f in files:
        for statement in f.statements:
            for ref in statement.contradicts:
                if ref not in known:
                    line = statement.origin.line if statement.origin else None
                    raise SourceError(f"contradicts unknown statement {ref!r}", f.path, line)


def _check_document_authors(root: Path, documents: dict[str, Document], entities: dict[str, Entity]) -> None:
    for doc in documents.values():
        for author in doc.authors:
            if author not in entities:
                line = doc.origin.line if doc.origin else None
                raise SourceError(f"author {author!r} is not in the entity registry", root / "documents.yaml", line)


def source_fingerprint(path: str) -> str:
    """The sha256 of a source file (recorded in the meta graph)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
