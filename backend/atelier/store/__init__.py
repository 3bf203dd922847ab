"""Persistence: the event log, snapshots, credentials and command results (SQLModel + Alembic)."""

from .repository import Conflict, EventStore, StoredEvent, Unavailable

__all__ = ["Conflict", "EventStore", "StoredEvent", "Unavailable"]
