"""Server frames written straight to a socket's transport, built once per audience.

Why: fanning one event out to a thousand sockets through the ASGI `send` (Starlette's wrappers, then
uvicorn's protocol, which frames the text again for every socket) cost ~36 µs per recipient and a
writer task woken per socket. A server-to-client text frame is the same bytes for every recipient
(unmasked, no extension: per-message deflate is off unless a setting turns it on), so the hub builds
those bytes once and writes them to each transport: a few µs per recipient.

This reaches into uvicorn's `websockets-sansio` protocol (the one `atelier serve` selects): its
`receive` is the bound method the ASGI app is given. Any other server, or per-message deflate, falls
back to the ASGI path (`direct_socket` returns None), and tests/integration/test_wire.py fails if an uvicorn
upgrade moves what this relies on.
"""

from __future__ import annotations

import struct
from typing import Any

try:  # uvicorn is the server `atelier serve` runs; the app still works under another ASGI server
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
except ImportError:  # pragma: no cover
    WebSocketsSansIOProtocol = None  # type: ignore[assignment,misc]

FIN_TEXT = 0x81


def text_header(size: int) -> bytes:
    """The header of an unmasked, unfragmented server text frame of `size` bytes (RFC 6455 §5.2)."""
    if size < 126:
        return bytes((FIN_TEXT, size))
    if size < 1 << 16:
        return struct.pack("!BBH", FIN_TEXT, 126, size)
    return struct.pack("!BBQ", FIN_TEXT, 127, size)


def text_frame(payload: bytes) -> bytes:
    """An unmasked, unfragmented server text frame (RFC 6455 §5.2)."""
    return text_header(len(payload)) + payload


class Welcome:
    """A welcome message in three parts: what is this socket's own (`head`: its `you`, the time),
    the board's state as its audience sees it (`body`, encoded once and shared by every socket of
    that audience at that seq) and the closing brace. Written as one frame without joining them."""

    __slots__ = ("body", "head", "tail")

    def __init__(self, head: bytes, body: bytes, tail: bytes = b"") -> None:
        self.head, self.body, self.tail = head, body, tail

    @classmethod
    def whole(cls, text: str) -> Welcome:
        return cls(b"", text.encode())

    @property
    def size(self) -> int:
        return len(self.head) + len(self.body) + len(self.tail)

    @property
    def text(self) -> str:
        return (self.head + self.body + self.tail).decode()

    def pieces(self, slice_size: int) -> list[bytes | memoryview]:
        """The frame's bytes in order, the shared body cut in views of at most `slice_size` bytes."""
        body = memoryview(self.body)
        out: list[bytes | memoryview] = [text_header(self.size) + self.head]
        out += [body[at : at + slice_size] for at in range(0, len(body), slice_size)]
        if self.tail:
            out.append(self.tail)
        return out


class Outgoing:
    """One message to send: its text for the ASGI path, its wire bytes (built on first use, then
    shared by every socket it goes to) for the direct path."""

    __slots__ = ("_wire", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._wire: bytes | None = None

    @property
    def wire(self) -> bytes:
        if self._wire is None:
            self._wire = text_frame(self.text.encode())
        return self._wire


class Batch:
    """Frames that go out together: one write on the direct path. Their joined bytes are built once
    and shared by every socket that takes the whole batch (a run of events to a room)."""

    __slots__ = ("_largest", "_wire", "frames")

    def __init__(self, frames: list[Outgoing]) -> None:
        self.frames = frames
        self._wire: bytes | None = None
        self._largest = 0

    @property
    def wire(self) -> bytes:
        if self._wire is None:
            wires = [f.wire for f in self.frames]
            self._wire = wires[0] if len(wires) == 1 else b"".join(wires)
            self._largest = max(map(len, wires))
        return self._wire

    @property
    def largest(self) -> int:
        """The size of the batch's largest frame (a reader's buffer may always hold one)."""
        if self._wire is None:
            self.wire  # noqa: B018  (builds both)
        return self._largest


class DirectSocket:
    """The transport under one accepted uvicorn WebSocket, with what it takes to write to it safely."""

    __slots__ = ("_proto",)

    def __init__(self, proto: Any) -> None:
        self._proto = proto

    @property
    def gone(self) -> bool:
        """No data frame may follow: a close frame was sent, the peer left or the transport closes."""
        proto = self._proto
        return proto.close_sent or proto.disconnected or proto.transport.is_closing()

    def buffered(self) -> int:
        """Bytes written but not yet taken by the kernel: how far behind this reader is."""
        return self._proto.transport.get_write_buffer_size()

    def write(self, wire: bytes) -> None:
        self._proto.transport.write(wire)

    def abort_if_open(self) -> None:
        """Drop the connection now, buffer and all, unless it is already gone (the peer took the close)."""
        if not self._proto.disconnected:
            self._proto.transport.abort()


def direct_socket(websocket: Any) -> DirectSocket | None:
    """The direct path under a Starlette WebSocket, or None where it cannot be used."""
    if WebSocketsSansIOProtocol is None:  # pragma: no cover
        return None
    proto = getattr(getattr(websocket, "_receive", None), "__self__", None)
    if not isinstance(proto, WebSocketsSansIOProtocol):
        return None
    if not proto.handshake_complete:
        return None
    if getattr(proto.conn, "extensions", None):  # per-message deflate frames differ per socket
        return None
    return DirectSocket(proto)
