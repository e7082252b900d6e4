"""Writing several files of a sources folder as one unit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def all_or_nothing(paths: list[Path]) -> Iterator[None]:
    """Restore every path to what it was (or remove it) if the block raises."""
    saved = {p: p.read_bytes() if p.exists() else None for p in paths}
    try:
        yield
    except BaseException:
        for p, content in saved.items():
            if content is None:
                p.unlink(missing_ok=True)
            else:
                p.write_bytes(content)
        raise
