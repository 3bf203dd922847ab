"""Resuming over a real server: exactly the missed events, idempotent cids, a fresh state when too far behind."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.support.client import Participant, create_board, fetch_state, join_board
from tests.support.server import ServerProcess
from tests.support.wire import delivered, head_seq, stored_events


async def note_id_at(client: Participant, seq: int) -> str:
    await client.wait_seq(seq)
    event = next(e for e in client.events if e["seq"] == seq)
    assert event["name"] == "note.added", event
    return event["data"]["note"]["id"]


async def note_texts(url: str, code: str, token: str) -> list[str]:
    state = (await fetch_state(url, code, token))["state"]
    return sorted(n["text"] for n in state["notes"].values())


async def test_resume_replays_exactly_the_missed_events(shared_server: Any) -> None:
    url, ws_url = shared_server.url, shared_server.ws_url
    board = await create_board(url, "Reprise")
    code = board["code"]
    alice_join, bruno_join = await asyncio.gather(join_board(url, code, "Alice"), join_board(url, code, "Bruno"))
    fac = await Participant(ws_url, code, board["facilitator_token"]).connect()
    alice = await Participant(ws_url, code, alice_join["token"]).connect()
    bruno = await Participant(ws_url, code, bruno_join["token"]).connect()
    await fac.ok("phase.set", {"phase": "inspiration"})
    alice_note = await note_id_at(alice, await alice.ok("note.add", {"text": "Un bus numérique"}))
    bruno_note = await note_id_at(bruno, await bruno.ok("note.add", {"text": "Des ateliers en mairie"}))
    await bruno.wait_seq(await head_seq(url, code, bruno_join["token"]))
    await bruno.close()
    left_at = bruno.seq

    # While Bruno is away: notes, edits, moves, a phase change and dots (Alice's reach him hidden).
    await asyncio.gather(
        alice.ok("note.add", {"text": "Une permanence France services", "color": "green"}),
        alice.ok("note.edit", {"id": alice_note, "text": "Un bus numérique itinérant"}),
        fac.ok("note.move", {"id": bruno_note, "x": 900, "y": 120}),
        fac.ok("question.set", {"text": "Quels lieux d'accueil ?"}),
    )
    await fac.ok("phase.set", {"phase": "convergence"})
    alice_dot, fac_dot, _ = await asyncio.gather(
        alice.ok("vote.add", {"note_id": bruno_note}),
        fac.ok("vote.add", {"note_id": alice_note}),
        fac.ok("timer.start", {"seconds": 300}),
    )
    head = await head_seq(url, code, board["facilitator_token"])
    await asyncio.gather(alice.wait_seq(head), fac.wait_seq(head))
    assert head > left_at + 5

    await bruno.resume()
    replay = bruno.welcome["replay"]
    assert "state" not in bruno.welcome and "reset" not in bruno.welcome
    assert bruno.welcome["seq"] == head
    assert [e["seq"] for e in replay] == list(range(left_at + 1, head + 1))
    # Exactly what the protocol gives Bruno for each stored event ...
    log = stored_events(shared_server.data_dir, board["board_id"])
    assert replay == [delivered(log[s], bruno.you) for s in range(left_at + 1, head + 1)]
    # ... which is what connected clients received: the facilitator every event whole, and a
    # participant the same frames wherever the event was not restricted.
    fac_saw = {e["seq"]: e for e in fac.events}
    for s in range(left_at + 1, head + 1):
        assert fac_saw[s] == {"type": "event", "seq": s, "name": log[s].name, "data": log[s].data}
    alice_saw = {e["seq"]: e for e in alice.events}
    shared = [e for e in replay if not log[e["seq"]].restricted]
    assert shared and all(e == alice_saw[e["seq"]] for e in shared)
    by_seq = {e["seq"]: e for e in replay}
    for dot in (alice_dot, fac_dot):  # others' dots before the reveal
        assert by_seq[dot] == {"type": "event", "seq": dot, "name": "hidden", "data": {}}
    fetched = await fetch_state(url, code, bruno_join["token"])
    assert fetched["seq"] == bruno.seq == head
    assert fetched["state"] == bruno.state

    # Then live events follow, contiguous with the replay.
    live = await fac.ok("question.set", {"text": "Et les horaires ?"})
    await bruno.wait_seq(live)
    assert live == head + 1
    assert bruno.events[-1] == {"type": "event", "seq": live, "name": "question.changed",
                                "data": {"text": "Et les horaires ?"}}
    for client in (fac, alice, bruno):
        await client.close()


async def test_resent_cid_returns_the_first_ack_and_changes_nothing(shared_server: Any) -> None:
    url, ws_url = shared_server.url, shared_server.ws_url
    board = await create_board(url, "Idempotence")
    code = board["code"]
    joined = await join_board(url, code, "Alice")
    fac = await Participant(ws_url, code, board["facilitator_token"]).connect()
    alice = await Participant(ws_url, code, joined["token"]).connect()
    await fac.ok("phase.set", {"phase": "inspiration"})

    first = await alice.cmd("note.add", {"text": "Une seule fois"}, cid="once-1")
    assert first["type"] == "ack"
    head = await head_seq(url, code, joined["token"])
    assert first["seq"] == head

    # On the same connection.
    again = await alice.cmd("note.add", {"text": "Une seule fois"}, cid="once-1")
    assert again == first
    assert await head_seq(url, code, joined["token"]) == head
    assert await note_texts(url, code, joined["token"]) == ["Une seule fois"]

    # After reconnecting.
    await alice.close()
    await alice.resume()
    after = await alice.cmd("note.add", {"text": "Une seule fois"}, cid="once-1")
    assert after == first
    assert await head_seq(url, code, joined["token"]) == head
    assert await note_texts(url, code, joined["token"]) == ["Une seule fois"]

    # A fresh cid with the same text is a new command: the check above can tell the difference.
    control = await alice.ok("note.add", {"text": "Une seule fois"}, cid="once-2")
    assert control == head + 1
    await fac.wait_seq(control)
    # The facilitator saw one note.added per accepted command, none for the resends.
    added = [e["seq"] for e in fac.events if e["name"] == "note.added"]
    assert added == [head, control]
    assert await note_texts(url, code, joined["token"]) == ["Une seule fois", "Une seule fois"]
    await alice.close()
    await fac.close()


async def test_resent_vote_after_budget_is_spent_returns_its_first_ack(shared_server: Any) -> None:
    url, ws_url = shared_server.url, shared_server.ws_url
    board = await create_board(url, "Gommettes")
    code = board["code"]
    joined = await join_board(url, code, "Alice")
    fac = await Participant(ws_url, code, board["facilitator_token"]).connect()
    alice = await Participant(ws_url, code, joined["token"]).connect()
    await fac.ok("phase.set", {"phase": "inspiration"})
    note = await note_id_at(fac, await fac.ok("note.add", {"text": "Un tiers-lieu"}))
    await fac.ok("votes.configure", {"budget": 1})
    await fac.ok("phase.set", {"phase": "convergence"})

    first = await alice.cmd("vote.add", {"note_id": note}, cid="dot-1")
    assert first["type"] == "ack"
    spent = await alice.cmd("vote.add", {"note_id": note}, cid="dot-2")
    assert spent["type"] == "error" and spent["code"] == "vote_budget_exhausted"
    head = await head_seq(url, code, joined["token"])
    assert head == first["seq"]

    again = await alice.cmd("vote.add", {"note_id": note}, cid="dot-1")
    assert again == first
    await alice.close()
    await alice.resume()
    after = await alice.cmd("vote.add", {"note_id": note}, cid="dot-1")
    assert after == first
    assert await head_seq(url, code, joined["token"]) == head
    state = (await fetch_state(url, code, joined["token"]))["state"]
    assert state["my_votes"] == {note: 1}
    facilitator_view = (await fetch_state(url, code, board["facilitator_token"]))["state"]
    assert facilitator_view["votes"] == {note: 1}
    await alice.close()
    await fac.close()


async def test_client_too_far_behind_gets_a_fresh_state(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data", env={"ATELIER_REPLAY_LIMIT": "5"}).start()
    try:
        url, ws_url = server.url, server.ws_url
        board = await create_board(url, "Trop loin")
        code = board["code"]
        joined = await join_board(url, code, "Alice")
        fac = await Participant(ws_url, code, board["facilitator_token"]).connect()
        alice = await Participant(ws_url, code, joined["token"]).connect()
        await alice.wait_seq(await fac.ok("phase.set", {"phase": "inspiration"}))

        # Exactly at the limit: still a replay.
        await alice.close()
        left_at = alice.seq
        for k in range(5):
            last = await fac.ok("note.add", {"text": f"Note {k}"})
        assert last == left_at + 5
        await alice.resume()
        assert [e["seq"] for e in alice.welcome["replay"]] == list(range(left_at + 1, last + 1))

        # One past it: a fresh state, flagged as a reset, and no replay.
        await alice.close()
        for k in range(6):
            last = await fac.ok("note.add", {"text": f"Plus loin {k}"})
        assert last == alice.seq + 6
        await alice.resume()
        welcome = alice.welcome
        assert welcome.get("reset") is True
        assert "replay" not in welcome
        fetched = await fetch_state(url, code, joined["token"])
        assert welcome["seq"] == fetched["seq"] == last
        assert welcome["state"] == fetched["state"]
        assert len(welcome["state"]["notes"]) == 11

        # Live events continue from the fresh state.
        live = await fac.ok("note.add", {"text": "Après la remise à zéro"})
        await alice.wait_seq(live)
        assert alice.state == (await fetch_state(url, code, joined["token"]))["state"]

        # A last_seq ahead of the board (e.g. a database restored from backup) also gets a reset.
        ahead = Participant(ws_url, code, joined["token"])
        await ahead.connect(last_seq=live + 50)
        assert ahead.welcome.get("reset") is True and ahead.welcome["seq"] == live
        for client in (fac, alice, ahead):
            await client.close()
    finally:
        server.stop()
