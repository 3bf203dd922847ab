"""The one clock: injectable, so that timer tests never sleep."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Protocol


class Clock(Protocol):
    def now_ms(self) -> int: ...


class SystemClock:
    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


class OffsetClock:
    """The system clock plus a number of milliseconds read from a file, for tests that move the time
    of a server running in another process (e.g. past a board's retention) instead of sleeping. The
    file is read again whenever it changes; a missing or unreadable file means no offset."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: float | None = None
        self._offset = 0

    def now_ms(self) -> int:
        try:
            stamp = self.path.stat().st_mtime_ns
            if stamp != self._stamp:
                self._offset, self._stamp = int(self.path.read_text().strip() or 0), stamp
        except (OSError, ValueError):
            self._offset, self._stamp = 0, None
        return time.time_ns() // 1_000_000 + self._offset
