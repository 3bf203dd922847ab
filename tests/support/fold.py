"""The reference client fold of docs/protocol.md, as the web app's js/store.js does it.

Tests fold received events with it and compare with a fresh GET: Zulip's verify_action invariant."""

from __future__ import annotations

import copy
from typing import Any


def _bump(table: dict[str, int], key: str, delta: int) -> None:
    value = table.get(key, 0) + delta
    if value > 0:
        table[key] = value
    else:
        table.pop(key, None)


def _ungroup(state: dict[str, Any], note_id: str) -> None:
    note = state["notes"].get(note_id)
    if note is None or note.get("group") is None:
        return
    group = state["groups"].get(note["group"])
    if group and note_id in group["note_ids"]:
        group["note_ids"].remove(note_id)
    note["group"] = None


def _group_add(state: dict[str, Any], group_id: str, note_id: str) -> None:
    _ungroup(state, note_id)
    state["groups"][group_id]["note_ids"].append(note_id)
    if note_id in state["notes"]:
        state["notes"][note_id]["group"] = group_id


def apply_event(state: dict[str, Any], you: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    state = copy.deepcopy(state)
    name, data = event["name"], event["data"]
    board = state["board"]
    projector = you.get("view") == "projector"
    sees_tallies = (you.get("role") in ("facilitator", "co_facilitator") and not projector) or board[
        "votes_revealed"
    ]
    match name:
        case "participant.joined":
            state["participants"][data["participant"]["id"]] = data["participant"]
            kind = data["participant"].get("organisation")
            if kind:
                # Derived in the server's view: how many people came from each kind of organisation.
                state["organisations"][kind] = state["organisations"].get(kind, 0) + 1
        case "participant.role_changed":
            state["participants"][data["id"]]["role"] = data["role"]
        case "link.created":
            state["access_links"][data["id"]] = {"kind": data["kind"], "by": data["by"], "at_ms": data["at_ms"]}
        case "links.revoked":
            for link_id in data["ids"]:
                state["access_links"].pop(link_id, None)
        case "note.added":
            state["notes"][data["note"]["id"]] = data["note"]
        case "note.edited":
            state["notes"][data["id"]]["text"] = data["text"]
        case "note.moved":
            state["notes"][data["id"]]["x"] = data["x"]
            state["notes"][data["id"]]["y"] = data["y"]
        case "note.recolored":
            state["notes"][data["id"]]["color"] = data["color"]
        case "note.deleted":
            _ungroup(state, data["id"])
            state["notes"].pop(data["id"], None)
            state["votes"].pop(data["id"], None)
            state["my_votes"].pop(data["id"], None)
        case "vote.added" | "vote.removed":
            delta = 1 if name == "vote.added" else -1
            target = data.get("note_id") or data["group_id"]
            if sees_tallies:
                _bump(state["votes"], target, delta)
            if data["participant_id"] == you.get("id") and not projector:
                _bump(state["my_votes"], target, delta)
        case "votes.configured":
            board["vote_budget"] = data["budget"]
        case "votes.revealed":
            board["votes_revealed"] = data["revealed"]
            state["votes"] = dict(data["votes"])
        case "phase.changed":
            if data.get("at_ms") is not None:
                if board["phase_log"] and board["phase_log"][-1]["ended_ms"] is None:
                    board["phase_log"][-1]["ended_ms"] = data["at_ms"]
                board["phase_log"].append({"phase": data["phase"], "started_ms": data["at_ms"], "ended_ms": None})
                board["ended_ms"] = None
            board["phase"] = data["phase"]
            state["timer"] = data["timer"]
        case "timer.changed":
            if data.get("at_ms") is not None and not board["phase_log"] and board.get("ended_ms") is None:
                board["phase_log"].append({"phase": board["phase"], "started_ms": data["at_ms"], "ended_ms": None})
            state["timer"] = data["timer"]
        case "workshop.ended":
            if board["phase_log"] and board["phase_log"][-1]["ended_ms"] is None:
                board["phase_log"][-1]["ended_ms"] = data["at_ms"]
            board["ended_ms"] = data["at_ms"]
        case "question.changed":
            board["question"] = data["text"]
        case "board.locked":
            board["locked"] = data["locked"]
        case "board.configured":
            for key, value in data["changes"].items():
                if key == "settings":
                    board["settings"].update(value)
                else:
                    board[key] = value
            for note_id, author in data.get("authors", {}).items():
                if note_id in state["notes"]:
                    state["notes"][note_id]["author"] = author
                    state["notes"][note_id]["anonymous"] = False
        case "agenda.changed":
            board["phases"] = data["phases"]
        case "board.opened":
            board["status"] = "open"
        case "persona.dealt":
            state["personas"][data["participant_id"]] = data["persona"]
        case "notes.revealed":
            for note in data["notes"]:
                if note["id"] in state["notes"]:
                    state["notes"][note["id"]]["private"] = False
                else:
                    state["notes"][note["id"]] = note
        case "note.presented":
            state["notes"][data["id"]]["presented"] = data["presented"]
        case "queue.changed":
            state["queue"] = {"entries": data["queue"], "speaker": data["speaker"], "timer": data["timer"]}
        case "group.created":
            group = data["group"]
            state["groups"][group["id"]] = {"id": group["id"], "title": group["title"], "note_ids": []}
            for note_id in group["note_ids"]:
                _group_add(state, group["id"], note_id)
        case "group.added":
            _group_add(state, data["group_id"], data["note_id"])
        case "group.removed":
            _ungroup(state, data["note_id"])
        case "group.renamed":
            state["groups"][data["group_id"]]["title"] = data["title"]
        case "group.deleted":
            group = state["groups"].pop(data["group_id"])
            for note_id in group["note_ids"]:
                if note_id in state["notes"]:
                    state["notes"][note_id]["group"] = None
            state["votes"].pop(group["id"], None)
            state["my_votes"].pop(group["id"], None)
        case "solution.retained":
            solution = data["solution"]
            state["solutions"][solution["id"]] = solution
            state["sheets"][solution["sheet_id"]] = {
                "id": solution["sheet_id"],
                "solution_id": solution["id"],
                "fields": {
                    f: {"text": "", "version": 0, "by": None}
                    for f in ("name", "objectives", "description", "lead", "partners", "targets", "means", "indicators")
                },
                "source_note_ids": list(data["sources"]),
            }
        case "solution.released":
            solution = state["solutions"].pop(data["solution_id"])
            state["sheets"].pop(solution["sheet_id"], None)
            state["remarks"] = {k: r for k, r in state["remarks"].items() if r["sheet_id"] != solution["sheet_id"]}
            for subgroup in state["subgroups"].values():
                if subgroup["solution_id"] == solution["id"]:
                    subgroup["solution_id"] = None
        case "subgroups.split":
            state["subgroup_mode"] = data["mode"]
            state["subgroups"] = {g["id"]: g for g in data["subgroups"]}
        case "subgroup.assigned":
            for subgroup in state["subgroups"].values():
                if data["participant_id"] in subgroup["members"]:
                    subgroup["members"].remove(data["participant_id"])
            state["subgroups"][data["subgroup_id"]]["members"].append(data["participant_id"])
        case "subgroup.solution_set":
            state["subgroups"][data["subgroup_id"]]["solution_id"] = data["solution_id"]
        case "sheet.edited":
            state["sheets"][data["sheet_id"]]["fields"][data["field"]] = {
                "text": data["text"],
                "version": data["version"],
                "by": data["by"],
            }
        case "sheet.linked":
            state["sheets"][data["sheet_id"]]["source_note_ids"].append(data["note_id"])
        case "remark.added":
            state["remarks"][data["remark"]["id"]] = data["remark"]
        case "spotlight.changed":
            board["spotlight"] = data["spotlight"]
        case "closing.answered":
            state["closing"][data["answer"]["id"]] = data["answer"]
        case "next_steps.changed":
            board["next_steps"] = data["text"]
        case "participant.done_changed":
            done = state["done"].setdefault(data["phase"], [])
            if data["done"] and data["participant_id"] not in done:
                done.append(data["participant_id"])
            elif not data["done"] and data["participant_id"] in done:
                done.remove(data["participant_id"])
        case "hidden":
            pass
        case _:
            raise AssertionError(f"unknown event {name}")
    return state
