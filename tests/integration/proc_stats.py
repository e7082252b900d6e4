"""What the live-server tests read about a server's processes from /proc (psutil is not a dependency)."""

from __future__ import annotations

from pathlib import Path

QUERY_PROCESS = b"actorgraph.server.query_process"


def descendants(pid: int) -> set[int]:
    """Every process below pid."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(") ", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def query_processes(server_pid: int) -> set[int]:
    """The query processes below the server (their command line names the module)."""
    found = set()
    for pid in descendants(server_pid):
        try:
            if QUERY_PROCESS in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.add(pid)
        except OSError:
            continue
    return found


def cpu_ticks(pid: int) -> int:
    """User plus system CPU time of a process, in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    except (OSError, IndexError):
        return 0
    return int(fields[11]) + int(fields[12])


def rss_kib(pid: int) -> int:
    """Resident memory of a process (VmRSS, KiB; 0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and every process below it (KiB)."""
    return sum(rss_kib(each) for each in {pid, *descendants(pid)})
