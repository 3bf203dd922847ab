"""What a connection may hold before it is a request: a header timeout and a cap per address.

uvicorn closes an idle keep-alive connection (timeout_keep_alive) but gives a new connection, or one
trickling its request head a byte at a time, as long as it likes (slow-loris: 300 such connections
were still open after 75 s). These subclasses of its h11 and websockets-sansio protocols add:
- a deadline for each request head (ATELIER_HEADER_TIMEOUT): the connection is closed past it;
- a cap on open connections per peer address (ATELIER_MAX_CONNECTIONS_PER_ADDRESS), a WebSocket
  counting until it closes; a trusted proxy (ATELIER_TRUSTED_PROXIES) is exempt, since every client
  behind it shares its address (the proxy limits its clients itself, e.g. nginx's limit_conn).
- on a WebSocket, reads fed to the frame parser a slice at a time while the app keeps up (below).
`atelier serve` selects them (cli.py); tests/integration/test_floods.py holds them to it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from .api.throttle import Trusted
from .settings import get_settings


class Connections:
    """Open connections per peer address in this process."""

    def __init__(self, cap: int, trusted: Trusted) -> None:
        self.cap = cap
        self.trusted = trusted
        self.open: dict[str, int] = {}
        self._of: dict[int, str] = {}  # id(transport) -> its counted address

    def admit(self, transport: asyncio.BaseTransport) -> bool:
        peer = transport.get_extra_info("peername")
        host = peer[0] if isinstance(peer, tuple) and peer else None
        if host is None or self.trusted(host):
            return True
        count = self.open.get(host, 0)
        if self.cap and count >= self.cap:
            return False
        self.open[host] = count + 1
        self._of[id(transport)] = host
        return True

    def release(self, transport: asyncio.BaseTransport) -> None:
        host = self._of.pop(id(transport), None)
        if host is None:
            return
        left = self.open[host] - 1
        if left:
            self.open[host] = left
        else:
            del self.open[host]


_connections: Connections | None = None


def connections() -> Connections:
    global _connections
    if _connections is None:
        settings = get_settings()
        _connections = Connections(settings.max_connections_per_address, Trusted(settings.trusted_proxies))
    return _connections


class GuardedH11Protocol(H11Protocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timeout = get_settings().header_timeout
        self._head_timer: asyncio.TimerHandle | None = None
        self._upgraded = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if not connections().admit(transport):
            transport.abort()
            return
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._upgraded:
            return
        # Still waiting for a request head (a new connection, or the next request on a kept-alive
        # one): its deadline runs from its first byte; once it is in, the app's own timeouts apply.
        if self.conn.their_state is h11.IDLE and self.conn.trailing_data[0]:
            if self._head_timer is None:
                self._arm()
        else:
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # the keep-alive timeout takes over until the next request
        self._disarm()

    def handle_websocket_upgrade(self, event: h11.Request) -> None:
        self._upgraded = True  # the socket's protocol takes over the count, and releases it
        self._disarm()
        super().handle_websocket_upgrade(event)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        connections().release(self.transport)
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        if self._header_timeout > 0:
            self._head_timer = self.loop.call_later(self._header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _too_slow(self) -> None:
        self._head_timer = None
        idle = self.cycle is None or self.cycle.response_complete
        if idle and not self.transport.is_closing():
            self.transport.close()


class GuardedWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn parses everything one read brings (up to 256 KiB) and queues every message in it before
    it pauses reading: from a flooding socket that is ~7,000 small frames parsed in one go (67 ms during
    which no other socket is served) and held as Python objects (a few MB) until the app, which reads
    a flooder at its budget's pace, takes them. Here a read waits as bytes and is parsed a slice at a
    time while fewer than QUEUED messages wait; reading resumes only once both are drained, so what a
    socket holds is one read plus a slice's messages, and TCP pushes back on the sender."""

    SLICE = 4096
    QUEUED = 32

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._unparsed = bytearray()

    def data_received(self, data: bytes) -> None:
        if not self._unparsed and len(data) <= self.SLICE and self.queue.qsize() < self.QUEUED:
            super().data_received(data)  # what a person sends: parsed as it comes, no copy
            return
        self._unparsed += data
        self._feed()

    def _feed(self) -> None:
        while self._unparsed and self.queue.qsize() < self.QUEUED:
            if self.conn.parser_exc is not None or self.transport.is_closing():
                self._unparsed.clear()  # the connection is ending: what it still sent is moot
                return
            piece = self._unparsed[: self.SLICE]
            del self._unparsed[: self.SLICE]
            super().data_received(piece)
        if self._unparsed and not self.read_paused:
            self.read_paused = True
            self.transport.pause_reading()

    async def receive(self) -> Any:
        message = await self.queue.get()
        if self._unparsed and self.queue.qsize() < self.QUEUED // 2:
            self._feed()
        if self.read_paused and self.queue.empty() and not self._unparsed:
            self.read_paused = False
            self.transport.resume_reading()
        return message

    def connection_lost(self, exc: Exception | None) -> None:
        self._unparsed.clear()
        connections().release(self.transport)
        super().connection_lost(exc)
