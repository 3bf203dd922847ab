"""Removing a participant and closing the door, on the scale-out shape: two processes, one PostgreSQL,
one Redis. The removed participant's sockets close on both processes and their token is refused on
both; everyone else goes on."""

from __future__ import annotations

import asyncio

import httpx

from tests.scale.helpers import eventually
from tests.support.client import Participant, create_board, fetch_state, join_board
from tests.support.server import ServerProcess
from tests.support.wire import expected_message, hello, open_socket, refused


async def test_a_removed_participant_is_cut_off_on_every_process(
    cluster: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = cluster
    board = await create_board(a.url, "Atelier de Mallory")
    code = board["code"]
    mallory = await join_board(b.url, code, "Mallory")
    bob = await join_board(a.url, code, "Bob")
    fac = await Participant(a.ws_url, code, board["facilitator_token"]).connect()
    on_a = await Participant(a.ws_url, code, mallory["token"], lang="en").connect()
    on_b = await Participant(b.ws_url, code, mallory["token"], lang="en").connect()
    bystander = await Participant(b.ws_url, code, bob["token"]).connect()
    await fac.ok("phase.set", {"phase": "inspiration"})
    written = await on_b.ok("note.add", {"text": "Une idée de Mallory"})
    await fac.wait_seq(written)

    removed = await fac.ok("participant.remove", {"id": mallory["participant_id"]})
    for socket in (on_a, on_b):
        await asyncio.wait_for(socket.closed.wait(), 15)
        assert socket.close_code == 1008
        assert socket.seq == removed, "told of their removal before the close"
        [notice] = [m for m in socket.answers.values() if m.get("type") == "error"]
        assert (notice["code"], notice["field"]) == ("unauthorized", "removed")
        assert notice["message"] == expected_message("en", "unauthorized", "removed")

    # Their token is refused from then on, on both processes, over the socket and over HTTP.
    for server in (a, b):
        ws = await open_socket(server.ws_url, code)
        answer, close_code = await refused(ws, hello(mallory["token"], lang="en"))
        assert (answer["code"], answer["field"], close_code) == ("unauthorized", "removed", 1008)
        async with httpx.AsyncClient(base_url=server.url) as http:
            response = await http.get(f"/api/boards/{code}", headers={"Authorization": f"Bearer {mallory['token']}"})
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"

    # Everyone else is undisturbed: the bystander got the event and still writes; the note stays.
    await bystander.wait_seq(removed)
    assert not bystander.closed.is_set()
    assert mallory["participant_id"] not in bystander.state["participants"]
    later = await bystander.ok("note.add", {"text": "Bob continue"})
    state = (await fetch_state(b.url, code, board["facilitator_token"]))["state"]
    assert "Une idée de Mallory" in {n["text"] for n in state["notes"].values()}
    assert state["board"]["joining"] is True

    # Closing the door: new joins are refused on both processes, people already in are unaffected.
    closed = await fac.ok("board.joining", {"open": False})
    await eventually(lambda: bystander.seq >= closed, what="the bystander hears the door close")
    assert bystander.state["board"]["joining"] is False
    for server in (a, b):
        async with httpx.AsyncClient(base_url=server.url) as http:
            response = await http.post(f"/api/boards/{code}/join", json={"name": "Trop tard"},
                                       headers={"accept-language": "en"})
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "joining_closed"
        assert error["message"] == expected_message("en", "joining_closed")
    assert (await bystander.ok("note.add", {"text": "Toujours là"})) > later
    await fac.ok("board.joining", {"open": True})
    assert (await join_board(b.url, code, "Enfin"))["role"] == "participant"
    for client in (fac, bystander):
        await client.close()
