"""Answer bodies and request logs, shared by the in-process app and the query processes.

Bodies. pyoxigraph serialises a whole result in one call that writes to a file object. ``body()``
returns a ``Deferred``: the serialisation, not yet run. A query process (server/query_process.py)
runs it once straight into the socket to the front, buffering the first megabyte so that small
answers go out with a Content-Length and larger ones stream with back-pressure; the result is
evaluated exactly once either way. Anything else that iterates a Deferred (Flask views, the test
client) gets the same single run in a producer thread writing into a bounded queue, so a
million-row answer never sits in memory.

Timeouts are the front's business (server/pool.py): it ends the query process that runs past its
deadline. ``timeout_message`` is the table's 503 as raw bytes, for a socket outside any server.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from actorgraph.server.errors import timeout_response

log = logging.getLogger("actorgraph.server")
access_log = logging.getLogger("actorgraph.access")

Writer = Callable[[IO[bytes]], None]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

BUFFER_CAP = 1 << 20  # answers up to 1 MiB are sent from memory with a Content-Length
CHUNK = 1 << 16
QUEUE_DEPTH = 8  # at most CHUNK * QUEUE_DEPTH bytes wait between producer and client


class _Cancelled(Exception):
    """The client went away: stop serialising."""


class Deferred:
    """A body still to be written: ``write(file)`` produces it, exactly once.

    A query process calls ``write`` itself with its socket sink; iterating it (Flask, WSGI servers,
    tests) runs ``write`` in a producer thread instead (see ``stream``).
    """

    def __init__(self, write: Writer, cap: int = BUFFER_CAP) -> None:
        self.write = write
        self.cap = cap
        self.content_type = "application/octet-stream"  # write() may set it before its first byte
        self.on_start: Callable[[], Any] | None = None  # a query process calls it before its first byte
        self._stream: Stream | None = None

    def prime(self) -> None:
        """Start the producer thread and wait for its first chunk (its error, if any, is raised here)."""
        self._stream = stream(self.write)
        self._stream.peek()

    def __iter__(self) -> Iterator[bytes]:
        if self._stream is None:
            self._stream = stream(self.write)
        return self._stream

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()


def body(write: Writer, cap: int | None = None) -> Deferred:
    """The body write() produces, run once by whoever sends it (``cap``: what a sender may buffer)."""
    return Deferred(write, BUFFER_CAP if cap is None else cap)


class _Overflow(Exception):
    """The capped buffer is full: stream instead."""


class _CappedBuffer:
    """A write-only file that refuses to grow past its cap."""

    def __init__(self, cap: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.cap = cap

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.cap:
            raise _Overflow
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def buffered(write: Writer, cap: int | None = None) -> bytes | Stream:
    """For views whose result is already evaluated in the request's thread: the bytes write() produces
    when small; else a stream in which write() runs again (pyoxigraph's results stay in their thread)."""
    buffer = _CappedBuffer(BUFFER_CAP if cap is None else cap)
    try:
        write(buffer)  # type: ignore[arg-type]
    except _Overflow:
        return stream(write)
    return b"".join(buffer.parts)


class _QueueWriter:
    """A file whose writes become CHUNK-sized items of a bounded queue (blocks when full)."""

    def __init__(self, items: queue.Queue[Any], cancelled: threading.Event) -> None:
        self.items = items
        self.cancelled = cancelled
        self.pending = bytearray()

    def write(self, data: bytes) -> int:
        self.pending += data
        if len(self.pending) >= CHUNK:
            self.put(bytes(self.pending))
            self.pending.clear()
        return len(data)

    def flush(self) -> None:
        pass

    def put(self, item: Any) -> None:
        while True:
            if self.cancelled.is_set():
                raise _Cancelled
            try:
                self.items.put(item, timeout=0.1)  # so a cancelled stream notices within 0.1 s
                return
            except queue.Full:
                continue


_DONE = object()


class Stream:
    """The consumer side of a streamed body: iterate for chunks; close() stops the producer."""

    def __init__(self, items: queue.Queue[Any], cancelled: threading.Event) -> None:
        self.items = items
        self.cancelled = cancelled
        self.done = False
        self.first: Any = None

    def __iter__(self) -> Stream:
        return self

    def peek(self) -> None:
        """Wait for the first chunk, so an error before any byte is raised here, before the headers."""
        self.first = self.items.get()
        if isinstance(self.first, BaseException):
            self.close()
            raise self.first

    def __next__(self) -> bytes:
        if self.done:
            raise StopIteration
        item, self.first = (self.first, None) if self.first is not None else (self.items.get(), None)
        if isinstance(item, bytes):
            return item
        self.close()
        if isinstance(item, BaseException):
            # Headers are gone already: the only honest signal left is a truncated body.
            log.error("error while streaming a response", exc_info=item)
        raise StopIteration

    def close(self) -> None:
        """Called by the WSGI server when it is done, also when the client left early (or never read)."""
        self.done = True
        self.cancelled.set()


def clear_chain(exc: BaseException) -> None:
    """Clear the locals of every frame of exc and of the exceptions it was raised from or during."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        traceback.clear_frames(item.__traceback__)
        todo += [item.__cause__, item.__context__]


def stream(write: Writer) -> Stream:
    """Run write() in a producer thread and yield its output in chunks, with back-pressure."""
    items: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_DEPTH)
    cancelled = threading.Event()
    out = _QueueWriter(items, cancelled)

    def produce() -> None:
        try:
            write(out)  # type: ignore[arg-type]
            if out.pending:
                out.put(bytes(out.pending))
            out.put(_DONE)
        except _Cancelled:
            pass
        except BaseException as exc:  # handed to the consumer, which raises or logs it
            # Drop the frames' locals here, along the whole chain of causes: a pyoxigraph result must
            # not be freed in another thread.
            clear_chain(exc)
            with contextlib.suppress(_Cancelled):
                out.put(exc)

    threading.Thread(target=produce, name="actorgraph-stream", daemon=True).start()
    return Stream(items, cancelled)


class _Closing:
    """Wrap a WSGI body so on_close runs when the server is done with it (iterating `chunks` if given)."""

    def __init__(self, body: Iterable[bytes], on_close: Callable[[], None],
                 chunks: Iterator[bytes] | None = None) -> None:  # fmt: skip
        self.body = body
        self.on_close = on_close
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        return self.chunks if self.chunks is not None else iter(self.body)

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.on_close()


class RequestLog:
    """WSGI middleware: one log line per request with status and time to the last byte.

    Through the ``actorgraph.access`` logger by default; the server passes a stream instead,
    to which it writes the same line directly: the logging machinery costs more per request
    than a small query's HTTP overhead can spare.
    """

    def __init__(self, app: WSGIApp, stream: IO[str] | None = None) -> None:
        self.app = app
        self.stream = stream
        self.pid = os.getpid()
        self.second: tuple[int, str] = (0, "")  # the time stamp of the current second, formatted once

    def _stamp(self) -> str:
        now = int(time.time())
        second = self.second  # one read: another thread may replace the pair, never half of it
        if second[0] != now:
            second = (now, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now)))
            self.second = second
        return second[1]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        seen: dict[str, str] = {}

        def record(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen["status"] = status.split(" ", 1)[0]
            return start_response(status, headers, exc_info)

        def done() -> None:
            if self.stream is None and not access_log.isEnabledFor(logging.INFO):
                return
            took = (time.perf_counter() - started) * 1000
            query = environ.get("QUERY_STRING", "")
            path = environ.get("PATH_INFO", "") + (f"?{query[:200]}" if query else "")
            line = f"{environ.get('REQUEST_METHOD')} {path} {seen.get('status', '-')} {took:.1f}ms"
            if self.stream is None:
                access_log.info("%s", line)
                return
            if self.pid != os.getpid():  # forked into a worker
                self.pid = os.getpid()
            self.stream.write(f"{self._stamp()} [{self.pid}] INFO actorgraph.access: {line}\n")
            self.stream.flush()

        return _Closing(self.app(environ, record), done)


def timeout_message(timeout: float) -> bytes:
    """The whole HTTP response of a query timeout, as the error table writes it, for a raw socket."""
    status, headers, body = timeout_response(timeout)
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers), "Connection: close",
             "Access-Control-Allow-Origin: *"]  # fmt: skip
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
