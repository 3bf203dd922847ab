"""Access links over a real server: a projector link watches as the public, a facilitator link acts as
its maker, and revoking either refuses its token and closes its sockets."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.support.client import Participant, create_board, join_board
from tests.support.server import ServerProcess


def _secret(url: str) -> str:
    path, _, fragment = url.partition("#k=")
    assert fragment and "?" not in path, url
    return fragment


async def _link(base: str, code: str, token: str, kind: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base) as http:
        r = await http.post(f"/api/boards/{code}/{kind}-link", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text
    return r.json()


async def _revoke(base: str, code: str, token: str, kind: str) -> int:
    async with httpx.AsyncClient(base_url=base) as http:
        r = await http.delete(f"/api/boards/{code}/{kind}-link", headers={"Authorization": f"Bearer {token}"})
    return r.status_code


async def _state(base: str, code: str, token: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base) as http:
        return await http.get(f"/api/boards/{code}", headers={"Authorization": f"Bearer {token}"})


async def _closed(client: Participant, timeout: float = 10) -> None:
    await asyncio.wait_for(client.closed.wait(), timeout)


async def test_a_projector_link_watches_as_the_public_until_revoked(server: ServerProcess) -> None:
    board = await create_board(server.url, "Aller vers")
    code, fac_token = board["code"], board["facilitator_token"]
    member = await join_board(server.url, code, "Awa")
    fac = await Participant(server.ws_url, code, fac_token).connect()
    await fac.ok("phase.set", {"phase": "divergence"})
    awa = await Participant(server.ws_url, code, member["token"]).connect()
    await awa.ok("note.add", {"text": "Un bus numérique", "color": "yellow"})  # private while writing

    link = await _link(server.url, code, fac_token, "projector")
    assert link["url"] == f"/b/{code}/projector#k={_secret(link['url'])}"
    secret = _secret(link["url"])
    # Asked as a board, the socket still gets the projector's public view.
    room_pc = await Participant(server.ws_url, code, secret).connect()
    assert room_pc.you == {"id": link["id"], "role": None, "view": "projector"}
    assert room_pc.state is not None and room_pc.state["notes"] == {}  # a private note never reaches it
    assert room_pc.state["access_links"] == {}
    refused = await room_pc.cmd("note.add", {"text": "Je ne suis qu'un écran", "color": "yellow"})
    assert refused["type"] == "error" and refused["code"] == "forbidden"
    http_view = await _state(server.url, code, secret)
    assert http_view.status_code == 200 and http_view.json()["state"]["notes"] == {}
    # Facilitators see the live link; participants do not.
    await fac.wait_seq(room_pc.seq)
    assert fac.state is not None and fac.state["access_links"][link["id"]]["kind"] == "projector"
    assert awa.state is not None and awa.state.get("access_links") == {}
    # A participant cannot make one.
    async with httpx.AsyncClient(base_url=server.url) as http:
        auth = {"Authorization": f"Bearer {member['token']}"}
        r = await http.post(f"/api/boards/{code}/projector-link", headers=auth)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"

    assert await _revoke(server.url, code, fac_token, "projector") == 204
    await _closed(room_pc)
    assert room_pc.close_code == 1008
    assert any(a.get("code") == "unauthorized" for a in room_pc.answers.values())
    assert (await _state(server.url, code, secret)).status_code == 401
    again = Participant(server.ws_url, code, secret)
    with pytest.raises(AssertionError, match="unauthorized"):
        await again.connect()
    # The others stay connected and in step, and a new link works.
    assert not fac.closed.is_set() and not awa.closed.is_set()
    fresh = await _link(server.url, code, fac_token, "projector")
    assert (await _state(server.url, code, _secret(fresh["url"]))).status_code == 200
    assert fac.state is not None
    await fac.ok("timer.start", {"seconds": 60})
    assert list(fac.state["access_links"]) == [fresh["id"]]
    for client in (fac, awa):
        await client.close()


async def test_a_facilitator_link_runs_the_cockpit_from_another_device(server: ServerProcess) -> None:
    board = await create_board(server.url, "Former les aidants")
    code, fac_token = board["code"], board["facilitator_token"]
    link = await _link(server.url, code, fac_token, "facilitator")
    assert link["url"].startswith(f"/b/{code}/facilitate#k=")
    laptop = await Participant(server.ws_url, code, _secret(link["url"])).connect()
    assert laptop.you["id"] == board["participant_id"] and laptop.you["role"] == "facilitator"
    await laptop.ok("phase.set", {"phase": "inspiration"})
    assert laptop.state is not None and laptop.state["board"]["phase"] == "inspiration"
    # The link can itself make and revoke links: it is the facilitator.
    assert await _revoke(server.url, code, _secret(link["url"]), "facilitator") == 204
    await _closed(laptop)
    assert (await _state(server.url, code, _secret(link["url"]))).status_code == 401
    assert (await _state(server.url, code, fac_token)).status_code == 200  # the original token stays
