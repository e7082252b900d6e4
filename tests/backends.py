"""Real SPARQL servers for the remote-store tests: Oxigraph's `oxigraph serve` and Virtuoso 7.

Each starts on free loopback ports with a temporary database and stops at the end of the
session. A server that cannot start raises BackendUnavailable with the reason: the tests then
fail (a skipped backend would hide that the contract is not checked on it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

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
NumberOfBuffers = 40000
MaxDirtyBuffers = 30000
ThreadsPerQuery = 2
; One switch request moves every graph in one transaction: its log must hold a whole build (default 50 MB).
TransactionAfterImageLimit = 1500000000
[HTTPServer]
ServerPort = {http}
ServerRoot = {db}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""
# ACTORGRAPH_TEST_VIRTUOSO_ISOLATION=4 runs the tests at repeatable read (docs/deploy.md has what that gave).
ISOLATION = int(os.environ.get("ACTORGRAPH_TEST_VIRTUOSO_ISOLATION", "2"))
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
def oxigraph_server(folder: Path) -> Iterator[Server]:
    """`oxigraph serve` (the `oxigraph` package of the test extras) on a free port."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(binary).exists():
        raise BackendUnavailable("the `oxigraph` command is missing: pip install -e '.[test]' installs it")
    port = free_port()
    log = folder / "oxigraph.log"
    with log.open("wb") as out:
        process = subprocess.Popen([binary, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}",
                                    "--timeout-s", "15"],
                                   stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/query"
        wait_until_answering(url, process, 30, log)
        yield Server(url, "oxigraph", process.pid)
    finally:
        stop(process)


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[Server]:
    """Virtuoso Open Source 7 (`virtuoso-t`, Debian's virtuoso-opensource) in the foreground."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if binary is None or isql is None:
        raise BackendUnavailable("virtuoso-t / isql-vt are missing: `make system-deps` installs virtuoso-opensource")
    http, isql_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(db=folder, isql=isql_port, http=http, isolation=ISOLATION))
    log = folder / "out.log"
    with log.open("wb") as out:
        process = subprocess.Popen([binary, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                                   cwd=folder, stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
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


_started: dict[str, Server | BackendUnavailable] = {}


def session_servers(
    tmp_path_factory: pytest.TempPathFactory, config: pytest.Config
) -> dict[str, Server | BackendUnavailable]:
    """Oxigraph's server and Virtuoso, started once per session for every test module that asks.

    A server that fails to start is kept as its error; all stop when the session ends.
    """
    if _started:
        return _started
    for name, start in (("oxigraph", oxigraph_server), ("virtuoso", virtuoso_server)):
        context = start(tmp_path_factory.mktemp(name))
        try:
            _started[name] = context.__enter__()
        except BackendUnavailable as exc:
            _started[name] = exc
        else:
            config.add_cleanup(lambda context=context: context.__exit__(None, None, None))  # type: ignore[misc]
    return _started


@contextmanager
def actorgraph_serve(args: list[str], log: Path, env: dict[str, str]) -> Iterator[str]:
    """`actorgraph serve` with these arguments and extra environment, until /health answers; yields its URL."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "actorgraph.graph", "serve", "--port", str(port), *args],
                                   env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not _answers(url + "/health"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise BackendUnavailable(f"actorgraph serve did not start: {tail(log)}")
            time.sleep(0.3)
        yield url
    finally:
        stop(process)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=30.0).status_code == 200  # a busy server answers /health slowly
    except httpx.HTTPError:
        return False
