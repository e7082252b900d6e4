"""Query execution for the server: streamed bodies, request logs, and the timeout watchdog.

Timeouts. pyoxigraph cannot cancel a query, so the process running it must end. The server
runs queries inside gunicorn *sync* workers, one request per process at a time (see run.py).
Each worker has a watchdog thread (pyoxigraph releases the GIL while it evaluates, so the
thread runs during a query). When a request passes its deadline, the watchdog writes a
complete ``503`` response to the client's socket if no byte of the answer has been sent yet,
then ends the process with ``os._exit``; the gunicorn arbiter starts a fresh worker, which
opens the store read-only again. Other clients are answered by the other workers meanwhile.
The deadline bounds the time to the first chunk and every pause in which the query produces
nothing: a large answer that keeps streaming, or waits for a slow client to read, is not cut
(the row limit bounds its size).
Cost per request: a dict insert, a thread-local and two closures (see benchmarks/sparql_http.py).

Streaming. pyoxigraph serialises a whole result in one call that writes to a file object.
A body is first written into a capped buffer; small answers (the common case) are returned
as bytes with a Content-Length. When the cap is hit, the serialisation is started again in a
producer thread writing into a bounded queue that the response iterates, so a million-row
answer never sits in memory; the cost is running a large query's first megabyte twice.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from actorgraph.server.errors import timeout_response

log = logging.getLogger("actorgraph.server")
access_log = logging.getLogger("actorgraph.access")

Writer = Callable[[IO[bytes]], None]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# The running request's "still making progress" callback, set by Watchdog in the request's thread
# and captured by stream() for its producer thread.
_request = threading.local()

BUFFER_CAP = 1 << 20  # answers up to 1 MiB are sent from memory with a Content-Length
CHUNK = 1 << 16
QUEUE_DEPTH = 8  # at most CHUNK * QUEUE_DEPTH bytes wait between producer and client


class _Overflow(Exception):
    """The capped buffer is full: stream instead."""


class _Cancelled(Exception):
    """The client went away: stop serialising."""


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


def body(write: Writer, cap: int = BUFFER_CAP) -> bytes | Stream:
    """The bytes write() produces, in memory when small, else a stream (write() then runs again)."""
    buffer = _CappedBuffer(cap)
    try:
        write(buffer)  # type: ignore[arg-type]
    except _Overflow:
        return stream(write)
    return b"".join(buffer.parts)


class _QueueWriter:
    """A file whose writes become CHUNK-sized items of a bounded queue (blocks when full)."""

    def __init__(self, items: queue.Queue[Any], cancelled: threading.Event,
                 touch: Callable[[], None] | None = None) -> None:  # fmt: skip
        self.items = items
        self.cancelled = cancelled
        self.pending = bytearray()
        self.touch = touch

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
            if self.touch is not None:
                # Producing, or waiting for a slow client: either way the query is not stalled.
                self.touch()
            try:
                self.items.put(item, timeout=0.1)  # well under any query timeout (>= 0.5 s)
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

    def __iter__(self) -> Stream:
        return self

    def __next__(self) -> bytes:
        if self.done:
            raise StopIteration
        item = self.items.get()
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


def stream(write: Writer) -> Stream:
    """Run write() in a producer thread and yield its output in chunks, with back-pressure."""
    items: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_DEPTH)
    cancelled = threading.Event()
    out = _QueueWriter(items, cancelled, getattr(_request, "touch", None))

    def produce() -> None:
        try:
            write(out)  # type: ignore[arg-type]
            if out.pending:
                out.put(bytes(out.pending))
            out.put(_DONE)
        except _Cancelled:
            pass
        except BaseException as exc:  # handed to the consumer, which logs it
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
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            self.stream.write(f"{stamp} [{self.pid}] INFO actorgraph.access: {line}\n")
            self.stream.flush()

        return _Closing(self.app(environ, record), done)


def timeout_message(timeout: float) -> bytes:
    """The whole HTTP response of a query timeout, as the error table writes it, for a raw socket."""
    status, headers, body = timeout_response(timeout)
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers), "Connection: close",
             "Access-Control-Allow-Origin: *"]  # fmt: skip
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class _Armed:
    """One request under watch: its deadline, client socket, and whether its answer has begun."""

    __slots__ = ("beat", "deadline", "socket", "started")

    def __init__(self, deadline: float, socket: Any) -> None:
        self.deadline = deadline
        self.socket = socket
        self.started = False
        self.beat = time.monotonic()


class Watchdog:
    """WSGI middleware: end the process when a request outlives its deadline (see module docstring).

    Only for worker processes that may die (gunicorn workers); never install it in tests or the
    CLI. Arming costs a dict insert and no wake-up: the watchdog thread sleeps at most
    ``timeout`` at a time, so it always looks again before a deadline armed meanwhile passes.
    In a threaded worker (updates on) the process ends with all its requests; only the one
    that ran out of time is told why.
    """

    def __init__(self, app: WSGIApp, timeout: float, exit: Callable[[int], Any] = os._exit) -> None:  # noqa: A002
        self.app = app
        self.timeout = timeout
        self._exit = exit
        self._active: dict[int, _Armed] = {}
        self._pid = 0
        self.heartbeat: Callable[[], Any] | None = None  # the gunicorn worker's notify(), set after fork

    def _ensure_thread(self) -> None:
        # Threads do not survive fork: each worker starts its own on its first request.
        if self._pid != os.getpid():
            self._pid = os.getpid()
            threading.Thread(target=self._watch, name="actorgraph-watchdog", daemon=True).start()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        self._ensure_thread()
        key = id(environ)
        armed = _Armed(time.monotonic() + self.timeout, environ.get("gunicorn.socket"))
        self._active[key] = armed

        def mark(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            armed.started = True
            return start_response(status, headers, exc_info)

        def disarm() -> None:
            self._active.pop(key, None)
            _request.touch = None

        def touch() -> None:
            now = time.monotonic()
            armed.deadline = now + self.timeout
            if self.heartbeat is not None and now - armed.beat > 1.0:  # a syscall: at most once a second
                self.heartbeat()
                armed.beat = now

        _request.touch = touch
        try:
            result = self.app(environ, mark)
        except BaseException:
            disarm()
            raise
        return _Closing(result, disarm, self._progress(result, touch))

    def _progress(self, body: Iterable[bytes], touch: Callable[[], None]) -> Iterator[bytes]:
        """Yield the body; each chunk sent moves the deadline (a stream may pause, not stall)."""
        for chunk in body:
            touch()
            yield chunk

    def _watch(self) -> None:
        while True:
            now = time.monotonic()
            late = [armed for armed in list(self._active.values()) if armed.deadline <= now]
            if late:
                self._expire(late[0])
                continue
            upcoming = [armed.deadline for armed in list(self._active.values())]
            time.sleep(min([self.timeout, *(d - now for d in upcoming)]))

    def _expire(self, armed: _Armed) -> None:
        log.error("request exceeded the %.0f s query timeout: ending worker %d", self.timeout, os.getpid())
        sock = armed.socket
        if sock is not None:
            try:
                if not armed.started:
                    sock.sendall(timeout_message(self.timeout))
                sock.close()
            except OSError:
                pass
        logging.shutdown()
        self._active.clear()
        self._exit(0)
