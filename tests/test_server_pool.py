"""The pool's share for cheap queries, in process: when a query's process is reniced, when a query is
ended for the share, and the low-priority start-up of a replacement process (server/pool.py)."""

from __future__ import annotations

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


def test_limits_renice_after_a_quarter_second_and_count_as_long_after_a_second() -> None:
    shape = limits(Settings(query_timeout=30, workers=4))
    assert (shape.nice_after, shape.slow_after, shape.long_cap, shape.client_cap) == (0.25, 1.0, 3, 2)
    short = limits(Settings(query_timeout=1, workers=4))
    assert (short.nice_after, short.slow_after) == (0.125, 0.25)


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


def test_police_ends_the_long_running_query_beyond_a_clients_share(
    tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    pool = make_pool(tmp_path, 4)  # one client may hold two processes with long-running queries
    popens = [sleeper() for _ in range(3)]
    processes += popens
    slots = [busy_slot(pool, popen, i, "a", age=3.0 - i) for i, popen in enumerate(popens)]  # oldest first
    pool.police()
    assert [slot.ended for slot in slots] == ["", "", "busy"]
    assert popens[2].wait(timeout=10) == -9  # SIGKILL: its query cannot be cancelled otherwise
    assert popens[0].poll() is None and popens[1].poll() is None
    pool.closing = True  # the replacement thread must not start a real query process
    close_slots(pool)


def test_a_replacement_starts_quietly_only_while_half_of_the_pool_serves(tmp_path: Path) -> None:
    pool = make_pool(tmp_path, 4)
    pool.members = [Process(i, "", 1, ready=True) for i in range(4)]
    fresh = Process(3, "", 1)
    pool.members[3] = fresh
    assert pool.starts_quietly(fresh) is ROOTLIKE  # three of four serve
    pool.members[2].alive = False
    assert pool.starts_quietly(fresh) is ROOTLIKE  # two of four: half still serves
    pool.members[1].ready = False  # itself a replacement still starting
    assert pool.starts_quietly(fresh) is False  # one of four: start at full speed
    single = make_pool(tmp_path, 1)  # the one read-write process: nothing else serves meanwhile
    single.members = [Process(0, "", 1)]
    assert single.starts_quietly(single.members[0]) is False


LISTENER = """
import socket, sys, time
time.sleep(0.6)  # opening the store
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(sys.argv[1])
listener.listen(8)
time.sleep(60)
"""


@pytest.mark.skipif(not ROOTLIKE, reason="giving a process its priority back needs root or RLIMIT_NICE")
def test_a_replacement_starts_at_low_priority_and_gets_it_back_once_it_listens(
    tmp_path: Path, processes: list[subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = make_pool(tmp_path, 4)
    pool.members = [Process(i, str(tmp_path / f"q{i}.sock"), 1, ready=True) for i in range(4)]
    gone = pool.members[3]
    gone.alive = False

    def spawn(member: Process) -> None:
        member.popen = subprocess.Popen([sys.executable, "-c", LISTENER, member.path])
        processes.append(member.popen)

    monkeypatch.setattr(pool, "_spawn", spawn)
    replacing = threading.Thread(target=pool._replace, args=(gone,))
    replacing.start()
    seen: set[int] = set()
    while replacing.is_alive():
        fresh = pool.members[3]
        if fresh is not gone and fresh.popen is not None and not fresh.ready:
            try:
                seen.add(priority(fresh.popen))
            except ProcessLookupError:
                break
        time.sleep(0.02)
    replacing.join()
    fresh = pool.members[3]
    assert fresh is not gone and fresh.ready and fresh.popen is not None
    assert NICE in seen  # while it started
    assert priority(fresh.popen) == 0  # once it listens
    assert pool.idle.qsize() == 1  # its one connection is offered to requests
    pool.idle.get().sock.close()
