"""Engine creation: SQLite in WAL mode by default, PostgreSQL through asyncpg for scale."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

SQLITE_BUSY_TIMEOUT_S = 30
PING_IDLE_SECONDS = 1.0  # a pooled PostgreSQL connection idle longer than this is pinged before use
SQLITE_CHECKPOINT_PAGES = 10_000  # WAL pages (4 KiB by default) between automatic checkpoints


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_pragmas(dbapi_connection: Any) -> None:
    """The same settings on every SQLite connection, the async engine's and the writer thread's."""
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside the writer; FULL keeps every acknowledged commit even
    # through a power cut (group commit keeps the cost of the extra fsync small).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    # Checkpoint (copy the WAL back into the database) every ~40 MiB of WAL instead of every ~4 MiB:
    # a page written by many commits in between is copied once, which cuts the bytes written per
    # event by about a quarter under load. Durability is the WAL's fsync at each commit, unchanged.
    cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_CHECKPOINT_PAGES}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted content is overwritten with zeros as it is deleted, so that an erased board's or
    # person's bytes do not stay in the file's free space (store/erasure.py).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    cursor.close()


def connect_sqlite(path: str) -> sqlite3.Connection:
    """A synchronous connection for the writer thread. Autocommit mode (isolation_level None): the
    writer says BEGIN IMMEDIATE / COMMIT itself, so the module never opens a transaction on its own."""
    conn = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=True)
    try:
        sqlite_pragmas(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def make_engine(url: str) -> AsyncEngine:
    if is_sqlite(url):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            sqlite_pragmas(dbapi_connection)

        return engine
    # A short connect timeout: while PostgreSQL is down a command fails fast as `unavailable`.
    engine = create_async_engine(url, pool_size=10, max_overflow=10, connect_args={"timeout": 5})
    ping_if_idle(engine)
    return engine


def ping_if_idle(engine: AsyncEngine, idle_seconds: float = PING_IDLE_SECONDS) -> None:
    """Ping a pooled connection before use only when it has been idle a while, so that after
    PostgreSQL restarts a stale one is replaced instead of failing a command (SQLAlchemy's recipe for
    custom pessimistic disconnect handling). `pool_pre_ping` pings at every checkout: a round trip
    per group commit, a sixth of PostgreSQL's CPU per command under load. A connection in use within
    the last second was alive then, and a disconnect found on it invalidates the whole pool anyway."""
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    @event.listens_for(pool, "checkin")
    def _checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < idle_seconds:
            return  # new, or used a moment ago
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception:
            alive = False
        if not alive:
            raise DisconnectionError  # a stale pooled connection: the pool connects afresh and retries
