"""apply(state, event) -> state: the one fold from the event log to board state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import timer as timers
from .events import Event
from .model import (
    BoardState,
    ClosingAnswer,
    Group,
    Note,
    Participant,
    Remark,
    Sheet,
    SheetField,
    Solution,
    Subgroup,
    Timer,
)

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
    state.status = data.get("status", "open")
    state.timer = timers.stopped(state.phase_minutes(state.phase) * 60)


@folds("participant.joined")
def _joined(state: BoardState, data: dict[str, Any]) -> None:
    p = data["participant"]
    state.participants[p["id"]] = Participant(**p)


@folds("participant.role_changed")
def _role(state: BoardState, data: dict[str, Any]) -> None:
    state.participants[data["id"]].role = data["role"]


@folds("link.created")
def _link_created(state: BoardState, data: dict[str, Any]) -> None:
    state.access_links[data["id"]] = {"kind": data["kind"], "by": data["by"], "at_ms": data["at_ms"]}


@folds("links.revoked")
def _links_revoked(state: BoardState, data: dict[str, Any]) -> None:
    for link_id in data["ids"]:
        state.access_links.pop(link_id, None)


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
    _ungroup(state, data["id"])
    state.notes.pop(data["id"], None)
    for per_note in state.votes.values():
        per_note.pop(data["id"], None)


@folds("vote.added")
def _vote_added(state: BoardState, data: dict[str, Any]) -> None:
    mine = state.votes.setdefault(data["participant_id"], {})
    target = _target(data)
    mine[target] = mine.get(target, 0) + 1


@folds("vote.removed")
def _vote_removed(state: BoardState, data: dict[str, Any]) -> None:
    mine = state.votes.get(data["participant_id"], {})
    target = _target(data)
    left = mine.get(target, 0) - 1
    if left > 0:
        mine[target] = left
    else:
        mine.pop(target, None)


@folds("votes.configured")
def _votes_configured(state: BoardState, data: dict[str, Any]) -> None:
    state.vote_budget = data["budget"]


@folds("votes.revealed")
def _votes_revealed(state: BoardState, data: dict[str, Any]) -> None:
    state.votes_revealed = data["revealed"]


@folds("phase.changed")
def _phase_changed(state: BoardState, data: dict[str, Any]) -> None:
    at = data.get("at_ms")
    if at is not None:
        # The agenda as actually run: planned minutes beside the real start and end of each phase.
        if state.phase_log and state.phase_log[-1]["ended_ms"] is None:
            state.phase_log[-1]["ended_ms"] = at
        state.phase_log.append({"phase": data["phase"], "started_ms": at, "ended_ms": None})
        state.ended_ms = None  # a phase after the end: the workshop goes on
    state.phase = data["phase"]
    state.timer = Timer(**data["timer"])


@folds("timer.changed")
def _timer_changed(state: BoardState, data: dict[str, Any]) -> None:
    at = data.get("at_ms")
    if at is not None and not state.phase_log and state.ended_ms is None:
        # Every board begins in the introduction, with no phase change to time it: its first timer is
        # when it began, so the agenda as run has the introduction's actual time too.
        state.phase_log.append({"phase": state.phase, "started_ms": at, "ended_ms": None})
    state.timer = Timer(**data["timer"])


@folds("workshop.ended")
def _workshop_ended(state: BoardState, data: dict[str, Any]) -> None:
    at = data["at_ms"]
    if state.phase_log and state.phase_log[-1]["ended_ms"] is None:
        state.phase_log[-1]["ended_ms"] = at
    state.ended_ms = at


@folds("question.changed")
def _question_changed(state: BoardState, data: dict[str, Any]) -> None:
    state.question = data["text"]


@folds("board.locked")
def _locked(state: BoardState, data: dict[str, Any]) -> None:
    state.locked = data["locked"]


# --- the rest of the method -------------------------------------------------------------------


def _target(data: dict[str, Any]) -> str:
    return data.get("note_id") or data["group_id"]


@folds("board.configured")
def _configured(state: BoardState, data: dict[str, Any]) -> None:
    for key, value in data["changes"].items():
        if key == "settings":
            for name, setting in value.items():
                setattr(state.settings, name, setting)
        else:
            setattr(state, key, value)
    for note_id, author in data.get("authors", {}).items():
        if note_id in state.notes:
            state.notes[note_id].author = author
            state.notes[note_id].anonymous = False


@folds("agenda.changed")
def _agenda(state: BoardState, data: dict[str, Any]) -> None:
    state.phases = [dict(p) for p in data["phases"]]


@folds("board.opened")
def _opened(state: BoardState, data: dict[str, Any]) -> None:
    state.status = "open"


@folds("persona.dealt")
def _persona(state: BoardState, data: dict[str, Any]) -> None:
    state.personas[data["participant_id"]] = data["persona"]


@folds("notes.revealed")
def _notes_revealed(state: BoardState, data: dict[str, Any]) -> None:
    for shown in data["notes"]:
        note = state.notes.get(shown["id"])
        if note is None:
            state.notes[shown["id"]] = Note.from_public(shown)
        else:
            note.private = False


@folds("note.presented")
def _presented(state: BoardState, data: dict[str, Any]) -> None:
    state.notes[data["id"]].presented = data["presented"]


@folds("queue.changed")
def _queue(state: BoardState, data: dict[str, Any]) -> None:
    state.queue = [dict(e) for e in data["queue"]]
    state.speaker = data["speaker"]
    state.speaker_timer = Timer(**data["timer"])


def _ungroup(state: BoardState, note_id: str) -> None:
    note = state.notes.get(note_id)
    if note is None or note.group is None:
        return
    group = state.groups.get(note.group)
    if group and note_id in group.note_ids:
        group.note_ids.remove(note_id)
    note.group = None


@folds("group.created")
def _group_created(state: BoardState, data: dict[str, Any]) -> None:
    g = data["group"]
    state.groups[g["id"]] = Group(id=g["id"], title=g["title"], note_ids=[])
    for note_id in g["note_ids"]:
        _group_added(state, {"group_id": g["id"], "note_id": note_id})


@folds("group.added")
def _group_added(state: BoardState, data: dict[str, Any]) -> None:
    _ungroup(state, data["note_id"])
    note = state.notes.get(data["note_id"])
    group = state.groups[data["group_id"]]
    group.note_ids.append(data["note_id"])
    if note is not None:
        note.group = group.id


@folds("group.removed")
def _group_removed(state: BoardState, data: dict[str, Any]) -> None:
    _ungroup(state, data["note_id"])


@folds("group.renamed")
def _group_renamed(state: BoardState, data: dict[str, Any]) -> None:
    state.groups[data["group_id"]].title = data["title"]


@folds("group.deleted")
def _group_deleted(state: BoardState, data: dict[str, Any]) -> None:
    group = state.groups.pop(data["group_id"])
    for note_id in group.note_ids:
        if note_id in state.notes:
            state.notes[note_id].group = None
    for per_voter in state.votes.values():
        per_voter.pop(group.id, None)


@folds("solution.retained")
def _retained(state: BoardState, data: dict[str, Any]) -> None:
    s = data["solution"]
    state.solutions[s["id"]] = Solution(**s)
    state.sheets[s["sheet_id"]] = Sheet(id=s["sheet_id"], solution_id=s["id"], source_note_ids=list(data["sources"]))


@folds("solution.released")
def _released(state: BoardState, data: dict[str, Any]) -> None:
    solution = state.solutions.pop(data["solution_id"])
    state.sheets.pop(solution.sheet_id, None)
    for remark_id in [r.id for r in state.remarks.values() if r.sheet_id == solution.sheet_id]:
        del state.remarks[remark_id]
    for subgroup in state.subgroups.values():
        if subgroup.solution_id == solution.id:
            subgroup.solution_id = None


@folds("subgroups.split")
def _split(state: BoardState, data: dict[str, Any]) -> None:
    state.subgroup_mode = data["mode"]
    # Lists are copied: the state is mutated later, the event's data must never change with it.
    state.subgroups = {g["id"]: Subgroup(**{**g, "members": list(g["members"])}) for g in data["subgroups"]}


@folds("subgroup.assigned")
def _assigned(state: BoardState, data: dict[str, Any]) -> None:
    for subgroup in state.subgroups.values():
        if data["participant_id"] in subgroup.members:
            subgroup.members.remove(data["participant_id"])
    state.subgroups[data["subgroup_id"]].members.append(data["participant_id"])


@folds("subgroup.solution_set")
def _subgroup_solution(state: BoardState, data: dict[str, Any]) -> None:
    state.subgroups[data["subgroup_id"]].solution_id = data["solution_id"]


@folds("sheet.edited")
def _sheet_edited(state: BoardState, data: dict[str, Any]) -> None:
    state.sheets[data["sheet_id"]].fields[data["field"]] = SheetField(
        text=data["text"], version=data["version"], by=data["by"]
    )


@folds("sheet.linked")
def _sheet_linked(state: BoardState, data: dict[str, Any]) -> None:
    state.sheets[data["sheet_id"]].source_note_ids.append(data["note_id"])


@folds("remark.added")
def _remark(state: BoardState, data: dict[str, Any]) -> None:
    r = data["remark"]
    state.remarks[r["id"]] = Remark(**r)


@folds("spotlight.changed")
def _spotlight(state: BoardState, data: dict[str, Any]) -> None:
    state.spotlight = data["spotlight"]


@folds("closing.answered")
def _closing(state: BoardState, data: dict[str, Any]) -> None:
    a = data["answer"]
    state.closing[a["id"]] = ClosingAnswer(**a)


@folds("next_steps.changed")
def _next_steps(state: BoardState, data: dict[str, Any]) -> None:
    state.next_steps = data["text"]


@folds("participant.done_changed")
def _done(state: BoardState, data: dict[str, Any]) -> None:
    done = state.done.setdefault(data["phase"], [])
    if data["done"] and data["participant_id"] not in done:
        done.append(data["participant_id"])
    elif not data["done"] and data["participant_id"] in done:
        done.remove(data["participant_id"])


@folds("board.imported")
def _imported(state: BoardState, data: dict[str, Any]) -> None:
    """A board recreated from an export: everything but the new board's own code and facilitator."""
    imported = BoardState.from_json(data["state"])
    own_participants = dict(state.participants)
    for name in imported.__dataclass_fields__:
        if name != "code":
            setattr(state, name, getattr(imported, name))
    for pid, participant in own_participants.items():
        state.participants.setdefault(pid, participant)
