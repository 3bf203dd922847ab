"""SQLModel tables. JSON is kept as text so SQLite and PostgreSQL store it the same way."""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel


class Board(SQLModel, table=True):
    __tablename__ = "board"

    id: str = Field(primary_key=True, max_length=40)
    code: str = Field(unique=True, index=True, max_length=12)
    created_ms: int = Field(sa_type=BigInteger)
    # The erasure date a facilitator chose; None: the deployer's retention after the last activity.
    erase_at_ms: int | None = Field(default=None, sa_type=BigInteger)


class EventRow(SQLModel, table=True):
    """The append-only log. The primary key (board_id, seq) is what serialises writers: a second
    process that tries the same seq fails on insert and retries after catching up (optimistic)."""

    __tablename__ = "event"

    # No foreign key to board on PostgreSQL (migration 0003: it locked the board's row per event).
    board_id: str = Field(primary_key=True, max_length=40)
    seq: int = Field(primary_key=True)
    name: str = Field(max_length=64)
    data: str
    restricted: bool = False
    public: str | None = None
    subjects: str | None = None
    actor: str | None = Field(default=None, max_length=40)
    created_ms: int = Field(sa_type=BigInteger)


class CommandRow(SQLModel, table=True):
    """An accepted command's result, so that a resent cid is answered the same on any process."""

    __tablename__ = "command"

    board_id: str = Field(primary_key=True, max_length=40)
    actor: str = Field(primary_key=True, max_length=40)
    cid: str = Field(primary_key=True, max_length=64)
    seq: int


class CredentialRow(SQLModel, table=True):
    """A participant's token, stored only as its SHA-256."""

    __tablename__ = "credential"

    token_hash: str = Field(primary_key=True, max_length=64)
    board_id: str = Field(foreign_key="board.id", index=True, max_length=40)
    participant_id: str = Field(max_length=40)


class SnapshotRow(SQLModel, table=True):
    __tablename__ = "snapshot"

    board_id: str = Field(primary_key=True, foreign_key="board.id", max_length=40)
    seq: int = Field(primary_key=True)
    state: str


class ProgrammeRow(SQLModel, table=True):
    """3–4 workshops whose action sheets export together, behind one token (stored as its SHA-256)."""

    __tablename__ = "programme"

    id: str = Field(primary_key=True, max_length=40)
    title: str = Field(max_length=120)
    token_hash: str = Field(max_length=64)
    board_ids: str  # JSON list, in the order the workshops were given
    created_ms: int = Field(sa_type=BigInteger)


class ErasedBoardRow(SQLModel, table=True):
    """An erased board's tombstone: its code is never given again (kept as a SHA-256 only)."""

    __tablename__ = "erased_board"

    code_hash: str = Field(primary_key=True, max_length=64)
    board_id: str = Field(index=True, max_length=40)
    erased_ms: int = Field(sa_type=BigInteger)
