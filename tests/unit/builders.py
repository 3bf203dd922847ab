"""Board states for domain tests, built only by folding events, with a fixed clock and predictable ids."""

from __future__ import annotations

import itertools
from typing import Any

from atelier.domain import BoardState, Command, Context, Event, apply, decide, initial

NOW = 1_764_340_000_000

# Who is on the board in most tests; STRANGER never joins.
FAC = "p_fac"
COF = "p_cof"
PAR = "p_par"
OTHER = "p_other"
STRANGER = "p_stranger"

PHASES = ("intro", "presentation", "inspiration", "divergence", "convergence", "sharing", "conclusion")

RawEvent = tuple[str, dict[str, Any]]


PERSONAS = ("isolated-senior", "social-worker", "young-jobseeker")


def context(now_ms: int = NOW) -> Context:
    """A Context whose ids are `<prefix>_t<n>`, counted from 1 for each new context; the shuffle is
    the default one, which keeps the order, so dealing personas is predictable."""
    counter = itertools.count(1)
    return Context(now_ms=now_ms, new_id=lambda prefix: f"{prefix}_t{next(counter)}", personas=PERSONAS)


def created(
    code: str = "ABCDEF", title: str = "Atelier numérique", language: str = "fr", status: str = "open"
) -> dict[str, Any]:
    return {"code": code, "title": title, "language": language, "status": status}


def joined(pid: str, name: str, role: str = "participant", organisation: str | None = None) -> RawEvent:
    return (
        "participant.joined",
        {"participant": {"id": pid, "name": name, "role": role, "organisation": organisation}},
    )


def role_changed(pid: str, role: str) -> RawEvent:
    return ("participant.role_changed", {"id": pid, "role": role})


def note_added(
    nid: str,
    author: str,
    text: str = "Une idée",
    *,
    phase: str = "divergence",
    color: str = "yellow",
    anonymous: bool = True,
) -> RawEvent:
    """A participant's note as written on a board with the default settings (anonymous)."""
    note = {
        "id": nid,
        "text": text,
        "color": color,
        "x": 100.0,
        "y": 100.0,
        "author": author,
        "for": None,
        "phase": phase,
        "created_ms": NOW,
        "anonymous": anonymous,
    }
    return ("note.added", {"note": note})


def vote_added(note_id: str, pid: str) -> RawEvent:
    return ("vote.added", {"note_id": note_id, "participant_id": pid})


def phase_changed(phase: str, minutes: int) -> RawEvent:
    seconds = minutes * 60
    timer = {"status": "stopped", "duration": seconds, "ends_at_ms": None, "remaining_ms": seconds * 1000}
    return ("phase.changed", {"phase": phase, "timer": timer, "at_ms": NOW})


def timer_changed(status: str, duration: int, ends_at_ms: int | None, remaining_ms: int) -> RawEvent:
    timer = {"status": status, "duration": duration, "ends_at_ms": ends_at_ms, "remaining_ms": remaining_ms}
    return ("timer.changed", {"timer": timer})


def locked(value: bool = True) -> RawEvent:
    return ("board.locked", {"locked": value})


def revealed(value: bool, votes: dict[str, int] | None = None) -> RawEvent:
    return ("votes.revealed", {"revealed": value, "votes": votes or {}})


def budget(value: int) -> RawEvent:
    return ("votes.configured", {"budget": value})


# The default agenda's minutes (docs/protocol.md, METHOD.md), written here rather than imported so
# that a changed default is noticed.
MINUTES = {
    "intro": 5,
    "presentation": 10,
    "inspiration": 15,
    "divergence": 30,
    "convergence": 40,
    "sharing": 15,
    "conclusion": 5,
}


def group_created(gid: str, *note_ids: str, title: str = "Mobilité") -> RawEvent:
    return ("group.created", {"group": {"id": gid, "title": title, "note_ids": list(note_ids)}})


def solution_retained(sid: str, sheet_id: str, note_id: str, title: str = "Un bus numérique") -> RawEvent:
    solution = {"id": sid, "kind": "note", "source_id": note_id, "title": title, "sheet_id": sheet_id}
    return ("solution.retained", {"solution": solution, "sheet_id": sheet_id, "sources": [note_id]})


def subgroups_split(mode: str, *subgroups: tuple[str, list[str], str | None]) -> RawEvent:
    """`subgroups`: (id, members, solution_id) each."""
    groups = [
        {"id": sgid, "name": str(i + 1), "members": list(members), "solution_id": solution}
        for i, (sgid, members, solution) in enumerate(subgroups)
    ]
    return ("subgroups.split", {"mode": mode, "subgroups": groups})


def queue_changed(*entries: tuple[str, str | None, str | None]) -> RawEvent:
    """`entries`: (entry id, participant id or None, name or None) each."""
    queue = [{"id": qid, "participant": pid, "name": name} for qid, pid, name in entries]
    stopped = {"status": "stopped", "duration": 0, "ends_at_ms": None, "remaining_ms": 0}
    return ("queue.changed", {"queue": queue, "speaker": None, "timer": stopped})


def configured(**changes: Any) -> RawEvent:
    return ("board.configured", {"changes": changes})


def fold(*events: RawEvent | Event, status: str = "open") -> BoardState:
    """A board created by `board.created`, then every event folded in order."""
    state = initial(created(status=status))
    for event in events:
        apply(state, event)
    return state


def people() -> list[RawEvent]:
    """The usual cast: a facilitator, a co-facilitator (promoted after joining), two participants."""
    return [
        joined(FAC, "Claire", "facilitator"),
        joined(COF, "Malik"),
        role_changed(COF, "co_facilitator"),
        joined(PAR, "Awa", organisation="ccas"),
        joined(OTHER, "Jean", organisation="commune"),
    ]


def board(phase: str = "divergence", *more: RawEvent, status: str = "open") -> BoardState:
    """The usual cast on a board in `phase`, then `more`."""
    return fold(*people(), phase_changed(phase, MINUTES[phase]), *more, status=status)


def run(
    state: BoardState,
    actor: str,
    name: str,
    args: dict[str, Any] | None = None,
    *,
    now_ms: int = NOW,
    ctx: Context | None = None,
) -> list[Event]:
    """decide() with the fixed context (a fresh one unless given, so ids restart at `_t1`)."""
    return decide(state, actor, Command(name, args or {}), ctx or context(now_ms))


def act(
    state: BoardState,
    actor: str,
    name: str,
    args: dict[str, Any] | None = None,
    *,
    now_ms: int = NOW,
    ctx: Context | None = None,
) -> list[Event]:
    """decide() then fold the events into `state`, as the service does."""
    events = run(state, actor, name, args, now_ms=now_ms, ctx=ctx)
    for event in events:
        apply(state, event)
    return events
