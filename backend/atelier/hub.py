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
from .domain import Viewer, closes, event_for_others, sees_in_full, sees_restricted
from .messages import message
from .presence import BoardPresence, Presence
from .store import StoredEvent
from .wire import Batch, Outgoing, direct_socket

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
# Why a room paces its deliveries: a write to a socket costs about as much as a dozen post-it-sized
# events in it (mostly the kernel's work), and a delivery writes to every socket of the room, so a
# busy room's cost per event follows how many events each delivery carries. Left to itself, that
# number follows the load (how many commands each loop pass happens to read), and a process with
# less to do spends more per event: measured here, two processes then delivered 1.3 times what one
# does, and with a 30 ms floor for rooms of 200, 1.7 times. Only a busy process paces (load.py):
# one with CPU to spare delivers at once. The wait grows with the room, like the cost of a delivery:
# a room of 12 waits at most 2 ms, and events a plenary sends 20 times a second never wait.
PACE_FULL_ROOM = 200
# A socket we closed whose peer has not taken its close frame this long after is dropped: a reader
# that stopped reading would otherwise hold the socket (and what is buffered for it) until TCP gives
# up, since a graceful close waits for the buffer to drain. It resumes like any dropped connection.
CLOSE_GRACE_SECONDS = 10.0
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

    def __init__(
        self, conn: Connection, viewer: Viewer, lang: str, buffer_limit: int, credential: str | None = None
    ) -> None:
        self.conn = conn
        self.viewer = viewer
        # The stored credential's id (a participant's, or an access link's): what a revocation names.
        self.credential = credential if credential is not None else viewer.id
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
        self.send_batch(Batch([Outgoing(frame) if isinstance(frame, str) else frame]))

    def send_many(self, frames: list[Outgoing]) -> None:
        """Send `frames` in order (one write on the direct path)."""
        if frames:
            self.send_batch(Batch(frames))

    def send_batch(self, batch: Batch) -> None:
        """Send a batch's frames in order; its joined bytes may be shared with other clients."""
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
            wire = batch.wire
            if batch.largest > self._largest:
                self._largest = batch.largest
            direct.write(wire)
            return
        for out in batch.frames:
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
            asyncio.get_running_loop().call_later(CLOSE_GRACE_SECONDS, self._direct.abort_if_open)
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
    # A room of PACE_FULL_ROOM or more that delivered less than this long ago lets what arrives
    # meanwhile gather, then sends it in one write per socket (a smaller room waits in proportion).
    pace_seconds: float = 0.03
    # Whether this process is busy enough for rooms to pace (load.LoadGauge); None: always.
    busy: Callable[[], bool] | None = None
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
        self._delivered_at = float("-inf")  # loop time of the last delivery
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
                async with self.deps.broker.subscribe(self.deps.channel(self.board_id)) as inbox:
                    # Subscribed first, then read the head: nothing committed after this is missed.
                    await self.repair()
                    self._ready.set()
                    async for first in inbox:
                        await self._pace()
                        await self._take([first, *inbox.take_waiting()])
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("room %s lost its subscription; retrying", self.board_id)
                await asyncio.sleep(0.5)

    async def _pace(self) -> None:
        if self.deps.busy is not None and not self.deps.busy():
            return
        pace = self.deps.pace_seconds * min(1.0, len(self.clients) / PACE_FULL_ROOM)
        wait = self._delivered_at + pace - asyncio.get_running_loop().time()
        if wait > 0:
            await asyncio.sleep(wait)

    async def _take(self, messages: list[bytes]) -> None:
        """Deliver what these broker messages announce, as one run (from several processes' commits,
        they may come out of seq order; a RESYNC among them means some were lost: read the database)."""
        if RESYNC in messages:
            await self.repair()
        stored = [item for raw in messages if raw != RESYNC for item in self.deps.decode(raw)]
        if stored:
            stored.sort(key=lambda item: item.seq)
            await self.receive(stored)

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
        """Give every client the events of this run it has not had, in one write.

        Each event is encoded once for everyone who sees it as others do; those frames, joined once,
        are written as the same bytes to every such socket, so a run costs each socket a check and
        a system call. Facilitators and the subjects of a restricted event (its author), and a client
        that already has part of the run, get their own frames."""
        run: list[StoredEvent] = []
        for item in items:
            if item.seq == self.delivered_seq + 1:
                run.append(item)
                self.delivered_seq = item.seq
        if not run:
            return
        self._delivered_at = asyncio.get_running_loop().time()
        first, last = run[0].seq, run[-1].seq
        common = [Outgoing(protocol.encode(protocol.event_message(i.seq, *event_for_others(i.event)))) for i in run]
        shared = Batch(common)
        restricted = [i.event for i in run if i.event.restricted]
        subjects: set[str] = set().union(*(e.subjects for e in restricted)) if restricted else set()
        # A participant whose role changed reloads (4001) once it has been sent that change.
        reloads = {i.event.data.get("id"): i.seq for i in run if i.event.name == "participant.role_changed"}
        # Access that ends (a revoked link, …) closes its sockets once they have had the event.
        ended = {cred: i.seq for i in run for cred in closes(i.event)}
        full: dict[int, Outgoing] = {}
        reload: list[Client] = []
        shut: list[Client] = []
        for client in self.clients:
            had = client.sent_seq
            if had >= last:
                continue
            viewer = client.viewer
            if had < first and not (restricted and sees_restricted(subjects, viewer)):
                client.send_batch(shared)
            else:
                client.send_many(self._own_frames(run, common, client, full))
            client.sent_seq = last
            if ended and had < max(ended.get(client.credential, 0), ended.get(viewer.id or "", 0)):
                shut.append(client)
            elif reloads and had < reloads.get(viewer.id, 0):
                reload.append(client)
        for client in reload:
            client.close_soon(CLOSE_RELOAD)
        for client in shut:
            # Told why, then closed as a policy close: the web app does not reconnect in a loop.
            client.send(protocol.encode(protocol.error("unauthorized", message("unauthorized", client.lang))))
            client.close_soon(CLOSE_POLICY)

    @staticmethod
    def _own_frames(
        run: list[StoredEvent], common: list[Outgoing], client: Client, full: dict[int, Outgoing]
    ) -> list[Outgoing]:
        """The frames of `run` for one client that does not simply take everyone's (`full` keeps the
        as-written frames of restricted events, encoded once per run)."""
        frames: list[Outgoing] = []
        for item, frame in zip(run, common, strict=True):
            if item.seq <= client.sent_seq:
                continue
            if item.event.restricted and sees_in_full(item.event, client.viewer):
                mine = full.get(item.seq)
                if mine is None:
                    message = protocol.event_message(item.seq, item.event.name, item.event.data)
                    mine = full[item.seq] = Outgoing(protocol.encode(message))
                frame = mine
            frames.append(frame)
        return frames

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
