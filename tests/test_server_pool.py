"""The pool's share for cheap queries, in process: when a query's process is reniced, when a query is
ended for the share, and the low-priority start-up of a replacement process (server/pool.py)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from actorgraph.graph.config import Settings
from actorgraph.server import pool as pool_mod
from actorgraph.server import wire
from actorgraph.server.pool import NICE, Limits, Process, QueryPool, Slot
from actorgraph.server.run import limits

ROOTLIKE = pool_mod.may_raise_priority()


def sleeper() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for popen in started:
        popen.kill()
        popen.wait()


def make_pool(tmp_path: Path, count: int) -> QueryPool:
    shape = Limits(timeout=30, slow_after=1.0, nice_after=0.25, long_cap=max(1, count - 1),
                   client_cap=max(1, count // 2))  # fmt: skip
    return QueryPool(tmp_path, tmp_path / "settings", count, 1, shape)


def busy_slot(pool: QueryPool, popen: subprocess.Popen[bytes], index: int, client: str, age: float) -> Slot:
    """A leased connection whose query started `age` seconds ago in the process popen."""
    member = Process(index, "", 1, popen, ready=True)
    pool.members.append(member)
    near, far = socket.socketpair()
    far.close()
    slot = Slot(member, near, wire.Reader(near), client=client, started=time.monotonic() - age)
    pool.busy.add(slot)
    return slot


def close_slots(pool: QueryPool) -> None:
    for slot in pool.busy:
        slot.sock.close()


def priority(popen: subprocess.Popen[bytes]) -> int:
    return os.getpriority(os.PRIO_PROCESS, popen.pid)


def test_limits_renice_when_a_query_counts_as_long_after_a_second() -> None:
    shape = limits(Settings(query_timeout=30, workers=4))
    assert (shape.nice_after, shape.slow_after, shape.long_cap, shape.client_cap) == (1.0, 1.0, 3, 2)
    short = limits(Settings(query_timeout=1, workers=4))
    assert (short.nice_after, short.slow_after) == (0.25, 0.25)


def test_police_renices_a_query_past_a_quarter_second_without_ending_it(
    tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    pool = make_pool(tmp_path, 4)
    fresh, slow = sleeper(), sleeper()
    processes += [fresh, slow]
    young = busy_slot(pool, fresh, 0, "a", age=0.05)
    older = busy_slot(pool, slow, 1, "a", age=0.5)
    pool.police()
    assert (young.niced, older.niced) == (False, True)
    assert priority(fresh) == 0 and priority(slow) == NICE
    assert (young.ended, older.ended) == ("", "")  # reniced, not long-running yet: nothing is ended
    assert slow.poll() is None
    close_slots(pool)


def test_without_the_right_to_unnice_only_long_running_queries_are_reniced(
    tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    # Their processes are replaced after the query (their priority cannot be given back): a 0.5 s query
    # must not cost a process start-up.
    pool = make_pool(tmp_path, 4)
    pool.can_unnice = False
    medium, slow = sleeper(), sleeper()
    processes += [medium, slow]
    halfway = busy_slot(pool, medium, 0, "a", age=0.5)
    older = busy_slot(pool, slow, 1, "a", age=1.5)
    pool.police()
    assert (halfway.niced, older.niced) == (False, True)
    assert priority(medium) == 0 and priority(slow) == NICE
    close_slots(pool)


def test_police_ends_the_long_running_query_beyond_a_clients_share(
    tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    pool = make_pool(tmp_path, 4)  # one client may hold two processes with long-running queries
    popens = [sleeper() for _ in range(3)]
    processes += popens
    slots = [busy_slot(pool, popen, i, "a", age=3.0 - i) for i, popen in enumerate(popens)]  # oldest first
    pool.closing = True  # the replacement thread must not start a real query process
    pool.police()
    assert [slot.ended for slot in slots] == ["", "", "busy"]
    assert popens[2].wait(timeout=10) == -9  # SIGKILL: its query cannot be cancelled otherwise
    assert popens[0].poll() is None and popens[1].poll() is None
    close_slots(pool)


LISTENER = """
import socket, sys, time
time.sleep(0.6)  # opening the store
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(sys.argv[1])
listener.listen(8)
time.sleep(60)
"""


@pytest.fixture
def fake_pool(
    tmp_path: Path, processes: list[subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch
) -> Iterator[QueryPool]:
    """A pool of two whose processes are stand-ins that listen after 0.6 s (no store, no app)."""
    pool = make_pool(tmp_path, 2)

    def spawn(member: Process) -> None:
        member.popen = subprocess.Popen([sys.executable, "-c", LISTENER, member.path])
        processes.append(member.popen)

    monkeypatch.setattr(pool, "_spawn", spawn)
    yield pool
    pool.close()
    while not pool.idle.empty():
        pool.idle.get().sock.close()


def watch_spare_priority(pool: QueryPool, preparing: threading.Thread) -> set[int]:
    """The priorities the spare had while it started."""
    seen: set[int] = set()
    while preparing.is_alive():
        spare = pool.spare
        if spare is not None and spare.popen is not None and not spare.ready:
            with contextlib.suppress(ProcessLookupError):
                seen.add(priority(spare.popen))
        time.sleep(0.02)
    preparing.join()
    return seen


@pytest.mark.skipif(not ROOTLIKE, reason="giving a process its priority back needs root or RLIMIT_NICE")
def test_a_spare_starts_at_low_priority_and_gets_it_back_once_it_listens(fake_pool: QueryPool) -> None:
    preparing = threading.Thread(target=fake_pool._prepare_spare)
    preparing.start()
    seen = watch_spare_priority(fake_pool, preparing)
    spare = fake_pool.spare
    assert spare is not None and spare.ready and spare.popen is not None
    assert NICE in seen  # while it started
    assert priority(spare.popen) == 0  # once it listens
    assert len(fake_pool.spare_slots) == 1 and fake_pool.idle.empty()  # held back, not yet offered


def test_an_ended_process_is_replaced_by_the_ready_spare_at_once_and_a_new_spare_starts(fake_pool: QueryPool) -> None:
    fake_pool.start()
    assert fake_pool.idle.qsize() == 2
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (fake_pool.spare is not None and fake_pool.spare.ready):
        time.sleep(0.05)
    spare = fake_pool.spare
    assert spare is not None and spare.ready
    victim = fake_pool.acquire("a", time.monotonic() + 5)
    fake_pool.end(victim, "timeout")
    fake_pool.release(victim)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and fake_pool.members[victim.process.index] is victim.process:
        time.sleep(0.01)
    took = time.monotonic() - (deadline - 10)
    assert fake_pool.members[victim.process.index] is spare and spare.index == victim.process.index
    assert took < 0.5  # no start-up to wait for (a new process takes 0.6 s here)
    assert victim.process.popen is not None and victim.process.popen.poll() == -9
    live = {fake_pool.acquire("a", time.monotonic() + 5).process for _ in range(2)}
    assert live == set(fake_pool.members)  # the ended process's connection was dropped, the spare's offered
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (fake_pool.spare is None or fake_pool.spare is spare):
        time.sleep(0.05)
    assert fake_pool.spare is not None and fake_pool.spare is not spare  # the next spare is on its way
    for slot in list(fake_pool.busy):
        fake_pool.release(slot)


def test_without_a_ready_spare_a_new_process_takes_the_place(fake_pool: QueryPool) -> None:
    fake_pool.members = [Process(i, str(fake_pool.folder / f"q{i}.sock"), 1, ready=True) for i in range(2)]
    gone = fake_pool.members[1]
    gone.alive = False
    fake_pool.spare = Process(-1, "", 1)  # still starting: not ready
    fake_pool._replace(gone)
    fresh = fake_pool.members[1]
    assert fresh is not gone and fresh.ready and fresh.popen is not None and fresh.index == 1
    assert fake_pool.idle.qsize() == 1
    fake_pool.spare = None


def test_a_writer_pool_has_no_spare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writer = QueryPool(tmp_path, tmp_path / "settings", 1, 4, make_pool(tmp_path, 1).limits)
    monkeypatch.setattr(writer, "_spawn", lambda member: None)
    monkeypatch.setattr(writer, "_connect", lambda member: [])
    prepared: list[bool] = []
    monkeypatch.setattr(writer, "_prepare_spare", lambda: prepared.append(True))
    writer.start()
    writer.closing = True
    assert prepared == []  # a second read-write process could not open the store
