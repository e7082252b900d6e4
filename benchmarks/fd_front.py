"""A measuring prototype, not a server: a front that hands each ready client socket to a query process.

The question it answers (issue #15): would a front that never touches the answer serve small queries
faster than granian + our relay? The front here is a selectors loop in one Python process; when a
keep-alive connection has a request waiting, it passes the socket itself (SCM_RIGHTS) to an idle query
process, which reads the request, runs our WSGI app (the same FastPath as `actorgraph serve`) and writes
the HTTP answer straight to the client, then tells the front to watch the socket again. GET only, no
limits, no timeouts, no streaming: enough to measure the hand-off, nothing more.

    .venv/bin/python benchmarks/fd_front.py PORT WORKERS STORE_DIR     # then wrk against /sparql?query=...

FD_FRONT_PROFILE=1 prints the CPU time per request of each part of a query process's work
(thread_time), every 5,000 requests. Numbers: benchmarks/README.md (sparql_http.py section).
"""

from __future__ import annotations

import io
import itertools
import os
import selectors
import signal
import socket
import sys
import time

from actorgraph.graph.config import Settings
from actorgraph.server.protocol.sparql import SINK
from actorgraph.server.protocol.workers import Deferred
from actorgraph.server.query_process import WSGIApp, application

PROFILE = os.environ.get("FD_FRONT_PROFILE") == "1"
BASE = {"wsgi.version": (1, 0), "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False, "wsgi.url_scheme": "http", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", SINK: True}  # fmt: skip


def environ_of(request: bytes) -> dict[str, object]:
    """A WSGI environ from a GET request's head (enough for the benchmark's queries)."""
    head, _, _ = request.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    path, _, query = target.partition("?")
    environ: dict[str, object] = {**BASE, "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
                                  "wsgi.input": io.BytesIO(b"")}  # fmt: skip
    for line in lines[1:]:
        name, _, value = line.partition(":")
        environ["HTTP_" + name.strip().upper().replace("-", "_")] = value.strip()
    return environ


def http_answer(app: WSGIApp, environ: dict[str, object]) -> bytes:
    """Run the app (a query body is written once, as a query process does) and frame its HTTP answer."""
    seen: list[object] = ["500 Internal Server Error", []]

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
        seen[:] = [status, headers]

    result = app(environ, start_response)
    if isinstance(result, Deferred):
        buffer = io.BytesIO()
        result.write(buffer)
        if result.on_start is not None:
            result.on_start()
        body = buffer.getvalue()
    else:
        body = b"".join(result)
    status, headers = seen
    lines = [f"HTTP/1.1 {status}\r\n"] + [f"{k}: {v}\r\n" for k, v in headers if k.lower() != "content-length"]  # type: ignore[attr-defined]
    lines.append(f"Content-Length: {len(body)}\r\n\r\n")
    return "".join(lines).encode("latin-1") + body


def worker(sock: socket.socket, store: str) -> None:
    """Answer one request per socket handed over, then hand it back (K: keep it open, C: close it)."""
    app = application(Settings.from_env().with_(store_path=store))
    spent = {"receive the socket": 0.0, "read the request": 0.0, "the app": 0.0, "write the answer": 0.0}
    answered = 0
    while True:
        marks = [time.thread_time()]
        message, fds, _, _ = socket.recv_fds(sock, 16, 1)
        if not message:
            os._exit(0)
        conn = socket.socket(fileno=fds[0])
        verdict = b"C"
        try:
            marks.append(time.thread_time())
            request = conn.recv(65536)
            marks.append(time.thread_time())
            if request:
                answer = http_answer(app, environ_of(request))
                marks.append(time.thread_time())
                conn.sendall(answer)
                marks.append(time.thread_time())
                verdict = b"K"
        except OSError as exc:
            print("worker:", exc, file=sys.stderr)
        finally:
            conn.detach()
            os.close(fds[0])
        sock.send(verdict)
        if len(marks) == 5:
            answered += 1
            for part, (start, end) in zip(spent, itertools.pairwise(marks), strict=True):
                spent[part] += end - start
            if PROFILE and answered % 5000 == 0:
                per_request = {part: round(total / answered * 1e6, 1) for part, total in spent.items()}
                print(per_request, "µs of CPU per request", file=sys.stderr, flush=True)


def main() -> None:
    port, n, store = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(1024)
    listener.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, "accept")
    idle: list[socket.socket] = []
    busy: dict[socket.socket, socket.socket] = {}
    waiting: list[socket.socket] = []
    for _ in range(n):
        a, b = socket.socketpair()
        if os.fork() == 0:
            a.close()
            worker(b, store)
        b.close()
        idle.append(a)
        sel.register(a, selectors.EVENT_READ, "worker")

    def dispatch(client: socket.socket) -> None:
        if not idle:
            waiting.append(client)
            return
        w = idle.pop()
        busy[w] = client
        socket.send_fds(w, [b"R"], [client.fileno()])

    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    while True:
        for key, _ in sel.select():
            kind = key.data
            if kind == "accept":
                try:
                    while True:
                        client, _ = listener.accept()
                        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                        sel.register(client, selectors.EVENT_READ, "client")
                except BlockingIOError:
                    pass
            elif kind == "client":
                client = key.fileobj  # type: ignore[assignment]
                sel.unregister(client)
                dispatch(client)  # type: ignore[arg-type]
            else:
                w = key.fileobj
                verdict = w.recv(1)  # type: ignore[union-attr]
                client = busy.pop(w)  # type: ignore[arg-type]
                idle.append(w)  # type: ignore[arg-type]
                if verdict == b"K":
                    # the peer may have closed: a readable EOF comes back as an empty recv in the worker
                    sel.register(client, selectors.EVENT_READ, "client")
                else:
                    client.close()
                if waiting:
                    dispatch(waiting.pop(0))


if __name__ == "__main__":
    main()
