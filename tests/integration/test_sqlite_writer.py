"""SQLite writes go through one writer thread, a transaction per hop: what that must keep — the
durability settings, the all-or-nothing of each unit, one conflict not sinking the others of a group,
and the mapping of SQLite's errors onto Conflict / Unavailable."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from atelier.domain import Event
from atelier.settings import async_database_url
from atelier.store import Conflict, EventStore, Unavailable
from atelier.store.db import make_engine
from atelier.store.migrate import migrate
from atelier.store.repository import Append
from atelier.store.sqlite_writer import SqliteWriter, transaction


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[EventStore]:
    url = async_database_url(f"sqlite:///{tmp_path / 'atelier.db'}")
    await asyncio.to_thread(migrate, url)
    made = EventStore(make_engine(url))
    yield made
    await made.close()


async def _board(store: EventStore, board_id: str) -> None:
    first = Append(board_id=board_id, first_seq=1, events=[Event("board.created", {"n": 0})], actor=None, created_ms=1)
    await store.create_board(board_id=board_id, code=board_id[-6:].upper(), created_ms=1, append=first)


def _note(board_id: str, seq: int, actor: str, cid: str | None, text: str) -> Append:
    event = Event("note.added", {"text": text}, restricted=True, public={"n": 1}, subjects=(actor,))
    return Append(board_id=board_id, first_seq=seq, events=[event], actor=actor, created_ms=2, cid=cid)


async def test_the_writer_connection_keeps_wal_and_full_sync(store: EventStore) -> None:
    assert store._sqlite is not None
    settings = await store._sqlite.run(
        lambda conn: (
            conn.execute("PRAGMA journal_mode").fetchone()[0],
            conn.execute("PRAGMA synchronous").fetchone()[0],
            conn.execute("PRAGMA foreign_keys").fetchone()[0],
        )
    )
    assert settings == ("wal", 2, 1)  # 2 = FULL: an acknowledged commit survives a power cut


async def test_a_group_commits_all_and_reads_back_the_same(store: EventStore) -> None:
    await _board(store, "b_aaaaaaaaaaaaaaaa")
    await _board(store, "b_bbbbbbbbbbbbbbbb")
    units = [
        [_note("b_bbbbbbbbbbbbbbbb", 2, "p_1", "c1", "un"), _note("b_bbbbbbbbbbbbbbbb", 3, "p_1", "c2", "deux")],
        [_note("b_aaaaaaaaaaaaaaaa", 2, "p_2", None, "trois")],
    ]
    assert await store.append_many(units) == [None, None]
    log = await store.events_after(board_id="b_bbbbbbbbbbbbbbbb", seq=1)
    assert [(e.seq, e.event.data["text"]) for e in log] == [(2, "un"), (3, "deux")]
    assert log[0].event.restricted and log[0].event.public == {"n": 1} and log[0].event.subjects == ("p_1",)
    assert await store.command_seq(board_id="b_bbbbbbbbbbbbbbbb", actor="p_1", cid="c2") == 3
    assert await store.head(board_id="b_aaaaaaaaaaaaaaaa") == 2


async def test_one_conflicting_unit_does_not_sink_the_others(store: EventStore) -> None:
    await _board(store, "b_aaaaaaaaaaaaaaaa")
    await _board(store, "b_bbbbbbbbbbbbbbbb")
    await store.append(_note("b_aaaaaaaaaaaaaaaa", 2, "p_1", "c1", "déjà là"))
    outcomes = await store.append_many(
        [
            [_note("b_bbbbbbbbbbbbbbbb", 2, "p_2", "c1", "ok"), _note("b_bbbbbbbbbbbbbbbb", 3, "p_2", "c2", "ok")],
            # seq 2 is taken: this whole unit fails, including its seq 3
            [_note("b_aaaaaaaaaaaaaaaa", 2, "p_3", None, "perdu"), _note("b_aaaaaaaaaaaaaaaa", 3, "p_3", None, "x")],
            [_note("b_aaaaaaaaaaaaaaaa", 2, "p_1", "c1", "renvoyé")],  # the same cid again
        ]
    )
    assert outcomes[0] is None
    assert isinstance(outcomes[1], Conflict) and isinstance(outcomes[2], Conflict)
    assert await store.head(board_id="b_bbbbbbbbbbbbbbbb") == 3
    texts = [e.event.data["text"] for e in await store.events_after(board_id="b_aaaaaaaaaaaaaaaa", seq=1)]
    assert texts == ["déjà là"]
    with pytest.raises(Conflict):
        await store.append(_note("b_aaaaaaaaaaaaaaaa", 2, "p_9", None, "encore"))
    # The writer's connection was left clean: the next group commits.
    assert await store.append_many([[_note("b_aaaaaaaaaaaaaaaa", 3, "p_9", None, "suite")]]) == [None]


async def test_a_taken_board_code_is_a_conflict_and_leaves_nothing(store: EventStore) -> None:
    await _board(store, "b_aaaaaaaaaaaaaaaa")
    events = [Event("board.created", {})]
    again = Append(board_id="b_cccccccccccccccc", first_seq=1, events=events, actor=None, created_ms=1)
    with pytest.raises(Conflict):
        await store.create_board(board_id="b_cccccccccccccccc", code="AAAAAA", created_ms=1, append=again)
    assert await store.head(board_id="b_cccccccccccccccc") == 0


async def test_snapshots_keep_only_the_newest(store: EventStore) -> None:
    from atelier import domain

    await _board(store, "b_aaaaaaaaaaaaaaaa")
    state = domain.initial({"code": "AAAAAA", "title": "Atelier", "language": "fr"})
    for seq in (1, 5, 9):
        await store.save_snapshot(board_id="b_aaaaaaaaaaaaaaaa", seq=seq, state=state)
    found = await store.latest_snapshot(board_id="b_aaaaaaaaaaaaaaaa")
    assert found is not None and found[0] == 9
    rows = await store._sqlite.run(lambda conn: conn.execute("SELECT seq FROM snapshot").fetchall())  # type: ignore[union-attr]
    assert rows == [(9,)]


async def test_a_locked_database_is_unavailable_not_a_crash(tmp_path: Path) -> None:
    """Another process holding the write lock past the busy timeout: the group fails as Unavailable,
    and the writer serves the next one once the lock is gone."""
    url = async_database_url(f"sqlite:///{tmp_path / 'atelier.db'}")
    await asyncio.to_thread(migrate, url)
    store = EventStore(make_engine(url))
    try:
        await _board(store, "b_aaaaaaaaaaaaaaaa")
        await store._sqlite.run(lambda conn: conn.execute("PRAGMA busy_timeout=50"))  # type: ignore[union-attr]
        other = sqlite3.connect(tmp_path / "atelier.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            outcomes = await store.append_many([[_note("b_aaaaaaaaaaaaaaaa", 2, "p_1", "c1", "bloqué")]])
            assert isinstance(outcomes[0], Unavailable)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert await store.append_many([[_note("b_aaaaaaaaaaaaaaaa", 2, "p_1", "c1", "libre")]]) == [None]
    finally:
        await store.close()


async def test_work_runs_in_order_on_one_thread_and_errors_come_back(tmp_path: Path) -> None:
    writer = SqliteWriter(str(tmp_path / "plain.db"))
    try:
        await writer.run(lambda conn: conn.execute("CREATE TABLE t (v INTEGER PRIMARY KEY)"))
        threads: list[int] = []

        def insert(value: int):  # type: ignore[no-untyped-def]
            def work(conn: sqlite3.Connection) -> None:
                threads.append(threading.get_ident())
                with transaction(conn):
                    conn.execute("INSERT INTO t VALUES (?)", (value,))

            return work

        await asyncio.gather(*(writer.run(insert(v)) for v in range(20)))
        assert len(set(threads)) == 1 and threads[0] != threading.get_ident()
        with pytest.raises(sqlite3.IntegrityError):
            await writer.run(insert(3))

        def half_then_fail(conn: sqlite3.Connection) -> None:
            with transaction(conn):
                conn.execute("INSERT INTO t VALUES (100)")
                raise ValueError("boom")

        with pytest.raises(ValueError):
            await writer.run(half_then_fail)
        values = await writer.run(lambda conn: [v for (v,) in conn.execute("SELECT v FROM t ORDER BY v")])
        assert values == list(range(20))  # in order, and nothing of the failed transaction
    finally:
        await writer.close()


async def test_a_cancelled_caller_does_not_undo_its_commit(tmp_path: Path) -> None:
    """The thread finishes a unit it started: a caller that goes away mid-commit changes nothing
    (as a socket closing mid-command never did), and later work still runs."""
    writer = SqliteWriter(str(tmp_path / "plain.db"))
    started, release = threading.Event(), threading.Event()
    try:
        await writer.run(lambda conn: conn.execute("CREATE TABLE t (v INTEGER)"))

        def slow(conn: sqlite3.Connection) -> None:
            with transaction(conn):
                conn.execute("INSERT INTO t VALUES (1)")
                started.set()
                release.wait(10)

        task = asyncio.create_task(writer.run(slow))
        await asyncio.to_thread(started.wait, 10)
        task.cancel()
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await writer.run(lambda conn: conn.execute("SELECT count(*) FROM t").fetchone()[0]) == 1
    finally:
        release.set()
        await writer.close()
