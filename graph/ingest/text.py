"""Text with an offset map: every character of the cleaned text knows where it came from.

Clean-up steps (dropping page headers, joining hyphenated words, stripping markup) are
regular-expression edits on a ``MappedText``; each edit carries the map along, so an
offset into the stored (cleaned) text can always be traced back to the extracted text.

The map is kept as runs (``OffsetMap``), not one number per character: a 10 MB text took
hundreds of MB per copy of a per-character tuple (and each edit made another), where its
runs are a few arrays as long as the number of edits.
"""

from __future__ import annotations

import json
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

Replacement = str | Callable[[re.Match[str]], str]


@dataclass(frozen=True)
class OffsetMap(Sequence[int]):
    """For each character of a text, the offset of its origin; stored as runs, looked up by bisection.

    A run starts at clean offset ``starts[k]`` with origin ``origins[k]``; its characters are
    consecutive in the raw text (``steps[k] == 1``) or all map to that one origin (``0``: text
    an edit inserted).

    >>> m = OffsetMap.identity(5)
    >>> list(m), m[-1], len(m)
    ([0, 1, 2, 3, 4], 4, 5)
    """

    starts: array[int]
    origins: array[int]
    steps: bytes
    length: int

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        """Each character is its own origin."""
        builder = MapBuilder()
        builder.add(0, length, 1)
        return builder.build()

    def __len__(self) -> int:
        return self.length

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> list[int]: ...

    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.length))]
        if index < 0:
            index += self.length
        if not 0 <= index < self.length:
            raise IndexError("offset map index out of range")
        k = bisect_right(self.starts, index) - 1
        return self.origins[k] + (index - self.starts[k]) * self.steps[k]

    def __iter__(self) -> Iterator[int]:
        for k, (origin, step) in enumerate(zip(self.origins, self.steps, strict=True)):
            for i in range(self._run_length(k)):
                yield origin + i * step

    def _run_length(self, k: int) -> int:
        end = self.starts[k + 1] if k + 1 < len(self.starts) else self.length
        return end - self.starts[k]

    def first_at_or_after(self, origin: int) -> int:
        """The first offset whose origin is at or after `origin` (len when none; the map only goes forward)."""
        k = bisect_left(self.origins, origin)
        if k > 0 and self.steps[k - 1] and self.origins[k - 1] + self._run_length(k - 1) > origin:
            return self.starts[k - 1] + origin - self.origins[k - 1]
        return self.starts[k] if k < len(self.starts) else self.length

    def runs(self) -> list[list[int]]:
        """Runs [clean_start, raw_start, length] of consecutive characters (an inserted character is a run of 1)."""
        result: list[list[int]] = []
        for k, (start, origin, step) in enumerate(zip(self.starts, self.origins, self.steps, strict=True)):
            length = self._run_length(k)
            pieces = [(start, origin, length)] if step else [(start + i, origin, 1) for i in range(length)]
            for clean, raw, n in pieces:
                if result and raw == result[-1][1] + result[-1][2] and clean == result[-1][0] + result[-1][2]:
                    result[-1][2] += n
                else:
                    result.append([clean, raw, n])
        return result


class MapBuilder:
    """Builds an OffsetMap run by run, joining a run to the one before when it continues it."""

    def __init__(self) -> None:
        self.starts: array[int] = array("q")
        self.origins: array[int] = array("q")
        self.steps = bytearray()
        self.length = 0

    def add(self, origin: int, length: int, step: int) -> None:
        """`length` characters from `origin`: consecutive (step 1) or all at origin (step 0)."""
        if length <= 0:
            return
        step = 1 if length == 1 else step
        last = len(self.starts) - 1
        continues = (
            last >= 0
            and step == 1
            and self.steps[last] == 1
            and self.origins[last] + (self.length - self.starts[last]) == origin
        )
        if not continues:
            self.starts.append(self.length)
            self.origins.append(origin)
            self.steps.append(step)
        self.length += length

    def copy(self, source: OffsetMap, start: int, end: int) -> None:
        """The map of source[start:end]."""
        if start >= end:
            return
        k = bisect_right(source.starts, start) - 1
        while k < len(source.starts) and source.starts[k] < end:
            run_start = max(start, source.starts[k])
            run_end = min(end, source.starts[k] + source._run_length(k))
            step = source.steps[k]
            self.add(source.origins[k] + (run_start - source.starts[k]) * step, run_end - run_start, step)
            k += 1

    def build(self) -> OffsetMap:
        return OffsetMap(self.starts, self.origins, bytes(self.steps), self.length)


@dataclass(frozen=True)
class MappedText:
    """A text and, for each of its characters, the offset of its origin in the raw text.

    >>> t = MappedText.identity("exam-\\nple").sub(r"-\\n(?=[a-z])", "")
    >>> t.text, t.origin[4]
    ('example', 6)
    """

    text: str
    origin: OffsetMap
    raw: str

    @classmethod
    def identity(cls, raw: str) -> MappedText:
        """The raw text mapped onto itself."""
        return cls(raw, OffsetMap.identity(len(raw)), raw)

    def sub(self, pattern: str | re.Pattern[str], repl: Replacement, flags: int = 0) -> MappedText:
        """Replace every match; inserted characters map to the start of what they replace."""
        regex = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
        parts: list[str] = []
        origin = MapBuilder()
        last = 0
        for match in regex.finditer(self.text):
            start, end = match.span()
            parts.append(self.text[last:start])
            origin.copy(self.origin, last, start)
            new = repl(match) if callable(repl) else repl
            if new == match.group(0):
                origin.copy(self.origin, start, end)
            else:
                anchor = self.origin[start] if start < len(self.origin) else len(self.raw)
                origin.add(anchor, len(new), 0)
            parts.append(new)
            last = end
        parts.append(self.text[last:])
        origin.copy(self.origin, last, len(self.text))
        return MappedText("".join(parts), origin.build(), self.raw)

    def delete_spans(self, spans: list[tuple[int, int]]) -> MappedText:
        """Drop the given [start, end) spans of the current text."""
        keep: list[str] = []
        origin = MapBuilder()
        last = 0
        for start, end in sorted(spans):
            if start < last:
                start = last
            keep.append(self.text[last:start])
            origin.copy(self.origin, last, start)
            last = max(last, end)
        keep.append(self.text[last:])
        origin.copy(self.origin, last, len(self.text))
        return MappedText("".join(keep), origin.build(), self.raw)

    def strip(self) -> MappedText:
        """Drop leading and trailing white space."""
        text = self.text
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        origin = MapBuilder()
        origin.copy(self.origin, start, end)
        return MappedText(text[start:end], origin.build(), self.raw)

    def runs(self) -> list[list[int]]:
        """The map as runs [clean_start, raw_start, length] of consecutive characters (compact JSON)."""
        return self.origin.runs()

    def map_json(self) -> str:
        """The offset map as JSON: runs plus the length of both texts."""
        return json.dumps({"clean_length": len(self.text), "raw_length": len(self.raw), "runs": self.runs()})
