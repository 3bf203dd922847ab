"""decide(state, actor, command, ctx) -> events: every rule of who may do what, when."""

from __future__ import annotations

from collections.abc import Callable

from . import timer as timers
from .errors import DomainError
from .events import Command, Context, Event
from .model import (
    COLORS,
    FACILITATORS,
    MAX_NOTES,
    MAX_PARTICIPANTS,
    BoardState,
    Note,
    Participant,
    Role,
)
from .phases import ALLOWED, Capability, Phase

Handler = Callable[[BoardState, str, dict, Context], list[Event]]
HANDLERS: dict[str, Handler] = {}
# Commands that only facilitators (facilitator or co-facilitator) may send.
FACILITATOR_ONLY: set[str] = set()
# Commands the server sends on a caller's behalf from an HTTP route (with a credential to store),
# never accepted from a socket.
HTTP_ONLY = frozenset({"participant.join", "link.create", "links.revoke"})


def command(name: str, *, facilitators_only: bool = False) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        if facilitators_only:
            FACILITATOR_ONLY.add(name)
        return handler

    return register


def decide(state: BoardState, actor_id: str, cmd: Command, ctx: Context) -> list[Event]:
    """Return the events `cmd` produces, or raise DomainError. Never changes `state`."""
    handler = HANDLERS.get(cmd.name)
    if handler is None:
        raise DomainError("unknown_command", "name")
    role = state.role_of(actor_id)
    if cmd.name == "participant.join":
        return handler(state, actor_id, cmd.args, ctx)
    if role is None:
        raise DomainError("unauthorized")
    is_facilitator = role in FACILITATORS
    if cmd.name in FACILITATOR_ONLY and not is_facilitator:
        raise DomainError("forbidden")
    if state.status == "draft" and not is_facilitator:
        raise DomainError("not_open")
    if state.locked and not is_facilitator:
        raise DomainError("board_locked")
    return handler(state, actor_id, cmd.args, ctx)


def create_board(code: str, title: str, language: str, status: str = "open") -> list[Event]:
    """The first event of every log: the board exists, in its default agenda (a draft while prepared)."""
    return [Event("board.created", {"code": code, "title": title, "language": language, "status": status})]


def import_board(state_json: dict) -> Event:
    """The whole content of an exported board, applied at once to a new board. Only facilitators
    receive it: participants who join later get their own view of the resulting state."""
    return Event("board.imported", {"state": state_json}, restricted=True, public=None)


def _is_facilitator(state: BoardState, actor_id: str) -> bool:
    return state.role_of(actor_id) in FACILITATORS


def _require(state: BoardState, actor_id: str, capability: Capability) -> None:
    """Participants act only where the phase allows; facilitators moderate in any phase."""
    if _is_facilitator(state, actor_id) and capability is not Capability.VOTE:
        return
    if capability not in ALLOWED[Phase(state.phase)]:
        raise DomainError("not_allowed_in_phase", phase=state.phase)


def visible_note(state: BoardState, actor_id: str, note_id: str, field: str = "id") -> Note:
    """The note if `actor_id` may see it; someone else's private note does not exist for them."""
    note = state.notes.get(note_id)
    if note is None or (note.private and note.author != actor_id and not _is_facilitator(state, actor_id)):
        raise DomainError("not_found", field)
    return note


def _own_note(state: BoardState, actor_id: str, note_id: str, capability: Capability) -> Note:
    note = visible_note(state, actor_id, note_id)
    if note.author != actor_id and not _is_facilitator(state, actor_id):
        raise DomainError("forbidden", "id")
    _require(state, actor_id, capability)
    return note


def about_note(note: Note, name: str, data: dict) -> Event:
    """An event about one note: while the note is private, only its author (and facilitators) hear of it."""
    if note.private:
        return Event(name, data, restricted=True, public=None, subjects=(note.author,))
    return Event(name, data)


def anonymised(state: BoardState, note: Note) -> dict | None:
    """What other participants may see of a note: nothing while private, no author when anonymous."""
    if note.private:
        return None
    data = note.public()
    if note.anonymous:
        data["author"] = None
    return data


def note_added(state: BoardState, note: Note) -> Event:
    data = {"note": note.public()}
    public = anonymised(state, note)
    if public == data["note"]:
        return Event("note.added", data)
    return Event(
        "note.added",
        data,
        restricted=True,
        public=None if public is None else {"note": public},
        subjects=(note.author,),
    )


# --- participants ---------------------------------------------------------------------------


@command("participant.join")
def _join(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    if actor_id in state.participants:
        raise DomainError("conflict", "id")
    if len(state.participants) >= MAX_PARTICIPANTS:
        raise DomainError("too_large", "participants")
    role = Role(args.get("role", Role.PARTICIPANT))
    participant = Participant(id=actor_id, name=args["name"], role=role.value, organisation=args.get("organisation"))
    return [Event("participant.joined", {"participant": participant.__dict__.copy()})]


@command("participant.role", facilitators_only=True)
def _role(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    if state.role_of(actor_id) != Role.FACILITATOR:
        raise DomainError("forbidden")
    target = state.participants.get(args["id"])
    if target is None:
        raise DomainError("not_found", "id")
    if target.role == Role.FACILITATOR or args["role"] not in (Role.CO_FACILITATOR, Role.PARTICIPANT):
        raise DomainError("bad_request", "role")
    return [Event("participant.role_changed", {"id": target.id, "role": args["role"]})]


# --- notes ----------------------------------------------------------------------------------


@command("note.add")
def _note_add(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    _require(state, actor_id, Capability.WRITE)
    if args.get("for") and not _is_facilitator(state, actor_id):
        raise DomainError("forbidden", "for")
    if len(state.notes) >= MAX_NOTES:
        raise DomainError("too_large", "notes")
    color = args.get("color") or COLORS[0]
    persona = args.get("persona")
    if persona is not None and persona not in ctx.personas:
        raise DomainError("bad_request", "persona")
    facilitator = _is_facilitator(state, actor_id)
    n = len(state.notes)
    # Without a position, lay new notes out on a grid so they never stack invisibly.
    x = args.get("x")
    y = args.get("y")
    note = Note(
        id=ctx.new_id("n"),
        text=args["text"],
        color=color,
        x=float(x) if x is not None else float(40 + (n % 8) * 220),
        y=float(y) if y is not None else float(40 + (n // 8 % 16) * 180),
        author=actor_id,
        phase=state.phase,
        created_ms=ctx.now_ms,
        for_=args.get("for") or None,
        question=state.question,
        persona=persona,
        private=state.settings.private_writing and state.phase == Phase.DIVERGENCE and not facilitator,
        anonymous=state.settings.anonymous and not facilitator,
    )
    return [note_added(state, note)]


@command("note.edit")
def _note_edit(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    note = _own_note(state, actor_id, args["id"], Capability.WRITE)
    return [about_note(note, "note.edited", {"id": note.id, "text": args["text"]})]


@command("note.recolor")
def _note_recolor(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    note = _own_note(state, actor_id, args["id"], Capability.WRITE)
    return [about_note(note, "note.recolored", {"id": note.id, "color": args["color"]})]


@command("note.move")
def _note_move(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    note = _own_note(state, actor_id, args["id"], Capability.MOVE)
    return [about_note(note, "note.moved", {"id": note.id, "x": float(args["x"]), "y": float(args["y"])})]


@command("note.delete")
def _note_delete(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    note = _own_note(state, actor_id, args["id"], Capability.WRITE)
    return [about_note(note, "note.deleted", {"id": note.id})]


# --- votes ----------------------------------------------------------------------------------


def _vote_target(state: BoardState, actor_id: str, args: dict) -> tuple[str, str]:
    """(key, id): a vote goes on a note or on a group of notes."""
    if args.get("group_id"):
        if args["group_id"] not in state.groups:
            raise DomainError("not_found", "group_id")
        return "group_id", args["group_id"]
    if not args.get("note_id"):
        raise DomainError("bad_request", "note_id")
    return "note_id", visible_note(state, actor_id, args["note_id"], "note_id").id


def _vote_event(state: BoardState, name: str, actor_id: str, key: str, target: str) -> Event:
    data = {key: target, "participant_id": actor_id}
    if state.votes_revealed:
        return Event(name, data)
    # Tallies stay hidden from participants until the reveal: the event is not even sent to them.
    return Event(name, data, restricted=True, public=None, subjects=(actor_id,))


@command("vote.add")
def _vote_add(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    _require(state, actor_id, Capability.VOTE)
    key, target = _vote_target(state, actor_id, args)
    if state.dots_used(actor_id) >= state.vote_budget:
        raise DomainError("vote_budget_exhausted", budget=state.vote_budget)
    return [_vote_event(state, "vote.added", actor_id, key, target)]


@command("vote.remove")
def _vote_remove(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    _require(state, actor_id, Capability.VOTE)
    key, target = _vote_target(state, actor_id, args)
    if state.votes.get(actor_id, {}).get(target, 0) <= 0:
        raise DomainError("not_found", key)
    return [_vote_event(state, "vote.removed", actor_id, key, target)]


@command("votes.configure", facilitators_only=True)
def _votes_configure(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    return [Event("votes.configured", {"budget": int(args["budget"])})]


@command("votes.reveal", facilitators_only=True)
def _votes_reveal(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    revealed = bool(args.get("revealed", True))
    if not revealed:
        # Hiding again: participants' tallies are cleared, facilitators keep theirs.
        return [
            Event(
                "votes.revealed",
                {"revealed": False, "votes": state.tallies()},
                restricted=True,
                public={"revealed": False, "votes": {}},
            )
        ]
    return [Event("votes.revealed", {"revealed": True, "votes": state.tallies()})]


# --- phases, question, timer, lock -----------------------------------------------------------


@command("phase.set", facilitators_only=True)
def _phase_set(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    phase = Phase(args["phase"]).value
    fresh = timers.stopped(state.phase_minutes(phase) * 60)
    return [Event("phase.changed", {"phase": phase, "timer": fresh.public(), "at_ms": ctx.now_ms})]


@command("question.set", facilitators_only=True)
def _question_set(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    return [Event("question.changed", {"text": args["text"]})]


def _timer_event(timer: timers.Timer, at_ms: int | None = None) -> list[Event]:
    data: dict = {"timer": timer.public()}
    if at_ms is not None:
        data["at_ms"] = at_ms
    return [Event("timer.changed", data)]


@command("timer.start", facilitators_only=True)
def _timer_start(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    seconds = args.get("seconds") or state.phase_minutes(state.phase) * 60
    if seconds <= 0:
        raise DomainError("bad_request", "seconds")
    # at_ms: the first timer started in a workshop no phase change has timed yet (the introduction,
    # where every board begins) is when that phase began (board.phase_log).
    return _timer_event(timers.start(int(seconds), ctx.now_ms), ctx.now_ms)


@command("timer.pause", facilitators_only=True)
def _timer_pause(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    if state.timer.status != "running":
        raise DomainError("conflict", "timer")
    return _timer_event(timers.pause(state.timer, ctx.now_ms))


@command("timer.resume", facilitators_only=True)
def _timer_resume(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    if state.timer.status != "paused":
        raise DomainError("conflict", "timer")
    return _timer_event(timers.resume(state.timer, ctx.now_ms))


@command("timer.add", facilitators_only=True)
def _timer_add(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    return _timer_event(timers.add(state.timer, int(args["seconds"]), ctx.now_ms))


@command("timer.reset", facilitators_only=True)
def _timer_reset(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    return _timer_event(timers.stopped(state.phase_minutes(state.phase) * 60))


@command("board.lock", facilitators_only=True)
def _board_lock(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    return [Event("board.locked", {"locked": bool(args["locked"])})]


@command("workshop.end", facilitators_only=True)
def _workshop_end(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    """The facilitator ends the workshop: the phase under way gets its end, and the board is locked
    (participants read it, nobody adds to it). A phase change later resumes it."""
    if state.ended_ms is not None:
        raise DomainError("conflict", "ended")
    return [Event("workshop.ended", {"at_ms": ctx.now_ms}), Event("board.locked", {"locked": True})]
