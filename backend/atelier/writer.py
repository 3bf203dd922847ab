"""Group commit: writer tasks commit the events of every waiting command in one transaction each."""

from __future__ import annotations

import asyncio
import contextlib

from .store import EventStore
from .store.repository import Append

MAX_BATCH = 256


class GroupWriter:
    """Commands for different boards wait here together; a transaction per batch rather than per
    command is what lets SQLite keep up. On SQLite the whole batch is one hop to the store's writer
    thread (see store/sqlite_writer.py); batches form while the previous one commits.

    With `lanes` > 1 (PostgreSQL, which commits concurrent transactions in parallel), that many batches
    commit at once: one transaction in flight per process left the process idle while it waited for
    the database, however much work was queued. A board never has two units in flight (BoardService
    commits a board's runs one after another), so lanes only ever overlap different boards' rows."""

    def __init__(self, store: EventStore, lanes: int = 1) -> None:
        self.store = store
        self.lanes = max(1, lanes)
        self._queue: asyncio.Queue[tuple[list[Append], asyncio.Future[None]]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._run(), name=f"atelier-group-writer-{lane}") for lane in range(self.lanes)
        ]

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        while not self._queue.empty():
            _, future = self._queue.get_nowait()
            if not future.done():
                future.cancel()

    async def submit(self, append: Append) -> None:
        """Return once `append` is committed; raise Conflict or Unavailable if it was not."""
        await self.submit_unit([append])

    async def submit_unit(self, appends: list[Append]) -> None:
        """Commit `appends` together, all or nothing (one board's run of commands)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((appends, future))  # unbounded: never waits
        await future

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                outcomes = await self.store.append_many([item for item, _ in batch])
            except Exception as exc:  # a bug in the store must fail the commands, not the writer
                outcomes = [exc] * len(batch)
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if outcome is None:
                    future.set_result(None)
                else:
                    future.set_exception(outcome)
