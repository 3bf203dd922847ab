"""A process alone with its database answers token lookups from memory (store/credentials.py): what
it committed needs no query, a board written before it started is read in one query, a wrong token
still asks the database, and an erased person's or board's tokens are no longer found."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import event

from atelier.domain import Event
from atelier.settings import async_database_url
from atelier.store import EventStore
from atelier.store.credentials import CredentialCache
from atelier.store.db import make_engine
from atelier.store.erasure import append_redacting, erase_board
from atelier.store.migrate import migrate
from atelier.store.repository import Append, hash_token

BOARD = "b_cccccccccccccccc"
CODE = "CACHE1"


class Counted:
    """Statements the store's engine sends (reads go through it; SQLite's writes have their thread)."""

    def __init__(self, store: EventStore) -> None:
        self.count = 0
        event.listen(store.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: object) -> None:
        self.count += 1


async def _open(url: str, *, cached: bool) -> EventStore:
    store = EventStore(make_engine(url))
    if cached:
        store.credentials = CredentialCache()
    return store


def _join(seq: int, person: str, token: str) -> Append:
    joined = Event("participant.joined", {"id": person, "name": person})
    return Append(
        board_id=BOARD, first_seq=seq, events=[joined], actor=person, created_ms=2,
        credential=(hash_token(token), person),
    )


@pytest.fixture
async def url(database_url: str) -> AsyncIterator[str]:
    made = async_database_url(database_url)
    await asyncio.to_thread(migrate, made)
    yield made


async def test_what_it_wrote_is_found_without_a_query(url: str) -> None:
    store = await _open(url, cached=True)
    try:
        first = Append(BOARD, 1, [Event("board.created", {})], "p_fac", 1, credential=(hash_token("t-fac"), "p_fac"))
        await store.create_board(board_id=BOARD, code=CODE, created_ms=1, append=first)
        outcomes = await store.append_many([[_join(2, "p_a", "t-a")], [_join(3, "p_b", "t-b")]])
        assert outcomes == [None, None]
        counted = Counted(store)
        assert await store.credential(token="t-fac") == (BOARD, "p_fac")
        assert await store.credential(token="t-b", board_id=BOARD) == (BOARD, "p_b")
        assert counted.count == 0
        # A wrong token is not remembered: each one asks the database (guessing stays costly).
        assert await store.credential(token="t-wrong", board_id=BOARD) is None
        assert await store.credential(token="t-wrong", board_id=BOARD) is None
        assert counted.count >= 3  # the board's one read, then one lookup each
    finally:
        await store.close()


async def test_a_board_written_before_is_read_once_then_erasures_forget(url: str) -> None:
    earlier = await _open(url, cached=False)
    tokens = [f"t-{i}" for i in range(200)]
    try:
        first = Append(BOARD, 1, [Event("board.created", {})], "p_fac", 1, credential=(hash_token("t-fac"), "p_fac"))
        await earlier.create_board(board_id=BOARD, code=CODE, created_ms=1, append=first)
        assert await earlier.append_many([[_join(2 + i, f"p_{i}", t)] for i, t in enumerate(tokens)]) == [None] * 200
    finally:
        await earlier.close()
    store = await _open(url, cached=True)
    try:
        counted = Counted(store)
        found = await asyncio.gather(*(store.credential(token=t, board_id=BOARD) for t in tokens))
        assert found == [(BOARD, f"p_{i}") for i in range(200)]
        assert counted.count == 1  # the whole board in one query, not one per socket

        # A person's erasure deletes their token: it is no longer found, from memory or the database.
        erased = Append(BOARD, 202, [Event("participant.erased", {"id": "p_7"})], "p_fac", 3)
        await append_redacting(store, erased, redact=lambda data: data, participant_id="p_7", snapshot="{}")
        assert await store.credential(token="t-7", board_id=BOARD) is None
        assert await store.credential(token="t-8", board_id=BOARD) == (BOARD, "p_8")

        assert await erase_board(store, board_id=BOARD, code=CODE, now_ms=4)
        assert await store.credential(token="t-8", board_id=BOARD) is None
        assert await store.credential(token="t-fac") is None
    finally:
        await store.close()
