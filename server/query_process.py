"""A query process: the whole application (server/__init__.py) behind a Unix socket, one request at a time.

The HTTP front (server/pool.py) starts several of these; each opens the store itself (read-only,
or read-write for the single writer when updates are on) and answers the requests the front
hands it over the wire of server/wire.py. It is a process, not a thread, so that the front can
end it when a query runs past its deadline: pyoxigraph cannot cancel a query.

A query's answer is serialised once, straight into the socket: the first megabyte is buffered,
so small answers go back whole with a Content-Length; past that the answer streams in 64 KiB
chunks and the socket's back-pressure holds the engine when the client reads slowly. An error
before any byte has left (also an evaluation error met while serialising) is answered through
the error table like any other.

    python -m actorgraph.server.query_process SOCKET SETTINGS_FILE THREADS
"""

from __future__ import annotations

import io
import logging
import os
import pickle
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from actorgraph.graph.config import Settings
from actorgraph.server import create_app, wire
from actorgraph.server.context import EXTENSION
from actorgraph.server.errors import error_response
from actorgraph.server.protocol.sparql import SINK
from actorgraph.server.protocol.workers import BUFFER_CAP, CHUNK, Deferred, RequestLog

log = logging.getLogger("actorgraph.server")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
NO_BODY = frozenset({204, 304})


class FrontGone(Exception):
    """The socket to the front broke (its client left): drop this connection.

    Not an OSError on purpose: pyoxigraph passes an exception of our sink's ``write`` through
    unchanged, and the engine's own I/O errors (a SERVICE endpoint that fails) are OSErrors that
    must be answered from the error table, not taken for a gone front.
    """


def send(conn: socket.socket, data: bytes) -> None:
    try:
        conn.sendall(data)
    except OSError as exc:
        raise FrontGone(str(exc)) from exc


def has_length(headers: wire.Headers) -> bool:
    return any(name.lower() == "content-length" for name, _ in headers)


class Sink:
    """A file the answer is written to: buffered up to the cap, then streamed as frames.

    ``head()`` gives the status and headers; it is called once, just before the first frame
    leaves (a deferred query body knows its content type only once it has run).
    """

    def __init__(self, conn: socket.socket, head: Callable[[], tuple[str, wire.Headers]], method: str,
                 cap: int = BUFFER_CAP) -> None:  # fmt: skip
        self.conn = conn
        self.head = head
        self.method = method
        self.cap = cap
        self.parts: list[bytes] = []
        self.size = 0
        self.streaming = False

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        if self.streaming:
            if self.size >= CHUNK:
                self._send_pending()
        elif self.size > self.cap:
            self.streaming = True
            send(self.conn, wire.frame(wire.START, wire.encode(self.head())))
            self._send_pending()
        return len(data)

    def flush(self) -> None:
        pass

    def discard(self) -> None:
        """Forget what was buffered (an error before any byte left replaces it)."""
        self.parts.clear()
        self.size = 0

    def _send_pending(self) -> None:
        send(self.conn, wire.frame(wire.CHUNK, b"".join(self.parts)))
        self.discard()

    def finish(self) -> None:
        if self.streaming:
            if self.parts:
                self._send_pending()
            send(self.conn, wire.frame(wire.END, b""))
            return
        data = b"".join(self.parts)
        status, headers = self.head()
        if self.method != "HEAD" and int(status[:3]) not in NO_BODY and not has_length(headers):
            headers = [*headers, ("Content-Length", str(len(data)))]
        send(self.conn, wire.frame(wire.ALL, wire.encode((status, headers, data))))


def legacy_write(data: bytes) -> None:
    """WSGI's write() callable: none of our views uses it."""
    raise NotImplementedError("the WSGI write() callable is not supported: return the body instead")


class Handler:
    """Runs the application on each request frame of a connection."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.base: dict[str, Any] = {"wsgi.version": (1, 0), "wsgi.errors": sys.stderr, "wsgi.multithread": True,
                                     "wsgi.multiprocess": True, "wsgi.run_once": False, SINK: True}  # fmt: skip

    def serve(self, conn: socket.socket) -> None:
        """Answer requests on conn until the front closes it (or it breaks)."""
        reader = wire.Reader(conn)
        with conn:
            while True:
                try:
                    _, payload = reader.read()
                except (wire.Closed, OSError):
                    return
                try:
                    self.answer(conn, *wire.decode(payload))
                except FrontGone:
                    return  # the front gave up on this answer (its client left): drop the connection

    def answer(self, conn: socket.socket, strings: dict[str, str], data: bytes) -> None:
        environ = self.base | strings
        environ["wsgi.input"] = io.BytesIO(data)
        seen: list[Any] = ["500 Internal Server Error", []]

        def start_response(status: str, headers: wire.Headers, exc_info: Any = None) -> Callable[[bytes], Any]:
            seen[:] = [status, list(headers)]
            return legacy_write

        def head() -> tuple[str, wire.Headers]:
            if isinstance(result, Deferred) and result.on_start is not None:
                result.on_start()
            return seen[0], seen[1]

        try:
            result = self.app(environ, start_response)
        except Exception as exc:  # FastPath and Flask map their own errors; this is a last resort
            result = error_response(exc)(environ, start_response)
        sink = Sink(conn, head, strings.get("REQUEST_METHOD", "GET"))
        try:
            if isinstance(result, Deferred):
                self._write_deferred(result, sink, environ, start_response)
            else:
                for chunk in result:
                    sink.write(chunk)
            sink.finish()
        except FrontGone:
            raise
        except Exception as exc:
            if sink.streaming:
                log.exception("an answer failed after its headers")
                send(conn, wire.frame(wire.FAIL, b""))  # headers are gone: the client sees a truncated body
                return
            # Not a byte has left: answered from the error table like a view's own error, and this
            # process goes on serving (a raise here would end its accept loop, and the process).
            if isinstance(result, Deferred):
                result.on_start = None
            sink.discard()
            for chunk in error_response(exc)(environ, start_response):
                sink.write(chunk)
            sink.finish()
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    def _write_deferred(self, body: Deferred, sink: Sink, environ: dict[str, Any],
                        start_response: Callable[..., Any]) -> None:  # fmt: skip
        sink.cap = body.cap
        try:
            body.write(sink)  # type: ignore[arg-type]
        except FrontGone:
            raise
        except Exception as exc:
            if sink.streaming:
                raise
            # Not a byte has left yet: the error is answered like any other (an evaluation error is a 400).
            body.on_start = None
            sink.discard()
            for chunk in error_response(exc)(environ, start_response):
                sink.write(chunk)


def watch_parent(parent: int) -> None:
    """End this process when the front that started it is gone (it was killed, or it crashed)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def application(settings: Settings) -> WSGIApp:
    """The app without its request log: the front writes one line per request, also for timeouts."""
    app = create_app(settings)
    app.extensions[EXTENSION].kg.open()  # now, so the first request does not pay for it
    wsgi = app.wsgi_app
    return wsgi.app if isinstance(wsgi, RequestLog) else wsgi


def main(argv: list[str]) -> None:
    path, settings_file, threads = argv[0], argv[1], int(argv[2])
    # Ctrl+C reaches the whole process group: the front decides when we stop, by SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Nothing to flush (every update is its own committed transaction): exit without the
    # interpreter's teardown, which can crash in RocksDB's destructors while threads run.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    settings: Settings = pickle.loads(Path(settings_file).read_bytes())  # noqa: S301 - written by our front, mode 0600
    handler = Handler(application(settings))
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()

    def accept_forever() -> None:
        while True:
            conn, _ = listener.accept()
            handler.serve(conn)

    for _ in range(threads - 1):
        threading.Thread(target=accept_forever, daemon=True).start()
    accept_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
