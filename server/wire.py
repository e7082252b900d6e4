"""The framing between the HTTP front and its query processes (server/pool.py, server/query_process.py).

One Unix-socket connection carries one request at a time. A request is one frame: the WSGI
environ reduced to its strings, and the body. The answer is either one ``A`` frame (status,
headers and the whole body: the common, small case, sent with a Content-Length) or an ``H``
frame (status and headers) followed by ``C`` chunks and an ``E`` end: a large answer, streamed
as the engine serialises it, evaluated once. ``marshal`` encodes both ends: the two sides are
the same Python and the same code, and it is several times faster than pickle for a dict of
strings.
"""

from __future__ import annotations

import marshal
import socket
import struct
from typing import Any

HEAD = struct.Struct("!cI")  # kind, payload length
ALL = b"A"  # (status, headers, body): the complete answer
START = b"H"  # (status, headers): a streamed answer begins
CHUNK = b"C"  # raw bytes of a streamed answer
END = b"E"  # a streamed answer is complete
FAIL = b"X"  # a streamed answer broke after its headers: the client gets a truncated body
REQUEST = b"R"  # (environ strings, body)

Headers = list[tuple[str, str]]


class Closed(Exception):
    """The other end closed the connection (or it broke)."""


def frame(kind: bytes, payload: bytes) -> bytes:
    return HEAD.pack(kind, len(payload)) + payload


def encode(value: Any) -> bytes:
    return marshal.dumps(value)


def decode(payload: bytes) -> Any:
    return marshal.loads(payload)  # noqa: S302 - frames come only from our own processes, over a private socket


class Reader:
    """Frames from a socket, through one buffer (a small answer arrives in a single recv)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()

    def _fill(self, need: int) -> None:
        while len(self.buffer) < need:
            data = self.sock.recv(max(1 << 16, need - len(self.buffer)))
            if not data:
                raise Closed
            self.buffer += data

    def read(self) -> tuple[bytes, bytes]:
        """The next (kind, payload); raises Closed at EOF and TimeoutError after the socket's timeout."""
        self._fill(HEAD.size)
        kind, length = HEAD.unpack_from(self.buffer)
        self._fill(HEAD.size + length)
        payload = bytes(self.buffer[HEAD.size : HEAD.size + length])
        del self.buffer[: HEAD.size + length]
        return kind, payload
