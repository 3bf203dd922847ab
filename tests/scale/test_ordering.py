"""Per-board ordering between writers that do not share memory: two BoardService instances, each with
its own engine and cache (as two processes have), on one database; and draining on close."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import orjson
import pytest

from atelier import protocol
from atelier.broker.memory import MemoryBroker
from atelier.clock import SystemClock
from atelier.domain import Command, DomainError
from atelier.service import BoardService
from atelier.settings import async_database_url
from atelier.store import EventStore, Unavailable
from atelier.store.db import make_engine
from atelier.store.migrate import migrate
from tests.conftest import need_service


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same suite on both stores (SQLite is shared by processes through its file)."""
    if request.param == "sqlite":
        return async_database_url(f"sqlite:///{tmp_path / 'atelier.db'}")
    need_service("PostgreSQL", "127.0.0.1", 5432)
    return async_database_url(request.getfixturevalue("pg_url"))


@pytest.fixture
async def two_writers(db_url: str) -> AsyncIterator[tuple[BoardService, BoardService]]:
    await asyncio.to_thread(migrate, db_url)
    made = []
    for _ in range(2):
        service = BoardService(EventStore(make_engine(db_url)), MemoryBroker(), SystemClock())
        service.start()
        made.append(service)
    yield made[0], made[1]
    for service in made:
        await service.close()
        await service.store.close()


def command(name: str, args: dict | None = None) -> Command:
    """Through the wire parser, as the socket does, so that defaults are filled the same way."""
    raw = orjson.dumps({"type": "cmd", "cid": "x", "name": name, "args": args or {}}).decode()
    frame = protocol.parse_client_frame(raw)
    assert isinstance(frame, protocol.Cmd)
    return Command(name, protocol.parse_args(frame))


async def _voting_board(service: BoardService, budget: int, voters: int) -> tuple[str, list[str], list[str]]:
    created = await service.create_board(title="Atelier", language="fr")
    board, fac = created.board_id, created.participant_id
    await service.execute(board, fac, command("phase.set", {"phase": "divergence"}))
    for i in range(3):
        await service.execute(board, fac, command("note.add", {"text": f"piste {i}"}))
    await service.execute(board, fac, command("votes.configure", {"budget": budget}))
    await service.execute(board, fac, command("phase.set", {"phase": "convergence"}))
    people = [(await service.join(board_id=board, name=f"P{i}", organisation=None))[0] for i in range(voters)]
    notes = sorted((await service.current(board)).state.notes)
    return board, people, notes


async def _log(service: BoardService, board: str) -> list:
    return await service.store.events_after(board_id=board, seq=0)


async def test_a_stale_writer_loses_the_race_and_decides_again(two_writers):
    one, two = two_writers
    board, (alice,), notes = await _voting_board(one, budget=3, voters=1)
    await two.runtime(board)  # two's copy: alice has no dot yet
    for _ in range(3):
        await one.execute(board, alice, command("vote.add", {"note_id": notes[0]}))
    # Deciding on its copy, two would accept a 4th dot; the append conflicts, two catches up, refuses.
    with pytest.raises(DomainError) as refused:
        await two.execute(board, alice, command("vote.add", {"note_id": notes[1]}))
    assert refused.value.code == "vote_budget_exhausted"
    log = await _log(two, board)
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    assert sum(e.event.name == "vote.added" for e in log) == 3


async def test_a_stale_writer_does_not_refuse_what_the_head_allows(two_writers):
    one, two = two_writers
    created = await one.create_board(title="Atelier", language="fr")
    alice, _ = await one.join(board_id=created.board_id, name="Alice", organisation=None)
    await two.runtime(created.board_id)  # two's copy is still in the first phase, where notes are refused
    await one.execute(created.board_id, created.participant_id, command("phase.set", {"phase": "divergence"}))
    seq = await two.execute(created.board_id, alice, command("note.add", {"text": "Une idée"}))
    assert seq == len(await _log(one, created.board_id))


async def test_concurrent_votes_through_two_writers_keep_the_budget(two_writers):
    one, two = two_writers
    board, people, notes = await _voting_board(one, budget=3, voters=8)
    await two.runtime(board)

    async def vote(service: BoardService, person: str, k: int) -> str | None:
        try:
            await service.execute(board, person, command("vote.add", {"note_id": notes[k % 3]}), cid=f"{person}-{k}")
        except DomainError as exc:
            return exc.code
        return None

    outcomes = await asyncio.gather(
        *(vote((one, two)[k % 2], person, k) for person in people for k in range(8))
    )
    assert Counter(outcomes) == Counter({None: 3 * len(people), "vote_budget_exhausted": 5 * len(people)})
    log = await _log(one, board)
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    per_voter = Counter(e.event.data["participant_id"] for e in log if e.event.name == "vote.added")
    assert per_voter == Counter({person: 3 for person in people})
    # Both writers' copies agree with the log.
    assert (await one.current(board)).state.tallies() == (await two.current(board)).state.tallies()


async def test_close_lets_in_flight_commands_finish_before_the_writer_stops(two_writers):
    one, _ = two_writers
    created = await one.create_board(title="Atelier", language="fr")
    board, fac = created.board_id, created.participant_id
    head = len(await _log(one, board))
    tasks = [
        asyncio.create_task(one.execute(board, fac, command("question.set", {"text": f"Q{i}"}), cid=f"q{i}"))
        for i in range(30)
    ]
    await asyncio.sleep(0)  # every command has started (is in flight) before the shutdown begins
    await one.close()
    # None was cancelled, failed or left hanging (stopping the writer first leaves one waiting forever).
    seqs = await asyncio.wait_for(asyncio.gather(*tasks), 60)
    assert sorted(seqs) == list(range(head + 1, head + 31))
    assert len(await _log(one, board)) == head + 30
    with pytest.raises(Unavailable):  # after close, new commands are refused: clients go elsewhere
        await one.execute(board, fac, command("question.set", {"text": "trop tard"}))
