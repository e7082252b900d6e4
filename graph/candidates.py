"""Read the candidates/<doc>.yaml side files of ingested documents: new-entity candidates and mentions."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from actorgraph.graph.model import CandidateFile, Document, Entity, EntityMention, NewEntity, Span
from actorgraph.graph.source_yaml import FileContext, as_list, mapping_items, opt_str, read_yaml
from actorgraph.ontology import ontology_terms
from actorgraph.ontology.vocab import NEW_ENTITY_PREFIX

NEW_KEY_PATTERN = re.compile(r"^new:[a-z0-9][a-z0-9-]*$")


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
    ctx = FileContext(path)
    raw = read_yaml(path)
    if not isinstance(raw, dict) or raw.get("document") not in documents:
        raise ctx.error(
            "expected a mapping whose 'document' is in documents.yaml", raw if isinstance(raw, dict) else None
        )
    document = documents[str(raw["document"])]
    result = CandidateFile(document.id, str(path), opt_str(raw.get("extractor")))
    classes = ontology_terms().classes
    for item in mapping_items(ctx, raw, "new_entities"):
        new = _new_entity(ctx, item, document.id, classes, result.extractor)
        result.new_entities[new.key] = new
    for item in mapping_items(ctx, raw, "mentions"):
        result.mentions.append(_entity_mention(ctx, item, document, entities, result.new_entities))
    return result


def _new_entity(
    ctx: FileContext, item: dict[str, Any], document: str, classes: frozenset[str], extractor: str | None
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
        document, key, name.strip(), kind, tuple(str(a) for a in as_list(item.get("aliases"))),
        float(confidence), extractor,
    )  # fmt: skip


def _entity_mention(
    ctx: FileContext, item: dict[str, Any], document: Document, entities: dict[str, Entity], new: dict[str, NewEntity]
) -> EntityMention:
    entity, start, end, surface = (item.get(k) for k in ("entity", "start", "end", "surface"))
    if entity not in entities and entity not in new:
        raise ctx.error(f"mention of unknown entity {entity!r}", item, "entity")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(document.text):
        raise ctx.error("a mention needs 'start' < 'end' inside the text", item)
    if document.text[start:end] != surface:
        raise ctx.error(f"mention {surface!r} is not the text at {start}-{end}", item, "surface")
    return EntityMention(str(entity), Span(document.id, surface, start, end), float(item.get("confidence", 1.0)))
