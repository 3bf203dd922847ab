"""Group commits in parallel where the database runs them in parallel: on PostgreSQL a process keeps
several transactions in flight (different boards'), on SQLite one; either way every unit commits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import pytest

from atelier.clock import SystemClock
from atelier.domain import Event
from atelier.service import WRITER_LANES, BoardService
from atelier.settings import async_database_url
from atelier.store import EventStore
from atelier.store.db import make_engine
from atelier.store.migrate import migrate
from atelier.store.repository import Append
from atelier.writer import GroupWriter

BOARDS = [f"b_lane{i:012d}" for i in range(12)]


class OverlapStore(EventStore):
    """Records how many group commits were inside the database at once. With `hold`, a group commit
    that is alone waits (at most `hold` s) for a second one to come in before it goes on."""

    inside = 0
    most = 0
    hold = 0.0

    async def append_many(self, units: Sequence[Sequence[Append]]) -> list[Exception | None]:
        self.inside += 1
        self.most = max(self.most, self.inside)
        try:
            if self.hold:
                deadline = asyncio.get_running_loop().time() + self.hold
                while self.inside < 2 and asyncio.get_running_loop().time() < deadline:
                    await asyncio.sleep(0.005)
            return await super().append_many(units)
        finally:
            self.inside -= 1



@pytest.fixture
async def store(database_url: str) -> AsyncIterator[OverlapStore]:
    url = async_database_url(database_url)
    await asyncio.to_thread(migrate, url)
    made = OverlapStore(make_engine(url))
    for board_id in BOARDS:
        first = Append(board_id=board_id, first_seq=1, events=[Event("board.created", {})], actor=None, created_ms=1)
        await made.create_board(board_id=board_id, code=board_id[-6:].upper(), created_ms=1, append=first)
    yield made
    await made.close()


async def test_lanes_follow_the_database(store: OverlapStore) -> None:
    service = BoardService(store, broker=None, clock=SystemClock())  # type: ignore[arg-type]
    assert service.writer.lanes == (WRITER_LANES if store.engine.dialect.name == "postgresql" else 1)


async def test_units_commit_whole_whatever_the_lanes(store: OverlapStore) -> None:
    writer = GroupWriter(store, lanes=WRITER_LANES if store.concurrent_writes else 1)
    writer.start()
    try:
        # Each board's runs one after another (as BoardService commits them), all boards at once.
        async def board(board_id: str) -> None:
            for seq in range(2, 12, 2):
                events = [Event("note.added", {"text": f"{seq}"}), Event("note.added", {"text": f"{seq + 1}"})]
                await writer.submit_unit([Append(board_id, seq, events, actor="p_1", created_ms=2)])

        await asyncio.wait_for(asyncio.gather(*(board(b) for b in BOARDS)), 60)
    finally:
        await writer.close()
    for board_id in BOARDS:
        stored = await store.events_after(board_id=board_id, seq=1)
        assert [s.seq for s in stored] == list(range(2, 12))
        assert [s.event.data["text"] for s in stored] == [str(n) for n in range(2, 12)]


async def test_a_board_does_not_wait_for_another_boards_commit(store: OverlapStore) -> None:
    """While one board's group commit is in the database, another board's goes in beside it
    (PostgreSQL); on SQLite it waits its turn."""
    writer = GroupWriter(store, lanes=WRITER_LANES if store.concurrent_writes else 1)
    writer.start()
    store.hold = 0.5
    try:
        first = asyncio.create_task(writer.submit(Append(BOARDS[0], 2, [Event("note.added", {})], None, 2)))
        while not store.inside:
            await asyncio.sleep(0.001)
        second = writer.submit(Append(BOARDS[1], 2, [Event("note.added", {})], None, 2))
        await asyncio.wait_for(asyncio.gather(first, second), 30)
    finally:
        await writer.close()
    assert store.most == (2 if store.concurrent_writes else 1)
    assert [s.seq for s in await store.events_after(board_id=BOARDS[1], seq=1)] == [2]
