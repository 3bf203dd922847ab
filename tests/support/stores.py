"""The real event store, counting what tests need to see of it (no behaviour changed)."""

from __future__ import annotations

from atelier.store import Conflict, EventStore


class CountingStore(EventStore):
    """Counts the group-commit units that lost their seq to another writer."""

    conflicts = 0

    async def append_many(self, units):  # type: ignore[no-untyped-def]
        outcomes = await super().append_many(units)
        self.conflicts += sum(isinstance(o, Conflict) for o in outcomes)
        return outcomes
