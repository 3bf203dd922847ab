"""The Broker interface. Delivery is at most once: the database is the truth, the broker a doorbell."""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from typing import Protocol

# Yielded by a subscription when messages may have been lost (e.g. after reconnecting to Redis):
# the subscriber must catch up from the database.
RESYNC = b""
# Published on a board's channel once the board is erased: every process closes its sockets.
ERASED = b"erased"
INBOX_LIMIT = 10_000


class Inbox:
    """One subscription's messages, in the order published: awaited one at a time (`async for`), or
    all that are waiting taken at once (`take_waiting`), so that a busy subscriber handles a pile of
    messages in one go. Bounded: when full, the oldest is dropped and RESYNC takes its place, as
    Redis itself drops rather than block a publisher; the subscriber repairs the gap."""

    __slots__ = ("_queue",)

    def __init__(self, limit: int = INBOX_LIMIT) -> None:
        self._queue: asyncio.Queue[bytes] = asyncio.Queue(limit)

    def put(self, message: bytes) -> None:
        try:
            self._queue.put_nowait(message)
        except asyncio.QueueFull:
            self._queue.get_nowait()
            self._queue.put_nowait(RESYNC)

    def take_waiting(self) -> list[bytes]:
        taken: list[bytes] = []
        queue = self._queue
        while not queue.empty():
            taken.append(queue.get_nowait())
        return taken

    def __aiter__(self) -> Inbox:
        return self

    async def __anext__(self) -> bytes:
        return await self._queue.get()


class Broker(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, channel: str, message: bytes) -> None: ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[Inbox]:
        """Messages published on `channel` from now on; RESYNC when some may have been missed."""
        ...

    async def ping(self) -> None: ...


def make_broker(url: str | None) -> Broker:
    """`memory://` (or nothing) for one process; `redis://…` for several."""
    if not url or url.startswith("memory://"):
        from .memory import MemoryBroker

        return MemoryBroker()
    if url.startswith(("redis://", "rediss://", "unix://")):
        from .redis import RedisBroker

        return RedisBroker(url)
    raise ValueError(f"unsupported broker URL scheme: {url.split(':', 1)[0]}")
