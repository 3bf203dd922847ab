"""Rooms of live connections in this process: fan-out in seq order, presence, bounded send queues."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from . import protocol
from .broker import ERASED, RESYNC, Broker
from .domain import Viewer, closes, event_for_others, sees_in_full, sees_restricted
from .memory import Trimmer
from .messages import message
from .presence import BoardPresence, Presence
from .store import StoredEvent
from .turns import Turns
from .wire import Batch, Outgoing, Welcome, direct_socket

log = logging.getLogger("atelier.hub")

CLOSE_SERVICE_RESTART = 1012
CLOSE_TOO_SLOW = 1013
CLOSE_POLICY = 1008
CLOSE_RELOAD = 4001  # the viewer's rights changed: reconnect without last_seq for a fresh state
CLOSE_GONE = 4004  # the board, or this person's access to it, was erased: do not reconnect
# This credential opened more sockets than it may hold at once and this one is its oldest: the page
# that held it was replaced by a newer one, and must not reconnect (it would close the newer one).
CLOSE_REPLACED = 4002
CLOSE_REASONS = {
    CLOSE_SERVICE_RESTART: "service restart",
    CLOSE_TOO_SLOW: "too slow",
    CLOSE_POLICY: "policy",
    CLOSE_RELOAD: "reload",
    CLOSE_GONE: "erased",
    CLOSE_REPLACED: "replaced",
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
# A welcome larger than this is written in slices of this size as its reader takes them, so that a
# reader who never reads holds at most its send buffer, not a private copy of a large board.
WELCOME_SLICE = 64 * 1024
WELCOME_POLL_SECONDS = 0.02
# A welcome its reader has not taken this long after it began is abandoned (the socket is dropped).
WELCOME_SECONDS = 60.0
# Welcomes built and written in one pass of the event loop (turns.py): a storm of a thousand
# hellos then leaves the loop, every few milliseconds, to everyone else this process serves.
WELCOMES_PER_PASS = 16
PRESENCE_COALESCE_SECONDS = 0.25
# Arrivals and departures are told to presence at most this often: a storm of a thousand people
# would otherwise sort the whole room once per arrival.
PRESENCE_LOCAL_SECONDS = 0.05
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
        self,
        conn: Connection,
        viewer: Viewer,
        lang: str,
        buffer_limit: int,
        credential: str | None = None,
        key: str | None = None,
    ) -> None:
        self.conn = conn
        self.viewer = viewer
        # The stored credential's id (a participant's, or an access link's): what a revocation names.
        self.credential = credential if credential is not None else viewer.id
        self.lang = lang
        self.key = key  # the credential it opened with (hashed): its sockets share one budget
        self.budget: Any = None  # that shared budget (api/ws.py's RateLimit), set by the hub
        self.sent_seq = 0
        self._limit = buffer_limit
        self._largest = 0  # one big event frame is not a reader falling behind (the welcome aside)
        self._closed = False
        # While a large welcome is written slice by slice: what remains of it, and the event frames
        # that arrived meanwhile (written after it, in order; bounded like any other backlog).
        self._slices: deque[bytes | memoryview] | None = None
        self._held: list[bytes] = []
        self._held_bytes = 0
        self._pump: asyncio.TimerHandle | None = None
        self._welcome_deadline = 0.0
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
            if self._slices is not None:  # behind the welcome being written
                wire = batch.wire
                self._largest = max(self._largest, batch.largest)
                self._held_bytes += len(wire)
                if self._held_bytes > self._limit + self._largest:
                    self.close_soon(CLOSE_TOO_SLOW, front=True)
                    return
                self._held.append(wire)
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

    def send_welcome(self, welcome: Welcome) -> None:
        """The first frame. Its shared body is never copied whole for this socket: a large one is
        written in slices as the reader takes them, so a reader that never reads holds at most about
        its send buffer (plus what the kernel holds), whatever the size of the board."""
        if self._closed:
            return
        direct = self._direct
        if direct is None:
            text = welcome.text
            self._queued_bytes += len(text)
            self._queue.append(text)
            self._wakeup.set()
            return
        if direct.gone:
            self._closed = True
            return
        self._slices = deque(welcome.pieces(WELCOME_SLICE))
        self._welcome_deadline = asyncio.get_running_loop().time() + WELCOME_SECONDS
        self._write_welcome()

    def _write_welcome(self) -> None:
        self._pump = None
        slices, direct = self._slices, self._direct
        if slices is None or direct is None or self._closed:
            return
        if direct.gone:
            self._slices = None
            self._closed = True
            return
        while slices and direct.buffered() < self._limit:
            direct.write(slices.popleft())
        if slices:
            loop = asyncio.get_running_loop()
            if loop.time() > self._welcome_deadline:
                self._slices = None
                self._closed = True
                direct.abort_if_open()  # mid-frame: no close frame can follow; it resumes later
                return
            self._pump = loop.call_later(WELCOME_POLL_SECONDS, self._write_welcome)
            return
        self._slices = None
        held, self._held, self._held_bytes = self._held, [], 0
        for wire in held:
            direct.write(wire)

    def close_soon(self, code: int, *, front: bool = False) -> None:
        """Close after what is queued (or at once, dropping the queue, with `front`)."""
        if self._closed:
            return
        self._closed = True
        if self._slices is not None and self._direct is not None:
            # In the middle of the welcome's frame, where no close frame may go: drop the connection.
            self._slices = None
            self._held = []
            if self._pump is not None:
                self._pump.cancel()
            self._direct.abort_if_open()
            return
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
        self._slices = None
        self._held = []
        if self._pump is not None:
            self._pump.cancel()
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
    # Told when a board was erased (by any process): this process forgets its copy.
    gone: Callable[[str], None] | None = None


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
        # Sockets between the hub's admitting them and their joining `clients` (their welcome is
        # being built): the room is not empty while any is on its way (Hub.register).
        self.arriving = 0
        # The state at one seq as each audience sees it, encoded once for a reconnect storm.
        self._welcomes: dict[tuple[int, str | None, bool], bytes] = {}
        self._presence_frame: tuple[list[str], Outgoing] | None = None
        # person -> their sockets in `clients`; the sorted list of them, until it changes.
        self._sockets_of: dict[str, int] = {}
        self._local_online: list[str] | None = []
        self._local_push: asyncio.TimerHandle | None = None
        self._newcomers: list[Client] = []

    def state_body(self, seq: int, stand_in: Viewer, build: Callable[[], Any]) -> bytes:
        """The encoded `build()` (the state at `seq` as `stand_in`'s audience sees it), from the cache
        when another socket of that audience was welcomed at that seq; older seqs are dropped."""
        key = (seq, stand_in.role, stand_in.projector)
        body = self._welcomes.get(key)
        if body is None:
            if self._welcomes and next(iter(self._welcomes))[0] != seq:
                self._welcomes.clear()
            body = self._welcomes[key] = orjson.dumps(build())
        return body

    def presence_frame(self) -> Outgoing:
        """Who is online, encoded once for as long as it does not change (every newcomer gets it)."""
        online = self.online()
        cached = self._presence_frame
        if cached is None or cached[0] is not online:
            cached = self._presence_frame = (online, Outgoing(protocol.encode(protocol.presence(online))))
        return cached[1]

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name=f"atelier-room-{self.board_id}")
        self._beat = asyncio.create_task(self._heartbeat(), name=f"atelier-beat-{self.board_id}")
        self.presence = await self._presence_service.open(self.board_id, self._presence_changed)
        await self._ready.wait()

    async def stop(self) -> None:
        if self._presence_flush is not None:
            self._presence_flush.cancel()
        if self._local_push is not None:
            self._local_push.cancel()
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
        if ERASED in messages:
            self.erased()
            return
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
        removed = {i.event.data["id"] for i in run if i.event.name == "participant.removed"} if shut else set()
        for client in shut:
            # Told why, then closed as a policy close: the web app does not reconnect in a loop.
            why = "removed" if client.viewer.id in removed else None
            text = message("unauthorized", client.lang, why)
            client.send(protocol.encode(protocol.error("unauthorized", text, field=why)))
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

    def erased(self) -> None:
        """The board is gone: every socket closes with CLOSE_GONE, and nothing more is delivered."""
        for client in list(self.clients):
            client.close_soon(CLOSE_GONE)
        if self.deps.gone is not None:
            self.deps.gone(self.board_id)

    def _observe(self, run: list[StoredEvent]) -> None:
        """Let this process's copy of the board follow what other processes committed."""
        if run and self.deps.observe is not None:
            self.deps.observe(self.board_id, run)

    def broadcast(self, text: str) -> None:
        frame = Outgoing(text)
        for client in list(self.clients):
            client.send(frame)

    def join(self, client: Client) -> bool:
        """Add a socket; True when its person was not online on this process before."""
        self.clients.add(client)
        person = client.viewer.id
        if not person or client.viewer.projector:
            return False
        count = self._sockets_of.get(person, 0)
        self._sockets_of[person] = count + 1
        if count == 0:
            self._local_online = None
        return count == 0

    def leave(self, client: Client) -> bool:
        """Remove a socket; True when it was its person's last one on this process."""
        if client not in self.clients:
            return False
        self.clients.discard(client)
        person = client.viewer.id
        if not person or client.viewer.projector or person not in self._sockets_of:
            return False
        count = self._sockets_of[person] - 1
        if count:
            self._sockets_of[person] = count
            return False
        del self._sockets_of[person]
        self._local_online = None
        return True

    def local_online(self) -> list[str]:
        """Participants with an open socket on this process (a projector is not a person), kept by
        `join`/`leave`: a storm of a thousand sockets would otherwise scan the room per arrival."""
        if self._local_online is None:
            self._local_online = sorted(self._sockets_of)
        return self._local_online

    def local_changed(self, newcomer: Client | None = None) -> None:
        """Who has a socket here changed: tell presence soon, once for all that change meanwhile.
        If the merged view does not change (the newcomer is online on another process too), the
        newcomers are told who is here themselves."""
        if newcomer is not None:
            self._newcomers.append(newcomer)
        if self._local_push is None:
            self._local_push = asyncio.get_running_loop().call_later(PRESENCE_LOCAL_SECONDS, self._push_local)

    def _push_local(self) -> None:
        self._local_push = None
        newcomers, self._newcomers = self._newcomers, []
        changed = self.presence.set_local(self.local_online()) if self.presence is not None else False
        if not changed:
            frame = self.presence_frame()
            for client in newcomers:
                client.send(frame)

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
        frame = self.presence_frame()
        for client in list(self.clients):
            client.send(frame)


class Hub:
    """The rooms of this process. A room's whole life (opened for its first socket, a socket added or
    removed, closed after its last) happens under that board's lifecycle lock, so a socket can never
    join a room that its last leaver is stopping (a reload used to find such a dead room, and heard
    nothing until its next ping)."""

    def __init__(self, deps: RoomDeps, *, max_per_key: int = 0, budget: Callable[[], Any] | None = None) -> None:
        self.deps = deps
        self.presence = Presence(deps.broker, min(deps.heartbeat_seconds, PRESENCE_MAX_SECONDS))
        self.rooms: dict[str, Room] = {}
        # board id -> (its lifecycle lock, how many hold or await it): dropped when nobody does.
        self._opening: dict[str, tuple[asyncio.Lock, int]] = {}
        # credential key -> its open sockets on this process, oldest first (at most max_per_key).
        self._by_key: dict[str, OrderedDict[Client, None]] = {}
        self.max_per_key = max_per_key
        self._budget = budget
        self.trimmer = Trimmer()
        self.turns = Turns(WELCOMES_PER_PASS)

    @contextlib.asynccontextmanager
    async def _lifecycle(self, board_id: str) -> AsyncIterator[None]:
        lock, users = self._opening.get(board_id) or (asyncio.Lock(), 0)
        self._opening[board_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._opening[board_id]
            if users == 1:
                del self._opening[board_id]
            else:
                self._opening[board_id] = (lock, users - 1)

    async def register(
        self, board_id: str, client: Client, welcome: Callable[[Room], Awaitable[tuple[Welcome, int]]]
    ) -> Room:
        """Add `client` to its room with the welcome built under the room's lock."""
        await self.turns.take()
        async with self._lifecycle(board_id):
            room = self.rooms.get(board_id)
            if room is None:
                room = Room(board_id, self.deps, self.presence)
                await room.start()
                self.rooms[board_id] = room
            room.arriving += 1
        try:
            async with room.lock:
                message, seq = await welcome(room)
                client.send_welcome(message)
                client.sent_seq = seq
                arrived = room.join(client)
        except BaseException:
            async with self._lifecycle(board_id):
                room.arriving -= 1
                await self._close_if_empty(board_id, room)
            raise
        async with self._lifecycle(board_id):
            room.arriving -= 1
        self._admit(client)
        self.announce_presence(room, client, changed=arrived)
        return room

    def _admit(self, client: Client) -> None:
        """Count the socket against its credential; past the cap, its oldest socket is closed (4002)."""
        if client.key is None:
            if self._budget is not None:
                client.budget = self._budget()
            return
        sockets = self._by_key.setdefault(client.key, OrderedDict())
        if sockets:
            client.budget = next(iter(sockets)).budget
        elif self._budget is not None:
            client.budget = self._budget()
        sockets[client] = None
        while self.max_per_key and len(sockets) > self.max_per_key:
            oldest, _ = sockets.popitem(last=False)
            oldest.close_soon(CLOSE_REPLACED)

    async def unregister(self, board_id: str, client: Client) -> None:
        await client.stop()
        if client.key is not None:
            sockets = self._by_key.get(client.key)
            if sockets is not None:
                sockets.pop(client, None)
                if not sockets:
                    del self._by_key[client.key]
        async with self._lifecycle(board_id):
            room = self.rooms.get(board_id)
            if room is None:
                return
            left = room.leave(client)
            closed = await self._close_if_empty(board_id, room)
            if not closed and left:
                self.announce_presence(room)
        self.trimmer.departed(room_closed=closed)

    async def _close_if_empty(self, board_id: str, room: Room) -> bool:
        """Stop the room if nobody is in it or on their way (under the board's lifecycle lock)."""
        if room.clients or room.arriving or self.rooms.get(board_id) is not room:
            return False
        del self.rooms[board_id]
        await room.stop()
        return True

    def announce_presence(self, room: Room, newcomer: Client | None = None, *, changed: bool = True) -> None:
        """Tell this process's presence what its sockets hold when that `changed` (soon, in one go
        for a crowd); the room then broadcasts the merged view to everyone, the newcomer included.
        A newcomer who changed nothing still needs to be told who is here."""
        if changed:
            room.local_changed(newcomer)
        elif newcomer is not None:
            newcomer.send(room.presence_frame())

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
        self.trimmer.close()
        await self.presence.close()
