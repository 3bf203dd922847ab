"""What each viewer may see: the state projection and the per-audience form of an event."""

from __future__ import annotations

from typing import Any

from .events import Event, Viewer
from .model import FACILITATORS, BoardState

HIDDEN = "hidden"


def sees_everything(viewer: Viewer) -> bool:
    return not viewer.projector and viewer.role in FACILITATORS


def view_state(state: BoardState, viewer: Viewer) -> dict[str, Any]:
    """The state as `viewer` may see it; never includes what they may not receive."""
    sees_tallies = sees_everything(viewer) or state.votes_revealed
    mine = {} if viewer.projector or viewer.id is None else dict(state.votes.get(viewer.id, {}))
    return {
        "board": {
            "code": state.code,
            "title": state.title,
            "language": state.language,
            "phase": state.phase,
            "phases": [dict(p) for p in state.phases],
            "locked": state.locked,
            "question": state.question,
            "vote_budget": state.vote_budget,
            "votes_revealed": state.votes_revealed,
        },
        "timer": state.timer.public(),
        "participants": {pid: dict(p.__dict__) for pid, p in state.participants.items()},
        "notes": {nid: note.public() for nid, note in state.notes.items()},
        "votes": state.tallies() if sees_tallies else {},
        "my_votes": mine,
    }


def event_for(event: Event, viewer: Viewer) -> tuple[str, dict[str, Any]]:
    """(name, data) of `event` as delivered to `viewer`."""
    if not event.restricted or sees_everything(viewer):
        return event.name, event.data
    if viewer.id is not None and not viewer.projector and viewer.id in event.subjects:
        return event.name, event.data
    if event.public is None:
        return HIDDEN, {}
    return event.name, event.public
