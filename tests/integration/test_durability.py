"""Acknowledged means durable: acked commands survive SIGKILL and a graceful restart, with a contiguous log."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.support.client import Participant, create_board, fetch_state, join_board
from tests.support.wire import head_seq, replay_all, stored_events

CLIENTS = 4
NOTES_EACH = 50  # under the per-connection burst, so that no command is refused for its rate


async def test_acked_commands_survive_sigkill_and_restart(server: Any) -> None:
    url, ws_url = server.url, server.ws_url
    board = await create_board(url, "Durabilité")
    code, fac_token = board["code"], board["facilitator_token"]
    joined = [await join_board(url, code, name) for name in ("Alice", "Bruno", "Chloé")]
    tokens = [fac_token, *(j["token"] for j in joined)]
    clients = [await Participant(ws_url, code, token).connect() for token in tokens]
    await clients[0].ok("phase.set", {"phase": "inspiration"})

    # 200 notes from 4 clients at once, each with its own text and cid.
    sent: dict[str, tuple[Participant, str]] = {}
    tasks: dict[str, asyncio.Task[dict[str, Any]]] = {}
    for i, client in enumerate(clients):
        for k in range(NOTES_EACH):
            cid, text = f"dur-{i}-{k}", f"Note durable {i}/{k}"
            sent[cid] = (client, text)
            tasks[cid] = asyncio.create_task(client.cmd("note.add", {"text": text}, cid=cid, timeout=30))
    # Kill as soon as half are acknowledged, while the rest may still be in flight.
    async def half_done() -> None:
        while sum(1 for t in tasks.values() if t.done()) < len(tasks) // 2:
            await asyncio.sleep(0.001)

    await asyncio.wait_for(half_done(), 60)
    server.kill()
    outcomes = await asyncio.gather(*tasks.values(), return_exceptions=True)
    acked: dict[str, int] = {}
    for cid, outcome in zip(tasks, outcomes, strict=True):
        if isinstance(outcome, dict):
            assert outcome["type"] == "ack", outcome  # no command was refused
            acked[cid] = outcome["seq"]
        else:
            assert isinstance(outcome, ConnectionError | TimeoutError | OSError), repr(outcome)
    assert len(acked) >= len(tasks) // 2
    for client in clients:
        await client.close()

    server.start()
    head = await head_seq(url, code, fac_token)
    state = (await fetch_state(url, code, fac_token))["state"]
    texts = [n["text"] for n in state["notes"].values()]
    for cid in acked:
        assert sent[cid][1] in texts, f"acked {cid} was lost in the crash"
    assert len(texts) == len(set(texts)), "a note was written twice"
    # The log is contiguous from 1 to the head, in the database and as the server replays it, and
    # each ack's seq holds the very note it acknowledged.
    log = stored_events(server.data_dir, board["board_id"])
    assert sorted(log) == list(range(1, head + 1))
    assert [e["seq"] for e in await replay_all(ws_url, code, fac_token)] == list(range(1, head + 1))
    for cid, seq in acked.items():
        assert log[seq].name == "note.added" and log[seq].data["note"]["text"] == sent[cid][1]

    # A resent cid is still answered with its first ack after the crash (the cid table survived too).
    cid = next(iter(acked))
    author = Participant(ws_url, code, tokens[int(cid.split("-")[1])])
    await author.connect()
    again = await author.cmd("note.add", {"text": sent[cid][1]}, cid=cid)
    assert again == {"type": "ack", "cid": cid, "seq": acked[cid]}
    assert await head_seq(url, code, fac_token) == head

    # A graceful restart (SIGTERM) keeps everything, and tells connected clients to come back (1012).
    extra = await author.ok("note.add", {"text": "Avant le redémarrage"})
    before = await fetch_state(url, code, fac_token)
    assert before["seq"] == extra == head + 1
    server.restart()
    await asyncio.wait_for(author.closed.wait(), 15)
    assert author.close_code == 1012
    after = await fetch_state(url, code, fac_token)
    assert after == before
    await author.resume()
    assert [e["seq"] for e in author.welcome["replay"]] == []
    assert await author.ok("note.add", {"text": "Après le redémarrage"}) == extra + 1
    assert sorted(stored_events(server.data_dir, board["board_id"])) == list(range(1, extra + 2))
    await author.close()
