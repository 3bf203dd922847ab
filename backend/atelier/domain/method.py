"""The rest of the workshop method: preparation, personas, presenting, grouping, solutions,
sub-groups, action sheets, remarks, the closing round and the facilitation aids."""

from __future__ import annotations

from dataclasses import replace

from . import timer as timers
from .decide import _is_facilitator, _require, about_note, anonymised, command, visible_note
from .errors import DomainError
from .events import Context, Event
from .model import (
    MAX_GROUP_NOTES,
    MAX_GROUPS,
    MAX_PRESENTED,
    MAX_QUEUE,
    MAX_REMARKS,
    MAX_SHEET_LINKS,
    MAX_SOLUTIONS,
    SHEET_FIELDS,
    BoardState,
    Group,
    Role,
    Sheet,
    SheetField,
    Subgroup,
)
from .phases import Capability, Phase

# --- preparation ------------------------------------------------------------------------------


@command("board.configure", facilitators_only=True)
def _configure(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    """Title, axis, goal, context, links, prepared questions and settings, before or during."""
    changes = {k: v for k, v in args.items() if v is not None}
    if not changes:
        raise DomainError("bad_request")
    settings = changes.pop("settings", None)
    if settings:
        changes["settings"] = {k: v for k, v in settings.items() if v is not None}
    data: dict = {"changes": changes}
    if changes.get("settings", {}).get("anonymous") is False:
        # Lifting anonymity tells everyone who wrote the notes they can already see. Switching it on
        # again applies to notes written from then on: nobody can be made to forget a name.
        authors = {nid: n.author for nid, n in state.notes.items() if n.anonymous and not n.private}
        if authors:
            data["authors"] = authors
    return [Event("board.configured", data)]


@command("agenda.set", facilitators_only=True)
def _agenda(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    phases = args["phases"]
    if [p["id"] for p in phases] != [p.value for p in Phase]:
        raise DomainError("bad_request", "phases")
    return [Event("agenda.changed", {"phases": phases})]


@command("board.open", facilitators_only=True)
def _open(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    if state.status == "open":
        raise DomainError("conflict", "status")
    return [Event("board.opened", {"at_ms": ctx.now_ms})]


# --- inspiration: personas --------------------------------------------------------------------


@command("personas.deal", facilitators_only=True)
def _deal(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    """Deal one persona to each participant, privately: each learns only their own."""
    if not ctx.personas:
        raise DomainError("not_found", "personas")
    people = [p.id for p in state.participants.values() if p.role == Role.PARTICIPANT]
    pool = ctx.shuffle(list(ctx.personas))
    return [
        Event(
            "persona.dealt",
            {"participant_id": pid, "persona": pool[i % len(pool)]},
            restricted=True,
            public=None,
            subjects=(pid,),
        )
        for i, pid in enumerate(people)
    ]


# --- divergence: reveal, present ----------------------------------------------------------------


@command("notes.reveal", facilitators_only=True)
def _reveal_notes(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    hidden = [n for n in state.notes.values() if n.private]
    full = []
    public = []
    for note in hidden:
        shown = note.public() | {"private": False}
        full.append(shown)
        public.append(anonymised(state, replace(note, private=False)))
    return [Event("notes.revealed", {"notes": full}, restricted=True, public={"notes": public})]


@command("note.present")
def _present(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    note = visible_note(state, actor_id, args["id"])
    if note.author != actor_id and not _is_facilitator(state, actor_id):
        raise DomainError("forbidden", "id")
    if state.phase not in (Phase.DIVERGENCE, Phase.CONVERGENCE) and not _is_facilitator(state, actor_id):
        raise DomainError("not_allowed_in_phase", phase=state.phase)
    presented = not note.presented
    if presented:
        count = sum(1 for n in state.notes.values() if n.author == note.author and n.presented)
        if count >= MAX_PRESENTED:
            raise DomainError("too_many", "id", limit=MAX_PRESENTED)
    return [about_note(note, "note.presented", {"id": note.id, "presented": presented})]


# --- speaking queue ---------------------------------------------------------------------------


def _queue_event(queue: list[dict], speaker: dict | None, timer: timers.Timer) -> Event:
    return Event("queue.changed", {"queue": queue, "speaker": speaker, "timer": timer.public()})


@command("queue.join")
def _queue_join(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    """Join the speakers' queue; a facilitator may add someone in the room by name."""
    name = args.get("name")
    if name and not _is_facilitator(state, actor_id):
        raise DomainError("forbidden", "name")
    participant = None if name else actor_id
    if participant and any(e["participant"] == participant for e in state.queue):
        raise DomainError("conflict", "queue")
    if len(state.queue) >= MAX_QUEUE:
        raise DomainError("too_many", "queue", limit=MAX_QUEUE)
    entry = {"id": ctx.new_id("q"), "participant": participant, "name": name}
    return [_queue_event([*state.queue, entry], state.speaker, state.speaker_timer)]


@command("queue.leave")
def _queue_leave(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    entry = next((e for e in state.queue if e["id"] == args["entry_id"]), None)
    if entry is None:
        raise DomainError("not_found", "entry_id")
    if entry["participant"] != actor_id and not _is_facilitator(state, actor_id):
        raise DomainError("forbidden", "entry_id")
    rest = [e for e in state.queue if e["id"] != entry["id"]]
    return [_queue_event(rest, state.speaker, state.speaker_timer)]


@command("queue.next", facilitators_only=True)
def _queue_next(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    """The next speaker gets the floor and a fresh speaking timer (2 minutes unless said)."""
    if not state.queue:
        return [_queue_event([], None, timers.stopped(0))]
    speaker, *rest = state.queue
    seconds = int(args.get("seconds") or 120)
    return [_queue_event(rest, speaker, timers.start(seconds, ctx.now_ms))]


# --- convergence: groups ----------------------------------------------------------------------


def _in_convergence(state: BoardState, actor_id: str) -> None:
    """Participants group notes in convergence only (docs/protocol.md); facilitators at any time."""
    if not _is_facilitator(state, actor_id) and state.phase != Phase.CONVERGENCE:
        raise DomainError("not_allowed_in_phase", phase=state.phase)


def _groupable(state: BoardState, actor_id: str, note_id: str) -> None:
    visible_note(state, actor_id, note_id, "note_ids")
    _require(state, actor_id, Capability.MOVE)


@command("group.create")
def _group_create(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    for note_id in args["note_ids"]:
        _groupable(state, actor_id, note_id)
    if not _is_facilitator(state, actor_id) and state.phase != Phase.CONVERGENCE:
        raise DomainError("not_allowed_in_phase", phase=state.phase)
    if len(state.groups) >= MAX_GROUPS:
        raise DomainError("too_many", "groups", limit=MAX_GROUPS)
    group = {"id": ctx.new_id("g"), "title": args["title"], "note_ids": list(dict.fromkeys(args["note_ids"]))}
    return [Event("group.created", {"group": group})]


def _group(state: BoardState, group_id: str) -> Group:
    group = state.groups.get(group_id)
    if group is None:
        raise DomainError("not_found", "group_id")
    return group


@command("group.add")
def _group_add(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    group = _group(state, args["group_id"])
    _groupable(state, actor_id, args["note_id"])
    if not _is_facilitator(state, actor_id) and state.phase != Phase.CONVERGENCE:
        raise DomainError("not_allowed_in_phase", phase=state.phase)
    if args["note_id"] in group.note_ids:
        raise DomainError("conflict", "note_id")
    if len(group.note_ids) >= MAX_GROUP_NOTES:
        raise DomainError("too_many", "note_ids", limit=MAX_GROUP_NOTES)
    return [Event("group.added", {"group_id": group.id, "note_id": args["note_id"]})]


@command("group.remove")
def _group_remove(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    note = visible_note(state, actor_id, args["note_id"], "note_id")
    if note.group is None:
        raise DomainError("not_found", "note_id")
    _in_convergence(state, actor_id)
    return [Event("group.removed", {"group_id": note.group, "note_id": note.id})]


@command("group.rename")
def _group_rename(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    group = _group(state, args["group_id"])
    _in_convergence(state, actor_id)
    return [Event("group.renamed", {"group_id": group.id, "title": args["title"]})]


@command("group.delete", facilitators_only=True)
def _group_delete(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    group = _group(state, args["group_id"])
    return [Event("group.deleted", {"group_id": group.id})]


# --- solutions and sub-groups -----------------------------------------------------------------


@command("solution.retain", facilitators_only=True)
def _retain(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    """Retaining a note or group as a solution opens its action sheet, linked to its notes."""
    if args.get("group_id"):
        group = _group(state, args["group_id"])
        kind, source_id, title, sources = "group", group.id, group.title, list(group.note_ids)
    elif args.get("note_id"):
        note = visible_note(state, actor_id, args["note_id"], "note_id")
        if note.private:
            # Its text would become the solution's title, sent to everyone: reveal the notes first.
            raise DomainError("conflict", "note_id")
        kind, source_id, title, sources = "note", note.id, note.text, [note.id]
    else:
        raise DomainError("bad_request", "note_id")
    if any(s.source_id == source_id for s in state.solutions.values()):
        raise DomainError("conflict", "note_id" if kind == "note" else "group_id")
    if len(state.solutions) >= MAX_SOLUTIONS:
        raise DomainError("too_many", "solutions", limit=MAX_SOLUTIONS)
    solution = {
        "id": ctx.new_id("s"),
        "kind": kind,
        "source_id": source_id,
        "title": title[:120],
        "sheet_id": ctx.new_id("f"),
    }
    return [Event("solution.retained", {"solution": solution, "sheet_id": solution["sheet_id"], "sources": sources})]


@command("solution.release", facilitators_only=True)
def _release(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    if args["solution_id"] not in state.solutions:
        raise DomainError("not_found", "solution_id")
    return [Event("solution.released", {"solution_id": args["solution_id"]})]


@command("subgroups.split", facilitators_only=True)
def _split(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    """k sub-groups, balanced at random, empty for the facilitator to fill, or for people to choose.
    Each takes a retained solution in order, while there are enough."""
    count, mode = int(args["count"]), args["mode"]
    people = [p.id for p in state.participants.values() if p.role == Role.PARTICIPANT]
    solutions = list(state.solutions)
    groups = [
        {
            "id": ctx.new_id("sg"),
            "name": str(i + 1),
            "members": [],
            "solution_id": solutions[i] if i < len(solutions) else None,
        }
        for i in range(count)
    ]
    if mode == "random":
        for i, pid in enumerate(ctx.shuffle(people)):
            groups[i % count]["members"].append(pid)
    return [Event("subgroups.split", {"mode": mode, "subgroups": groups})]


def _subgroup(state: BoardState, subgroup_id: str) -> Subgroup:
    subgroup = state.subgroups.get(subgroup_id)
    if subgroup is None:
        raise DomainError("not_found", "subgroup_id")
    return subgroup


@command("subgroup.assign", facilitators_only=True)
def _assign(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    subgroup = _subgroup(state, args["subgroup_id"])
    if args["participant_id"] not in state.participants:
        raise DomainError("not_found", "participant_id")
    return [Event("subgroup.assigned", {"participant_id": args["participant_id"], "subgroup_id": subgroup.id})]


@command("subgroup.choose")
def _choose(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    subgroup = _subgroup(state, args["subgroup_id"])
    if state.subgroup_mode != "choice" and not _is_facilitator(state, actor_id):
        raise DomainError("forbidden", "subgroup_id")
    return [Event("subgroup.assigned", {"participant_id": actor_id, "subgroup_id": subgroup.id})]


@command("subgroup.solution", facilitators_only=True)
def _subgroup_solution(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    subgroup = _subgroup(state, args["subgroup_id"])
    if args["solution_id"] not in state.solutions:
        raise DomainError("not_found", "solution_id")
    return [Event("subgroup.solution_set", {"subgroup_id": subgroup.id, "solution_id": args["solution_id"]})]


# --- action sheets and remarks ----------------------------------------------------------------

SHEET_PHASES = (Phase.CONVERGENCE, Phase.SHARING, Phase.CONCLUSION)


def _sheet_for_writer(state: BoardState, actor_id: str, sheet_id: str) -> Sheet:
    """Facilitators edit any sheet; a participant edits their sub-group's, or any while there is none."""
    sheet = state.sheets.get(sheet_id)
    if sheet is None:
        raise DomainError("not_found", "sheet_id")
    if _is_facilitator(state, actor_id):
        return sheet
    if state.phase not in SHEET_PHASES:
        raise DomainError("not_allowed_in_phase", phase=state.phase)
    owners = [g for g in state.subgroups.values() if g.solution_id == sheet.solution_id]
    if owners and not any(actor_id in g.members for g in owners):
        raise DomainError("forbidden", "sheet_id")
    return sheet


@command("sheet.edit")
def _sheet_edit(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    """Per-field versions: an edit based on an old version is refused with `conflict`, so nobody's
    text is overwritten without seeing it; the client shows both and lets the person merge."""
    sheet = _sheet_for_writer(state, actor_id, args["sheet_id"])
    field = sheet.fields.get(args["field"]) or SheetField()
    if args["field"] not in SHEET_FIELDS:
        raise DomainError("bad_request", "field")
    if args["base_version"] != field.version:
        raise DomainError("conflict", "base_version", version=field.version)
    return [
        Event(
            "sheet.edited",
            {
                "sheet_id": sheet.id,
                "field": args["field"],
                "text": args["text"],
                "version": field.version + 1,
                "by": actor_id,
            },
        )
    ]


@command("sheet.link")
def _sheet_link(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    sheet = _sheet_for_writer(state, actor_id, args["sheet_id"])
    note = visible_note(state, actor_id, args["note_id"], "note_id")
    if note.id in sheet.source_note_ids:
        raise DomainError("conflict", "note_id")
    if len(sheet.source_note_ids) >= MAX_SHEET_LINKS:
        raise DomainError("too_many", "source_note_ids", limit=MAX_SHEET_LINKS)
    return [Event("sheet.linked", {"sheet_id": sheet.id, "note_id": note.id})]


@command("remark.add")
def _remark(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    if args["sheet_id"] not in state.sheets:
        raise DomainError("not_found", "sheet_id")
    if state.phase != Phase.SHARING and not _is_facilitator(state, actor_id):
        raise DomainError("not_allowed_in_phase", phase=state.phase)
    if len(state.remarks) >= MAX_REMARKS:
        raise DomainError("too_many", "remarks", limit=MAX_REMARKS)
    remark = {
        "id": ctx.new_id("r"),
        "sheet_id": args["sheet_id"],
        "kind": args["kind"],
        "text": args["text"],
        "author": actor_id,
        "created_ms": ctx.now_ms,
        "anonymous": state.settings.anonymous,
    }
    if remark["anonymous"]:
        # The board's notes are anonymous: so are its remarks (the author is never sent to the others).
        return [
            Event(
                "remark.added",
                {"remark": remark},
                restricted=True,
                public={"remark": remark | {"author": None}},
                subjects=(actor_id,),
            )
        ]
    return [Event("remark.added", {"remark": remark})]


@command("sharing.present", facilitators_only=True)
def _sharing_present(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    """A sub-group presents: spotlight on it everywhere and its 3-minute timer starts."""
    subgroup = _subgroup(state, args["subgroup_id"])
    seconds = int(args.get("seconds") or 180)
    return [
        Event("spotlight.changed", {"spotlight": {"kind": "subgroup", "id": subgroup.id}}),
        Event("timer.changed", {"timer": timers.start(seconds, ctx.now_ms).public()}),
    ]


# --- conclusion -------------------------------------------------------------------------------


@command("closing.answer")
def _closing(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    if state.phase != Phase.CONCLUSION:
        raise DomainError("not_allowed_in_phase", phase=state.phase)
    previous = next(
        (a for a in state.closing.values() if a.author == actor_id and a.question == args["question"]), None
    )
    # Anonymous when the board's notes are, or when the closing round alone is meant to be.
    anonymous = state.settings.anonymous_closing or state.settings.anonymous
    answer = {
        "id": previous.id if previous else ctx.new_id("c"),
        "question": args["question"],
        "text": args["text"],
        "author": actor_id,
        "anonymous": anonymous,
    }
    if anonymous:
        return [
            Event(
                "closing.answered",
                {"answer": answer},
                restricted=True,
                public={"answer": answer | {"author": None}},
                subjects=(actor_id,),
            )
        ]
    return [Event("closing.answered", {"answer": answer})]


@command("next_steps.set", facilitators_only=True)
def _next_steps(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    return [Event("next_steps.changed", {"text": args["text"]})]


# --- facilitation aids ------------------------------------------------------------------------


@command("participant.done")
def _done(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    return [
        Event(
            "participant.done_changed", {"participant_id": actor_id, "phase": state.phase, "done": bool(args["done"])}
        )
    ]


@command("spotlight.set", facilitators_only=True)
def _spotlight(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    kind, target = args.get("kind"), args.get("id")
    if kind is None:
        return [Event("spotlight.changed", {"spotlight": None})]
    found = {
        "note": state.notes,
        "group": state.groups,
        "sheet": state.sheets,
        "subgroup": state.subgroups,
    }[kind].get(target)
    if found is None or (kind == "note" and state.notes[target].private):
        raise DomainError("not_found", "id")
    return [Event("spotlight.changed", {"spotlight": {"kind": kind, "id": target}})]
