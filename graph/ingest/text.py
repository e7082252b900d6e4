"""Text with an offset map: every character of the cleaned text knows where it came from.

Clean-up steps (dropping page headers, joining hyphenated words, stripping markup) are
regular-expression edits on a ``MappedText``; each edit carries the map along, so an
offset into the stored (cleaned) text can always be traced back to the extracted text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

Replacement = str | Callable[[re.Match[str]], str]


@dataclass(frozen=True)
class MappedText:
    """A text and, for each of its characters, the offset of its origin in the raw text.

    >>> t = MappedText.identity("exam-\\nple").sub(r"-\\n(?=[a-z])", "")
    >>> t.text, t.origin[4]
    ('example', 6)
    """

    text: str
    origin: tuple[int, ...]
    raw: str

    @classmethod
    def identity(cls, raw: str) -> MappedText:
        """The raw text mapped onto itself."""
        return cls(raw, tuple(range(len(raw))), raw)

    def sub(self, pattern: str | re.Pattern[str], repl: Replacement, flags: int = 0) -> MappedText:
        """Replace every match; inserted characters map to the start of what they replace."""
        regex = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
        parts: list[str] = []
        origin: list[int] = []
        last = 0
        for match in regex.finditer(self.text):
            start, end = match.span()
            parts.append(self.text[last:start])
            origin.extend(self.origin[last:start])
            new = repl(match) if callable(repl) else repl
            if new == match.group(0):
                origin.extend(self.origin[start:end])
            else:
                anchor = self.origin[start] if start < len(self.origin) else len(self.raw)
                origin.extend([anchor] * len(new))
            parts.append(new)
            last = end
        parts.append(self.text[last:])
        origin.extend(self.origin[last:])
        return MappedText("".join(parts), tuple(origin), self.raw)

    def delete_spans(self, spans: list[tuple[int, int]]) -> MappedText:
        """Drop the given [start, end) spans of the current text."""
        keep: list[str] = []
        origin: list[int] = []
        last = 0
        for start, end in sorted(spans):
            if start < last:
                start = last
            keep.append(self.text[last:start])
            origin.extend(self.origin[last:start])
            last = max(last, end)
        keep.append(self.text[last:])
        origin.extend(self.origin[last:])
        return MappedText("".join(keep), tuple(origin), self.raw)

    def strip(self) -> MappedText:
        """Drop leading and trailing white space."""
        text = self.text
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        return MappedText(text[start:end], self.origin[start:end], self.raw)

    def runs(self) -> list[list[int]]:
        """The map as runs [clean_start, raw_start, length] of consecutive characters (compact JSON)."""
        result: list[list[int]] = []
        for i, raw in enumerate(self.origin):
            if result and raw == result[-1][1] + result[-1][2] and i == result[-1][0] + result[-1][2]:
                result[-1][2] += 1
            else:
                result.append([i, raw, 1])
        return result

    def map_json(self) -> str:
        """The offset map as JSON: runs plus the length of both texts."""
        return json.dumps({"clean_length": len(self.text), "raw_length": len(self.raw), "runs": self.runs()})
