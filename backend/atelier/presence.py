"""Who is online on a board, across processes: beacons over the broker, merged with an expiry, never stored."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import secrets
from collections.abc import Callable, Iterable

import orjson

from .broker import RESYNC, Broker

log = logging.getLogger("atelier.presence")

EXPIRY_BEATS = 3  # a process silent for this many beats is gone (killed, or cut off)


COALESCE_SECONDS = 0.25


def presence_channel(board_id: str) -> str:
    return f"atelier:presence:{board_id}"


class Presence:
    """This process's side of the mechanism. Each process announces the participants it holds open
    sockets for, on the board's presence channel, whenever that changes and every `interval` seconds;
    it merges the others' announcements until they expire. The same code runs on the memory broker,
    where the only announcements are this process's own (ignored), so the merged view is the local one.
    Presence is volatile: it has no seq and never touches the event log."""

    def __init__(self, broker: Broker, interval: float) -> None:
        self.broker = broker
        self.interval = interval
        self.process_id = secrets.token_hex(8)
        self._numbers = itertools.count(1)
        self._boards: set[BoardPresence] = set()
        self._beat: asyncio.Task[None] | None = None

    async def open(self, board_id: str, on_change: Callable[[list[str]], None]) -> BoardPresence:
        board = BoardPresence(self, board_id, on_change)
        self._boards.add(board)
        if self._beat is None or self._beat.done():
            self._beat = asyncio.create_task(self._run(), name="atelier-presence-beat")
        await board.start()
        return board

    async def release(self, board: BoardPresence) -> None:
        self._boards.discard(board)
        await board.stop()

    async def close(self) -> None:
        for board in list(self._boards):
            await self.release(board)
        if self._beat is not None:
            self._beat.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._beat

    def number(self) -> int:
        return next(self._numbers)

    async def _run(self) -> None:
        """One task for every board of this process: many boards per process is the normal case."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.interval)
            boards = list(self._boards)
            now = loop.time()
            for board in boards:
                board.expire(now)
            await asyncio.gather(*(board.announce() for board in boards), return_exceptions=True)


class BoardPresence:
    def __init__(self, presence: Presence, board_id: str, on_change: Callable[[list[str]], None]) -> None:
        self.presence = presence
        self.board_id = board_id
        self.channel = presence_channel(board_id)
        self.on_change = on_change
        self.local: frozenset[str] = frozenset()
        # process id -> (announcement number, participant ids, expiry on the loop's clock)
        self.remote: dict[str, tuple[int, frozenset[str], float]] = {}
        self.online: list[str] = []
        self._ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._sending: set[asyncio.Task[None]] = set()
        self._scheduled = False

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name=f"atelier-presence-{self.board_id}")
        await self._ready.wait()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        for task in list(self._sending):
            task.cancel()
        # A goodbye, so that the other processes drop this one now rather than at expiry.
        self.local = frozenset()
        await self.announce()

    def set_local(self, ids: Iterable[str]) -> bool:
        """This process's online participants changed (or not); True when the merged view changed,
        in which case `on_change` was called with it."""
        local = frozenset(ids)
        if local != self.local:
            self.local = local
            self._announce_soon()
        return self._merge()

    def receive(self, raw: bytes) -> None:
        try:
            message = orjson.loads(raw)
            process, number, ids, ttl = message["p"], int(message["n"]), message["online"], float(message["ttl"])
        except Exception:
            log.warning("ignored a malformed presence message on board %s", self.board_id)
            return
        if process == self.presence.process_id:
            return
        known = self.remote.get(process)
        # Announcements may overtake each other on their way (different connections): keep the newest.
        if known is None or number > known[0]:
            expires = asyncio.get_running_loop().time() + ttl
            self.remote[process] = (number, frozenset(str(i) for i in ids), expires)
        if message.get("hello"):
            self._announce_soon()  # a process just opened this board: tell it who is here now
        self._merge()

    def expire(self, now: float) -> None:
        gone = [process for process, (_, _, expires) in self.remote.items() if expires <= now]
        for process in gone:
            del self.remote[process]
        if gone:
            self._merge()

    async def announce(self, *, hello: bool = False) -> None:
        message = {
            "p": self.presence.process_id,
            "n": self.presence.number(),
            "online": sorted(self.local),
            "ttl": self.presence.interval * EXPIRY_BEATS,
        }
        if hello:
            message["hello"] = True
        try:
            await self.presence.broker.publish(self.channel, orjson.dumps(message))
        except Exception:
            log.debug("presence announcement failed on board %s", self.board_id)

    def _announce_soon(self) -> None:
        """One announcement per quarter second at most: when a plenary of a thousand joins at once,
        each arrival must not publish the whole (growing) list again."""
        if self._scheduled:
            return
        self._scheduled = True
        asyncio.get_running_loop().call_later(COALESCE_SECONDS, self._announce_now)

    def _announce_now(self) -> None:
        self._scheduled = False
        task = asyncio.create_task(self.announce())
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    def _merge(self) -> bool:
        merged = set(self.local)
        for _, ids, _ in self.remote.values():
            merged |= ids
        online = sorted(merged)
        if online == self.online:
            return False
        self.online = online
        self.on_change(online)
        return True

    async def _listen(self) -> None:
        while True:
            try:
                async with self.presence.broker.subscribe(self.channel) as messages:
                    self._ready.set()
                    await self.announce(hello=True)
                    async for raw in messages:
                        if raw == RESYNC:
                            # Announcements were lost while the broker was away: ask everyone again.
                            await self.announce(hello=True)
                        else:
                            self.receive(raw)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("presence on board %s lost its subscription; retrying", self.board_id)
                self._ready.set()
                await asyncio.sleep(0.5)
