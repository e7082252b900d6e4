"""The files curation reads and writes for one document: paths, version hash, round-trip YAML, safe writes.

YAML is edited with a round-trip parser (ruamel.yaml), so comments, key order and quoting stay and
``git diff`` shows only what the analyst did. Used by graph/curation.py and graph/curation_edits.py.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from actorgraph.graph.ingest.review import candidates_file

_LOCK = threading.RLock()  # one change at a time per process; the file lock covers other processes


# ------------------------------------------------------------------------------ files


def statements_file(sources: Path, document: str) -> Path:
    return sources / "statements" / f"{document}.yaml"


def entities_file(sources: Path, document: str) -> Path:
    """entities/<doc>.yaml: where entities accepted from a document's candidates go."""
    return sources / "entities" / f"{document}.yaml"


def history_file(sources: Path, document: str) -> Path:
    return sources / "history" / f"{document}.yaml"


def undo_file(sources: Path, document: str, number: int) -> Path:
    return sources / ".undo" / document / f"{number}.json"


def document_files(sources: Path, document: str) -> list[Path]:
    """The files whose content is the document's version."""
    return [
        statements_file(sources, document),
        candidates_file(sources, document),
        entities_file(sources, document),
        history_file(sources, document),
    ]


def version_of(sources: Path, document: str) -> str:
    """A hash of the document's files: changes whenever anyone changes any of them."""
    digest = hashlib.sha256()
    for path in document_files(sources, document):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"<none>")
        digest.update(b"\0")
    return digest.hexdigest()[:20]


def sha_of(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_or_none(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


# ------------------------------------------------------------------------------ round-trip YAML


def _yaml(offset: int) -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long quote onto several lines
    yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
    return yaml


def _style(text: str) -> int:
    """The list indentation a file uses (the offset that writes it back byte for byte)."""
    for offset in (2, 0):
        yaml = _yaml(offset)
        out = io.StringIO()
        yaml.dump(yaml.load(text), out)
        if out.getvalue() == text:
            return offset
    nested = re.search(r"^( *)- ", text, re.MULTILINE)
    return 2 if nested and nested.group(1) else 0


@dataclass
class YamlFile:
    """One YAML source file, parsed for a round-trip edit."""

    path: Path
    data: Any
    offset: int
    header: str = ""

    @classmethod
    def load(cls, path: Path, default: Any, header: str = "") -> YamlFile:
        text = read_or_none(path)
        if text is None or not text.strip():
            return cls(path, default, 2, header)
        offset = _style(text)
        data = _yaml(offset).load(text)
        return cls(path, default if data is None else data, offset)

    def dump(self) -> str:
        out = io.StringIO()
        _yaml(self.offset).dump(self.data, out)
        return self.header + out.getvalue()


def write_or_remove(path: Path, content: str | None) -> None:
    if content is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.curation")
    tmp.write_text(content, encoding="utf-8")
    tmp.replace(path)


@contextlib.contextmanager
def locked(sources: Path) -> Iterator[None]:
    """Hold the sources folder's curation lock: one writer at a time, across threads and processes."""
    with _LOCK:
        sources.mkdir(parents=True, exist_ok=True)
        with (sources / ".curation.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
