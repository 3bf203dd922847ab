"""Retention with two processes on PostgreSQL + Redis: a clock moved past a board's erasure date has the
board erased exactly once, its sockets closed on both processes; a facilitator's chosen date holds."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.scale.conftest import FAST
from tests.support.client import Participant, join_board
from tests.support.server import ServerProcess

DAY_MS = 86_400_000
HOUR_MS = 3_600_000


@pytest.fixture
def two(tmp_path: Path, scale_env: dict[str, str]) -> Iterator[tuple[ServerProcess, ServerProcess, Path]]:
    """Two processes whose clock is the system's plus the offset in one file (atelier/clock.py)."""
    offset = tmp_path / "clock-offset"
    offset.write_text("0")
    env = {
        **FAST,
        **scale_env,
        "ATELIER_CLOCK_OFFSET_FILE": str(offset),
        "ATELIER_RETENTION_DAYS": "1",
        "ATELIER_RETENTION_MAX_DAYS": "30",
        "ATELIER_RETENTION_SWEEP_SECONDS": "0.3",
        "ATELIER_LOG_LEVEL": "info",
    }
    procs = [ServerProcess(tmp_path / name, env=env) for name in ("a", "b")]
    try:
        for proc in procs:
            proc.start(timeout=180)
        yield procs[0], procs[1], offset
    finally:
        for proc in procs:
            proc.stop()


async def _gone(url: str, code: str, token: str, timeout: float = 30) -> None:
    async with httpx.AsyncClient(base_url=url) as http:
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            answer = await http.get(f"/api/boards/{code}", headers={"Authorization": f"Bearer {token}"})
            if answer.status_code == 404:
                return
            await asyncio.sleep(0.2)
    raise AssertionError("the board was not erased")


def _erasures(procs: tuple[ServerProcess, ...], board_id: str) -> int:
    return sum(proc.log().count(f"retention: erased board {board_id}") for proc in procs)


async def test_a_board_past_its_retention_is_erased_exactly_once(two) -> None:  # type: ignore[no-untyped-def]
    a, b, offset = two
    async with httpx.AsyncClient(base_url=a.url) as http:
        first = (await http.post("/api/boards", json={"title": "Atelier 1"})).json()
        second = (await http.post("/api/boards", json={"title": "Atelier 2"})).json()
        auth = {"Authorization": f"Bearer {second['facilitator_token']}"}
        shown = (await http.get(f"/api/boards/{second['code']}/retention", headers=auth)).json()
        assert shown["chosen"] is False and shown["retention_days"] == 1
        assert shown["erase_at_ms"] == shown["last_activity_ms"] + DAY_MS
        # Past the deployer's maximum, or in the past: refused with a coded error.
        too_late = await http.put(
            f"/api/boards/{second['code']}/retention", headers=auth, json={"erase_at_ms": shown["latest_ms"] + DAY_MS}
        )
        assert too_late.status_code == 400 and too_late.json()["error"]["field"] == "erase_at_ms"
        # The second board's facilitator brings its erasure forward to two hours from now.
        soon = shown["last_activity_ms"] + 2 * HOUR_MS
        chosen = await http.put(f"/api/boards/{second['code']}/retention", headers=auth, json={"erase_at_ms": soon})
        assert chosen.status_code == 200 and chosen.json()["erase_at_ms"] == soon and chosen.json()["chosen"]
    person = await join_board(b.url, first["code"], "Alice")
    on_a = await Participant(a.ws_url, first["code"], first["facilitator_token"]).connect()
    on_b = await Participant(b.ws_url, first["code"], person["token"]).connect()
    await on_b.ok("participant.done", {"done": True})

    offset.write_text(str(3 * HOUR_MS))  # past the chosen date, not past a day of retention
    await _gone(b.url, second["code"], second["facilitator_token"])
    async with httpx.AsyncClient(base_url=b.url) as http:
        still = await http.get(f"/api/boards/{first['code']}", headers={"Authorization": f"Bearer {person['token']}"})
        assert still.status_code == 200

    offset.write_text(str(DAY_MS + 3 * HOUR_MS))  # past the first board's day after its last activity
    await _gone(b.url, first["code"], first["facilitator_token"])
    for socket in (on_a, on_b):
        await asyncio.wait_for(socket.closed.wait(), 10)
        assert socket.close_code == 4004
    await asyncio.sleep(1.5)  # several more sweeps on both processes: none erases anything again
    assert _erasures((a, b), first["board_id"]) == 1
    assert _erasures((a, b), second["board_id"]) == 1
    for proc in (a, b):
        assert first["code"] not in proc.log() and "Alice" not in proc.log()
