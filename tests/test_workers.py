"""The serving path's pieces in process: bodies evaluated once, the query process's sink and framing."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import IO

from actorgraph.graph.errors import StoreError
from actorgraph.server import wire
from actorgraph.server.protocol import workers
from actorgraph.server.query_process import Handler, Sink


def test_body_small_answer_is_its_bytes() -> None:
    assert b"".join(workers.body(lambda out: out.write(b"abc"), cap=10)) == b"abc"


def test_body_large_answer_streams_everything_and_runs_once() -> None:
    runs = []

    def write(out: IO[bytes]) -> None:
        runs.append(1)
        for i in range(1000):
            out.write(b"%04d\n" % i)

    result = workers.body(write, cap=100)
    assert not isinstance(result, bytes)
    text = b"".join(result).decode()
    assert text.splitlines() == [f"{i:04d}" for i in range(1000)]
    assert len(runs) == 1


def frames(sock: socket.socket) -> list[tuple[bytes, bytes]]:
    reader = wire.Reader(sock)
    found = []
    while True:
        kind, payload = reader.read()
        found.append((kind, payload))
        if kind in (wire.ALL, wire.END, wire.FAIL):
            return found


def test_sink_sends_a_small_answer_whole_with_its_length() -> None:
    front, back = socket.socketpair()
    with front, back:
        sink = Sink(back, lambda: ("200 OK", [("Content-Type", "text/plain")]), "GET", cap=100)
        sink.write(b"abc")
        sink.finish()
        [(kind, payload)] = frames(front)
    assert kind == wire.ALL
    assert wire.decode(payload) == ("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "3")], b"abc")


def test_sink_streams_a_large_answer_in_chunks_after_its_head() -> None:
    front, back = socket.socketpair()
    with front, back:
        sink = Sink(back, lambda: ("200 OK", [("Content-Type", "text/plain")]), "GET", cap=100)
        for _ in range(3):
            sink.write(b"x" * workers.CHUNK)  # the first write passes the cap: the head goes out
        sink.write(b"tail")
        sink.finish()
        got = frames(front)
    assert got[0][0] == wire.START
    assert wire.decode(got[0][1]) == ("200 OK", [("Content-Type", "text/plain")])
    assert [kind for kind, _ in got[1:-1]] == [wire.CHUNK] * (len(got) - 2)
    assert got[-1] == (wire.END, b"")
    assert b"".join(payload for _, payload in got[1:-1]) == b"x" * (3 * workers.CHUNK) + b"tail"


def answer_of(app: workers.WSGIApp) -> tuple[str, list[tuple[str, str]], bytes]:
    """What a query process sends back for one GET request to app."""
    front, back = socket.socketpair()
    with front, back:
        Handler(app).answer(back, {"REQUEST_METHOD": "GET", "PATH_INFO": "/sparql"}, b"")
        [(kind, payload)] = frames(front)
    assert kind == wire.ALL
    status, headers, data = wire.decode(payload)
    return status, headers, data


def test_handler_answers_an_engine_io_error_in_a_deferred_body_from_the_error_table() -> None:
    def write(out: IO[bytes]) -> None:
        raise ConnectionRefusedError("Connection refused (os error 111)")  # what pyoxigraph raises for SERVICE

    def app(environ: dict[str, object], start_response: object) -> workers.Deferred:
        return workers.body(write)

    status, _, data = answer_of(app)  # not taken for the front's socket breaking: an answer comes back
    assert status.startswith("500") and b"Internal server error" in data


def test_handler_answers_a_body_that_fails_before_its_first_byte_and_keeps_serving() -> None:
    def failing_body() -> Iterator[bytes]:
        raise StoreError("no store at var/store: run 'actorgraph build' first")
        yield b""  # a generator

    def app(environ: dict[str, object], start_response: Callable[..., object]) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return failing_body()

    status, _, data = answer_of(app)
    assert status.startswith("503") and b"run 'actorgraph build' first" in data
