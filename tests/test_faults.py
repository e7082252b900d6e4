"""Faults that do not depend on the serving design: a read-only or full disk, SIGTERM during a
rebuild, a store left by a crash. The CLI answers each with one line and exit status 1, and the
store is the old one or the new one, never half of one.

A full or read-only disk is a real small tmpfs (``mount -t tmpfs``) when the tests run as root and
mount works, as on the development machine and in CI; otherwise the same tests use a size limit on
the build process (RLIMIT_FSIZE: a write past it fails with EFBIG) and a folder without write
permission. ``DISK`` says which one ran.
"""

from __future__ import annotations

import gc
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.graph.store import GraphStore, builds_dir, current_target

FIXTURE = Path(__file__).parent / "data" / "fixture"


def _can_mount() -> bool:
    if os.geteuid() != 0:
        return False
    probe = Path("/tmp") / f"actorgraph-mount-probe-{os.getpid()}"
    probe.mkdir(exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(probe)], capture_output=True,
                             check=False).returncode == 0  # fmt: skip
    if mounted:
        subprocess.run(["umount", str(probe)], check=True)
    probe.rmdir()
    return mounted


DISK = "tmpfs" if _can_mount() else "rlimit"


@contextmanager
def tmpfs(path: Path, options: str) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def cli(*args: str, limit_file_size: int | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI in its own process (a crash or a signal ends that process, not the tests)."""
    preexec: Callable[[], None] | None = None
    if limit_file_size is not None:

        def preexec() -> None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

    return subprocess.run([sys.executable, "-m", "actorgraph.graph", *args], capture_output=True, text=True,
                          timeout=300, preexec_fn=preexec, check=False)  # fmt: skip


def assert_one_line_error(run: subprocess.CompletedProcess[str], *expected: str) -> str:
    assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr + run.stdout
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("Error: ")
    for text in expected:
        assert text in lines[0]
    return lines[0]


def build_fixture(path: Path) -> int:
    """Build the fixture sources at path; the number of quads."""
    graph = KnowledgeGraph(Settings(store_path=str(path)), sources=FIXTURE)
    return graph.build().quads


def quads(path: Path) -> int:
    graph = KnowledgeGraph(Settings(store_path=str(path)))
    return int(graph.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"])


def test_a_store_under_a_file_is_one_line_for_build_and_query(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    store = str(blocker / "store")
    assert_one_line_error(cli("build", "--store", store, "--sources", str(FIXTURE)), "cannot build the store", "a-file")
    assert_one_line_error(cli("query", "--store", store, "ASK {}"), "no store at")


def test_a_build_into_a_read_only_folder_is_one_line(tmp_path: Path) -> None:
    if DISK == "tmpfs":
        with tmpfs(tmp_path / "ro", "ro,size=1m") as folder:
            run = cli("build", "--store", str(folder / "store"), "--sources", str(FIXTURE))
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        run = cli("build", "--store", str(folder / "store"), "--sources", str(FIXTURE), limit_file_size=0)
    assert_one_line_error(run, "cannot build the store")


def test_a_full_disk_during_a_build_keeps_the_old_store_and_leaves_no_half_build(tmp_path: Path) -> None:
    if DISK == "tmpfs":
        with tmpfs(tmp_path / "disk", "size=64m") as disk:
            store = disk / "store"
            before = build_fixture(store)
            # Fill the disk but for 64 KiB: the next build cannot write its store.
            free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
            with (disk / "filler").open("wb") as filler:
                filler.truncate(0)
                os.posix_fallocate(filler.fileno(), 0, free - 64 * 1024)
            old = current_target(store)
            run = cli("build", "--store", str(store))  # the shipped sources: far more than 64 KiB
            assert_one_line_error(run, "cannot build the store")
            assert current_target(store) == old
            assert quads(store) == before
            assert sorted(p.name for p in builds_dir(store).iterdir()) == [old.name] if old else False
    else:
        store = tmp_path / "store"
        before = build_fixture(store)
        old = current_target(store)
        run = cli("build", "--store", str(store), limit_file_size=64 * 1024)
        assert_one_line_error(run, "cannot build the store")
        assert current_target(store) == old
        assert quads(store) == before


def _start_build(store: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "actorgraph.graph", "build", "--store", str(store)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def _wait_for_new_build(store: Path, known: set[str], process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if {p.name for p in builds_dir(store).iterdir()} - known:
            return
        time.sleep(0.02)
    raise AssertionError("the build never started writing its store")


@pytest.mark.parametrize("offset", [0.0, 0.4, 1.0])  # seconds into writing the new store
def test_sigterm_during_a_rebuild_leaves_the_old_store_or_the_new_never_half(tmp_path: Path, offset: float) -> None:
    store = tmp_path / "store"
    old_quads = build_fixture(store)
    old = current_target(store)
    known = {p.name for p in builds_dir(store).iterdir()}
    process = _start_build(store)  # the shipped sources: a few seconds of work
    _wait_for_new_build(store, known, process)
    time.sleep(offset)
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=120)
    assert "Traceback" not in err
    if current_target(store) == old:  # stopped in time: the old store, and the half build removed
        assert process.returncode == 128 + signal.SIGTERM
        assert quads(store) == old_quads
        assert {p.name for p in builds_dir(store).iterdir()} == known
    else:  # it had swapped already: the new store, whole
        # 0, or 143 from our handler; or -15 when the signal lands while Python shuts down, which puts the default
        # handlers back (a shell shows 143 for both).
        assert process.returncode in (0, 128 + signal.SIGTERM, -signal.SIGTERM)
        assert quads(store) == _shipped_quads(tmp_path)


def _shipped_quads(tmp_path: Path) -> int:
    reference = tmp_path / "reference"
    return KnowledgeGraph(Settings(store_path=str(reference))).build().quads


def test_a_store_left_by_a_crash_is_refused_in_one_line_then_a_build_recovers(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build_fixture(store)
    target = current_target(store)
    assert target is not None
    (target / "CURRENT").write_text("garbage\n")  # RocksDB's pointer to its manifest, torn by a crash
    assert_one_line_error(cli("query", "--store", str(store), "ASK {}"), "cannot open store", "Corruption")
    rebuilt = cli("build", "--store", str(store), "--sources", str(FIXTURE))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert current_target(store) != target
    assert quads(store) > 0
    assert cli("query", "--store", str(store), "ASK { ?s ?p ?o }", "--format", "json").stdout.startswith(
        '{"head":{},"boolean":true}'
    )


@pytest.mark.parametrize("args", [["query", "SELECT WHERE {"], ["query", "--name", "no_such_query"]])
def test_cli_errors_are_one_line(tmp_path: Path, args: list[str]) -> None:
    store = tmp_path / "store"
    build_fixture(store)
    assert_one_line_error(cli(args[0], "--store", str(store), *args[1:]))


def test_a_build_handle_left_in_a_reference_cycle_does_not_lock_the_store_out(tmp_path: Path) -> None:
    """In one process (the curation UI rebuilds in place), a writer handle nothing uses any more but a cycle
    keeps alive holds RocksDB's lock until the garbage collector runs; opening the store again must not fail."""
    settings = Settings(store_path=str(tmp_path / "store"), read_only=False)
    graph = KnowledgeGraph(settings, sources=FIXTURE)
    graph.build()
    leftover = GraphStore.open(settings.store_path, read_only=False)
    cycle: list[object] = [leftover]
    cycle.append(cycle)  # only the garbage collector frees it now
    del leftover, cycle
    gc.disable()  # as if the collector had not run yet
    try:
        statements = graph.select(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/actorgraph/ontology#Statement> }"
        )
    finally:
        gc.enable()
    assert int(statements[0]["n"]) > 0
