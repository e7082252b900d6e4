"""An optional extractor that asks any OpenAI-compatible chat endpoint for statements.

The request carries our relation schema as a JSON schema (``response_format`` of type
``json_schema``): entity ids and predicates are enums taken from the registry and the
ontology, so a well-behaved model can only answer with known terms. Its answer is still
not trusted: every proposal goes through ``verify`` like the rule extractor's, and a
proposal whose quote is not verbatim in the text is dropped and counted.

Configuration: the Settings fields llm_url (base URL, e.g. http://127.0.0.1:8080/v1), llm_model,
llm_key (optional bearer token) and llm_timeout, read from ACTORGRAPH_LLM_* (graph/config.py).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from actorgraph.graph.config import Settings
from actorgraph.graph.errors import ExtractionError
from actorgraph.graph.extract.base import EntityCandidate, ExtractionResult, Progress, Proposal, no_progress
from actorgraph.graph.extract.families import PREDICATE_FAMILY
from actorgraph.graph.model import CERTAINTIES, Entity
from actorgraph.ontology import ontology_terms

VERSION = "0.1.0"
CHUNK_CHARACTERS = 6000  # paragraphs are grouped into chunks of about this size, one request each
SYSTEM_PROMPT = (
    "You extract statements about relations between actors from an analyst's document. "
    "Use only the entity ids and predicates allowed by the JSON schema. For every statement give "
    "'quote': a verbatim, contiguous excerpt of the text (one sentence or less) that states it; "
    "never paraphrase a quote. Set 'certainty' to how the text states it (reported, alleged, denied, ...), "
    "and 'attributed_to' to the entity the text attributes the claim to, if any. An actor or place the "
    "allowed ids lack goes in 'new_entities' with its name exactly as the text writes it, a class and a key "
    "'new:<lowercase-words-joined-by-hyphens>'; statements may then name that key. Answer with JSON only."
)


NEW_KEY = "^new:[a-z0-9][a-z0-9-]*$"
NEW = "NEW"  # the subject/object value that says "one of the new entities" (its key in subject_new/object_new)


def relation_schema(entities: dict[str, Entity], predicates: list[str], classes: list[str]) -> dict[str, Any]:
    """The JSON schema of an answer: new entities, and statements over known ids, new keys and predicates."""
    ids = sorted(entities)
    # A statement names a registry id, or NEW and the key of one of its new_entities in subject_new/object_new.
    named = {"type": "string", "enum": [*ids, NEW]}
    new_ref = {"type": ["string", "null"], "pattern": NEW_KEY}
    new_entity = {
        "type": "object",
        "properties": {
            "key": {"type": "string", "pattern": NEW_KEY},
            "name": {"type": "string"},
            "type": {"type": "string", "enum": classes},
            "aliases": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["key", "name", "type", "aliases"],
        "additionalProperties": False,
    }
    statement = {
        "type": "object",
        "properties": {
            "subject": named,
            "subject_new": new_ref,
            "predicate": {"type": "string", "enum": predicates},
            "object": named,
            "object_new": new_ref,
            "quote": {"type": "string"},
            "certainty": {"type": "string", "enum": list(CERTAINTIES)},
            "attributed_to": {"type": ["string", "null"], "enum": [*ids, None]},
            "year": {"type": ["string", "null"], "pattern": "^[0-9]{4}(-[0-9]{2}){0,2}$"},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        },
        "required": [
            "subject",
            "subject_new",
            "predicate",
            "object",
            "object_new",
            "quote",
            "certainty",
            "attributed_to",
            "year",
            "confidence",
        ],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {
            "new_entities": {"type": "array", "items": new_entity},
            "statements": {"type": "array", "items": statement},
        },
        "required": ["new_entities", "statements"],
        "additionalProperties": False,
    }


def chunks(text: str, size: int = CHUNK_CHARACTERS) -> list[tuple[int, str]]:
    """(offset, text) pieces of about size characters, cut at paragraph breaks."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n\n", start + size // 2, end)
            end = cut + 2 if cut != -1 else end
        pieces.append((start, text[start:end]))
        start = end
    return pieces


@dataclass
class LLMExtractor:
    """Statements proposed by a chat model behind an OpenAI-compatible endpoint."""

    url: str
    model: str = "default"
    key: str | None = None
    timeout: float = 120.0
    name: str = "llm"
    version: str = VERSION

    @classmethod
    def from_env(cls, settings: Settings | None = None) -> LLMExtractor:
        """Configured from the llm_* settings (ACTORGRAPH_LLM_*); raises ExtractionError when no URL is set."""
        settings = settings or Settings.from_env()
        if not settings.llm_url:
            raise ExtractionError("the llm extractor needs ACTORGRAPH_LLM_URL (an OpenAI-compatible base URL)")
        return cls(
            url=settings.llm_url,
            model=settings.llm_model,
            key=settings.llm_key or None,
            timeout=settings.llm_timeout,
        )

    def extract(self, text: str, entities: dict[str, Entity], progress: Progress = no_progress) -> ExtractionResult:
        """One chat request per chunk; the answers become unverified proposals."""
        result = ExtractionResult(extractor=f"{self.name}/{self.version} ({self.model})")
        schema = relation_schema(entities, sorted(PREDICATE_FAMILY), sorted(ontology_terms().classes))
        pieces = chunks(text)
        for done, (offset, piece) in enumerate(pieces, 1):
            answer = self._ask(piece, schema)
            for raw in answer.get("new_entities") or []:
                candidate = _new_entity(raw, offset, piece, result.new_entities)
                if candidate is None:
                    result.drop("new entity not in text")
                elif candidate.key not in {c.key for c in result.new_entities}:
                    result.new_entities.append(candidate)
            statements = answer.get("statements")
            for item in statements if isinstance(statements, list) else []:
                proposal = _proposal(item, offset, piece)
                if proposal is None:
                    result.drop("malformed answer")
                else:
                    result.proposals.append(proposal)
            progress(done, len(pieces))
        return result

    def _ask(self, piece: str, schema: dict[str, Any]) -> dict[str, Any]:
        body = {
            "model": self.model,
            "temperature": 0,
            "messages": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": piece}],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "actorgraph_statements", "strict": True, "schema": schema},
            },
        }
        request = urllib.request.Request(  # noqa: S310 - the URL is the user's configured endpoint
            self.url.rstrip("/") + "/chat/completions",
            data=json.dumps(body).encode("utf-8"),
            headers={
                "Content-Type": "application/json",
                **({"Authorization": f"Bearer {self.key}"} if self.key else {}),
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read().decode("utf-8"))
            content = answer["choices"][0]["message"]["content"]
            parsed = json.loads(content)
            parsed["statements"]
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ExtractionError(f"the llm endpoint {self.url} did not answer: {exc}") from exc
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise ExtractionError(f"the llm endpoint answered something that is not our schema: {exc}") from exc
        return parsed if isinstance(parsed, dict) else {}


def _new_entity(raw: Any, offset: int, piece: str, known: list[EntityCandidate]) -> EntityCandidate | None:
    """A new-entity candidate from the answer, located in the text; None when its name is not in the chunk."""
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not re.match(NEW_KEY, str(raw.get("key"))):
        return None
    name = raw["name"].strip()
    at = piece.find(name) if name else -1
    if at < 0:
        return None  # the evidence rule: a name the text does not write is not proposed
    aliases = tuple(str(a) for a in raw.get("aliases") or [] if isinstance(a, str) and a in piece)
    kind = str(raw.get("type") or "Agent")
    return EntityCandidate(
        name, kind, offset + at, offset + at + len(name), piece.count(name), 0.5, str(raw["key"]), aliases
    )


def _proposal(item: Any, offset: int, piece: str) -> Proposal | None:
    """A proposal from one answered statement; the quote's position in the chunk is only a hint."""
    if not isinstance(item, dict):
        return None
    try:
        subject, predicate, obj, quote = (str(item[k]) for k in ("subject", "predicate", "object", "quote"))
    except KeyError:
        return None
    if subject == NEW:
        subject = str(item.get("subject_new"))
    if obj == NEW:
        obj = str(item.get("object_new"))
    certainty = str(item.get("certainty") or "stated")
    at = piece.find(quote)
    year = item.get("year")
    return Proposal(
        subject=subject,
        predicate=predicate,
        object=obj,
        quote=quote,
        start=offset + at if at >= 0 else None,
        confidence=float(item.get("confidence") or 0.5),
        certainty=certainty if certainty in CERTAINTIES else "stated",
        attributed_to=(str(item["attributed_to"]),) if item.get("attributed_to") else (),
        at=str(year) if year else None,
        family=PREDICATE_FAMILY.get(predicate),
    )


def from_env() -> LLMExtractor:
    """The extractor registry's factory: an LLMExtractor configured from ACTORGRAPH_LLM_*."""
    return LLMExtractor.from_env()
