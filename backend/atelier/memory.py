"""Give freed memory back to the system after a load leaves (glibc's malloc_trim, where there is one).

Why: a thousand sockets welcomed with a large board allocate and free many large buffers; CPython
returns its own arenas when they empty, but glibc keeps what `free` released at the top of and inside
its heap for reuse, so the process stayed at its peak long after the load (106 → 166 MB once 1,500
sockets had gone). `malloc_trim(0)` returns those pages; it costs a few milliseconds on a large heap,
runs on a thread (ctypes releases the GIL) and at most once per `MIN_INTERVAL`, a moment after
departures have stopped. On another libc it does nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import logging
from collections.abc import Callable

log = logging.getLogger("atelier.memory")

QUIET_SECONDS = 2.0  # departures must have stopped this long
MIN_INTERVAL = 10.0
DEPARTURES = 50  # sockets gone since the last trim before one is worth it (or a room closed)


def _trim_function() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


class Trimmer:
    def __init__(self) -> None:
        self._trim = _trim_function()
        self._departures = 0
        self._timer: asyncio.TimerHandle | None = None
        self._last = float("-inf")
        self._task: asyncio.Task[None] | None = None

    def departed(self, count: int = 1, *, room_closed: bool = False) -> None:
        """Sockets left: trim a moment after the departures stop, if enough went."""
        if self._trim is None:
            return
        self._departures += count
        if self._departures < DEPARTURES and not room_closed:
            return
        loop = asyncio.get_running_loop()
        if self._timer is not None:
            self._timer.cancel()
        delay = max(QUIET_SECONDS, self._last + MIN_INTERVAL - loop.time())
        self._timer = loop.call_later(delay, self._start)

    def _start(self) -> None:
        self._timer = None
        if self._task is not None and not self._task.done():
            return
        self._departures = 0
        self._last = asyncio.get_running_loop().time()
        self._task = asyncio.create_task(self._run(), name="atelier-malloc-trim")

    async def _run(self) -> None:
        trim = self._trim
        if trim is None:
            return
        with contextlib.suppress(Exception):
            await asyncio.to_thread(trim, 0)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
