"""A board's waiting commands are decided together and committed in one transaction; the unusual ones
in such a run (an already-accepted cid, a cid twice, a refusal) still get exactly their first answer."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from atelier.broker.memory import MemoryBroker
from atelier.clock import SystemClock
from atelier.domain import Command, DomainError
from atelier.service import BoardService
from atelier.settings import async_database_url
from atelier.store import EventStore
from atelier.store.db import make_engine
from atelier.store.migrate import migrate


@pytest.fixture
async def service(tmp_path: Path):
    url = async_database_url(f"sqlite:///{tmp_path / 'atelier.db'}")
    await asyncio.to_thread(migrate, url)
    svc = BoardService(EventStore(make_engine(url)), MemoryBroker(), SystemClock())
    svc.start()
    yield svc
    await svc.close()
    await svc.store.close()


def note(text: str) -> Command:
    return Command("note.add", {"text": text, "color": None, "x": None, "y": None, "for": None, "persona": None})


async def test_a_run_with_resends_and_refusals_answers_each_once(service: BoardService):
    created = await service.create_board(title="Atelier", language="fr")
    board, fac = created.board_id, created.participant_id
    people = [(await service.join(board_id=board, name=f"P{i}", organisation=None))[0] for i in range(6)]
    await service.execute(board, fac, Command("phase.set", {"phase": "inspiration"}))
    first = await service.execute(board, people[0], note("Déjà acceptée"), cid="c-0")
    head = (await service.current(board)).seq

    # Started together: the first caller's drain finds all of them queued and takes them as one run.
    answers = await asyncio.gather(
        *(service.execute(board, p, note(f"Idée {i}"), cid=f"c-{i}") for i, p in enumerate(people[1:], 1)),
        service.execute(board, people[0], note("Déjà acceptée"), cid="c-0"),  # accepted before
        service.execute(board, people[1], note("Idée 1"), cid="c-1"),  # the same cid twice in the run
        service.execute(board, people[2], Command("phase.set", {"phase": "convergence"}), cid="c-x"),
        return_exceptions=True,
    )
    *fresh, resent, twice, refused = answers
    assert resent == first
    assert isinstance(refused, DomainError) and refused.code == "forbidden"
    assert sorted(fresh) == list(range(head + 1, head + 6))
    assert twice == fresh[0]
    rt = await service.current(board)
    texts = sorted(n.text for n in rt.state.notes.values())
    assert texts == sorted(["Déjà acceptée", *(f"Idée {i}" for i in range(1, 6))])
    assert rt.seq == head + 5
    stored = await service.store.events_after(board_id=board, seq=0)
    assert [s.seq for s in stored] == list(range(1, rt.seq + 1))


async def test_a_resent_command_is_answered_without_sinking_its_run(service: BoardService, monkeypatch):
    """A client that resends what was accepted (or a flooder that repeats one cid) gets the first
    answer from memory: the others' commands of the run commit together, nothing is read again."""
    created = await service.create_board(title="Atelier", language="fr")
    board, fac = created.board_id, created.participant_id
    people = [(await service.join(board_id=board, name=f"P{i}", organisation=None))[0] for i in range(4)]
    await service.execute(board, fac, Command("phase.set", {"phase": "inspiration"}))
    first = await service.execute(board, people[0], note("Déjà acceptée"), cid="c-0")
    head = (await service.current(board)).seq
    reads: list[str] = []
    for name in ("events_after", "latest_snapshot", "command_seq"):
        original = getattr(service.store, name)

        async def counted(*args, _original=original, _name=name, **kwargs):
            reads.append(_name)
            return await _original(*args, **kwargs)

        monkeypatch.setattr(service.store, name, counted)

    answers = await asyncio.gather(
        *(service.execute(board, p, note(f"Idée {i}"), cid=f"c-{i}") for i, p in enumerate(people[1:], 1)),
        *(service.execute(board, people[0], note("Déjà acceptée"), cid="c-0") for _ in range(5)),
    )
    fresh = answers[:3]
    assert answers[3:] == [first] * 5
    assert sorted(fresh) == list(range(head + 1, head + 4))
    assert reads == []  # no reload of the board, no lookup of the cid
    rt = await service.current(board)
    assert sorted(n.text for n in rt.state.notes.values()) == sorted(["Déjà acceptée", "Idée 1", "Idée 2", "Idée 3"])


async def test_a_resend_kept_recent_and_a_forgotten_one_found_in_one_query(service: BoardService, monkeypatch):
    """A flooder repeating one cid while the board commits hundreds of others stays answered from
    memory (a hit keeps it recent). A resend memory forgot (256 answers later, or after a restart)
    fails its run's insert once: one query finds it, and the rest of the run commits together
    again rather than one command at a time."""
    import atelier.service as service_module

    monkeypatch.setattr(service_module, "RECENT_ANSWERS", 8)
    created = await service.create_board(title="Atelier", language="fr")
    board, fac = created.board_id, created.participant_id
    people = [(await service.join(board_id=board, name=f"P{i}", organisation=None))[0] for i in range(4)]
    await service.execute(board, fac, Command("phase.set", {"phase": "inspiration"}))
    repeated = await service.execute(board, people[0], note("Répétée"), cid="r-0")
    forgotten = await service.execute(board, people[1], note("Oubliée"), cid="f-0")
    for i in range(20):  # the facilitator's notes, each answered while r-0 keeps being resent
        await service.execute(board, fac, note(f"Animateur {i}"), cid=f"a-{i}")
        assert await service.execute(board, people[0], note("Répétée"), cid="r-0") == repeated
    rt = await service.current(board)
    assert rt.answer_of(people[1], "f-0") is None and (people[0], "r-0") in rt.answers
    head = rt.seq
    commits: list[int] = []
    original = service.writer.submit_unit

    async def counted(appends, _original=original):
        commits.append(len(appends))
        return await _original(appends)

    monkeypatch.setattr(service.writer, "submit_unit", counted)
    answers = await asyncio.gather(
        *(service.execute(board, p, note(f"Idée {i}"), cid=f"c-{i}") for i, p in enumerate(people[2:], 2)),
        service.execute(board, people[1], note("Oubliée"), cid="f-0"),
        service.execute(board, people[0], note("Nouvelle"), cid="c-0"),
    )
    assert answers[2] == forgotten
    assert sorted([*answers[:2], answers[3]]) == list(range(head + 1, head + 4))
    assert commits == [4, 3], commits  # the failed run, then the same run without the resend
    rt = await service.current(board)
    assert sum(n.text == "Oubliée" for n in rt.state.notes.values()) == 1
    stored = await service.store.events_after(board_id=board, seq=0)
    assert [s.seq for s in stored] == list(range(1, rt.seq + 1))
