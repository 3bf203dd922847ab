"""EventStore: keyword-only repository functions over the log; routes and the hub never touch SQL."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from ..domain import BoardState, Event
from .tables import Board, CommandRow, CredentialRow, EventRow, SnapshotRow

B = Board.__table__
E = EventRow.__table__
C = CommandRow.__table__
K = CredentialRow.__table__
S = SnapshotRow.__table__


class Conflict(Exception):
    """Another writer took this seq (or this cid) first: catch up and try again."""


class Unavailable(Exception):
    """The database cannot be reached; the command was not written."""


@dataclass(frozen=True)
class StoredEvent:
    seq: int
    event: Event


RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure


def _retryable(exc: DBAPIError) -> bool:
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    cause = getattr(orig, "__cause__", None)
    state = state or getattr(cause, "sqlstate", None)
    return state in RETRYABLE_SQLSTATES


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


def _event_rows(item: Append) -> list[dict[str, Any]]:
    return [
        {
            "board_id": item.board_id,
            "seq": item.first_seq + i,
            "name": ev.name,
            "data": _dumps(ev.data),
            "restricted": ev.restricted,
            "public": _dumps(ev.public) if ev.restricted and ev.public is not None else None,
            "subjects": _dumps(list(ev.subjects)) if ev.subjects else None,
            "actor": item.actor,
            "created_ms": item.created_ms,
        }
        for i, ev in enumerate(item.events)
    ]


def _command_row(item: Append) -> dict[str, Any] | None:
    if item.cid is None or item.actor is None:
        return None
    last = item.first_seq + len(item.events) - 1
    return {"board_id": item.board_id, "actor": item.actor, "cid": item.cid, "seq": last}


def _credential_row(item: Append) -> dict[str, Any] | None:
    if item.credential is None:
        return None
    token_hash, participant_id = item.credential
    return {"token_hash": token_hash, "board_id": item.board_id, "participant_id": participant_id}


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


class EventStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @asynccontextmanager
    async def _begin(self) -> AsyncIterator[AsyncConnection]:
        try:
            async with self.engine.begin() as conn:
                yield conn
        except IntegrityError as exc:
            raise Conflict(str(exc.orig)) from None
        except DBAPIError as exc:
            if _retryable(exc):
                # A deadlock or serialisation failure rolled the whole transaction back: nothing was
                # written, and trying again (one command at a time) is what PostgreSQL asks for.
                raise Conflict(type(exc).__name__) from None
            if exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError):
                raise Unavailable(type(exc).__name__) from None
            raise
        except OSError as exc:
            raise Unavailable(type(exc).__name__) from None

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
        await self.engine.dispose()

    async def ping(self) -> None:
        async with self._read() as conn:
            await conn.exec_driver_sql("SELECT 1")

    # --- boards ----------------------------------------------------------------------------

    async def create_board(self, *, board_id: str, code: str, created_ms: int, append: Append) -> None:
        """The board row and its first events in one transaction. Conflict if the code is taken."""
        async with self._begin() as conn:
            await conn.execute(insert(B).values(id=board_id, code=code, created_ms=created_ms))
            await self._write(conn, append)

    async def board_id(self, *, code: str) -> str | None:
        async with self._read() as conn:
            return (await conn.execute(select(B.c.id).where(B.c.code == code))).scalar_one_or_none()

    async def board_code(self, *, board_id: str) -> str | None:
        async with self._read() as conn:
            return (await conn.execute(select(B.c.code).where(B.c.id == board_id))).scalar_one_or_none()

    # --- the log ---------------------------------------------------------------------------

    async def append(self, append: Append) -> None:
        async with self._begin() as conn:
            await self._write(conn, append)

    async def append_many(self, units: Sequence[Sequence[Append]]) -> list[Exception | None]:
        """Group commit: many commands' events in one transaction. A unit (one command, or one board's
        run of commands) commits whole or not at all; if the group fails, each unit is retried alone so
        that one conflict does not sink the others. Returns an outcome per unit."""
        if len(units) == 1:
            try:
                async with self._begin() as conn:
                    await self._write_all(conn, units[0])
                return [None]
            except (Conflict, Unavailable) as exc:
                return [exc]
        try:
            async with self._begin() as conn:
                await self._write_all(conn, [item for unit in units for item in unit])
            return [None] * len(units)
        except Conflict:
            outcomes: list[Exception | None] = []
            for unit in units:
                try:
                    async with self._begin() as conn:
                        await self._write_all(conn, unit)
                    outcomes.append(None)
                except (Conflict, Unavailable) as exc:
                    outcomes.append(exc)
            return outcomes
        except Unavailable as exc:
            return [exc] * len(units)

    async def _write_all(self, conn: AsyncConnection, appends: Sequence[Append]) -> None:
        """Every append of a group in one statement per table, in (board, seq) order: two processes'
        groups then take PostgreSQL's index locks in the same order and cannot deadlock."""
        ordered = sorted(appends, key=lambda a: (a.board_id, a.first_seq))
        events = [row for item in ordered for row in _event_rows(item)]
        commands = [row for item in ordered if (row := _command_row(item)) is not None]
        credentials = [row for item in ordered if (row := _credential_row(item)) is not None]
        await conn.execute(insert(E), events)
        if commands:
            await conn.execute(insert(C), commands)
        if credentials:
            await conn.execute(insert(K), credentials)

    async def _write(self, conn: AsyncConnection, item: Append) -> None:
        await self._write_all(conn, [item])

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
        from sqlalchemy import func

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
        async with self._begin() as conn:
            await conn.execute(delete(S).where(S.c.board_id == board_id, S.c.seq < seq))
            await conn.execute(insert(S).values(board_id=board_id, seq=seq, state=_dumps(state.to_json())))

    # --- idempotency and credentials -------------------------------------------------------

    async def command_seq(self, *, board_id: str, actor: str, cid: str) -> int | None:
        query = select(C.c.seq).where(C.c.board_id == board_id, C.c.actor == actor, C.c.cid == cid)
        async with self._read() as conn:
            return (await conn.execute(query)).scalar_one_or_none()

    async def credential(self, *, token: str) -> tuple[str, str] | None:
        """(board_id, participant_id) for a token, or None."""
        query = select(K.c.board_id, K.c.participant_id).where(K.c.token_hash == hash_token(token))
        async with self._read() as conn:
            row = (await conn.execute(query)).first()
        return (row.board_id, row.participant_id) if row else None
