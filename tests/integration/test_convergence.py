"""A whole workshop played concurrently by four real clients: everyone sees the same log and the same state."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.support.client import Participant, create_board, fetch_state, join_board
from tests.support.wire import dashed, delivered, head_seq, stored_events

COLORS = ("yellow", "pink", "blue", "green", "orange", "purple")


async def note_id_at(client: Participant, seq: int) -> str:
    """The id of the note a command created, read from the event at its ack's seq."""
    await client.wait_seq(seq)
    event = next(e for e in client.events if e["seq"] == seq)
    assert event["name"] == "note.added", event
    return event["data"]["note"]["id"]


async def settle(url: str, code: str, clients: list[Participant], tokens: list[str]) -> int:
    """Wait until every client holds the head, then check each fold equals a fresh GET with its token."""
    head = await head_seq(url, code, tokens[0])
    await asyncio.gather(*(c.wait_seq(head) for c in clients))
    for client, token in zip(clients, tokens, strict=True):
        fetched = await fetch_state(url, code, token)
        assert fetched["seq"] == client.seq == head
        assert fetched["state"] == client.state, f"fold of {client.you['id']} differs from GET"
    return head


async def test_concurrent_workshop_converges(shared_server: Any) -> None:
    url, ws_url = shared_server.url, shared_server.ws_url
    board = await create_board(url, "Atelier inclusion numérique")
    code = board["code"]
    typed = dashed(code)  # participants type the code in lowercase with a dash
    assert typed != code
    joined = await asyncio.gather(*(join_board(url, typed, name) for name in ("Alice", "Bruno", "Chloé")))
    fac = await Participant(ws_url, code, board["facilitator_token"]).connect()
    parts = [await Participant(ws_url, typed, j["token"]).connect() for j in joined]
    everyone = [fac, *parts]
    tokens = [board["facilitator_token"], *(j["token"] for j in joined)]
    start = fac.seq
    assert all(c.seq == start for c in everyone)
    assert {p.you["id"] for p in parts} == {j["participant_id"] for j in joined}

    # Round 1, inspiration: everyone writes at once while the facilitator drives the timer.
    await fac.ok("phase.set", {"phase": "inspiration"})

    async def write(p: Participant, i: int) -> list[str]:
        seqs = await asyncio.gather(
            *(
                p.ok("note.add", {"text": f"Idée {i}.{k}", "color": COLORS[k], "x": 100.0 * k, "y": 50.0 * i})
                for k in range(6)
            )
        )
        return [await note_id_at(p, s) for s in seqs]

    async def drive_timer() -> str:
        await fac.ok("timer.start", {"seconds": 600})
        await fac.ok("question.set", {"text": "Comment accompagner les usagers éloignés du numérique ?"})
        await fac.ok("timer.pause")
        await fac.ok("timer.resume")
        await fac.ok("timer.add", {"seconds": 60})
        return await note_id_at(fac, await fac.ok("note.add", {"text": "Idée de Mme Martin", "for": "Mme Martin"}))

    *notes, fac_note = await asyncio.gather(*(write(p, i) for i, p in enumerate(parts)), drive_timer())
    await settle(url, code, everyone, tokens)
    assert len(fac.state["notes"]) == 19
    assert fac.state["timer"]["status"] == "running"

    # Round 2, divergence: authors edit, move, recolour and delete their notes; the facilitator
    # moderates others'.
    await fac.ok("phase.set", {"phase": "divergence"})
    async def rework(p: Participant, mine: list[str]) -> None:
        await asyncio.gather(
            p.ok("note.edit", {"id": mine[0], "text": "Idée reformulée"}),
            p.ok("note.move", {"id": mine[1], "x": 3999.5, "y": 0}),
            p.ok("note.recolor", {"id": mine[2], "color": "purple"}),
            p.ok("note.delete", {"id": mine[3]}),
        )

    async def moderate() -> None:
        await asyncio.gather(
            fac.ok("note.move", {"id": notes[0][4], "x": 12.5, "y": 4000}),
            fac.ok("note.edit", {"id": notes[1][4], "text": "Reformulée par l'animation"}),
            fac.ok("note.recolor", {"id": fac_note, "color": "green"}),
            fac.ok("votes.configure", {"budget": 4}),
            fac.ok("timer.add", {"seconds": -30}),
        )

    await asyncio.gather(*(rework(p, mine) for p, mine in zip(parts, notes, strict=True)), moderate())
    await settle(url, code, everyone, tokens)
    assert len(fac.state["notes"]) == 16
    assert fac.state["notes"][notes[0][1]]["x"] == 3999.5
    assert fac.state["board"]["vote_budget"] == 4

    # Round 3: a locked board refuses participants (all at once) but not the facilitator.
    await fac.ok("board.lock", {"locked": True})
    answers = await asyncio.gather(
        *(p.cmd("note.add", {"text": "Pendant le verrou"}) for p in parts),
        fac.cmd("note.add", {"text": "Synthèse de l'animation"}),
    )
    assert [a.get("code") for a in answers[:-1]] == ["board_locked"] * 3
    assert answers[-1]["type"] == "ack"
    await fac.ok("board.lock", {"locked": False})
    await settle(url, code, everyone, tokens)

    # Round 4, convergence: dots everywhere at once; tallies stay with the facilitator until the reveal.
    await fac.ok("phase.set", {"phase": "convergence"})
    targets = [notes[0][4], notes[1][5], notes[2][5], fac_note]

    async def vote(p: Participant, i: int) -> None:
        await asyncio.gather(*(p.ok("vote.add", {"note_id": targets[(i + k) % 4]}) for k in range(3)))
        await p.ok("vote.add", {"note_id": targets[i]})  # a second dot on the same note
        await p.ok("vote.remove", {"note_id": targets[(i + 1) % 4]})
        await p.ok("note.move", {"id": notes[i][5], "x": 2000, "y": 2000})

    async def facilitate() -> None:
        await fac.ok("vote.add", {"note_id": fac_note})
        await fac.ok("timer.reset")
        await fac.ok("timer.start")
        await fac.ok("vote.add", {"note_id": targets[0]})

    await asyncio.gather(*(vote(p, i) for i, p in enumerate(parts)), facilitate())
    await settle(url, code, everyone, tokens)
    assert sum(fac.state["votes"].values()) == 3 * 3 + 2
    for i, p in enumerate(parts):
        assert p.state["votes"] == {}, "a participant saw tallies before the reveal"
        assert sum(p.state["my_votes"].values()) == 3
        assert p.state["my_votes"][targets[i]] == 2

    # Round 5: reveal, vote in the open, hide again, vote, reveal for good.
    await fac.ok("votes.reveal", {"revealed": True})
    await settle(url, code, everyone, tokens)
    for p in parts:
        assert p.state["votes"] == fac.state["votes"] != {}
    await asyncio.gather(
        *(p.ok("vote.remove", {"note_id": targets[i]}) for i, p in enumerate(parts)),
        fac.ok("vote.add", {"note_id": targets[1]}),
    )
    await fac.ok("votes.reveal", {"revealed": False})
    await asyncio.gather(*(p.ok("vote.add", {"note_id": fac_note}) for p in parts))
    await settle(url, code, everyone, tokens)
    for p in parts:
        assert p.state["votes"] == {}
    await fac.ok("votes.reveal")
    await fac.ok("phase.set", {"phase": "sharing"})
    head = await settle(url, code, everyone, tokens)
    for p in parts:
        assert p.state["votes"] == fac.state["votes"]
    assert fac.state["votes"][fac_note] == 2 + 3  # the facilitator's and Bruno's, then one more each

    # The log as each client received it: the same contiguous seqs; every event the server stored
    # unrestricted reached everyone identically, and restricted ones (others' dots before the reveal)
    # reached each viewer in the form the protocol gives them.
    expected_seqs = list(range(start + 1, head + 1))
    for client in everyone:
        assert [e["seq"] for e in client.events] == expected_seqs
    log = stored_events(shared_server.data_dir, board["board_id"])
    assert sorted(log) == list(range(1, head + 1))
    for position, seq in enumerate(expected_seqs):
        row = log[seq]
        seen = [c.events[position] for c in everyone]
        if not row.restricted:
            assert all(e == {"type": "event", "seq": seq, "name": row.name, "data": row.data} for e in seen), seq
        for client, event in zip(everyone, seen, strict=True):
            assert event == delivered(row, client.you), f"{client.you['id']} got the wrong form of seq {seq}"
    assert all(e["name"] != "hidden" for e in fac.events)
    assert any(e["name"] == "hidden" for e in parts[0].events), "others' dots must have reached as hidden"
    for client in everyone:
        await client.close()
