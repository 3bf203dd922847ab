"""What each viewer may see: the state projection and the per-audience form of an event."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict
from typing import Any

from .decide import anonymised
from .events import Event, Viewer
from .model import FACILITATORS, BoardState, Note

HIDDEN = "hidden"


def sees_everything(viewer: Viewer) -> bool:
    return not viewer.projector and viewer.role in FACILITATORS


def note_view(state: BoardState, note: Note, viewer: Viewer) -> dict[str, Any] | None:
    """A note as `viewer` sees it: in full for facilitators and its author, else as anonymised."""
    if sees_everything(viewer) or (note.author == viewer.id and not viewer.projector):
        return note.public()
    return anonymised(state, note)


def _organisations(state: BoardState) -> dict[str, int]:
    counts: dict[str, int] = {}
    for participant in state.participants.values():
        if participant.organisation:
            counts[participant.organisation] = counts.get(participant.organisation, 0) + 1
    return counts


def view_state(state: BoardState, viewer: Viewer) -> dict[str, Any]:
    """The state as `viewer` may see it; never includes what they may not receive."""
    everything = sees_everything(viewer)
    sees_tallies = everything or state.votes_revealed
    mine = {} if viewer.projector or viewer.id is None else dict(state.votes.get(viewer.id, {}))
    notes = {}
    for nid, note in state.notes.items():
        shown = note_view(state, note, viewer)
        if shown is not None:
            notes[nid] = shown
    own = viewer.id if not viewer.projector else None
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
            "status": state.status,
            "axis": state.axis,
            "goal": state.goal,
            "context": state.context,
            "links": [dict(link) for link in state.links],
            "questions": list(state.questions),
            "settings": asdict(state.settings),
            "next_steps": state.next_steps,
            "spotlight": dict(state.spotlight) if state.spotlight else None,
            "phase_log": [dict(entry) for entry in state.phase_log],
            "ended_ms": state.ended_ms,
        },
        "timer": state.timer.public(),
        "participants": {pid: dict(p.__dict__) for pid, p in state.participants.items()},
        "organisations": _organisations(state),
        "notes": notes,
        "votes": state.tallies() if sees_tallies else {},
        "my_votes": mine,
        "personas": dict(state.personas)
        if everything
        else ({own: state.personas[own]} if own in state.personas else {}),
        "groups": {gid: asdict(g) for gid, g in state.groups.items()},
        "solutions": {sid: asdict(s) for sid, s in state.solutions.items()},
        "sheets": {shid: asdict(sh) for shid, sh in state.sheets.items()},
        "remarks": {
            rid: asdict(r) if everything or r.author == own or not r.anonymous else asdict(r) | {"author": None}
            for rid, r in state.remarks.items()
        },
        "subgroups": {sgid: asdict(g) for sgid, g in state.subgroups.items()},
        "subgroup_mode": state.subgroup_mode,
        "queue": {
            "entries": [dict(e) for e in state.queue],
            "speaker": dict(state.speaker) if state.speaker else None,
            "timer": state.speaker_timer.public(),
        },
        "closing": {
            aid: (
                asdict(a)
                if everything or a.author == own or not a.anonymous
                else asdict(a) | {"author": None}
            )
            for aid, a in state.closing.items()
        },
        "done": {phase: list(ids) for phase, ids in state.done.items()},
        "access_links": {lid: dict(link) for lid, link in state.access_links.items()} if everything else {},
    }


def sees_restricted(subjects: Collection[str], viewer: Viewer) -> bool:
    """Whether `viewer` receives as written a restricted event whose subjects are `subjects` (or, given
    the subjects of several, at least one of them): facilitators, and the subjects themselves."""
    if sees_everything(viewer):
        return True
    return viewer.id is not None and not viewer.projector and viewer.id in subjects


def sees_in_full(event: Event, viewer: Viewer) -> bool:
    """Whether `viewer` receives `event` as written rather than as everyone else does."""
    return not event.restricted or sees_restricted(event.subjects, viewer)


def event_for_others(event: Event) -> tuple[str, dict[str, Any]]:
    """(name, data) of `event` for a viewer who is neither a facilitator nor one of its subjects:
    the same for all of them, so a room encodes it once for all of them."""
    if not event.restricted:
        return event.name, event.data
    if event.public is None:
        return HIDDEN, {}
    return event.name, event.public


def event_for(event: Event, viewer: Viewer) -> tuple[str, dict[str, Any]]:
    """(name, data) of `event` as delivered to `viewer`."""
    if sees_in_full(event, viewer):
        return event.name, event.data
    return event_for_others(event)
