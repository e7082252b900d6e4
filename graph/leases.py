"""Read leases on store builds, so a rebuild never deletes a build that a process still reads.

Each build directory ``.<store>-builds/<id>`` holds a lock file ``actorgraph.lease`` (RocksDB
ignores files it did not write). A
reader (``KnowledgeGraph`` when it opens a build) holds a shared ``flock`` on it for as long as
its store object lives; pruning old builds (graph/store.py) takes the lock exclusively without
waiting and skips the build when that fails, so two rebuilds in quick succession leave the build
a worker is still reading in place; a later build prunes it once nobody holds it. flock locks
belong to the open file, so they vanish with a crashed process and are shared with forked workers.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

LEASE_NAME = "actorgraph.lease"


def lease_file(build: Path) -> Path:
    return build / LEASE_NAME


@dataclass
class Lease:
    """A shared lock on one build, released by release() or when the process ends."""

    fd: int | None

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the file drops its flock
            self.fd = None


def hold(build: Path) -> Lease:
    """Take a shared lease on a build (a no-op lease when its folder cannot hold the lock file)."""
    try:
        fd = os.open(lease_file(build), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return Lease(None)  # a read-only folder: nobody can prune it either
    fcntl.flock(fd, fcntl.LOCK_SH)
    return Lease(fd)


def in_use(build: Path) -> bool:
    """Whether some process holds a lease on the build (checked without waiting)."""
    path = lease_file(build)
    if not path.exists():
        return False
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
