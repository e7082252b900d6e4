"""Exceptions raised by the ActorGraph core.

Hierarchy::

    KGError
    ├── SourceError          a statements/registry file is wrong (carries file and line)
    │   └── QuoteError       an evidence quote is absent from, or ambiguous in, its document
    ├── InvalidQuery         SPARQL that does not parse (also a ValueError)
    ├── QueryEvaluationError SPARQL that parses but cannot be evaluated (also a ValueError)
    ├── InvalidIRI           a string that is not a valid IRI (also a ValueError)
    ├── UnknownFormat        no serialisation of that name (also a ValueError)
    ├── ServiceNotAllowed    SERVICE or LOAD to an endpoint outside the allowlist (also a PermissionError)
    ├── ServiceCallFailed    an allowlisted SERVICE endpoint could not be reached or failed (also a ConnectionError)
    ├── UnknownQuery         no named query of that name (also a LookupError)
    ├── QueryParameterError  a named-query parameter is missing or of the wrong type (also a ValueError)
    ├── ReadOnlyStore        a write was attempted on a read-only store
    ├── StoreError           the store could not be opened, read or written
    │   └── StoreTimeout     a remote store did not answer within the query timeout
    ├── OntologyError        the ontology is inconsistent or does not load
    ├── RuleError            a reasoning rule file does not follow the rule format
    ├── UnsupportedRule      a rule body the Python reasoning engine cannot evaluate
    ├── ExtractionError      a document could not be read or turned into candidates
    ├── CurationError        a curation change that cannot be made as asked (also a ValueError)
    │   └── Conflict         the document changed since the analyst loaded it
    ├── LinkError            the link registry is wrong: bad QID, duplicate, identifier without a check
    │                        (also a ValueError)
    ├── WikidataUnavailable  the Wikidata API cannot be reached or answered with an error
    │                        (also a ConnectionError)
    └── ReconciliationUnavailable  a reconciliation service cannot be reached, answered with an
                             error or kept refusing (HTTP 429) longer than allowed (also a ConnectionError)

Core code raises these; the CLI and the web layer map them once, each with a table.
"""

from __future__ import annotations

from pathlib import Path


class KGError(Exception):
    """Base of every error the ActorGraph core raises on purpose."""


class SourceError(KGError):
    """A source file (statements, entities, documents) is wrong at a given line.

    >>> str(SourceError("bad predicate", Path("graph/data/x.yaml"), 12))
    'graph/data/x.yaml:12: bad predicate'
    """

    def __init__(self, message: str, file: Path | str | None = None, line: int | None = None) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


class QuoteError(SourceError):
    """An evidence quote does not occur verbatim (or occurs more than once) in its document."""


class InvalidQuery(KGError, ValueError):
    """A SPARQL query or update that does not parse; keeps the parser's message."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        super().__init__(message)


class QueryEvaluationError(KGError, ValueError):
    """A SPARQL query or update that parses but fails when evaluated (an unknown function, CREATE of an
    existing graph); pyoxigraph's RuntimeError, wrapped."""


class LimitRefused(QueryEvaluationError):
    """A remote store refused a row limit we added to a query (Virtuoso: a LIMIT above its
    MaxSortedTopRows together with ORDER BY); allowed is the largest it takes, when it says."""

    def __init__(self, message: str, allowed: int | None = None) -> None:
        self.allowed = allowed
        super().__init__(message)


class InvalidIRI(KGError, ValueError):
    """A string that is not a valid IRI (pyoxigraph's ValueError, wrapped)."""


class UnknownFormat(KGError, ValueError):
    """No serialisation has this name (a ``format`` parameter, a CLI option)."""


class ServiceNotAllowed(KGError, PermissionError):
    """A SERVICE or LOAD names an endpoint outside the allowlist (or federation is off)."""


class ServiceCallFailed(KGError, ConnectionError):
    """A SERVICE endpoint the query calls (allowlisted) could not be reached, or answered with an error."""


class UnknownQuery(KGError, LookupError):
    """No named query has this name."""


class QueryParameterError(KGError, ValueError):
    """A named-query parameter is missing, unknown or not of its declared type."""


class ReadOnlyStore(KGError):
    """A write was attempted on a store opened read-only."""


class StoreError(KGError):
    """The store could not be opened, read or written (wraps OSError/RuntimeError)."""


class StoreTimeout(StoreError):
    """A remote store did not answer within the query timeout (the request ends on our side)."""


class OntologyError(KGError):
    """The ontology does not load, or ontology plus data is inconsistent."""


class RuleError(KGError):
    """A rule file does not follow the rule format (see actorgraph.graph.reasoning.rules)."""


class UnsupportedRule(KGError):
    """A rule body the Python engine cannot evaluate (the SPARQL engine still can)."""


class ExtractionError(KGError):
    """A document could not be read or turned into candidate statements."""


class LinkError(KGError, ValueError):
    """The link registry is wrong: a malformed or duplicate identifier, or one nobody checked.

    >>> str(LinkError("links.yaml: iran: 'Q79x' is not a QID"))
    "links.yaml: iran: 'Q79x' is not a QID"
    """


class WikidataUnavailable(KGError, ConnectionError):
    """The Wikidata API could not be reached, or answered with an error."""


class ReconciliationUnavailable(KGError, ConnectionError):
    """A reconciliation service could not be reached, answered with an error, or kept rate-limiting us."""


class CurationError(KGError, ValueError):
    """A change that cannot be made as asked (unknown entity, quote not verbatim, bad date...)."""


class Conflict(CurationError):
    """The document changed since the analyst loaded it: the change was not made."""
