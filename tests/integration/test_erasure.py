"""Erasure: a canary written into every place a person's data can go is found nowhere afterwards —
not in the SQLite file, its WAL or its shared memory (read as bytes), not in a pg_dump, not in Redis,
not in the server's log — for a whole board, and for one person (whose contributions stay, anonymous)."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.support.client import Participant, fetch_state, join_board
from tests.support.server import ServerProcess

CANARY = "Kanari7Qx"
NAME = "Canari Perrin"  # a person's name, for the erasure of one person


@pytest.fixture(params=["sqlite", "postgresql"])
def shape(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """One process on SQLite, or on PostgreSQL + Redis; with a snapshot every few events, so snapshots
    hold the canary too, and the log at INFO, where uvicorn writes its WebSocket lines."""
    env = {"ATELIER_SNAPSHOT_EVERY": "4", "ATELIER_LOG_LEVEL": "info"}
    if request.param == "postgresql":
        env |= {"DATABASE_URL": request.getfixturevalue("pg_url"), "REDIS_URL": request.getfixturevalue("redis_url")}
    server = ServerProcess(tmp_path / "data", env=env).start(timeout=180)
    try:
        yield {"kind": request.param, "server": server, "env": env, "data": tmp_path / "data"}
    finally:
        server.stop()


def stored_bytes(shape: dict[str, Any]) -> bytes:
    """Everything the server keeps, as bytes: the database (file, WAL and SHM, or a pg_dump) and Redis."""
    if shape["kind"] == "sqlite":
        paths = [shape["data"] / f"atelier.db{suffix}" for suffix in ("", "-wal", "-shm")]
        found = b"".join(p.read_bytes() for p in paths if p.exists())
    else:
        url = shape["env"]["DATABASE_URL"]
        found = subprocess.run(["pg_dump", "--no-owner", url], check=True, capture_output=True).stdout
        import redis

        client = redis.Redis.from_url(shape["env"]["REDIS_URL"])
        try:
            for key in client.keys("*"):
                found += key + (client.dump(key) or b"")
        finally:
            client.close()
    return found


async def workshop(url: str, ws_url: str, canary: str, name: str) -> dict[str, Any]:
    """A board where the canary goes everywhere a person's data can: name, `for`, note, group title,
    sheet field, remark, closing answer, next steps, the speakers' queue; and a programme link."""
    async with httpx.AsyncClient(base_url=url) as http:
        created = (await http.post("/api/boards", json={"title": "Atelier"})).json()
        other = (await http.post("/api/boards", json={"title": "Atelier 2"})).json()
    code, token = created["code"], created["facilitator_token"]
    person = await join_board(url, code, name, "ccas")
    fac = await Participant(ws_url, code, token).connect()
    part = await Participant(ws_url, code, person["token"]).connect()
    await fac.ok("phase.set", {"phase": "inspiration"})
    await part.ok("note.add", {"text": f"Idée {canary}"})
    await part.ok("note.add", {"text": "Une idée sans canari"})
    await fac.ok("note.add", {"text": "Tapée pour elle", "for": name})
    state = (await fetch_state(url, code, token))["state"]
    note_ids = sorted(state["notes"])
    await fac.ok("phase.set", {"phase": "convergence"})
    await fac.ok("group.create", {"title": f"Groupe {canary}", "note_ids": note_ids[:1]})
    state = (await fetch_state(url, code, token))["state"]
    group_id = next(iter(state["groups"]))
    await fac.ok("solution.retain", {"group_id": group_id, "note_id": None})
    state = (await fetch_state(url, code, token))["state"]
    sheet_id = next(iter(state["sheets"]))
    await part.ok("sheet.edit", {"sheet_id": sheet_id, "field": "partners", "text": canary, "base_version": 0})
    await fac.ok("phase.set", {"phase": "sharing"})
    await part.ok("remark.add", {"sheet_id": sheet_id, "kind": "for", "text": f"Remarque {canary}"})
    await fac.ok("phase.set", {"phase": "conclusion"})
    await part.ok("closing.answer", {"question": "feeling", "text": f"Réponse {canary}"})
    await fac.ok("next_steps.set", {"text": f"Suite {canary}"})
    await fac.ok("queue.join", {"name": name})
    async with httpx.AsyncClient(base_url=url) as http:
        programme = await http.post(
            "/api/programmes",
            json={
                "title": "Feuille de route",
                "boards": [
                    {"code": code, "token": token},
                    {"code": other["code"], "token": other["facilitator_token"]},
                ],
            },
        )
        assert programme.status_code == 201, programme.text
    return {"code": code, "token": token, "person": person, "fac": fac, "part": part, "programme": programme.json()}


async def test_erasing_a_board_leaves_nothing_of_it(shape: dict[str, Any]) -> None:
    server: ServerProcess = shape["server"]
    board = await workshop(server.url, server.ws_url, CANARY, f"Nom {CANARY}")
    code, token = board["code"], board["token"]
    assert CANARY.encode() in stored_bytes(shape)  # the test can fail: the canary was written
    async with httpx.AsyncClient(base_url=server.url) as http:
        person = board["person"]["token"]
        refused = await http.delete(f"/api/boards/{code}", headers={"Authorization": f"Bearer {person}"})
        assert refused.status_code == 403
        erased = await http.delete(f"/api/boards/{code}", headers={"Authorization": f"Bearer {token}"})
        assert erased.status_code == 204, erased.text
        # Every socket of the board is closed, with the code that says: do not come back.
        for socket in (board["fac"], board["part"]):
            await asyncio.wait_for(socket.closed.wait(), 10)
            assert socket.close_code == 4004
        headers = {"Authorization": f"Bearer {token}"}
        for method, path in (
            ("GET", f"/api/boards/{code}"),
            ("POST", f"/api/boards/{code}/join"),
            ("GET", f"/api/boards/{code}/export/board.json"),
            ("GET", f"/api/boards/{code}/qr.svg"),
            ("GET", f"/api/boards/{code}/retention"),
            ("DELETE", f"/api/boards/{code}"),
            ("POST", f"/api/boards/{code}/copy"),
        ):
            answer = await http.request(method, path, headers=headers, json={"name": "X"})
            assert answer.status_code == 404, (method, path, answer.text)
        programme = board["programme"]
        sheets = await http.get(
            f"/api/programmes/{programme['programme_id']}/export/sheets.md",
            headers={"Authorization": f"Bearer {programme['token']}"},
        )
        assert sheets.status_code == 200 and CANARY.encode() not in sheets.content
    async with websockets.connect(f"{server.ws_url}/ws/{code}") as ws:
        await ws.send(f'{{"type":"hello","protocol":1,"token":"{token}"}}')
        assert '"unauthorized"' in await ws.recv()
    await asyncio.sleep(0.5)
    found = stored_bytes(shape)
    assert CANARY.encode() not in found
    assert f"Nom {CANARY}".encode() not in found
    log = server.log()
    assert "WebSocket" in log  # uvicorn's accept lines are there …
    assert CANARY not in log and code not in log  # … without the room code


async def test_erasing_a_person_keeps_their_contributions_anonymous(shape: dict[str, Any]) -> None:
    server: ServerProcess = shape["server"]
    board = await workshop(server.url, server.ws_url, "sans", NAME)
    code, token, fac, part = board["code"], board["token"], board["fac"], board["part"]
    pid = board["person"]["participant_id"]
    assert NAME.encode() in stored_bytes(shape)
    watcher = await join_board(server.url, code, "Témoin")
    other = await Participant(server.ws_url, code, watcher["token"]).connect()
    refused = await part.cmd("participant.erase", {"id": pid})
    assert refused["type"] == "error" and refused["code"] == "forbidden"
    seq = await fac.ok("participant.erase", {"id": pid})
    # Their own socket closes (their access went with their data); their token is refused from then on.
    await asyncio.wait_for(part.closed.wait(), 10)
    assert part.close_code == 1008
    async with httpx.AsyncClient(base_url=server.url) as http:
        gone = await http.get(f"/api/boards/{code}", headers={"Authorization": f"Bearer {board['person']['token']}"})
        assert gone.status_code == 401
    await other.wait_seq(seq)
    state = (await fetch_state(server.url, code, token))["state"]
    person = state["participants"][pid]
    assert person["name"] != NAME and person["organisation"] is None
    assert state["organisations"] == {}
    mine = [n for n in state["notes"].values() if n["author"] == pid]
    assert len(mine) == 2 and all(n["anonymous"] for n in mine)  # their notes stay, anonymous
    assert all(n["for"] is None for n in state["notes"].values())
    # What the others folded live is what a fresh fetch gives them.
    seen = (await fetch_state(server.url, code, watcher["token"]))["state"]
    assert other.state == seen
    assert all(n["author"] is None for n in seen["notes"].values() if n["text"].startswith("Idée"))
    # A client that resumes from the very start replays a past without the name.
    async with websockets.connect(f"{server.ws_url}/ws/{code}", max_size=2**22) as ws:
        await ws.send(f'{{"type":"hello","protocol":1,"token":"{token}","last_seq":0}}')
        welcome = await ws.recv()
        assert '"replay"' in welcome and '"participant.joined"' in welcome and NAME not in welcome
    await asyncio.sleep(0.5)
    assert NAME.encode() not in stored_bytes(shape)
    assert NAME not in server.log()
    await other.close()
    await fac.close()


async def test_an_erased_code_is_never_given_again(tmp_path: Path) -> None:
    """The tombstone refuses a new board with an erased board's code (the draw then takes another)."""
    from atelier.domain import create_board
    from atelier.store import Conflict, EventStore
    from atelier.store.db import make_engine
    from atelier.store.erasure import code_erased, erase_board
    from atelier.store.migrate import migrate
    from atelier.store.repository import Append

    url = f"sqlite+aiosqlite:///{tmp_path / 'atelier.db'}"
    await asyncio.to_thread(migrate, url)
    store = EventStore(make_engine(url))
    try:
        events = create_board("ABC234", "Atelier", "fr")
        append = Append(board_id="b_1", first_seq=1, events=events, actor=None, created_ms=1)
        await store.create_board(board_id="b_1", code="ABC234", created_ms=1, append=append)
        assert await erase_board(store, board_id="b_1", code="ABC234", now_ms=2)
        assert not await erase_board(store, board_id="b_1", code="ABC234", now_ms=3)  # once only
        assert await code_erased(store, code="ABC234")
        with pytest.raises(Conflict):
            await store.create_board(
                board_id="b_2", code="ABC234", created_ms=4, append=Append("b_2", 1, events, None, 4)
            )
    finally:
        await store.close()
