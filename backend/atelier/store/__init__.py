"""Persistence: the event log, snapshots, credentials and command results (SQLModel + Alembic)."""

from .repository import Conflict, EventStore, Invalid, StoredEvent, Unavailable

__all__ = ["Conflict", "EventStore", "Invalid", "StoredEvent", "Unavailable"]
