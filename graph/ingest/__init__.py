"""Ingest a new document: read it (text, Markdown, HTML, PDF), register it, propose candidate statements.

``readers`` turns a file into cleaned text with an offset map, ``pipeline`` registers the
document in a sources folder and writes the candidates of an extractor (``graph.extract``).
"""

from __future__ import annotations

from actorgraph.graph.ingest.pipeline import IngestOptions, IngestReport, documents_in, ingest_file, ingest_files
from actorgraph.graph.ingest.readers import FORMATS, ReadResult, read_file

__all__ = [
    "FORMATS",
    "IngestOptions",
    "IngestReport",
    "ReadResult",
    "documents_in",
    "ingest_file",
    "ingest_files",
    "read_file",
]
