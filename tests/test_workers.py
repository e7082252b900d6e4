"""The server's execution helpers: capped buffering vs streaming, and the timeout watchdog."""

from __future__ import annotations

import threading
import time
from typing import IO, Any

from actorgraph.server.protocol import workers
from actorgraph.server.protocol.workers import Watchdog


def test_body_small_answer_is_bytes() -> None:
    assert workers.body(lambda out: out.write(b"abc"), cap=10) == b"abc"


def test_body_large_answer_streams_everything_by_running_again() -> None:
    runs = []

    def write(out: IO[bytes]) -> None:
        runs.append(1)
        for i in range(1000):
            out.write(b"%04d\n" % i)

    result = workers.body(write, cap=100)
    assert not isinstance(result, bytes)
    text = b"".join(result).decode()
    assert text.splitlines() == [f"{i:04d}" for i in range(1000)]
    assert len(runs) == 2


class FakeSocket:
    def __init__(self) -> None:
        self.sent = b""
        self.closed = False

    def sendall(self, data: bytes) -> None:
        self.sent += data

    def close(self) -> None:
        self.closed = True


def test_watchdog_answers_503_and_ends_the_process_after_the_deadline() -> None:
    exited = threading.Event()
    release = threading.Event()

    def slow_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        release.wait(5)  # a query that would run for a long time
        start_response("200 OK", [])
        return [b"late"]

    guard = Watchdog(slow_app, timeout=0.3, exit=lambda code: exited.set())
    sock = FakeSocket()
    started = time.monotonic()
    worker = threading.Thread(target=guard, args=({"gunicorn.socket": sock}, lambda *a: None))
    worker.start()
    assert exited.wait(3)
    took = time.monotonic() - started
    release.set()
    worker.join()
    assert 0.25 < took < 1.5
    assert sock.sent.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
    assert b"limit of 0.3 s" in sock.sent
    assert sock.closed


def test_watchdog_leaves_quick_requests_alone() -> None:
    exited = threading.Event()

    def quick_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [])
        return [b"ok"]

    guard = Watchdog(quick_app, timeout=0.2, exit=lambda code: exited.set())
    for _ in range(20):
        body = guard({"gunicorn.socket": FakeSocket()}, lambda *a: None)
        assert list(body) == [b"ok"]
        body.close()  # type: ignore[attr-defined]
    assert not exited.wait(0.5)


def test_watchdog_lets_a_stream_that_keeps_sending_outlive_the_timeout() -> None:
    exited = threading.Event()

    def streaming_app(environ: dict[str, Any], start_response: Any) -> Any:
        start_response("200 OK", [])
        for i in range(6):
            time.sleep(0.1)  # each pause is shorter than the timeout; the whole is longer
            yield b"%d" % i

    guard = Watchdog(streaming_app, timeout=0.25, exit=lambda code: exited.set())
    body = guard({"gunicorn.socket": FakeSocket()}, lambda *a: None)
    assert b"".join(body) == b"012345"
    body.close()  # type: ignore[attr-defined]
    assert not exited.is_set()


def test_watchdog_spares_a_stream_waiting_for_a_slow_client() -> None:
    exited = threading.Event()

    def write(out: IO[bytes]) -> None:
        for _ in range(workers.QUEUE_DEPTH + 4):  # more than the queue holds: the producer must wait
            out.write(b"x" * workers.CHUNK)

    def streaming_app(environ: dict[str, Any], start_response: Any) -> Any:
        start_response("200 OK", [])
        return workers.stream(write)

    guard = Watchdog(streaming_app, timeout=0.5, exit=lambda code: exited.set())
    body = guard({"gunicorn.socket": FakeSocket()}, lambda *a: None)
    chunks = iter(body)
    first = next(chunks)
    time.sleep(1.2)  # the client reads nothing for longer than the timeout
    rest = b"".join(chunks)
    body.close()  # type: ignore[attr-defined]
    assert len(first) + len(rest) == (workers.QUEUE_DEPTH + 4) * workers.CHUNK
    assert not exited.is_set()
