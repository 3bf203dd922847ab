"""Erasure and retention in the store: a board's rows gone everywhere, a person's data redacted in the log.

Every statement is plain SQL with named parameters, which sqlite3 (on the writer thread) and
SQLAlchemy (PostgreSQL) both take as they are, so both databases run the same text.

SQLite keeps deleted bytes in free space and in the WAL until they are overwritten: every connection
runs with `secure_delete=ON` (db.py), so SQLite zeroes deleted content in the file as it deletes it,
and an erasure ends with `wal_checkpoint(TRUNCATE)`, which copies the WAL into the file and cuts it to
nothing, taking the old page images with it. This is cheaper than a VACUUM (which rewrites the whole
file) and leaves no window where the bytes sit in a free page. PostgreSQL deletes the rows; their dead
tuples are reclaimed by (auto)vacuum, and backups are the deployer's to expire (deploy/README.md)."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import text

from .repository import Append, Conflict, EventStore, group_rows
from .sqlite_writer import transaction

SWEEP_LOCK = 7_146_288_301  # the advisory lock every process's retention sweep tries (any fixed number)

# A board's last activity: its last event's time (the primary key (board_id, seq) finds it at once).
LAST_ACTIVITY = (
    "COALESCE((SELECT e.created_ms FROM event e WHERE e.board_id = board.id ORDER BY e.seq DESC LIMIT 1),"
    " board.created_ms)"
)
# Whether a board is past its erasure date: the one a facilitator chose, else the deployer's retention.
EXPIRED = (
    "((board.erase_at_ms IS NOT NULL AND board.erase_at_ms <= CAST(:now AS BIGINT))"
    " OR (board.erase_at_ms IS NULL AND CAST(:retention AS BIGINT) > 0"
    f" AND {LAST_ACTIVITY} + CAST(:retention AS BIGINT) <= CAST(:now AS BIGINT)))"
)
EVERY_BOARD_TABLE = ("snapshot", "credential", "command", "event")  # children first: SQLite checks its keys


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@dataclass(frozen=True)
class Retention:
    last_activity_ms: int
    chosen_ms: int | None  # the date a facilitator chose, if any


async def _exec(store: EventStore, steps: list[tuple[str, dict[str, Any]]], *, checkpoint: bool = False) -> list[int]:
    """Run `steps` in one transaction; stop (and roll back) as soon as a guarded step (its SQL starts
    with "INSERT INTO erased_board") changes nothing. Returns each step's row count."""

    def guarded(sql: str) -> bool:
        return sql.startswith("INSERT INTO erased_board")

    if store._sqlite is not None:

        def work(conn: sqlite3.Connection) -> list[int]:
            counts: list[int] = []
            with transaction(conn):
                for sql, params in steps:
                    count = conn.execute(sql, params).rowcount
                    counts.append(count)
                    if guarded(sql) and count == 0:
                        break
            if checkpoint and counts and counts[-1] != 0:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            return counts

        return await store._on_writer(work)
    counts = []
    with contextlib.suppress(_Unchanged):
        async with store._begin() as conn:
            for sql, params in steps:
                count = (await conn.execute(text(sql), params)).rowcount
                counts.append(count)
                if guarded(sql) and count == 0:
                    raise _Unchanged  # rolls the transaction back
    return counts


class _Unchanged(Exception):
    pass


# --- a whole board ----------------------------------------------------------------------------------


async def erase_board(
    store: EventStore, *, board_id: str, code: str, now_ms: int, only_if_expired: int | None = None
) -> bool:
    """Delete every row of the board and leave its tombstone, in one transaction. With
    `only_if_expired` (the retention in ms) only if it is still past its erasure date then, so that
    of several processes sweeping at once exactly one erases it. Returns whether this call erased it."""
    condition = EXPIRED if only_if_expired is not None else "1 = 1"
    params = {"h": code_hash(code), "b": board_id, "now": now_ms, "retention": only_if_expired or 0}
    guard = (
        "INSERT INTO erased_board (code_hash, board_id, erased_ms)"  # noqa: S608
        " SELECT CAST(:h AS VARCHAR), CAST(:b AS VARCHAR), CAST(:now AS BIGINT)"
        f" WHERE EXISTS (SELECT 1 FROM board WHERE board.id = :b AND {condition})"
    )
    steps: list[tuple[str, dict[str, Any]]] = [
        (guard, params),
        *((f"DELETE FROM {table} WHERE board_id = :b", {"b": board_id}) for table in EVERY_BOARD_TABLE),  # noqa: S608
        ("DELETE FROM board WHERE id = :b", {"b": board_id}),
    ]
    try:
        counts = await _exec(store, steps, checkpoint=True)
    except Conflict:
        return False  # another process wrote the tombstone first
    if counts[0] == 0:
        return False
    if store.credentials is not None:
        store.credentials.forget_board(board_id)
    await _unlink_programmes(store, board_id=board_id)
    return True


async def _unlink_programmes(store: EventStore, *, board_id: str) -> None:
    """Take the board out of every programme; a programme left without a board goes too."""
    async with store._read() as conn:
        rows = (
            await conn.execute(
                text("SELECT id, board_ids FROM programme WHERE board_ids LIKE :pattern"),
                {"pattern": f'%"{board_id}"%'},
            )
        ).all()
    steps: list[tuple[str, dict[str, Any]]] = []
    for programme_id, raw in rows:
        left = [b for b in orjson.loads(raw) if b != board_id]
        if left:
            ids = orjson.dumps(left).decode()
            steps.append(("UPDATE programme SET board_ids = :ids WHERE id = :p", {"ids": ids, "p": programme_id}))
        else:
            steps.append(("DELETE FROM programme WHERE id = :p", {"p": programme_id}))
    if steps:
        await _exec(store, steps, checkpoint=True)


async def code_erased(store: EventStore, *, code: str) -> bool:
    async with store._read() as conn:
        found = await conn.execute(text("SELECT 1 FROM erased_board WHERE code_hash = :h"), {"h": code_hash(code)})
        return found.first() is not None


async def delete_stragglers(store: EventStore, *, since_ms: int) -> int:
    """Rows of boards erased since `since_ms` that a writer racing the erasure added afterwards (a
    command decided just before): deleted again. Returns how many rows went."""
    where = "board_id IN (SELECT board_id FROM erased_board WHERE erased_ms >= :since)"
    steps = [(f"DELETE FROM {table} WHERE {where}", {"since": since_ms}) for table in EVERY_BOARD_TABLE]  # noqa: S608
    counts = await _exec(store, steps)
    if store._sqlite is not None and sum(counts):
        await store._on_writer(lambda conn: conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())
    return sum(counts)


# --- retention ----------------------------------------------------------------------------------------


async def expired_boards(store: EventStore, *, now_ms: int, retention_ms: int) -> list[tuple[str, str]]:
    """(board_id, code) of every board past its erasure date."""
    query = f"SELECT board.id, board.code FROM board WHERE {EXPIRED}"  # noqa: S608
    async with store._read() as conn:
        rows = (await conn.execute(text(query), {"now": now_ms, "retention": retention_ms})).all()
    return [(row[0], row[1]) for row in rows]


async def retention_of(store: EventStore, *, board_id: str) -> Retention | None:
    query = f"SELECT {LAST_ACTIVITY}, board.erase_at_ms FROM board WHERE board.id = :b"  # noqa: S608
    async with store._read() as conn:
        row = (await conn.execute(text(query), {"b": board_id})).first()
    return Retention(int(row[0]), row[1]) if row else None


async def choose_erasure_date(store: EventStore, *, board_id: str, erase_at_ms: int | None) -> None:
    await _exec(store, [("UPDATE board SET erase_at_ms = :at WHERE id = :b", {"at": erase_at_ms, "b": board_id})])


@asynccontextmanager
async def sweep_lock(store: EventStore) -> AsyncIterator[bool]:
    """Whether this process may sweep now: on PostgreSQL, whether it got the sweep's advisory lock
    (held until the block ends, or this process dies), so only one process sweeps at a time; SQLite
    has one process."""
    if store.engine.dialect.name != "postgresql":
        yield True
        return
    async with store.engine.connect() as conn:
        held = bool((await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": SWEEP_LOCK})).scalar())
        try:
            yield held
        finally:
            if held:
                with contextlib.suppress(Exception):
                    await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": SWEEP_LOCK})


# --- one person -----------------------------------------------------------------------------------


Redactor = Callable[[Any], Any]  # returns its argument itself when there is nothing to redact


def _redacted(rows: list[tuple[int, str, str | None]], redact: Redactor) -> list[dict[str, Any]]:
    """The UPDATE parameters of the rows (seq, data, public) that held the person's data."""
    updates = []
    for seq, data, public in rows:
        parsed = orjson.loads(data)
        new_data = redact(parsed)
        parsed_public = orjson.loads(public) if public is not None else None
        new_public = redact(parsed_public) if parsed_public is not None else None
        if new_data is not parsed or new_public is not parsed_public:
            updates.append(
                {
                    "seq": seq,
                    "data": orjson.dumps(new_data).decode(),
                    "public": orjson.dumps(new_public).decode() if new_public is not None else None,
                }
            )
    return updates


async def append_redacting(
    store: EventStore, append: Append, *, redact: Redactor, participant_id: str | None, snapshot: str
) -> None:
    """The erasure's events appended and, in the same transaction, every earlier event of the board
    rewritten without the person's data, the board's snapshots replaced by `snapshot` (the state after
    the erasure, as JSON, at its last seq: a process that saves an older one later is refused) and the
    person's tokens deleted. Conflict if another writer took the seq first."""
    rows = group_rows([append])
    board_id = append.board_id
    select_sql = "SELECT seq, data, public FROM event WHERE board_id = :b AND seq < :first ORDER BY seq"
    update_sql = "UPDATE event SET data = :data, public = :public WHERE board_id = :b AND seq = :seq"
    last = append.first_seq + len(append.events) - 1
    after = [
        ("DELETE FROM snapshot WHERE board_id = :b", {"b": board_id}),
        (
            "INSERT INTO snapshot (board_id, seq, state) VALUES (:b, :seq, :state)",
            {"b": board_id, "seq": last, "state": snapshot},
        ),
        ("DELETE FROM credential WHERE board_id = :b AND participant_id = :p", {"b": board_id, "p": participant_id}),
    ]
    if store._sqlite is not None:
        from .repository import _write_rows_sync

        def work(conn: sqlite3.Connection) -> None:
            with transaction(conn):
                _write_rows_sync(conn, rows)
                found = conn.execute(select_sql, {"b": board_id, "first": append.first_seq}).fetchall()
                for update in _redacted(found, redact):
                    conn.execute(update_sql, {**update, "b": board_id})
                for sql, params in after:
                    conn.execute(sql, params)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

        await store._on_writer(work)
    else:
        async with store._begin() as conn:
            await store._write_rows(conn, rows)
            found = (await conn.execute(text(select_sql), {"b": board_id, "first": append.first_seq})).all()
            updates = _redacted([tuple(r) for r in found], redact)
            if updates:
                await conn.execute(text(update_sql), [{**u, "b": board_id} for u in updates])
            for sql, params in after:
                await conn.execute(text(sql), params)
    if store.credentials is not None and participant_id is not None:
        store.credentials.forget(board_id, participant_id)
