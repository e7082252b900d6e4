"""The registry of extractors: a name on the command line -> a factory that builds the extractor.

An extractor turns a document's text and the entity registry into an ``ExtractionResult``
(``base``). This package knows them by name; each is imported only when asked for, because
some pull in heavy dependencies (spaCy for ``parse``) that an ingest with another extractor
does not need. A new extractor is one module with a class that satisfies ``base.Extractor``
and one line in ``FACTORIES``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from actorgraph.graph.errors import ExtractionError
from actorgraph.graph.extract.base import Extractor

# name -> (module, attribute): the attribute is a class (called without arguments) or a factory function.
# What `actorgraph ingest` runs unless told otherwise: the parse extractor reads text nobody wrote rules for
# (held-out note: 17 of 27 relations at 0.73 precision, where the cue table finds none); the cue table adds
# the constructions of the shipped documents it was written from (0.87 precision there). docs/ingest.md.
DEFAULT_EXTRACTORS = "parse,rules"

FACTORIES: dict[str, tuple[str, str]] = {
    "rules": ("actorgraph.graph.extract.rules", "RuleExtractor"),
    "llm": ("actorgraph.graph.extract.llm", "from_env"),
    "parse": ("actorgraph.graph.extract.parse", "ParseExtractor"),
}
DEFAULT = "rules"


def extractor_names() -> tuple[str, ...]:
    """Every registered name, the default first."""
    return (DEFAULT, *sorted(n for n in FACTORIES if n != DEFAULT))


def get_extractor(name: str) -> Extractor:
    """The extractor registered under name. Raises ExtractionError for an unknown or unavailable one."""
    if name not in FACTORIES:
        raise ExtractionError(f"unknown extractor {name!r} (known: {', '.join(extractor_names())})")
    module_name, attribute = FACTORIES[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise ExtractionError(f"the {name!r} extractor is not available here ({exc.name} is missing)") from exc
    factory: Callable[[], Extractor] = getattr(module, attribute)
    return factory()


def extractor_list(names: str) -> list[str]:
    """The names of a comma-separated list ("parse,llm"), each once, in the order given; all registered."""
    wanted = list(dict.fromkeys(n.strip() for n in names.split(",") if n.strip()))
    if not wanted:
        raise ExtractionError("no extractor named (give e.g. --extractor rules or --extractor parse,llm)")
    unknown = [n for n in wanted if n not in FACTORIES]
    if unknown:
        raise ExtractionError(f"unknown extractor {unknown[0]!r} (known: {', '.join(extractor_names())})")
    return wanted


def get_extractors(names: str) -> list[Extractor]:
    """Extractors for a comma-separated list ("parse,llm"), each once, in the order given."""
    return [get_extractor(n) for n in extractor_list(names)]
