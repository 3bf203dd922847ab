"""The Broker interface. Delivery is at most once: the database is the truth, the broker a doorbell."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Protocol

# Yielded by a subscription when messages may have been lost (e.g. after reconnecting to Redis):
# the subscriber must catch up from the database.
RESYNC = b""


class Broker(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, channel: str, message: bytes) -> None: ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[AsyncIterator[bytes]]:
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
