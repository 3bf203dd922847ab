"""Graceful shutdown on SIGTERM: sockets closed with 1012 so clients move to another process, commands in
flight finished, nothing lost or doubled. (Draining inside the process: test_ordering.py.)"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter

from tests.scale.helpers import assert_contiguous, assert_converged, eventually, stored_events
from tests.support.client import Participant, create_board, join_board


async def test_sigterm_moves_clients_to_the_other_process_and_loses_no_command(servers, scale_env, pg_url):
    a = servers({**scale_env, "ATELIER_LOG_LEVEL": "info"}, "a")  # info: uvicorn says how it shut down
    b = servers(scale_env, "b")
    board = await create_board(b.url)
    code = board["code"]
    fac = await Participant(b.ws_url, code, board["facilitator_token"]).connect()
    joined = await join_board(a.url, code, "Alice")
    alice = await Participant(a.ws_url, code, joined["token"]).connect()
    await fac.ok("phase.set", {"phase": "divergence"})

    cids = [f"s-{k}" for k in range(40)]
    acked: dict[str, int] = {}
    busy = asyncio.Event()

    async def send(cid: str) -> None:
        try:
            answer = await alice.cmd("note.add", {"text": cid}, cid=cid)
        except Exception:
            return  # cut off by the shutdown: resent below
        assert answer["type"] in ("ack", "error"), answer
        if answer["type"] == "ack":
            acked[cid] = answer["seq"]
        else:
            assert answer["code"] == "unavailable"  # arrived while draining: refused, not half-done
        if len(acked) >= 3:
            busy.set()

    sends = [asyncio.create_task(send(cid)) for cid in cids]
    await asyncio.wait_for(busy.wait(), 30)
    a.proc.send_signal(signal.SIGTERM)
    await asyncio.gather(*sends)
    await eventually(alice.closed.is_set, what="alice's socket closed")
    assert alice.close_code == 1012  # service restart: reconnect, possibly elsewhere
    # uvicorn re-raises the signal once its graceful shutdown is over: dying of SIGTERM is the normal end.
    assert await asyncio.to_thread(a.proc.wait, 30) in (0, -signal.SIGTERM)
    log = a.log()
    assert "Application shutdown complete" in log  # the lifespan ran: hub closed, service drained
    assert "Traceback" not in log and "graceful shutdown exceeded" not in log and "in flight" not in log

    alice.ws_url = b.ws_url
    await alice.resume()
    for cid in cids:
        answer = await alice.cmd("note.add", {"text": cid}, cid=cid)
        assert answer["type"] == "ack", answer
        if cid in acked:
            assert answer["seq"] == acked[cid]  # acknowledged before the shutdown: same answer
    events = await stored_events(pg_url, board["board_id"])
    assert_contiguous(events)
    texts = Counter(e["data"]["note"]["text"] for e in events if e["name"] == "note.added")
    assert texts == Counter(dict.fromkeys(cids, 1))
    await assert_converged(b.url, code, [(fac, board["facilitator_token"]), (alice, joined["token"])])
    await fac.close()
    await alice.close()
