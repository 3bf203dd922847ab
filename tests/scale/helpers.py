"""Helpers for scale tests: read the log straight from PostgreSQL, wait for conditions, check convergence."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import orjson

from tests.support.client import Participant, fetch_state


async def stored_events(pg_url: str, board_id: str) -> list[dict[str, Any]]:
    """The board's log as PostgreSQL holds it, in seq order."""
    conn = await asyncpg.connect(pg_url)
    try:
        rows = await conn.fetch(
            "SELECT seq, name, data, actor FROM event WHERE board_id = $1 ORDER BY seq", board_id
        )
    finally:
        await conn.close()
    return [{"seq": r["seq"], "name": r["name"], "data": orjson.loads(r["data"]), "actor": r["actor"]} for r in rows]


async def stored_commands(pg_url: str, board_id: str) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(pg_url)
    try:
        rows = await conn.fetch("SELECT actor, cid, seq FROM command WHERE board_id = $1", board_id)
    finally:
        await conn.close()
    return [dict(r) for r in rows]


def assert_contiguous(events: list[dict[str, Any]]) -> None:
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))


async def eventually(check: Callable[[], Awaitable[bool] | bool], timeout: float = 30, what: str = "") -> None:
    """Wait for a condition that depends on other processes (never a speed assertion: the timeout
    only keeps a broken run from hanging)."""

    async def loop() -> None:
        while True:
            result = check()
            if isinstance(result, Awaitable):
                result = await result
            if result:
                return
            await asyncio.sleep(0.05)

    try:
        await asyncio.wait_for(loop(), timeout)
    except TimeoutError:
        raise AssertionError(f"never happened: {what}") from None


async def http_status(url: str) -> int:
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            return (await http.get(url)).status_code
    except httpx.HTTPError:
        return 0


async def assert_converged(base_url: str, code: str, clients: list[tuple[Participant, str]]) -> None:
    """Every client's fold equals what a fresh GET gives that same viewer, at the same head."""
    heads = set()
    for client, token in clients:
        fetched = await fetch_state(base_url, code, token)
        heads.add(fetched["seq"])
        await client.wait_seq(fetched["seq"], timeout=30)
        assert client.seq == fetched["seq"]
        assert client.state == fetched["state"]
    assert len(heads) == 1
