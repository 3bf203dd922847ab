"""The integration smoke scenario on both shapes: SQLite + memory broker, PostgreSQL + Redis."""

from __future__ import annotations

from tests.integration.test_smoke import test_note_reaches_everyone_and_fold_matches_get as smoke_scenario


async def test_smoke_scenario_on_both_shapes(shaped_server):
    await smoke_scenario(shaped_server)
