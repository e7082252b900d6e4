"""Real SPARQL servers on loopback: Oxigraph's `oxigraph serve` and Virtuoso 7, for trying a remote store.

Each starts on free loopback ports with a temporary database (a folder the caller gives) and
stops when its context ends. A server that cannot start raises BackendUnavailable with the
reason. The remote-store tests (tests/backends.py) and the backend benchmark
(benchmarks/backends.py) start them so; docs/deploy.md shows the same configuration.
"""

from __future__ import annotations

import ctypes
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ASK = "ASK { ?s ?p ?o }"
VIRTUOSO_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
Striping = 0
[Parameters]
; Virtuoso's default, read committed; 4 (repeatable read) made torn reads rarer but deadlocked builds (docs/deploy.md).
DefaultIsolation = {isolation}
ServerPort = {isql}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {db}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 2
; One switch request moves every graph in one transaction: its log must hold a whole build (default 50 MB).
TransactionAfterImageLimit = {after_image}
[HTTPServer]
ServerPort = {http}
ServerRoot = {db}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 10000000
; Bounds updates too: a build's switch (one update) past it fails whole with SR171 (docs/deploy.md). Queries
; carry their own bound (the `timeout` parameter), so this only needs to exceed the longest switch.
MaxQueryExecutionTime = 3600
MaxQueryCostEstimationTime = 0
"""
# The anonymous SPARQL user may update (tests only): the endpoint and the Graph Store both run as it.
VIRTUOSO_GRANTS = ('grant SPARQL_UPDATE to "SPARQL";'
                   " DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);")  # fmt: skip


class BackendUnavailable(RuntimeError):
    """A server the tests need could not be started (the reason is the message)."""


@dataclass(frozen=True)
class Server:
    """A running SPARQL server: its query URL and its kind (graph/remote.py's KINDS)."""

    url: str
    kind: str
    pid: int = 0  # the server process, for its memory (benchmarks/backends.py)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Run in the child before exec: the kernel sends it SIGTERM when its parent ends, even by SIGKILL.

    A test run or benchmark killed mid-way otherwise leaves its servers running (Virtuoso keeps its
    ports and database files). Linux only; elsewhere the context managers' own stop() has to do.
    Strictly the signal comes when the thread that started the server ends: start servers from a
    thread that lives as long as they do (the main thread, in the tests and the benchmark).
    """
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def wait_until_answering(url: str, process: subprocess.Popen[bytes], seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BackendUnavailable(f"the server exited ({process.returncode}): {tail(log)}")
        try:
            if httpx.get(url, params={"query": ASK}, timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise BackendUnavailable(f"no answer from {url} within {seconds:g} s: {tail(log)}")


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-1500:] if log.exists() else "(no log)"


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def oxigraph_server(folder: Path, timeout_s: float | None = 15) -> Iterator[Server]:
    """`oxigraph serve` (the `oxigraph` package of the test extras) on a free port.

    timeout_s is its --timeout-s, which ends runaway queries (the tests' endless one) but starts a
    timer thread per query that lives that long: at thousands of queries a second the threads exhaust
    the process's memory maps and the server aborts (measured, docs/deploy.md), so the benchmark's
    load generator runs it with None.
    """
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(binary).exists():
        raise BackendUnavailable("the `oxigraph` command is missing: pip install -e '.[test]' installs it")
    port = free_port()
    log = folder / "oxigraph.log"
    with log.open("wb") as out:
        bound = ["--timeout-s", f"{timeout_s:g}"] if timeout_s else []
        process = subprocess.Popen([binary, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}",
                                    *bound], stdout=out, stderr=subprocess.STDOUT,
                                   preexec_fn=die_with_parent)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/query"
        wait_until_answering(url, process, 30, log)
        yield Server(url, "oxigraph", process.pid)
    finally:
        stop(process)


@contextmanager
def virtuoso_server(
    folder: Path, buffers: int = 40_000, isolation: int = 2, after_image: int = 1_500_000_000
) -> Iterator[Server]:
    """Virtuoso Open Source 7 (`virtuoso-t`, Debian's virtuoso-opensource) in the foreground.

    buffers is its page cache in 8 KB pages (40 000: about 330 MB, enough for the tests; Virtuoso's
    own guide gives 170 000 per 2 GB of memory to spare, which 10^7 quads need). isolation is its
    DefaultIsolation (2: read committed, Virtuoso's default; 4: repeatable read). after_image is its
    TransactionAfterImageLimit in bytes, the most one transaction (a build's switch) may change.
    """
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if binary is None or isql is None:
        raise BackendUnavailable("virtuoso-t / isql-vt are missing: `make system-deps` installs virtuoso-opensource")
    http, isql_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(
        VIRTUOSO_INI.format(
            db=folder,
            isql=isql_port,
            http=http,
            buffers=buffers,
            dirty=buffers * 3 // 4,
            isolation=isolation,
            after_image=after_image,
        )
    )
    log = folder / "out.log"
    with log.open("wb") as out:
        process = subprocess.Popen([binary, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                                   cwd=folder, stdout=out, stderr=subprocess.STDOUT,
                                   preexec_fn=die_with_parent)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{http}/sparql"
        wait_until_answering(url, process, 120, log)
        grant = subprocess.run([isql, str(isql_port), "dba", "dba", f"exec={VIRTUOSO_GRANTS}"],
                               capture_output=True, timeout=60, check=False)  # fmt: skip
        if grant.returncode != 0 or b"Error" in grant.stdout + grant.stderr:
            raise BackendUnavailable(f"cannot grant SPARQL_UPDATE: {(grant.stdout + grant.stderr).decode()[-800:]}")
        yield Server(url, "virtuoso", process.pid)
    finally:
        stop(process)
