"""The retention sweep: every process looks for boards past their erasure date; exactly one erases each."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from .service import BoardService
from .settings import DAY_MS, Settings
from .store.erasure import delete_stragglers, expired_boards, sweep_lock

log = logging.getLogger("atelier.retention")

STRAGGLERS_MS = DAY_MS  # how long after an erasure rows a racing writer added are still looked for


class RetentionSweep:
    """A task per process. On PostgreSQL the sweep's advisory lock lets one process sweep at a time,
    and each board's erasure is conditional (still past its date when deleted, tombstone unique), so a
    board is erased exactly once whatever the number of processes; with SQLite there is one process."""

    def __init__(self, service: BoardService, settings: Settings) -> None:
        self.service = service
        self.retention_ms = settings.retention_days * DAY_MS
        self.interval = settings.retention_sweep_seconds
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="atelier-retention")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.sweep()
            except Exception:
                log.warning("retention sweep failed; trying again later")

    async def sweep(self) -> int:
        """Erase every board past its date; returns how many this process erased."""
        store = self.service.store
        erased = 0
        async with sweep_lock(store) as held:
            if not held:
                return 0  # another process is sweeping
            now = self.service.clock.now_ms()
            for board_id, _code in await expired_boards(store, now_ms=now, retention_ms=self.retention_ms):
                if await self.service.erase_board(board_id, only_if_expired=self.retention_ms):
                    erased += 1
                    # The board's id is random and says nothing of anyone: no code, no title.
                    log.info("retention: erased board %s", board_id)
            await delete_stragglers(store, since_ms=now - STRAGGLERS_MS)
        return erased
