"""Turns per pass of the event loop, for work that arrives in crowds.

A thousand sockets saying hello at once (a server restart, a room's Wi-Fi coming back) would each
build and write their welcome in the same pass of the loop, since none of them waits on anything:
everything else this process serves (another workshop's notes, pings) waits that whole pass, a
quarter of a second. Taking a turn first lets at most `per_pass` through in one pass; the others
wait, in order, for the next passes, and the loop reads every other socket in between.
"""

from __future__ import annotations

import asyncio
from collections import deque


class Turns:
    def __init__(self, per_pass: int) -> None:
        self.per_pass = per_pass
        self._given = 0  # turns given in this pass
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._next: asyncio.Handle | None = None

    async def take(self) -> None:
        if self._given < self.per_pass and not self._waiting:
            self._given += 1
            self._schedule()
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        self._schedule()
        await waiter  # a cancelled waiter is skipped when its turn comes

    def _schedule(self) -> None:
        # Called back at the next pass: whatever was given in this one is then behind us.
        if self._next is None:
            self._next = asyncio.get_running_loop().call_soon(self._pass)

    def _pass(self) -> None:
        self._next = None
        self._given = 0
        while self._waiting and self._given < self.per_pass:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                self._given += 1
        if self._given:
            self._schedule()
