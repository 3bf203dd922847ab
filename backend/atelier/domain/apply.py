"""apply(state, event) -> state: the one fold from the event log to board state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import timer as timers
from .events import Event
from .model import BoardState, Note, Participant, Timer

Folder = Callable[[BoardState, dict[str, Any]], None]
FOLDERS: dict[str, Folder] = {}


def folds(name: str) -> Callable[[Folder], Folder]:
    def register(fn: Folder) -> Folder:
        FOLDERS[name] = fn
        return fn

    return register


def apply(state: BoardState, event: Event | tuple[str, dict[str, Any]]) -> BoardState:
    """Fold one event into `state`. It updates in place and returns it: a board of a thousand notes
    is folded thousands of times a second, and copying it each time would cost more than it buys."""
    name, data = (event.name, event.data) if isinstance(event, Event) else event
    FOLDERS[name](state, data)
    return state


def initial(data: dict[str, Any]) -> BoardState:
    """State from a `board.created` event."""
    state = BoardState(code=data["code"], title=data["title"], language=data["language"])
    return apply(state, ("board.created", data))


@folds("board.created")
def _created(state: BoardState, data: dict[str, Any]) -> None:
    state.code, state.title, state.language = data["code"], data["title"], data["language"]
    state.timer = timers.stopped(state.phase_minutes(state.phase) * 60)


@folds("participant.joined")
def _joined(state: BoardState, data: dict[str, Any]) -> None:
    p = data["participant"]
    state.participants[p["id"]] = Participant(**p)


@folds("participant.role_changed")
def _role(state: BoardState, data: dict[str, Any]) -> None:
    state.participants[data["id"]].role = data["role"]


@folds("note.added")
def _note_added(state: BoardState, data: dict[str, Any]) -> None:
    note = Note.from_public(data["note"])
    state.notes[note.id] = note


@folds("note.edited")
def _note_edited(state: BoardState, data: dict[str, Any]) -> None:
    state.notes[data["id"]].text = data["text"]


@folds("note.recolored")
def _note_recolored(state: BoardState, data: dict[str, Any]) -> None:
    state.notes[data["id"]].color = data["color"]


@folds("note.moved")
def _note_moved(state: BoardState, data: dict[str, Any]) -> None:
    note = state.notes[data["id"]]
    note.x, note.y = data["x"], data["y"]


@folds("note.deleted")
def _note_deleted(state: BoardState, data: dict[str, Any]) -> None:
    state.notes.pop(data["id"], None)
    for per_note in state.votes.values():
        per_note.pop(data["id"], None)


@folds("vote.added")
def _vote_added(state: BoardState, data: dict[str, Any]) -> None:
    mine = state.votes.setdefault(data["participant_id"], {})
    mine[data["note_id"]] = mine.get(data["note_id"], 0) + 1


@folds("vote.removed")
def _vote_removed(state: BoardState, data: dict[str, Any]) -> None:
    mine = state.votes.get(data["participant_id"], {})
    left = mine.get(data["note_id"], 0) - 1
    if left > 0:
        mine[data["note_id"]] = left
    else:
        mine.pop(data["note_id"], None)


@folds("votes.configured")
def _votes_configured(state: BoardState, data: dict[str, Any]) -> None:
    state.vote_budget = data["budget"]


@folds("votes.revealed")
def _votes_revealed(state: BoardState, data: dict[str, Any]) -> None:
    state.votes_revealed = data["revealed"]


@folds("phase.changed")
def _phase_changed(state: BoardState, data: dict[str, Any]) -> None:
    state.phase = data["phase"]
    state.timer = Timer(**data["timer"])


@folds("timer.changed")
def _timer_changed(state: BoardState, data: dict[str, Any]) -> None:
    state.timer = Timer(**data["timer"])


@folds("question.changed")
def _question_changed(state: BoardState, data: dict[str, Any]) -> None:
    state.question = data["text"]


@folds("board.locked")
def _locked(state: BoardState, data: dict[str, Any]) -> None:
    state.locked = data["locked"]
