"""A scripted 12-participant workshop through every phase of the method, over real sockets."""

from __future__ import annotations

import asyncio
import itertools

import httpx

from tests.support.client import Participant, fetch_state, join_board

KINDS = ("commune", "ccas", "library", "association", "mediation", "france_services")
FIELDS = ("name", "objectives", "description", "lead", "partners", "targets", "means", "indicators")


async def test_a_whole_workshop_private_writing_to_exports(shared_server):
    url, ws = shared_server.url, shared_server.ws_url
    async with httpx.AsyncClient(base_url=url) as http:
        created = (await http.post("/api/boards", json={"title": "Aller vers", "axis": "reach-out"})).json()
    code, token = created["code"], created["facilitator_token"]
    joined = [await join_board(url, code, f"Personne {i}", KINDS[i % len(KINDS)]) for i in range(12)]
    fac = await Participant(ws, code, token).connect()
    people = [await Participant(ws, code, j["token"]).connect() for j in joined]
    everyone = [fac, *people]

    async def settle() -> None:
        head = (await fetch_state(url, code, token))["seq"]
        await asyncio.gather(*(c.wait_seq(head, timeout=30) for c in everyone))

    for phase in ("intro", "presentation", "inspiration"):
        await fac.ok("phase.set", {"phase": phase})
    await fac.ok("personas.deal")
    await settle()
    for person in people:  # each knows their own persona, and only theirs
        assert list(person.state["personas"]) == [person.you["id"]]
    assert len(fac.state["personas"]) == 12
    await asyncio.gather(*(p.ok("note.add", {"text": f"Constat {i}"}) for i, p in enumerate(people)))

    await fac.ok("phase.set", {"phase": "divergence"})
    await fac.ok("question.set", {"text": "Comment aller vers les publics éloignés ?"})
    ideas: dict[str, list[str]] = {}
    for i, person in enumerate(people):
        ideas[person.you["id"]] = []
        for k in range(3):
            await person.ok("note.add", {"text": f"Idée secrète {i}-{k}"})
            ideas[person.you["id"]].append(f"Idée secrète {i}-{k}")
    await settle()
    for person in people:  # before the reveal, no other participant's connection got their text
        received = "".join(person.raw_frames)
        for author, texts in ideas.items():
            if author != person.you["id"]:
                assert not [t for t in texts if t in received]
    await fac.ok("notes.reveal")
    await settle()
    for client in everyone:
        assert sum(1 for n in client.state["notes"].values() if n["text"].startswith("Idée secrète")) == 36

    await fac.ok("phase.set", {"phase": "convergence"})
    await settle()
    mine = {p.you["id"]: [n["id"] for n in p.state["notes"].values() if n["author"] == p.you["id"]
                          and n["text"].startswith("Idée")] for p in people}  # fmt: skip
    for person in people:
        for note_id in mine[person.you["id"]]:
            await person.ok("note.present", {"id": note_id})
    note_ids = [nid for ids in mine.values() for nid in ids]
    favourites = itertools.cycle(note_ids[:6])
    for person in people:
        for _ in range(3):
            await person.ok("vote.add", {"note_id": next(favourites)})
    await fac.ok("votes.reveal", {})
    await settle()
    tallies = fac.state["votes"]
    assert sum(tallies.values()) == 36
    top = sorted(tallies, key=lambda nid: -tallies[nid])[:3]
    sheets = []
    for note_id in top:
        await fac.ok("solution.retain", {"note_id": note_id})
    await settle()
    retained = [e for e in fac.events if e["name"] == "solution.retained"]
    sheets = [e["data"]["sheet_id"] for e in retained]
    assert len(sheets) == 3 and all(s in fac.state["sheets"] for s in sheets)
    await fac.ok("subgroups.split", {"count": 3, "mode": "random"})
    await settle()
    subgroups = list(fac.state["subgroups"].values())
    assert sorted(len(g["members"]) for g in subgroups) == [4, 4, 4]
    by_id = {p.you["id"]: p for p in people}
    for group in subgroups:
        sheet_id = fac.state["solutions"][group["solution_id"]]["sheet_id"]
        members = itertools.cycle(group["members"])
        for field in FIELDS:
            writer = by_id[next(members)]
            base = writer.state["sheets"][sheet_id]["fields"][field]["version"]
            await writer.ok("sheet.edit", {"sheet_id": sheet_id, "field": field,
                                           "text": f"{field} de {group['name']}", "base_version": base})  # fmt: skip

    await fac.ok("phase.set", {"phase": "sharing"})
    for i, sheet_id in enumerate(sheets):
        await people[i].ok("remark.add", {"sheet_id": sheet_id, "kind": "for", "text": f"Pour {i}"})
        await people[i + 3].ok("remark.add", {"sheet_id": sheet_id, "kind": "against", "text": f"Contre {i}"})
    await fac.ok("phase.set", {"phase": "conclusion"})
    for i, person in enumerate(people):
        await person.ok("closing.answer", {"question": "takeaway", "text": f"Je repars avec {i}"})
    await fac.ok("next_steps.set", {"text": "Prochain atelier le 12 janvier"})
    await settle()

    for client, credential in zip(everyone, [token] + [j["token"] for j in joined], strict=True):
        fetched = await fetch_state(url, code, credential)
        assert fetched["seq"] == client.seq and fetched["state"] == client.state
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http:
        report = (await http.get(f"/api/boards/{code}/export/report.md")).text
        sheets_md = (await http.get(f"/api/boards/{code}/export/sheets.md")).text
    for text in ("Idée secrète 0-0", "Idée secrète 11-2", "Pour 0", "Contre 2", "Je repars avec 7",
                 "Prochain atelier le 12 janvier", "Constat 5"):  # fmt: skip
        assert text in report.replace("\\", ""), text
    for group in subgroups:
        for field in FIELDS:
            assert f"{field} de {group['name']}" in sheets_md.replace("\\", "")
    for client in everyone:
        await client.close()
