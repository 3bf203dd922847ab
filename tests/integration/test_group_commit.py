"""A group commit on either database: one unit that lost its seq (to another process) fails alone, the
others of the group commit together, and nothing of the failed unit is left behind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from atelier.domain import Event
from atelier.settings import async_database_url
from atelier.store import Conflict, EventStore, Invalid
from atelier.store.db import make_engine
from atelier.store.migrate import migrate
from atelier.store.repository import Append

A, B = "b_aaaaaaaaaaaaaaaa", "b_bbbbbbbbbbbbbbbb"



@pytest.fixture
async def store(database_url: str) -> AsyncIterator[EventStore]:
    url = async_database_url(database_url)
    await asyncio.to_thread(migrate, url)
    made = EventStore(make_engine(url))
    yield made
    await made.close()


async def _board(store: EventStore, board_id: str) -> None:
    first = Append(board_id=board_id, first_seq=1, events=[Event("board.created", {})], actor=None, created_ms=1)
    await store.create_board(board_id=board_id, code=board_id[-6:].upper(), created_ms=1, append=first)


def _note(board_id: str, seq: int, actor: str, cid: str | None, text: str) -> Append:
    event = Event("note.added", {"text": text})
    return Append(board_id=board_id, first_seq=seq, events=[event], actor=actor, created_ms=2, cid=cid)


async def test_the_unit_that_lost_its_seq_fails_alone(store: EventStore) -> None:
    await _board(store, A)
    await _board(store, B)
    await store.append(_note(A, 2, "p_1", "c1", "written by another process"))
    outcomes = await store.append_many(
        [
            [_note(B, 2, "p_2", "c1", "b2"), _note(B, 3, "p_2", "c2", "b3")],
            [_note(A, 2, "p_3", None, "lost"), _note(A, 3, "p_3", None, "lost too")],
            [_note(B, 4, "p_4", None, "b4")],
            [_note(A, 2, "p_1", "c1", "resent")],
        ]
    )
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], Conflict) and isinstance(outcomes[3], Conflict)
    assert [e.event.data["text"] for e in await store.events_after(board_id=B, seq=1)] == ["b2", "b3", "b4"]
    assert [e.event.data["text"] for e in await store.events_after(board_id=A, seq=1)] == [
        "written by another process"
    ]
    assert await store.command_seq(board_id=B, actor="p_2", cid="c2") == 3
    # The next group on the same store commits: nothing was left half-open.
    assert await store.append_many([[_note(A, 3, "p_9", None, "next")], [_note(B, 5, "p_9", None, "b5")]]) == [
        None,
        None,
    ]


async def test_a_value_longer_than_its_column_is_refused_not_cut(store: EventStore) -> None:
    """PostgreSQL's one-statement group commit passes each column as an array: those arrays are cast to
    unbounded types, so that the column itself refuses an over-long value as a plain INSERT would,
    instead of a VARCHAR(40) cast cutting it silently. (SQLite does not check lengths: no refusal.)"""
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps any length of text")
    await _board(store, A)
    too_long = "p_" + "x" * 39  # actor is VARCHAR(40)
    [outcome] = await store.append_many([[_note(A, 2, too_long, "c1", "refused")]])
    assert isinstance(outcome, Invalid), outcome
    assert await store.events_after(board_id=A, seq=1) == []
    assert await store.command_seq(board_id=A, actor=too_long[:40], cid="c1") is None


async def test_postgresql_appends_without_locking_the_board_row(store: EventStore) -> None:
    """Migration 0003: no foreign key from event to board on PostgreSQL (its check locked the board's
    row for every event appended); SQLite keeps it."""
    from sqlalchemy import text

    async with store.engine.connect() as conn:
        if store.engine.dialect.name == "postgresql":
            found = await conn.execute(
                text("SELECT count(*) FROM pg_constraint WHERE conrelid = 'event'::regclass AND contype = 'f'")
            )
        else:
            found = await conn.execute(text("SELECT count(*) FROM pragma_foreign_key_list('event')"))
        count = found.scalar_one()
    assert count == (0 if store.engine.dialect.name == "postgresql" else 1)
    await _board(store, A)
    assert await store.append_many([[_note(A, 2, "p_1", "c1", "written")]]) == [None]


async def test_a_unit_whose_value_cannot_be_stored_fails_alone(store: EventStore) -> None:
    """A value that does not encode (a lone surrogate) or that the database refuses (too long for its
    column) fails its own unit with Invalid; the other boards' units of the same group commit."""
    await _board(store, A)
    await _board(store, B)
    bad_units = [[_note(B, 2, "p_9", "c9", "x\ud800")]]
    if store.engine.dialect.name == "postgresql":
        bad_units.append([_note(B, 2, "p_" + "x" * 39, "c8", "actor too long")])
    for bad in bad_units:
        outcomes = await store.append_many(
            [
                [_note(A, len(await store.events_after(board_id=A, seq=0)) + 1, "p_1", None, "kept")],
                bad,
                [_note(A, len(await store.events_after(board_id=A, seq=0)) + 2, "p_2", None, "kept too")],
            ]
        )
        assert outcomes[0] is None and outcomes[2] is None, outcomes
        assert isinstance(outcomes[1], Invalid), outcomes
    texts = [e.event.data["text"] for e in await store.events_after(board_id=A, seq=1)]
    assert texts == ["kept", "kept too"] * len(bad_units)
    assert await store.events_after(board_id=B, seq=1) == []
    assert await store.append_many([[_note(B, 2, "p_9", "c9", "valid now")]]) == [None]
