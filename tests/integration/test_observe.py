"""Two board services on one database stand for two processes: what one commits, the other folds
when its room delivers it (BoardService.observe), so its next command is decided at the head and
commits without first conflicting — also when the run arrives while that board is busy."""

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
from atelier.store.db import make_engine
from atelier.store.migrate import migrate
from tests.support.stores import CountingStore


@pytest.fixture
async def pair(tmp_path: Path) -> AsyncIterator[tuple[BoardService, BoardService]]:
    url = async_database_url(f"sqlite:///{tmp_path / 'atelier.db'}")
    await asyncio.to_thread(migrate, url)
    services = [BoardService(CountingStore(make_engine(url)), MemoryBroker(), SystemClock()) for _ in range(2)]
    for service in services:
        service.start()
    yield services[0], services[1]
    for service in services:
        await service.close()
        await service.store.close()


async def _board(a: BoardService, b: BoardService) -> tuple[str, str, str]:
    created = await a.create_board(title="Atelier", language="fr")
    await a.execute(created.board_id, created.participant_id, Command("phase.set", {"phase": "divergence"}))
    pid, _ = await a.join(board_id=created.board_id, name="Aline", organisation=None)
    await b.runtime(created.board_id)  # b has its copy, as of now
    return created.board_id, created.participant_id, pid


async def _written_by(service: BoardService, board_id: str, pid: str, texts: list[str]) -> list:
    """Notes added through `service`; returns the run of events a room would deliver for them."""
    before = (await service.runtime(board_id)).seq
    for text in texts:
        await service.execute(board_id, pid, Command("note.add", {"text": text}))
    return await service.store.events_after(board_id=board_id, seq=before)


async def test_what_another_process_committed_is_followed(pair) -> None:
    a, b = pair
    board_id, _, pid = await _board(a, b)
    rt_b = await b.runtime(board_id)
    before = rt_b.seq
    run = await _written_by(a, board_id, pid, ["idée 0", "idée 1", "idée 2"])
    rt_a = await a.runtime(board_id)
    assert rt_b.seq == before < rt_a.seq

    b.observe(board_id, run)
    assert rt_b.seq == rt_a.seq
    assert rt_b.state.to_json() == rt_a.state.to_json()
    await b.execute(board_id, pid, Command("note.add", {"text": "depuis b"}))
    assert b.store.conflicts == 0
    assert len((await a.current(board_id)).state.notes) == 4


async def test_a_run_that_arrives_while_the_board_is_busy_is_folded_before_the_next_decision(pair) -> None:
    a, b = pair
    board_id, _, pid = await _board(a, b)
    rt_b = await b.runtime(board_id)
    before = rt_b.seq
    run = await _written_by(a, board_id, pid, ["une"])
    async with rt_b.lock:  # b is deciding something else
        b.observe(board_id, run)
        assert rt_b.seq == before
    await b.execute(board_id, pid, Command("note.add", {"text": "deux"}))
    assert b.store.conflicts == 0
    assert [n.text for n in (await b.current(board_id)).state.notes.values()] == ["une", "deux"]


async def test_a_run_that_does_not_follow_on_is_left_to_the_conflict_path(pair) -> None:
    a, b = pair
    board_id, _, pid = await _board(a, b)
    rt_b = await b.runtime(board_id)
    before = rt_b.seq
    run = await _written_by(a, board_id, pid, ["idée 0", "idée 1"])
    b.observe(board_id, run[1:])  # the first event is missing: nothing is folded
    assert rt_b.seq == before
    await b.execute(board_id, pid, Command("note.add", {"text": "depuis b"}))
    assert b.store.conflicts == 1  # found out by conflicting, then decided again at the head
    assert len((await b.current(board_id)).state.notes) == 3
