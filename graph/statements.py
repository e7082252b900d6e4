"""Read one per-document statements file (statements, citations, no-claim passages), checking every quote.

A quote must occur verbatim, exactly once, in its document (or carry ``occurrence: N`` to pick one);
offsets are computed here (graph/quotes.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from actorgraph.graph.errors import KGError, QuoteError, SourceError
from actorgraph.graph.model import (
    CERTAINTIES,
    Citation,
    Document,
    Entity,
    LiteralValue,
    NoClaim,
    Span,
    Statement,
    StatementFile,
)
from actorgraph.graph.quotes import locate_quote, quote_occurrences
from actorgraph.graph.source_yaml import (
    KEY_LINES,
    LINE_KEY,
    FileContext,
    as_list,
    mapping_items,
    opt_str,
    read_yaml,
)
from actorgraph.ontology import ontology_terms
from actorgraph.ontology.vocab import NEW_ENTITY_PREFIX

LOCAL_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
STATEMENT_REF = re.compile(r"^[a-z0-9][a-z0-9-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
STATEMENT_KEYS = {
    "id", "quote", "occurrence", "subject", "predicate", "object", "value", "datatype", "lang",
    "certainty", "attributed_to", "start", "end", "at", "place", "quantity", "unit", "role",
    "cites", "note", "claims", "candidate", "confidence", "extractor", "contradicts",
    "reviewed_by", "reviewed_at",
}  # fmt: skip
INHERITED_KEYS = ("quote", "occurrence", "certainty", "attributed_to", "cites", "start", "end", "at", "place", "note",
                  "reviewed_by", "reviewed_at")  # fmt: skip


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
    ctx = FileContext(path)
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
    result.citations = [reader.citation(item) for item in mapping_items(ctx, raw, "citations")]
    reader.citation_ids = {c.local_id for c in result.citations}
    for item in mapping_items(ctx, raw, "statements"):
        result.statements.extend(reader.statements(item))
    result.no_claims = [reader.no_claim(item) for item in mapping_items(ctx, raw, "no_claim")]
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


class _StatementReader:
    """Turns the mappings of one statements file into model objects."""

    def __init__(
        self, ctx: FileContext, document: Document, entities: dict[str, Entity], new_keys: frozenset[str] = frozenset()
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
        cites = tuple(str(c) for c in as_list(item.get("cites")))
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
            attributed_to=tuple(self.entity_id(item, a) for a in as_list(item.get("attributed_to"))),
            start=self.time(item, "start"),
            end=self.time(item, "end"),
            point_in_time=self.time(item, "at"),
            place=self.entity_ref(item, "place"),
            quantity=self.quantity(item),
            unit=opt_str(item.get("unit")),
            role=opt_str(item.get("role")),
            cites=cites,
            note=opt_str(item.get("note")),
            contradicts=self.statement_refs(item, "contradicts"),
            candidate=bool(item.get("candidate", False)),
            confidence=float(item["confidence"]) if "confidence" in item else None,
            extractor=opt_str(item.get("extractor")),
            origin=self.ctx.origin(item),
            reviewed_by=opt_str(item.get("reviewed_by")),
            reviewed_at=self.reviewed_at(item),
        )

    def statement_refs(self, item: dict[str, Any], key: str) -> tuple[str, ...]:
        refs = tuple(str(r) for r in as_list(item.get(key)))
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
            author=opt_str(item.get("author")),
            title=opt_str(item.get("title")),
            venue=opt_str(item.get("venue")),
            date=opt_str(item.get("date")),
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


def check_statement_refs(files: list[StatementFile]) -> None:
    """Every 'contradicts' reference names a statement that exists."""
    known = {f"{s.document}/{s.local_id}" for f in files for s in f.statements}
    for f in files:
        for statement in f.statements:
            for ref in statement.contradicts:
                if ref not in known:
                    line = statement.origin.line if statement.origin else None
                    raise SourceError(f"contradicts unknown statement {ref!r}", f.path, line)
