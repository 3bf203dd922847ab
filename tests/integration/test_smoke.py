"""The smallest end-to-end loop over a real server: create, join, note, fold equals GET."""

from __future__ import annotations

from tests.support.client import Participant, create_board, fetch_state, join_board


async def test_note_reaches_everyone_and_fold_matches_get(shared_server):
    board = await create_board(shared_server.url)
    alice = await join_board(shared_server.url, board["code"].lower(), "Alice")
    fac = await Participant(shared_server.ws_url, board["code"], board["facilitator_token"]).connect()
    part = await Participant(shared_server.ws_url, board["code"], alice["token"]).connect()
    await fac.ok("phase.set", {"phase": "divergence"})
    seq = await part.ok("note.add", {"text": "Un bus numérique itinérant", "color": "blue"})
    await fac.wait_seq(seq)
    await part.wait_seq(seq)
    for client, token in ((fac, board["facilitator_token"]), (part, alice["token"])):
        fetched = await fetch_state(shared_server.url, board["code"], token)
        assert fetched["seq"] == client.seq
        assert fetched["state"] == client.state
    assert [n["text"] for n in part.state["notes"].values()] == ["Un bus numérique itinérant"]
    await fac.close()
    await part.close()
