"""A board that two processes write to busily is decided under its lease (PostgreSQL advisory lock):
one process decides at a time, after folding what the other committed, instead of both deciding at the
same head and one throwing its run away."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from atelier.broker.memory import MemoryBroker
from atelier.clock import SystemClock
from atelier.domain import Command
from atelier.service import BoardService
from atelier.settings import async_database_url
from atelier.store import EventStore
from atelier.store import repository as repo
from atelier.store.db import make_engine
from atelier.store.migrate import migrate
from tests.support.stores import CountingStore


@pytest.fixture
def database(pg_url: str) -> str:
    return async_database_url(pg_url)


@pytest.fixture
async def store(database: str) -> AsyncIterator[EventStore]:
    await asyncio.to_thread(migrate, database)
    made = EventStore(make_engine(database))
    yield made
    await made.close()


async def test_one_holder_per_board_at_a_time(store: EventStore) -> None:
    order: list[str] = []

    async def hold(board: str, name: str, seconds: float) -> None:
        async with store.board_lease(board_id=board) as held:
            assert held
            order.append(f"{name}+")
            await asyncio.sleep(seconds)
            order.append(f"{name}-")

    first = asyncio.create_task(hold("b_one", "a", 0.5))
    await asyncio.sleep(0.1)
    await asyncio.gather(hold("b_one", "b", 0), hold("b_two", "c", 0), first)
    # c (another board) did not wait for a; b (the same board) did.
    assert order.index("c+") < order.index("a-") < order.index("b+")


async def test_a_lease_not_granted_in_time_lets_the_caller_go_on(store: EventStore, monkeypatch) -> None:
    monkeypatch.setattr(repo, "LEASE_WAIT", 0.2)
    async with store.board_lease(board_id="b_one") as first, store.board_lease(board_id="b_one") as second:
        assert first and not second
    async with store.board_lease(board_id="b_one") as again:
        assert again  # nothing was left held


async def test_sqlite_has_no_lease(tmp_path: Path) -> None:
    url = async_database_url(f"sqlite:///{tmp_path / 'atelier.db'}")
    await asyncio.to_thread(migrate, url)
    made = EventStore(make_engine(url))
    try:
        async with made.board_lease(board_id="b_one") as held:
            assert not held
    finally:
        await made.close()


async def test_after_a_conflict_the_board_is_decided_under_its_lease(database: str) -> None:
    await asyncio.to_thread(migrate, database)
    # Two services on one database with separate brokers: two processes that do not hear each other,
    # so only the lease (not BoardService.observe) can keep b's copy current.
    a, b = (BoardService(CountingStore(make_engine(database)), MemoryBroker(), SystemClock()) for _ in range(2))
    for service in (a, b):
        service.start()
    try:
        created = await a.create_board(title="Atelier", language="fr")
        board_id = created.board_id
        await a.execute(board_id, created.participant_id, Command("phase.set", {"phase": "divergence"}))
        pid, _ = await a.join(board_id=board_id, name="Aline", organisation=None)
        await b.runtime(board_id)

        await a.execute(board_id, pid, Command("note.add", {"text": "a1"}))
        await b.execute(board_id, pid, Command("note.add", {"text": "b1"}))  # stale copy: conflicts once
        assert b.store.conflicts == 1
        await a.execute(board_id, pid, Command("note.add", {"text": "a2"}))
        await b.execute(board_id, pid, Command("note.add", {"text": "b2"}))  # under the lease: caught up first
        assert b.store.conflicts == 1
        texts = [n.text for n in (await a.current(board_id)).state.notes.values()]
        assert texts == ["a1", "b1", "a2", "b2"]
    finally:
        for service in (a, b):
            await service.close()
            await service.store.close()
