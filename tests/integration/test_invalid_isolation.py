"""The command pipeline over a real database: a command whose events cannot be stored (a value that
validation would refuse, slipped past it) fails alone, with Invalid; the other commands committed in
the same group, on its board and on others, are decided again without it and all succeed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from atelier.broker import make_broker
from atelier.clock import SystemClock
from atelier.domain import Command
from atelier.service import BoardService, new_id
from atelier.settings import async_database_url
from atelier.store import EventStore, Invalid
from atelier.store.db import make_engine
from atelier.store.migrate import migrate


@pytest.fixture
async def service(database_url: str) -> AsyncIterator[BoardService]:
    url = async_database_url(database_url)
    await asyncio.to_thread(migrate, url)
    store = EventStore(make_engine(url))
    broker = make_broker(None)
    await broker.start()
    svc = BoardService(store, broker, SystemClock())
    svc.start()
    yield svc
    await svc.close()
    await broker.close()
    await store.close()


async def test_a_command_that_cannot_be_stored_fails_alone(service: BoardService) -> None:
    a = await service.create_board(title="Voisin", language="fr")
    b = await service.create_board(title="Visé", language="fr")
    await service.execute(a.board_id, a.participant_id, Command("phase.set", {"phase": "inspiration"}))

    async def note(k: int) -> int:
        return await service.execute(a.board_id, a.participant_id, Command("note.add", {"text": f"Idée {k}"}))

    async def bad_join() -> int:
        # The domain never sees text: the protocol cleans it. Bypassing it, as a bug would, must still
        # fail only this command.
        return await service.execute(b.board_id, new_id("p"), Command("participant.join", {"name": "x\ud800"}))

    async def good_join(k: int) -> tuple[str, str]:
        return await service.join(board_id=b.board_id, name=f"Personne {k}", organisation=None)

    results = await asyncio.gather(
        *(note(k) for k in range(30)), bad_join(), *(good_join(k) for k in range(30)), bad_join(),
        return_exceptions=True,
    )
    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(failures) == 2 and all(isinstance(f, Invalid) for f in failures), failures
    a_state = (await service.current(a.board_id)).state
    b_state = (await service.current(b.board_id)).state
    assert sorted(n.text for n in a_state.notes.values()) == sorted(f"Idée {k}" for k in range(30))
    assert sorted(p.name for p in b_state.participants.values()) == sorted(
        ["Animation", *(f"Personne {k}" for k in range(30))]
    )
    # The log stayed contiguous on both boards, and nothing of the failed commands is in it.
    for board_id in (a.board_id, b.board_id):
        events = await service.store.events_after(board_id=board_id, seq=0)
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert all("\ud800" not in str(e.event.data) for e in events)
