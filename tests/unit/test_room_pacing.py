"""A room's subscription: what arrives while it delivered only just now is gathered into one run (one
write per socket), a smaller room waits in proportion, a quiet room delivers at once, and
announcements out of seq order (two processes committing the same board) are put back in order
without reading the database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from atelier import hub
from atelier.broker import RESYNC, Inbox
from atelier.broker.memory import MemoryBroker
from atelier.domain import Event, Viewer
from atelier.hub import Room, RoomDeps
from atelier.load import LoadGauge
from atelier.service import decode_batch, encode_batch
from atelier.store import StoredEvent

from .test_room_delivery import frames_of, make_client

CHANNEL = "board:b1"


def stored(seq: int) -> StoredEvent:
    return StoredEvent(seq, Event("note.moved", {"id": f"n{seq}", "x": seq, "y": 0}))


class Log:
    """Stands for the database: the events committed so far, and how often it was read."""

    def __init__(self) -> None:
        self.events: list[StoredEvent] = []
        self.reads = 0

    async def between(self, board_id: str, after: int, upto: int) -> list[StoredEvent]:
        self.reads += 1
        return [e for e in self.events if after < e.seq <= upto]

    async def head(self, board_id: str) -> int:
        return self.events[-1].seq if self.events else 0


@pytest.fixture
async def setting(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[Room, MemoryBroker, Log, list[bytes]]]:
    broker, log = MemoryBroker(), Log()
    deps = RoomDeps(
        broker=broker,  # type: ignore[arg-type]
        events_between=log.between,
        head=log.head,
        channel=lambda board_id: CHANNEL,
        decode=decode_batch,
        heartbeat_seconds=60.0,
    )
    room = Room("b1", deps, presence=None)  # type: ignore[arg-type]
    monkeypatch.setattr(hub, "PACE_FULL_ROOM", 1)  # this room's one client makes it a full room
    client, direct = make_client(Viewer("p1", "participant"), 0)
    room.clients.add(client)
    task = asyncio.create_task(room._listen())
    await asyncio.wait_for(room._ready.wait(), 5)
    try:
        yield room, broker, log, direct.writes
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def commit(broker: MemoryBroker, log: Log, *seqs: int) -> None:
    events = [stored(s) for s in seqs]
    log.events = sorted([*log.events, *events], key=lambda e: e.seq)
    await broker.publish(CHANNEL, encode_batch("b1", events))


async def delivered(room: Room, seq: int) -> None:
    async def wait() -> None:
        while room.delivered_seq < seq:
            await asyncio.sleep(0.001)

    await asyncio.wait_for(wait(), 5)


def seqs(writes: list[bytes]) -> list[list[int]]:
    return [[frame["seq"] for frame in frames_of(wire)] for wire in writes]


async def test_what_arrives_just_after_a_delivery_goes_out_as_one_run(setting, monkeypatch) -> None:
    room, broker, log, writes = setting
    room.deps.pace_seconds = 0.5  # wide, so that the test's own pauses fit in
    await commit(broker, log, 1)
    await delivered(room, 1)
    for seq in (2, 3, 4):  # three commits, each announced on its own, a little apart
        await asyncio.sleep(0.01)
        await commit(broker, log, seq)
    await delivered(room, 4)
    assert seqs(writes) == [[1], [2, 3, 4]]
    assert log.reads == 0


async def test_a_smaller_room_waits_in_proportion(setting, monkeypatch) -> None:
    room, broker, log, writes = setting
    monkeypatch.setattr(hub, "PACE_FULL_ROOM", 100)
    room.deps.pace_seconds = 20.0  # one client of a full room's hundred: 0.2 s
    loop = asyncio.get_running_loop()
    await commit(broker, log, 1)
    await delivered(room, 1)
    first = loop.time()
    await commit(broker, log, 2)
    await delivered(room, 2)
    assert 0.19 <= loop.time() - first < 2.0
    assert seqs(writes) == [[1], [2]]


async def test_a_process_that_is_not_busy_never_makes_a_room_wait(setting) -> None:
    room, broker, log, writes = setting
    room.deps.pace_seconds = 5.0
    busy = [False]
    room.deps.busy = lambda: busy[0]
    loop = asyncio.get_running_loop()
    started = loop.time()
    for seq in (1, 2, 3):
        await commit(broker, log, seq)
        await delivered(room, seq)
    assert loop.time() - started < 2.0
    assert seqs(writes) == [[1], [2], [3]]
    busy[0] = True  # from now on, the next delivery waits out the pace since the last one
    await commit(broker, log, 4)
    await asyncio.sleep(0.2)
    assert room.delivered_seq == 3


def test_the_gauge_says_busy_from_the_process_cpu_share() -> None:
    now = {"cpu": 0.0, "wall": 100.0}
    gauge = LoadGauge(busy_share=0.5, cpu=lambda: now["cpu"], wall=lambda: now["wall"])
    assert not gauge.is_busy()
    now["cpu"], now["wall"] = 0.2, 100.25  # 80 % of a core over the last quarter second
    gauge.sample()
    assert gauge.is_busy()
    now["cpu"], now["wall"] = 0.3, 100.5  # 40 %
    gauge.sample()
    assert not gauge.is_busy()
    gauge.sample()  # no time went by: the last reading stands
    assert not gauge.is_busy()


async def test_a_quiet_room_delivers_at_once(setting, monkeypatch) -> None:
    room, broker, log, writes = setting
    room.deps.pace_seconds = 0.3
    loop = asyncio.get_running_loop()
    await commit(broker, log, 1)
    started = loop.time()
    await delivered(room, 1)
    assert loop.time() - started < 0.3, "nothing was delivered just before: no wait"
    await asyncio.sleep(0.35)  # longer than the pace since the last delivery
    await commit(broker, log, 2)
    started = loop.time()
    await delivered(room, 2)
    assert loop.time() - started < 0.3
    assert seqs(writes) == [[1], [2]]


async def test_announcements_out_of_order_are_delivered_in_order_without_reading_the_log(setting, monkeypatch) -> None:
    room, broker, log, writes = setting
    room.deps.pace_seconds = 0.5
    await commit(broker, log, 1)
    await delivered(room, 1)
    # Another process's commit of 3 is announced before this one's of 2, within the pace.
    events = [stored(2), stored(3)]
    log.events += events
    await broker.publish(CHANNEL, encode_batch("b1", [events[1]]))
    await broker.publish(CHANNEL, encode_batch("b1", [events[0]]))
    await delivered(room, 3)
    assert seqs(writes) == [[1], [2, 3]]
    assert log.reads == 0


async def test_a_resync_among_the_messages_reads_what_was_lost(setting, monkeypatch) -> None:
    room, broker, log, writes = setting
    await commit(broker, log, 1)
    await delivered(room, 1)
    log.events += [stored(2), stored(3)]  # committed, their announcement lost
    await broker.publish(CHANNEL, RESYNC)
    await delivered(room, 3)
    assert [s for run in seqs(writes) for s in run] == [1, 2, 3]
    assert log.reads == 1


def test_a_full_inbox_drops_its_oldest_message_for_a_resync() -> None:
    inbox = Inbox(limit=3)
    for message in (b"1", b"2", b"3", b"4"):
        inbox.put(message)
    assert inbox.take_waiting() == [b"2", b"3", RESYNC]
    assert inbox.take_waiting() == []
