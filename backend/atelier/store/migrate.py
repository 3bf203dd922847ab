"""Bring a database to the newest schema with Alembic (called by `atelier migrate` and on start)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str) -> None:
    """Synchronous on purpose: Alembic's env runs its own event loop."""
    command.upgrade(alembic_config(url), "head")
