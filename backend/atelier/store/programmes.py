"""Programmes of workshops: keyword-only repository functions over the `programme` table."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

import orjson
from sqlalchemy import insert, select

from .repository import EventStore, hash_token
from .tables import ProgrammeRow

P = ProgrammeRow.__table__


@dataclass(frozen=True)
class Programme:
    id: str
    title: str
    board_ids: list[str]
    created_ms: int


async def create_programme(
    store: EventStore, *, programme_id: str, title: str, token: str, board_ids: list[str], created_ms: int
) -> None:
    # The store's own transaction helper: the same Conflict / Unavailable mapping as the event log.
    async with store._begin() as conn:
        await conn.execute(
            insert(P).values(
                id=programme_id,
                title=title,
                token_hash=hash_token(token),
                board_ids=orjson.dumps(board_ids).decode(),
                created_ms=created_ms,
            )
        )


async def programme_for(store: EventStore, *, programme_id: str, token: str) -> Programme | None:
    """The programme if `token` is its token; None for an unknown id or a wrong token alike."""
    query = select(P).where(P.c.id == programme_id)
    async with store._read() as conn:
        row = (await conn.execute(query)).first()
    if row is None or not hmac.compare_digest(row.token_hash, hash_token(token)):
        return None
    return Programme(row.id, row.title, list(orjson.loads(row.board_ids)), row.created_ms)
