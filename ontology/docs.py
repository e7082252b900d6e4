"""HTML documentation of the ontology, written by pyLODE."""

from __future__ import annotations

import gc
import tempfile
import warnings
from pathlib import Path

from actorgraph.ontology import ontology_text


def write_docs(folder: Path) -> Path:
    """Write index.html for the ontology into folder and return its path."""
    from pylode import OntPub  # start-up cost: pyLODE loads its templates, only for `actorgraph docs`

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".ttl", delete=False, encoding="utf-8") as handle:
        handle.write(ontology_text())
        source = handle.name
    try:
        # pyLODE opens its CSS without closing it; collect it here so the ResourceWarning stays ours to silence.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            html = OntPub(ontology=source).make_html()
            gc.collect()
    finally:
        Path(source).unlink()
    path = folder / "index.html"
    path.write_text(html, encoding="utf-8")
    return path
