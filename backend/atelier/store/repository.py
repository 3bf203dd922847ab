"""EventStore: keyword-only repository functions over the log; routes and the hub never touch SQL."""

from __future__ import annotations

import contextlib
import hashlib
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import bindparam, delete, func, insert, select
from sqlalchemy.dialects.postgresql import dialect as postgresql_dialect
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from ..domain import BoardState, Event
from .credentials import CredentialCache
from .sqlite_writer import SqliteWriter, transaction
from .tables import Board, CommandRow, CredentialRow, ErasedBoardRow, EventRow, SnapshotRow

B = Board.__table__
E = EventRow.__table__
C = CommandRow.__table__
K = CredentialRow.__table__
S = SnapshotRow.__table__
T = ErasedBoardRow.__table__


class Conflict(Exception):
    """Another writer took this seq (or this cid) first: catch up and try again."""


class Unavailable(Exception):
    """The database cannot be reached; the command was not written."""


class Invalid(Exception):
    """A value of this unit cannot be stored (it does not encode, or the database refuses it); nothing of
    the unit was written. It fails that unit alone: the others of its group commit without it."""


@dataclass(frozen=True)
class StoredEvent:
    seq: int
    event: Event


LEASE_WAIT = 5.0  # seconds a process waits for another's board lease before deciding without it
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure


def _sqlstate(exc: DBAPIError) -> str | None:
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    cause = getattr(orig, "__cause__", None)
    return state or getattr(cause, "sqlstate", None)


def _retryable(exc: DBAPIError) -> bool:
    return _sqlstate(exc) in RETRYABLE_SQLSTATES


def _refused_value(exc: DBAPIError) -> bool:
    """A value the database will not store (SQLSTATE class 22, data exception: too long for its column,
    a NUL in text, a character the encoding lacks): the unit's doing, nothing was written."""
    return isinstance(exc, DataError) or (_sqlstate(exc) or "").startswith("22")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _row_to_event(row: Any) -> StoredEvent:
    return StoredEvent(
        seq=row.seq,
        event=Event(
            name=row.name,
            data=orjson.loads(row.data),
            restricted=bool(row.restricted),
            public=orjson.loads(row.public) if row.public is not None else None,
            subjects=tuple(orjson.loads(row.subjects)) if row.subjects else (),
        ),
    )


# Rows are tuples in these column orders: sqlite3's executemany takes them as they are, and the
# PostgreSQL path zips them into the dicts SQLAlchemy wants.
EVENT_COLUMNS = ("board_id", "seq", "name", "data", "restricted", "public", "subjects", "actor", "created_ms")
COMMAND_COLUMNS = ("board_id", "actor", "cid", "seq")
CREDENTIAL_COLUMNS = ("token_hash", "board_id", "participant_id")
BOARD_COLUMNS = ("id", "code", "created_ms")
SNAPSHOT_COLUMNS = ("board_id", "seq", "state")

Row = tuple[Any, ...]


def _sqlite_sql(statement: Any, params: Sequence[str]) -> str:
    """The SQLite text of a SQLAlchemy statement (so the tables stay the one schema), checked to take
    its positional parameters in the order the rows give them."""
    compiled = statement.compile(dialect=sqlite_dialect(), column_keys=list(params))
    if list(compiled.positiontup or ()) != list(params):
        raise RuntimeError(f"parameters {compiled.positiontup} are not {params}")
    return str(compiled)


def _pg_group_insert() -> str:
    """PostgreSQL: a whole group commit as one statement, each table's rows passed as one array per
    column and unnested, the three inserts joined by data-modifying CTEs (each runs exactly once, all
    or nothing). Sent in autocommit, it is its own transaction: one round trip per group instead of
    BEGIN, an INSERT per table (a bind and execute per row) and COMMIT; measured here, it halves the
    client's and PostgreSQL's CPU per command. Built from the tables, so it follows the schema."""
    dialect = postgresql_dialect()
    parts: list[str] = []
    number = 0
    for table, columns in ((E, EVENT_COLUMNS), (C, COMMAND_COLUMNS), (K, CREDENTIAL_COLUMNS)):
        arrays = []
        for column in columns:
            number += 1
            # Arrays of unbounded VARCHAR: a cast to VARCHAR(40) would cut a longer value silently,
            # where the insert into the column refuses it, as a plain INSERT does.
            name = re.sub(r"\(\d+\)", "", table.c[column].type.compile(dialect=dialect))
            arrays.append(f"${number}::{name}[]")
        # Names from this module's own tables and column lists; every value goes as a parameter.
        insert_sql = f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM unnest({', '.join(arrays)})"  # noqa: S608
        parts.append(insert_sql)
    *ctes, last = parts
    return "WITH " + ", ".join(f"w{i} AS ({sql})" for i, sql in enumerate(ctes)) + " " + last


def _columns(rows: list[Row], width: int) -> list[list[Any]]:
    return [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


def _event_rows(item: Append, rows: list[Row]) -> None:
    board_id, first, actor, created_ms = item.board_id, item.first_seq, item.actor, item.created_ms
    for i, ev in enumerate(item.events):
        rows.append(
            (
                board_id,
                first + i,
                ev.name,
                _dumps(ev.data),
                ev.restricted,
                _dumps(ev.public) if ev.restricted and ev.public is not None else None,
                _dumps(list(ev.subjects)) if ev.subjects else None,
                actor,
                created_ms,
            )
        )


@dataclass
class GroupRows:
    """What one group commit inserts, one list per table, in (board, seq) order."""

    events: list[Row]
    commands: list[Row]
    credentials: list[Row]


def group_rows(appends: Sequence[Append]) -> GroupRows:
    """Every append of a group in (board, seq) order: two processes' groups then take PostgreSQL's
    index locks in the same order and cannot deadlock (and SQLite's B-tree is written in order)."""
    ordered = sorted(appends, key=lambda a: (a.board_id, a.first_seq))
    rows = GroupRows([], [], [])
    for item in ordered:
        _event_rows(item, rows.events)
        if item.cid is not None and item.actor is not None:
            last = item.first_seq + len(item.events) - 1
            rows.commands.append((item.board_id, item.actor, item.cid, last))
        if item.credential is not None:
            token_hash, participant_id = item.credential
            rows.credentials.append((token_hash, item.board_id, participant_id))
    return rows


@dataclass(frozen=True)
class Append:
    """One command's worth of writing: its events from `first_seq`, and what must commit with them."""

    board_id: str
    first_seq: int
    events: Sequence[Event]
    actor: str | None
    created_ms: int
    cid: str | None = None
    credential: tuple[str, str] | None = None  # (token_hash, participant_id)


# The writer thread's statements, compiled once.
INSERT_EVENTS = _sqlite_sql(insert(E), EVENT_COLUMNS)
INSERT_COMMANDS = _sqlite_sql(insert(C), COMMAND_COLUMNS)
INSERT_CREDENTIALS = _sqlite_sql(insert(K), CREDENTIAL_COLUMNS)
INSERT_BOARD = _sqlite_sql(insert(B), BOARD_COLUMNS)
INSERT_SNAPSHOT = _sqlite_sql(insert(S), SNAPSHOT_COLUMNS)
PG_GROUP_INSERT = _pg_group_insert()
CODE_ERASED = _sqlite_sql(select(T.c.code_hash).where(T.c.code_hash == bindparam("h")), ("h",))
NEWER_SNAPSHOT = _sqlite_sql(
    select(S.c.seq).where(S.c.board_id == bindparam("board_id"), S.c.seq >= bindparam("seq")),
    ("board_id", "seq"),
)
DELETE_OLDER_SNAPSHOTS = _sqlite_sql(
    delete(S).where(S.c.board_id == bindparam("board_id"), S.c.seq < bindparam("seq")), ("board_id", "seq")
)


def _write_rows_sync(conn: sqlite3.Connection, rows: GroupRows) -> None:
    """One executemany per table (the rows are already built, on the event loop)."""
    conn.executemany(INSERT_EVENTS, rows.events)
    if rows.commands:
        conn.executemany(INSERT_COMMANDS, rows.commands)
    if rows.credentials:
        conn.executemany(INSERT_CREDENTIALS, rows.credentials)


def _append_many_sync(
    conn: sqlite3.Connection, units: Sequence[Sequence[Append]], whole: GroupRows
) -> list[Exception | None]:
    """append_many's algorithm on the writer thread, so that it is one hop even when it falls back
    (the rows of each unit alone are built only then)."""
    try:
        with transaction(conn):
            _write_rows_sync(conn, whole)
        return [None] * len(units)
    except sqlite3.IntegrityError as exc:
        if len(units) == 1:
            return [Conflict(str(exc))]
    except _SQLITE_REFUSED as exc:
        if len(units) == 1:
            return [Invalid(type(exc).__name__)]
    # As on PostgreSQL: again in one transaction, a savepoint per unit, so the unit that conflicts (or
    # holds a value that cannot be stored) fails alone and the others commit together. Any other error
    # (the database is locked, the disk full) fails the whole group.
    outcomes: list[Exception | None] = []
    with transaction(conn):
        for unit in units:
            conn.execute("SAVEPOINT unit")
            try:
                _write_rows_sync(conn, group_rows(unit))
                outcomes.append(None)
            except sqlite3.IntegrityError as exc:
                conn.execute("ROLLBACK TO unit")
                outcomes.append(Conflict(str(exc)))
            except _SQLITE_REFUSED as exc:
                conn.execute("ROLLBACK TO unit")
                outcomes.append(Invalid(type(exc).__name__))
            conn.execute("RELEASE unit")
    return outcomes


# What sqlite3 raises for a value it cannot bind or store (a string that does not encode as UTF-8 is a
# UnicodeEncodeError, a ValueError): the unit's doing, not the database's.
_SQLITE_REFUSED = (sqlite3.DataError, sqlite3.ProgrammingError, ValueError, TypeError, OverflowError)


def _sqlite_error(exc: BaseException) -> Exception | None:
    """The store's meaning of an error from the writer thread (None: not the database's doing)."""
    if isinstance(exc, sqlite3.IntegrityError):
        return Conflict(str(exc))
    if isinstance(exc, sqlite3.OperationalError | sqlite3.InterfaceError | OSError):
        return Unavailable(type(exc).__name__)
    return None


# Built once: a statement's construction costs more than SQLite takes to answer it.
CREDENTIAL_BY_HASH = select(K.c.board_id, K.c.participant_id).where(K.c.token_hash == bindparam("h"))
CREDENTIALS_OF_BOARD = select(K.c.token_hash, K.c.participant_id).where(K.c.board_id == bindparam("b"))


class EventStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        # SQLite: writes go to one dedicated thread (see sqlite_writer.py); reads stay on the async
        # engine. PostgreSQL: everything through asyncpg, whose round trips are cheap and concurrent.
        database = engine.url.database
        self._sqlite: SqliteWriter | None = None
        # PostgreSQL's group commit (one statement, its own transaction); shares the engine's pool.
        self._autocommit = (
            engine.execution_options(isolation_level="AUTOCOMMIT") if engine.dialect.name == "postgresql" else engine
        )
        if engine.dialect.name == "sqlite" and database and database != ":memory:":
            self._sqlite = SqliteWriter(database)
        # Set by a process alone with this database (credentials.py): token lookups from memory.
        self.credentials: CredentialCache | None = None

    async def _on_writer(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        assert self._sqlite is not None
        try:
            return await self._sqlite.run(work)
        except Exception as exc:
            mapped = _sqlite_error(exc)
            if mapped is None:
                raise
            raise mapped from None

    @asynccontextmanager
    async def _begin(self) -> AsyncIterator[AsyncConnection]:
        async with self._writing(self.engine.begin()) as conn:
            yield conn

    @asynccontextmanager
    async def _writing(self, connecting: Any) -> AsyncIterator[AsyncConnection]:
        """A connection to write through, with the database's failures mapped to Conflict/Unavailable."""
        try:
            async with connecting as conn:
                yield conn
        except IntegrityError as exc:
            raise Conflict(str(exc.orig)) from None
        except DBAPIError as exc:
            if _refused_value(exc):
                raise Invalid(type(exc.orig).__name__) from None
            if _retryable(exc):
                # A deadlock or serialisation failure rolled the whole transaction back: nothing was
                # written, and trying again (one command at a time) is what PostgreSQL asks for.
                raise Conflict(type(exc).__name__) from None
            if exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError):
                raise Unavailable(type(exc).__name__) from None
            raise
        except OSError as exc:
            raise Unavailable(type(exc).__name__) from None

    @property
    def concurrent_writes(self) -> bool:
        """Whether several group commits may run at once (PostgreSQL); SQLite has one writer."""
        return self.engine.dialect.name == "postgresql"

    @property
    def leases(self) -> bool:
        """Whether board_lease can keep other processes from deciding on a board meanwhile."""
        return self.engine.dialect.name == "postgresql"

    @asynccontextmanager
    async def board_lease(self, *, board_id: str) -> AsyncIterator[bool]:
        """Hold the board's write lease across processes: on PostgreSQL a transaction-scoped advisory
        lock on a connection of its own, which goes with the transaction (or with the session, should
        this process die). Yields whether it is held: after LEASE_WAIT, during an outage or on SQLite it
        yields False and the caller goes on optimistically, exactly as without a lease."""
        if not self.leases:
            yield False
            return
        conn: AsyncConnection | None = None
        try:
            conn = await self.engine.connect()
            await conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(LEASE_WAIT * 1000)}ms'")
            await conn.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(board_id, 0))))
        except (DBAPIError, OSError):
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.close()
            conn = None
        try:
            yield conn is not None
        finally:
            if conn is not None:
                # Whatever happens here, the lock ends with the transaction or with the connection.
                with contextlib.suppress(Exception):
                    await conn.rollback()
                with contextlib.suppress(Exception):
                    await conn.close()

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        try:
            async with self.engine.connect() as conn:
                yield conn
        except (OperationalError, InterfaceError, OSError) as exc:
            raise Unavailable(type(exc).__name__) from None
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise Unavailable(type(exc).__name__) from None
            raise

    async def close(self) -> None:
        if self._sqlite is not None:
            await self._sqlite.close()
        await self.engine.dispose()

    async def ping(self) -> None:
        async with self._read() as conn:
            await conn.exec_driver_sql("SELECT 1")

    # --- boards ----------------------------------------------------------------------------

    async def create_board(self, *, board_id: str, code: str, created_ms: int, append: Append) -> None:
        """The board row and its first events in one transaction. Conflict if the code is taken."""
        try:
            rows = group_rows([append])
        except Exception as exc:
            raise Invalid(type(exc).__name__) from None
        if self._sqlite is not None:

            def work(conn: sqlite3.Connection) -> None:
                with transaction(conn):
                    if conn.execute(CODE_ERASED, (hash_token(code),)).fetchone():
                        raise Conflict("code")  # an erased board's code is never given again
                    conn.execute(INSERT_BOARD, (board_id, code, created_ms))
                    _write_rows_sync(conn, rows)

            await self._on_writer(work)
        else:
            async with self._begin() as conn:
                if (await conn.execute(select(T.c.code_hash).where(T.c.code_hash == hash_token(code)))).first():
                    raise Conflict("code")  # an erased board's code is never given again
                await conn.execute(insert(B).values(id=board_id, code=code, created_ms=created_ms))
                await self._write_rows(conn, rows)
        self._remember([[append]], [None])

    async def board_id(self, *, code: str) -> str | None:
        async with self._read() as conn:
            return (await conn.execute(select(B.c.id).where(B.c.code == code))).scalar_one_or_none()

    async def board_code(self, *, board_id: str) -> str | None:
        async with self._read() as conn:
            return (await conn.execute(select(B.c.code).where(B.c.id == board_id))).scalar_one_or_none()

    # --- the log ---------------------------------------------------------------------------

    async def append(self, append: Append) -> None:
        [outcome] = await self.append_many([[append]])
        if outcome is not None:
            raise outcome

    async def append_many(self, units: Sequence[Sequence[Append]]) -> list[Exception | None]:
        """Group commit (see `_append_many`); the credentials of what committed are remembered."""
        outcomes = await self._append_many(units)
        self._remember(units, outcomes)
        return outcomes

    def _remember(self, units: Sequence[Sequence[Append]], outcomes: Sequence[Exception | None]) -> None:
        if self.credentials is None:
            return
        for unit, outcome in zip(units, outcomes, strict=True):
            if outcome is None:
                for item in unit:
                    if item.credential is not None:
                        self.credentials.put(item.credential[0], item.board_id, item.credential[1])

    async def _append_many(self, units: Sequence[Sequence[Append]]) -> list[Exception | None]:
        """Group commit: many commands' events in one transaction. A unit (one command, or one board's
        run of commands) commits whole or not at all; if the group conflicts, it is written again with a
        savepoint per unit, so that one conflict does not sink the others. Returns an outcome per unit.
        A unit whose rows cannot even be built (a value that does not encode) fails alone with Invalid."""
        try:
            whole = group_rows([item for unit in units for item in unit])
        except Exception:
            return await self._append_apart(units)
        if self._sqlite is not None:
            try:
                outcomes: list[Exception | None] = await self._on_writer(
                    lambda conn: _append_many_sync(conn, units, whole)
                )
            except Unavailable as exc:
                return [exc] * len(units)
            return outcomes
        try:
            if self.engine.dialect.name == "postgresql":
                params = (
                    *_columns(whole.events, len(EVENT_COLUMNS)),
                    *_columns(whole.commands, len(COMMAND_COLUMNS)),
                    *_columns(whole.credentials, len(CREDENTIAL_COLUMNS)),
                )
                async with self._writing(self._autocommit.connect()) as conn:
                    await conn.exec_driver_sql(PG_GROUP_INSERT, params)
            else:
                async with self._begin() as conn:
                    await self._write_rows(conn, whole)
            return [None] * len(units)
        except (Conflict, Invalid) as exc:
            if len(units) == 1:
                return [exc]
        except Unavailable as exc:
            return [exc] * len(units)
        # Again in one transaction, a savepoint per unit: the unit that lost its seq to another process
        # fails alone and the others still commit together. A transaction per unit would cost a
        # commit (an fsync) each, and the writer queue of every board waits behind them.
        outcomes = []
        try:
            async with self._begin() as conn:
                for unit in units:
                    try:
                        async with conn.begin_nested():
                            await self._write_rows(conn, group_rows(unit))
                        outcomes.append(None)
                    except IntegrityError as exc:
                        outcomes.append(Conflict(str(exc.orig)))
                    except DBAPIError as exc:
                        if not _refused_value(exc):
                            raise
                        outcomes.append(Invalid(type(exc.orig).__name__))
            return outcomes
        except (Conflict, Invalid, Unavailable) as exc:
            return [exc] * len(units)  # nothing of this group was committed

    async def _append_apart(self, units: Sequence[Sequence[Append]]) -> list[Exception | None]:
        """The units whose rows cannot be built fail alone (Invalid); the others commit as a group."""
        outcomes: list[Exception | None] = [None] * len(units)
        kept: list[int] = []
        for index, unit in enumerate(units):
            try:
                group_rows(unit)
            except Exception as exc:
                outcomes[index] = Invalid(type(exc).__name__)
            else:
                kept.append(index)
        if kept:
            for index, outcome in zip(kept, await self._append_many([units[i] for i in kept]), strict=True):
                outcomes[index] = outcome
        return outcomes

    async def _write_rows(self, conn: AsyncConnection, rows: GroupRows) -> None:
        """One statement per table (PostgreSQL, or SQLite without a file)."""
        await conn.execute(insert(E), [dict(zip(EVENT_COLUMNS, row, strict=True)) for row in rows.events])
        if rows.commands:
            await conn.execute(insert(C), [dict(zip(COMMAND_COLUMNS, row, strict=True)) for row in rows.commands])
        if rows.credentials:
            await conn.execute(insert(K), [dict(zip(CREDENTIAL_COLUMNS, row, strict=True)) for row in rows.credentials])

    async def events_after(self, *, board_id: str, seq: int, limit: int | None = None) -> list[StoredEvent]:
        query = select(E).where(E.c.board_id == board_id, E.c.seq > seq).order_by(E.c.seq)
        if limit is not None:
            query = query.limit(limit)
        async with self._read() as conn:
            return [_row_to_event(row) for row in (await conn.execute(query)).all()]

    async def events_between(self, *, board_id: str, after: int, upto: int) -> list[StoredEvent]:
        query = (
            select(E)
            .where(E.c.board_id == board_id, E.c.seq > after, E.c.seq <= upto)
            .order_by(E.c.seq)
        )
        async with self._read() as conn:
            return [_row_to_event(row) for row in (await conn.execute(query)).all()]

    async def head(self, *, board_id: str) -> int:
        async with self._read() as conn:
            value = (await conn.execute(select(func.max(E.c.seq)).where(E.c.board_id == board_id))).scalar()
        return int(value or 0)

    # --- snapshots -------------------------------------------------------------------------

    async def latest_snapshot(self, *, board_id: str) -> tuple[int, BoardState] | None:
        query = select(S.c.seq, S.c.state).where(S.c.board_id == board_id).order_by(S.c.seq.desc()).limit(1)
        async with self._read() as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        return row.seq, BoardState.from_json(orjson.loads(row.state))

    async def save_snapshot(self, *, board_id: str, seq: int, state: BoardState) -> None:
        """Keep the newest snapshot only: the log itself is never pruned."""
        encoded = _dumps(state.to_json())
        if self._sqlite is not None:

            def work(conn: sqlite3.Connection) -> None:
                with transaction(conn):
                    if conn.execute(NEWER_SNAPSHOT, (board_id, seq)).fetchone():
                        return  # a newer one is there (e.g. a person's erasure wrote it): keep it
                    conn.execute(DELETE_OLDER_SNAPSHOTS, (board_id, seq))
                    conn.execute(INSERT_SNAPSHOT, (board_id, seq, encoded))

            await self._on_writer(work)
            return
        async with self._begin() as conn:
            newer = select(S.c.seq).where(S.c.board_id == board_id, S.c.seq >= seq).limit(1)
            if (await conn.execute(newer)).first() is not None:
                return  # a newer one is there (e.g. a person's erasure wrote it): keep it
            await conn.execute(delete(S).where(S.c.board_id == board_id, S.c.seq < seq))
            await conn.execute(insert(S).values(board_id=board_id, seq=seq, state=encoded))

    # --- idempotency and credentials -------------------------------------------------------

    async def command_seq(self, *, board_id: str, actor: str, cid: str) -> int | None:
        return (await self.command_seqs(board_id=board_id, keys=[(actor, cid)])).get((actor, cid))

    async def command_seqs(self, *, board_id: str, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """The seqs of those (actor, cid) that were committed on this board, in one query."""
        if not keys:
            return {}
        cids = sorted({cid for _, cid in keys})
        wanted = set(keys)
        query = select(C.c.actor, C.c.cid, C.c.seq).where(C.c.board_id == board_id, C.c.cid.in_(cids))
        async with self._read() as conn:
            rows = (await conn.execute(query)).all()
        return {(r.actor, r.cid): r.seq for r in rows if (r.actor, r.cid) in wanted}

    async def credential(self, *, token: str, board_id: str | None = None) -> tuple[str, str] | None:
        """(board_id, participant_id) for a token, or None. With `board_id` (the board the caller
        expects) and a credential cache, that board's credentials are read at once the first time."""
        token_hash = hash_token(token)
        cache = self.credentials
        if cache is not None:
            found = cache.get(token_hash)
            if found is None and board_id is not None:
                await cache.load_board(board_id, lambda: self._credentials_of(board_id))
                found = cache.get(token_hash)
            if found is not None:
                return found
        async with self._read() as conn:
            row = (await conn.execute(CREDENTIAL_BY_HASH, {"h": token_hash})).first()
        if row is None:
            return None
        if cache is not None:
            cache.put(token_hash, row.board_id, row.participant_id)
        return row.board_id, row.participant_id

    async def _credentials_of(self, board_id: str) -> list[tuple[str, str]]:
        async with self._read() as conn:
            rows = (await conn.execute(CREDENTIALS_OF_BOARD, {"b": board_id})).all()
        return [(row.token_hash, row.participant_id) for row in rows]
