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
        case "participant.role_changed":
            state["participants"][data["id"]]["role"] = data["role"]
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
            state["notes"].pop(data["id"], None)
            state["votes"].pop(data["id"], None)
            state["my_votes"].pop(data["id"], None)
        case "vote.added" | "vote.removed":
            delta = 1 if name == "vote.added" else -1
            if sees_tallies:
                _bump(state["votes"], data["note_id"], delta)
            if data["participant_id"] == you.get("id") and not projector:
                _bump(state["my_votes"], data["note_id"], delta)
        case "votes.configured":
            board["vote_budget"] = data["budget"]
        case "votes.revealed":
            board["votes_revealed"] = data["revealed"]
            state["votes"] = dict(data["votes"])
        case "phase.changed":
            board["phase"] = data["phase"]
            state["timer"] = data["timer"]
        case "timer.changed":
            state["timer"] = data["timer"]
        case "question.changed":
            board["question"] = data["text"]
        case "board.locked":
            board["locked"] = data["locked"]
        case "hidden":
            pass
        case _:
            raise AssertionError(f"unknown event {name}")
    return state
