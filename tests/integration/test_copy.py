"""A board copied as the template of the next workshop keeps its preparation and none of its people."""

from __future__ import annotations

import httpx

from tests.support.client import Participant, fetch_state, join_board


async def test_copy_keeps_the_preparation_and_drops_the_contributions(shared_server):
    async with httpx.AsyncClient(base_url=shared_server.url) as http:
        created = (await http.post("/api/boards", json={"title": "Aller vers", "axis": "reach-out"})).json()
    code, token = created["code"], created["facilitator_token"]
    alice = await join_board(shared_server.url, code, "Alice", "ccas")
    fac = await Participant(shared_server.ws_url, code, token).connect()
    part = await Participant(shared_server.ws_url, code, alice["token"]).connect()
    await fac.ok("board.configure", {"context": "Diagnostic 2026", "settings": {"solutions_target": 2}})
    await fac.ok("note.add", {"text": "Un bus numérique (proposition)"})
    await fac.ok("note.add", {"text": "Pas de smartphone", "for": "Josiane Perrin, habitante"})
    await fac.ok("phase.set", {"phase": "inspiration"})
    await part.ok("note.add", {"text": "Constat d'Alice"})
    await fac.ok("phase.set", {"phase": "convergence"})
    original = (await fetch_state(shared_server.url, code, token))["state"]

    async with httpx.AsyncClient(base_url=shared_server.url) as http:
        refused = await http.post(f"/api/boards/{code}/copy", headers={"Authorization": f"Bearer {alice['token']}"})
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "forbidden"
        answer = await http.post(f"/api/boards/{code}/copy", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.text
    copy = answer.json()
    assert copy["code"] != code and copy["facilitator_token"] != token
    state = (await fetch_state(shared_server.url, copy["code"], copy["facilitator_token"]))["state"]
    board = state["board"]
    assert board["status"] == "draft" and board["phase"] == "intro"
    assert board["code"] == copy["code"]
    for key in ("axis", "goal", "context", "questions", "settings", "phases", "title"):
        assert board[key] == original["board"][key], key
    # Not a note: not even a facilitator's, which may have been typed for a named person in the room.
    assert state["notes"] == {}
    async with httpx.AsyncClient(base_url=shared_server.url) as http:
        auth = {"Authorization": f"Bearer {copy['facilitator_token']}"}
        for name in ("report.md", "notes.csv", "board.json"):
            path = f"/api/boards/{copy['code']}/export/{name}"
            exported = await http.get(path, headers=auth, params={"authors": "1"})
            assert exported.status_code == 200
            assert "Josiane" not in exported.text and "Alice" not in exported.text, name
    assert alice["participant_id"] not in state["participants"]
    assert all(p["role"] == "facilitator" for p in state["participants"].values())
    assert copy["participant_id"] in state["participants"]
    assert state["votes"] == {} and board["phase_log"] == []
    await fac.close()
    await part.close()
