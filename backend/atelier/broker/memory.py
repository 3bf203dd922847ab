"""In-process broker: the embedded default, for a single server process."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from .base import Inbox


class MemoryBroker:
    def __init__(self) -> None:
        self._subscribers: dict[str, set[Inbox]] = defaultdict(set)

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self._subscribers.clear()

    async def ping(self) -> None:
        return None

    async def publish(self, channel: str, message: bytes) -> None:
        for inbox in list(self._subscribers.get(channel, ())):
            inbox.put(message)  # like Redis, never blocks the publisher (a full inbox resyncs)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Inbox]:
        inbox = Inbox()
        self._subscribers[channel].add(inbox)
        try:
            yield inbox
        finally:
            self._subscribers[channel].discard(inbox)
            if not self._subscribers[channel]:
                del self._subscribers[channel]
