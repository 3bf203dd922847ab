"""Rooms of live connections in this process: fan-out in seq order, presence, bounded send queues."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from . import protocol
from .broker import RESYNC, Broker
from .domain import Viewer, event_for
from .presence import BoardPresence, Presence
from .store import StoredEvent
from .wire import Outgoing, direct_socket

log = logging.getLogger("atelier.hub")

CLOSE_SERVICE_RESTART = 1012
CLOSE_TOO_SLOW = 1013
CLOSE_POLICY = 1008
CLOSE_RELOAD = 4001  # the viewer's rights changed: reconnect without last_seq for a fresh state
CLOSE_REASONS = {
    CLOSE_SERVICE_RESTART: "service restart",
    CLOSE_TOO_SLOW: "too slow",
    CLOSE_POLICY: "policy",
    CLOSE_RELOAD: "reload",
}
PRESENCE_COALESCE_SECONDS = 0.25
PRESENCE_MAX_SECONDS = 5.0  # presence is announced at least this often, whatever the heartbeat


class Connection(Protocol):
    """What a room needs of a socket; FastAPI's WebSocket fits, and so does an in-memory pair."""

    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


class Client:
    """One connection. Frames go straight to the socket's transport where the server allows it
    (wire.py), else through a queue drained by a writer task. Either way the bytes waiting for this
    reader are bounded: a client that stops reading is closed with 1013 (and resumes later) instead of
    stalling everyone else's delivery or growing without limit."""

    def __init__(self, conn: Connection, viewer: Viewer, lang: str, buffer_limit: int) -> None:
        self.conn = conn
        self.viewer = viewer
        self.lang = lang
        self.sent_seq = 0
        self._limit = buffer_limit
        self._largest = 0  # one big frame (a welcome on a slow link) is not a reader falling behind
        self._closed = False
        self._direct = direct_socket(conn)
        self._queue: deque[str | int] = deque()  # the ASGI path: texts, then a close code
        self._queued_bytes = 0  # counted in characters: near enough to bytes for a bound
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        if self._direct is None:
            self._task = asyncio.create_task(self._write(), name="atelier-client-writer")

    @property
    def closed(self) -> bool:
        return self._closed

    def send(self, frame: Outgoing | str) -> None:
        self.send_many([Outgoing(frame) if isinstance(frame, str) else frame])

    def send_many(self, frames: list[Outgoing]) -> None:
        """Send `frames` in order (one write on the direct path)."""
        if self._closed:
            return
        direct = self._direct
        if direct is not None:
            if direct.gone:
                self._closed = True  # the reader side sees the disconnect and cleans up
                return
            if direct.buffered() > self._limit + self._largest:
                self.close_soon(CLOSE_TOO_SLOW, front=True)
                return
            if len(frames) == 1:
                wire = frames[0].wire
                self._largest = max(self._largest, len(wire))
            else:
                wire = b"".join([f.wire for f in frames])
                self._largest = max(self._largest, *(len(f.wire) for f in frames))
            direct.write(wire)
            return
        for out in frames:
            if self._queued_bytes > self._limit + self._largest:
                self.close_soon(CLOSE_TOO_SLOW, front=True)
                return
            size = len(out.text)
            self._largest = max(self._largest, size)
            self._queued_bytes += size
            self._queue.append(out.text)
        self._wakeup.set()

    def close_soon(self, code: int, *, front: bool = False) -> None:
        """Close after what is queued (or at once, dropping the queue, with `front`)."""
        if self._closed:
            return
        self._closed = True
        if self._direct is not None:
            # What was written is already in the transport, ahead of the close frame.
            self._task = asyncio.create_task(self._close(code), name="atelier-client-close")
            return
        if front:
            self._queue.clear()
        self._queue.append(code)
        self._wakeup.set()

    async def _close(self, code: int) -> None:
        with contextlib.suppress(Exception):
            await self.conn.close(code=code, reason=CLOSE_REASONS.get(code))

    async def _write(self) -> None:
        try:
            while True:
                await self._wakeup.wait()
                self._wakeup.clear()
                while self._queue:
                    item = self._queue.popleft()
                    if isinstance(item, int):
                        await self._close(item)
                        return
                    self._queued_bytes -= len(item)
                    await self.conn.send_text(item)
        except Exception:
            self._closed = True  # the socket went away; the reader side cleans up

    async def stop(self) -> None:
        self._closed = True
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task


Loader = Callable[[str, int], Awaitable[list[StoredEvent]]]
Head = Callable[[str], Awaitable[int]]


@dataclass
class RoomDeps:
    broker: Broker
    events_between: Callable[[str, int, int], Awaitable[list[StoredEvent]]]
    head: Head
    channel: Callable[[str], str]
    decode: Callable[[bytes], list[StoredEvent]]
    heartbeat_seconds: float
    # Told of every run of committed events the room delivers (from any process), so that the board
    # service keeps its copy current instead of discovering other processes' writes by conflicting.
    observe: Callable[[str, list[StoredEvent]], None] | None = None


class Room:
    def __init__(self, board_id: str, deps: RoomDeps, presence: Presence) -> None:
        self.board_id = board_id
        self.deps = deps
        self._presence_service = presence
        self.presence: BoardPresence | None = None
        self._presence_flush: asyncio.TimerHandle | None = None
        self.clients: set[Client] = set()
        self.delivered_seq = 0
        # Held while delivering and while a client registers, so that a newcomer's starting seq and
        # the room's deliveries never interleave (no gap, no duplicate).
        self.lock = asyncio.Lock()
        self._ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._beat: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name=f"atelier-room-{self.board_id}")
        self._beat = asyncio.create_task(self._heartbeat(), name=f"atelier-beat-{self.board_id}")
        self.presence = await self._presence_service.open(self.board_id, self._presence_changed)
        await self._ready.wait()

    async def stop(self) -> None:
        if self._presence_flush is not None:
            self._presence_flush.cancel()
        for task in (self._task, self._beat):
            if task:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if self.presence is not None:
            await self._presence_service.release(self.presence)

    async def _listen(self) -> None:
        while True:
            try:
                async with self.deps.broker.subscribe(self.deps.channel(self.board_id)) as messages:
                    # Subscribed first, then read the head: nothing committed after this is missed.
                    await self.repair()
                    self._ready.set()
                    async for raw in messages:
                        if raw == RESYNC:
                            await self.repair()
                        else:
                            await self.receive(self.deps.decode(raw))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("room %s lost its subscription; retrying", self.board_id)
                await asyncio.sleep(0.5)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.deps.heartbeat_seconds)
            try:
                await self.repair()
            except Exception:
                log.warning("heartbeat repair failed for room %s", self.board_id)
                continue
            self.broadcast(protocol.encode(protocol.heartbeat(self.delivered_seq)))

    async def repair(self) -> None:
        """Deliver whatever the database has beyond what this room delivered (the doorbell may drop)."""
        async with self.lock:
            head = await self.deps.head(self.board_id)
            if not self._ready.is_set() and self.delivered_seq == 0:
                self.delivered_seq = head
                return
            if head > self.delivered_seq:
                run = await self.deps.events_between(self.board_id, self.delivered_seq, head)
                self._deliver(run)
                self._observe(run)

    async def receive(self, stored: list[StoredEvent]) -> None:
        async with self.lock:
            run: list[StoredEvent] = []
            last = self.delivered_seq
            for item in stored:
                if item.seq <= last:
                    continue
                if item.seq > last + 1:
                    missing = await self.deps.events_between(self.board_id, last, item.seq - 1)
                    run += missing
                    last = missing[-1].seq if missing else last
                if item.seq == last + 1:
                    run.append(item)
                    last = item.seq
            self._deliver(run)
            self._observe(run)

    def _deliver(self, items: list[StoredEvent]) -> None:
        """Encode each event once per audience (not per socket), then give every client all of its
        frames of this run in one write: a group commit of many commands costs each socket one
        system call, not one per event."""
        outbox: dict[Client, list[Outgoing]] = {}
        reload: list[Client] = []
        for item in items:
            if item.seq != self.delivered_seq + 1:
                continue
            self.delivered_seq = item.seq
            frames: dict[tuple[str, int], Outgoing] = {}
            role_change = item.event.data.get("id") if item.event.name == "participant.role_changed" else None
            for client in self.clients:
                if client.sent_seq >= item.seq:
                    continue
                name, data = event_for(item.event, client.viewer)
                key = (name, id(data))
                frame = frames.get(key)
                if frame is None:
                    frame = frames[key] = Outgoing(protocol.encode(protocol.event_message(item.seq, name, data)))
                queued = outbox.get(client)
                if queued is None:
                    outbox[client] = [frame]
                else:
                    queued.append(frame)
                client.sent_seq = item.seq
                if role_change is not None and client.viewer.id == role_change:
                    reload.append(client)
        for client, queued in outbox.items():
            client.send_many(queued)
        for client in reload:
            client.close_soon(CLOSE_RELOAD)

    def _observe(self, run: list[StoredEvent]) -> None:
        """Let this process's copy of the board follow what other processes committed."""
        if run and self.deps.observe is not None:
            self.deps.observe(self.board_id, run)

    def broadcast(self, text: str) -> None:
        frame = Outgoing(text)
        for client in list(self.clients):
            client.send(frame)

    def local_online(self) -> list[str]:
        """Participants with an open socket on this process (a projector is not a person)."""
        return sorted({c.viewer.id for c in self.clients if c.viewer.id and not c.viewer.projector})

    def online(self) -> list[str]:
        """Participants online on any process (presence.py merges the others' announcements)."""
        return self.presence.online if self.presence is not None else self.local_online()

    def _presence_changed(self, online: list[str]) -> None:
        """Broadcast who is online at most four times a second: a thousand people arriving at once
        would otherwise each send everyone the whole list (a million frames)."""
        if self._presence_flush is None:
            loop = asyncio.get_running_loop()
            self._presence_flush = loop.call_later(PRESENCE_COALESCE_SECONDS, self._flush_presence)

    def _flush_presence(self) -> None:
        self._presence_flush = None
        self.broadcast(protocol.encode(protocol.presence(self.online())))


class Hub:
    def __init__(self, deps: RoomDeps) -> None:
        self.deps = deps
        self.presence = Presence(deps.broker, min(deps.heartbeat_seconds, PRESENCE_MAX_SECONDS))
        self.rooms: dict[str, Room] = {}
        self._opening: dict[str, asyncio.Lock] = {}

    async def room(self, board_id: str) -> Room:
        room = self.rooms.get(board_id)
        if room is not None:
            return room
        lock = self._opening.setdefault(board_id, asyncio.Lock())
        async with lock:
            room = self.rooms.get(board_id)
            if room is None:
                room = Room(board_id, self.deps, self.presence)
                await room.start()
                self.rooms[board_id] = room
        return room

    async def register(
        self, board_id: str, client: Client, welcome: Callable[[Room], Awaitable[tuple[dict[str, Any], int]]]
    ) -> Room:
        """Add `client` to its room with the welcome built under the room's lock."""
        room = await self.room(board_id)
        async with room.lock:
            message, seq = await welcome(room)
            client.send(protocol.encode(message))
            client.sent_seq = seq
            room.clients.add(client)
        self.announce_presence(room, client)
        return room

    async def unregister(self, board_id: str, client: Client) -> None:
        await client.stop()
        room = self.rooms.get(board_id)
        if room is None:
            return
        room.clients.discard(client)
        if room.clients:
            self.announce_presence(room)
            return
        del self.rooms[board_id]
        await room.stop()

    def announce_presence(self, room: Room, newcomer: Client | None = None) -> None:
        """Tell this process's presence what its sockets hold; the room broadcasts if the merged view
        changed, and a newcomer who changed nothing still needs to be told who is here."""
        changed = room.presence.set_local(room.local_online()) if room.presence else False
        if not changed and newcomer is not None:
            newcomer.send(protocol.encode(protocol.presence(room.online())))

    async def shutdown(self, code: int = CLOSE_SERVICE_RESTART) -> None:
        for room in list(self.rooms.values()):
            for client in list(room.clients):
                client.close_soon(code)
        await asyncio.sleep(0.2)  # let writers flush their close frames
        for room in list(self.rooms.values()):
            await room.stop()
            for client in list(room.clients):
                await client.stop()
        self.rooms.clear()
        await self.presence.close()
