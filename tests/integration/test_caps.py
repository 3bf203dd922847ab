"""Collection caps on a real server: a board filled to every cap (through the import itself, which is
the fast way to fill one) exports a board.json that imports back, and every live command that would
grow a full collection is refused with `too_many` and its limit."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from atelier.domain import model
from tests.support.client import Participant, create_board
from tests.support.server import ServerProcess
from tests.support.wire import expected_message

NOW = 1_764_340_000_000


async def _export(url: str, code: str, token: str) -> dict[str, Any]:
    # The full backup (authors kept): the round trip must give back everything the board holds.
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        response = await http.get(f"/api/boards/{code}/export/board.json?authors=1",
                                  headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return orjson.loads(response.content)


async def _import(url: str, document: dict[str, Any]) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        response = await http.post("/api/boards/import", content=orjson.dumps(document),
                                   headers={"content-type": "application/json"})
    assert response.status_code == 201, response.text
    return response.json()


def _fill(state: dict[str, Any]) -> None:
    """Every capped collection at its cap, consistent as a fold of a real log would be."""
    people = {f"p_{i:05d}": {"id": f"p_{i:05d}", "name": f"Personne {i}", "role": "participant", "organisation": None}
              for i in range(model.MAX_PARTICIPANTS - len(state["participants"]))}
    state["participants"].update(people)
    authors = list(people)
    notes = {}
    for i in range(model.MAX_NOTES):
        nid = f"n_{i:05d}"
        notes[nid] = {"id": nid, "text": f"Idée {i}", "color": "yellow", "x": float(i % 4000), "y": 10.0,
                      "author": authors[i % len(authors)], "for": None, "phase": "divergence", "created_ms": NOW + i,
                      "question": "", "persona": None, "presented": False, "private": False, "group": None,
                      "anonymous": True}
    note_ids = list(notes)
    groups = {}
    taken = 0
    for g in range(model.MAX_GROUPS):
        size = model.MAX_GROUP_NOTES if g == 0 else 9
        members = note_ids[taken:taken + size]
        taken += size
        gid = f"g_{g:04d}"
        groups[gid] = {"id": gid, "title": f"Groupe {g}", "note_ids": members}
        for nid in members:
            notes[nid]["group"] = gid
    state["notes"], state["groups"] = notes, groups
    field = {"text": "", "version": 0, "by": None}
    for s in range(model.MAX_SOLUTIONS):
        sid, shid = f"s_{s:04d}", f"f_{s:04d}"
        state["solutions"][sid] = {"id": sid, "kind": "note", "source_id": note_ids[s], "title": f"Solution {s}",
                                   "sheet_id": shid}
        links = note_ids[: model.MAX_SHEET_LINKS] if s == 0 else [note_ids[s]]
        state["sheets"][shid] = {"id": shid, "solution_id": sid, "fields": {f: dict(field) for f in model.SHEET_FIELDS},
                                 "source_note_ids": links}
    state["remarks"] = {
        f"r_{r:05d}": {"id": f"r_{r:05d}", "sheet_id": "f_0000", "kind": "for", "text": f"Remarque {r}",
                       "author": authors[r % len(authors)], "created_ms": NOW + r, "anonymous": False}
        for r in range(model.MAX_REMARKS)
    }
    state["queue"] = [{"id": f"q_{q:04d}", "participant": None, "name": f"Orateur {q}"} for q in range(model.MAX_QUEUE)]
    state["phase_log"] = [{"phase": "divergence", "started_ms": NOW + k, "ended_ms": NOW + k + 1}
                          for k in range(model.MAX_PHASE_LOG)]
    state["removed"] = [f"p_gone{k:05d}" for k in range(model.MAX_REMOVED)]
    state["phase"] = "sharing"


async def test_a_board_full_to_every_cap_round_trips_and_refuses_one_more(shared_server: ServerProcess) -> None:
    url, ws_url = shared_server.url, shared_server.ws_url
    seed = await create_board(url, "Plein à ras bord")
    document = await _export(url, seed["code"], seed["facilitator_token"])
    _fill(document["state"])

    full = await _import(url, document)
    exported = await _export(url, full["code"], full["facilitator_token"])
    state = exported["state"]
    # The import added its own facilitator beside the file's people, and nothing else changed.
    assert len(state["participants"]) == model.MAX_PARTICIPANTS + 1
    for key in ("notes", "groups", "solutions", "sheets", "remarks", "queue", "phase_log", "removed"):
        assert state[key] == document["state"][key], key
    again = await _import(url, exported)  # what the full board holds imports back
    assert (await _export(url, again["code"], again["facilitator_token"]))["state"]["notes"] == state["notes"]

    fac = await Participant(ws_url, full["code"], full["facilitator_token"], lang="en").connect()
    some_note = "n_04999"  # in no group of the first, full one
    refusals = [
        ("note.add", {"text": "Une de plus"}, "notes", model.MAX_NOTES),
        ("group.create", {"title": "Un de plus", "note_ids": [some_note]}, "groups", model.MAX_GROUPS),
        ("group.add", {"group_id": "g_0000", "note_id": some_note}, "note_ids", model.MAX_GROUP_NOTES),
        ("remark.add", {"sheet_id": "f_0001", "kind": "against", "text": "Encore"}, "remarks", model.MAX_REMARKS),
        ("queue.join", {"name": "Encore un"}, "queue", model.MAX_QUEUE),
        ("solution.retain", {"note_id": some_note}, "solutions", model.MAX_SOLUTIONS),
        ("sheet.link", {"sheet_id": "f_0000", "note_id": some_note}, "source_note_ids", model.MAX_SHEET_LINKS),
        ("phase.set", {"phase": "conclusion"}, "phase_log", model.MAX_PHASE_LOG),
        ("participant.remove", {"id": "p_00001"}, "removed", model.MAX_REMOVED),
    ]
    for name, args, field, limit in refusals:
        answer = await fac.cmd(name, args)
        assert (answer["type"], answer["code"], answer["field"]) == ("error", "too_many", field), (name, answer)
        assert answer["message"] == expected_message("en", "too_many", field, limit=limit)
        assert str(limit) in answer["message"]
    async with httpx.AsyncClient(base_url=url) as http:
        late = await http.post(f"/api/boards/{full['code']}/join", json={"name": "En retard"},
                               headers={"accept-language": "en"})
    assert late.status_code == 400
    assert late.json()["error"]["code"] == "too_many" and late.json()["error"]["field"] == "participants"
    # A full board is still a board: what does not grow a full collection is accepted.
    await fac.ok("note.edit", {"id": some_note, "text": "Modifiée"})
    await fac.close()
