"""Outages of the shared services during a session: Redis restarted, PostgreSQL stopped and started.
Each test runs its own throwaway server; the machine's Redis and PostgreSQL are never touched."""

from __future__ import annotations

import asyncio
from collections import Counter

from tests.scale.helpers import (
    assert_contiguous,
    assert_converged,
    eventually,
    http_status,
    stored_commands,
    stored_events,
)
from tests.support.client import Participant, create_board, join_board


async def _ready(*nodes) -> bool:  # type: ignore[no-untyped-def]
    return all([await http_status(f"{n.url}/readyz") == 200 for n in nodes])


async def _unready(*nodes) -> bool:  # type: ignore[no-untyped-def]
    return all([await http_status(f"{n.url}/readyz") == 503 for n in nodes])


async def test_redis_restart_every_process_resubscribes_and_clients_converge(own_redis, pg_url, servers):
    # A heartbeat far longer than the test: only the resubscription (RESYNC) can bring b up to date.
    env = {"DATABASE_URL": pg_url, "REDIS_URL": own_redis.url, "ATELIER_HEARTBEAT_SECONDS": "3600"}
    a, b = servers(env, "a"), servers(env, "b")
    board = await create_board(a.url)
    code = board["code"]
    joined = await join_board(b.url, code, "Alice")
    fac = await Participant(a.ws_url, code, board["facilitator_token"]).connect()
    alice = await Participant(b.ws_url, code, joined["token"]).connect()
    await fac.ok("phase.set", {"phase": "divergence"})
    await alice.wait_seq(await alice.ok("note.add", {"text": "avant la panne"}))
    await fac.wait_seq(alice.seq)

    own_redis.kill()
    await eventually(lambda: _unready(a, b), what="both processes see Redis gone")
    # Committed on a while Redis is away: a's own clients still get it, b's cannot hear of it yet.
    missed = await fac.ok("question.set", {"text": "Pendant la panne"})
    await fac.wait_seq(missed)

    own_redis.start()
    await eventually(lambda: _ready(a, b), what="both processes resubscribed")
    await alice.wait_seq(missed, timeout=30)  # b caught its room up from the database by itself
    # And the doorbell rings again both ways, without restarting any process.
    head = await alice.ok("note.add", {"text": "après la panne"})
    head = max(head, await fac.ok("question.set", {"text": "Après"}))
    await fac.wait_seq(head)
    await alice.wait_seq(head)
    await assert_converged(a.url, code, [(fac, board["facilitator_token"]), (alice, joined["token"])])
    assert "Traceback" not in a.log() + b.log()
    await fac.close()
    await alice.close()


async def test_postgres_stopped_commands_are_unavailable_then_service_resumes(own_postgres, redis_url, servers):
    env = {"DATABASE_URL": own_postgres.url, "REDIS_URL": redis_url}
    a, b = servers(env, "a"), servers(env, "b")
    board = await create_board(a.url)
    code = board["code"]
    joined = await join_board(b.url, code, "Alice")
    fac = await Participant(a.ws_url, code, board["facilitator_token"]).connect()
    alice = await Participant(b.ws_url, code, joined["token"]).connect()
    await fac.ok("phase.set", {"phase": "divergence"})
    await alice.ok("note.add", {"text": "avant"}, cid="n-0")

    await asyncio.to_thread(own_postgres.stop)
    assert await http_status(f"{a.url}/healthz") == 200  # alive …
    await eventually(lambda: _unready(a, b), what="readyz says the database is unreachable")  # … not ready
    for k in range(1, 4):
        answer = await alice.cmd("note.add", {"text": f"pendant {k}"}, cid=f"n-{k}")
        assert answer["type"] == "error" and answer["code"] == "unavailable", answer
    answer = await fac.cmd("question.set", {"text": "pendant"}, cid="q-1")
    assert answer["code"] == "unavailable"

    await asyncio.to_thread(own_postgres.start)
    await eventually(lambda: _ready(a, b), what="both processes ready again")
    # The same commands, resent with the same cids, now go through, once each.
    for k in range(1, 4):
        await alice.ok("note.add", {"text": f"pendant {k}"}, cid=f"n-{k}")
    await alice.ok("note.add", {"text": f"pendant {1}"}, cid="n-1")  # a resend: answered, not repeated
    await fac.ok("question.set", {"text": "pendant"}, cid="q-1")

    events = await stored_events(own_postgres.url, board["board_id"])
    assert_contiguous(events)
    texts = Counter(e["data"]["note"]["text"] for e in events if e["name"] == "note.added")
    assert texts == Counter({"avant": 1, "pendant 1": 1, "pendant 2": 1, "pendant 3": 1})
    # Nothing half-written: every stored command points at a stored event of its author.
    by_seq = {e["seq"]: e for e in events}
    for row in await stored_commands(own_postgres.url, board["board_id"]):
        assert by_seq[row["seq"]]["actor"] == row["actor"]
    await assert_converged(b.url, code, [(fac, board["facilitator_token"]), (alice, joined["token"])])
    await fac.close()
    await alice.close()
