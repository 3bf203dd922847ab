"""How busy this process is, read off its own CPU time: rooms pace their deliveries only when it is
(hub.py), so that an idle server keeps the lowest latency and a busy one the cheapest fan-out."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

BUSY_SHARE = 0.5  # of one core, over the last sample: beyond it, saving CPU matters more than 10 ms
SAMPLE_SECONDS = 0.25


class LoadGauge:
    def __init__(
        self,
        *,
        busy_share: float = BUSY_SHARE,
        sample_seconds: float = SAMPLE_SECONDS,
        cpu: Callable[[], float] = time.process_time,
        wall: Callable[[], float] = time.monotonic,
    ) -> None:
        self.busy = False
        self._share = busy_share
        self._period = sample_seconds
        self._cpu, self._wall = cpu, wall
        self._cpu0, self._wall0 = cpu(), wall()
        self._task: asyncio.Task[None] | None = None

    def is_busy(self) -> bool:
        return self.busy

    def sample(self) -> None:
        """Busy when this process used at least `busy_share` of a core since the last sample."""
        cpu, wall = self._cpu(), self._wall()
        if wall > self._wall0:
            self.busy = (cpu - self._cpu0) / (wall - self._wall0) >= self._share
        self._cpu0, self._wall0 = cpu, wall

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="atelier-load-gauge")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._period)
            self.sample()
