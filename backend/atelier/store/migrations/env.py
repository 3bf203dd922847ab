"""Alembic environment: runs migrations over the async engine, batch mode for SQLite."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from atelier.store import tables  # noqa: F401  (registers the tables on the metadata)
from atelier.store.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


# Any constant shared by every process: replicas that start together take turns to migrate.
MIGRATION_LOCK = 0x41_54_45_4C  # "ATEL"


def _run(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Held until the migration transaction commits; the next process then finds the schema at head.
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_async())
