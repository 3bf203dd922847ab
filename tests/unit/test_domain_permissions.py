"""Who may send which command in which phase: every command × phase × role × lock, against docs/protocol.md."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from atelier.domain import Command, DomainError, Viewer, apply, decide, event_for, view_state
from atelier.domain.decide import HANDLERS
from tests.unit.builders import (
    COF,
    FAC,
    MINUTES,
    NOW,
    OTHER,
    PAR,
    PHASES,
    STRANGER,
    RawEvent,
    act,
    board,
    context,
    fold,
    group_created,
    joined,
    locked,
    note_added,
    people,
    phase_changed,
    queue_changed,
    role_changed,
    run,
    solution_retained,
    subgroups_split,
    timer_changed,
    vote_added,
)

# --- the expectation, written from the command tables of docs/protocol.md (not from the code) ---

WRITE = frozenset({"inspiration", "divergence"})
MOVE = frozenset({"inspiration", "divergence", "convergence"})
VOTE = frozenset({"convergence"})
PRESENT = frozenset({"divergence", "convergence"})
SHEETS = frozenset({"convergence", "sharing", "conclusion"})
ALWAYS = frozenset(PHASES)


@dataclass(frozen=True)
class Rule:
    """`who`: anyone | author (of the note or queue entry) | facilitators (both kinds) | facilitator
    (the creator only). `phases`: when participants may send it. `binds_all`: the phase binds
    facilitators too ("anyone in convergence" with no "; facilitators" in the table)."""

    who: str
    phases: frozenset[str]
    events: tuple[str, ...]
    binds_all: bool = False


def anyone(phases: frozenset[str], *events: str, binds_all: bool = False) -> Rule:
    return Rule("anyone", phases, events, binds_all)


def author(phases: frozenset[str], *events: str) -> Rule:
    return Rule("author", phases, events)


def facilitators(*events: str) -> Rule:
    return Rule("facilitators", ALWAYS, events)


RULES: dict[str, Rule] = {
    # Commands (v1)
    "note.add": anyone(WRITE, "note.added"),
    "note.edit": author(WRITE, "note.edited"),
    "note.move": author(MOVE, "note.moved"),
    "note.recolor": author(WRITE, "note.recolored"),
    "note.delete": author(WRITE, "note.deleted"),
    "vote.add": anyone(VOTE, "vote.added", binds_all=True),
    "vote.remove": anyone(VOTE, "vote.removed", binds_all=True),  # every actor holds a dot to take
    "votes.configure": facilitators("votes.configured"),
    "votes.reveal": facilitators("votes.revealed"),
    "phase.set": facilitators("phase.changed"),
    "question.set": facilitators("question.changed"),
    "timer.start": facilitators("timer.changed"),
    "timer.pause": facilitators("timer.changed"),
    "timer.resume": facilitators("timer.changed"),
    "timer.add": facilitators("timer.changed"),
    "timer.reset": facilitators("timer.changed"),
    "board.lock": facilitators("board.locked"),
    "workshop.end": facilitators("workshop.ended", "board.locked"),
    "participant.role": Rule("facilitator", ALWAYS, ("participant.role_changed",)),
    # The rest of the method
    "board.configure": facilitators("board.configured"),
    "agenda.set": facilitators("agenda.changed"),
    "board.open": facilitators("board.opened"),  # on a draft board
    "personas.deal": facilitators("persona.dealt", "persona.dealt"),  # PAR and OTHER
    "notes.reveal": facilitators("notes.revealed"),
    "note.present": author(PRESENT, "note.presented"),
    "queue.join": anyone(ALWAYS, "queue.changed"),
    "queue.leave": author(ALWAYS, "queue.changed"),
    "queue.next": facilitators("queue.changed"),
    "group.create": anyone(VOTE, "group.created"),
    "group.add": anyone(VOTE, "group.added"),
    "group.remove": anyone(VOTE, "group.removed"),
    "group.rename": anyone(VOTE, "group.renamed"),
    "group.delete": facilitators("group.deleted"),
    "solution.retain": facilitators("solution.retained"),
    "solution.release": facilitators("solution.released"),
    "subgroups.split": facilitators("subgroups.split"),
    "subgroup.assign": facilitators("subgroup.assigned"),
    "subgroup.choose": anyone(ALWAYS, "subgroup.assigned"),  # the split was made in `choice` mode
    "subgroup.solution": facilitators("subgroup.solution_set"),
    "sheet.edit": anyone(SHEETS, "sheet.edited"),  # no sub-group holds the solution
    "sheet.link": anyone(SHEETS, "sheet.linked"),
    "remark.add": anyone(frozenset({"sharing"}), "remark.added"),
    "sharing.present": facilitators("spotlight.changed", "timer.changed"),
    "spotlight.set": facilitators("spotlight.changed"),
    "closing.answer": anyone(frozenset({"conclusion"}), "closing.answered", binds_all=True),
    "next_steps.set": facilitators("next_steps.changed"),
    "participant.done": anyone(ALWAYS, "participant.done_changed"),
    # Access links (sent by the server from the HTTP routes, on a facilitator's behalf)
    "link.create": facilitators("link.created"),
    "links.revoke": facilitators("links.revoked"),
}

ROLES = ("facilitator", "co_facilitator", "participant", "stranger")
ACTOR = {"facilitator": FAC, "co_facilitator": COF, "participant": PAR, "stranger": STRANGER}
OWN_NOTE = {FAC: "n_fac", COF: "n_cof", PAR: "n_par"}
OTHERS_NOTE = "n_other"  # written by OTHER, a participant
OWN_ENTRY = {FAC: "q_fac", COF: "q_cof", PAR: "q_par"}
OTHERS_ENTRY = "q_other"

Outcome = tuple[str, ...] | str  # the events' names, or an error code


def expected(command: str, target: str, role: str, phase: str, is_locked: bool, draft: bool = False) -> Outcome:
    """Precedence, from the most lasting reason to the most passing: not on the board, never
    allowed for this role, board not open yet, board locked, not yours, not in this phase."""
    rule = RULES[command]
    facilitator = role in ("facilitator", "co_facilitator")
    if role == "stranger":
        return "unauthorized"
    if rule.who == "facilitators" and not facilitator:
        return "forbidden"
    if rule.who == "facilitator" and role != "facilitator":
        return "forbidden"
    if draft and not facilitator:
        return "not_open"
    if is_locked and not facilitator:
        return "board_locked"
    if rule.who == "author" and target == "other" and not facilitator:
        return "forbidden"
    if (rule.binds_all or not facilitator) and phase not in rule.phases:
        return "not_allowed_in_phase"
    return rule.events


# --- the boards and the arguments ---------------------------------------------------------------


def args_for(command: str, target: str, actor: str) -> dict[str, Any]:
    """Arguments as protocol.parse_args hands them to the domain (every key present)."""
    note = OWN_NOTE.get(actor, OTHERS_NOTE) if target == "own" else OTHERS_NOTE
    entry = OWN_ENTRY.get(actor, OTHERS_ENTRY) if target == "own" else OTHERS_ENTRY
    agenda = [{"id": phase, "minutes": 10, "skipped": phase == "presentation"} for phase in PHASES]
    return {
        "note.add": {"text": "Un bus numérique", "color": "blue", "persona": None, "x": 120.0, "y": 80.0, "for": None},
        "note.edit": {"id": note, "text": "Un bus numérique itinérant"},
        "note.move": {"id": note, "x": 640.0, "y": 320.0},
        "note.recolor": {"id": note, "color": "green"},
        "note.delete": {"id": note},
        "vote.add": {"note_id": OTHERS_NOTE, "group_id": None},
        "vote.remove": {"note_id": OTHERS_NOTE, "group_id": None},
        "votes.configure": {"budget": 5},
        "votes.reveal": {"revealed": True},
        "phase.set": {"phase": "sharing"},
        "question.set": {"text": "Comment rendre le numérique accessible à tous ?"},
        "timer.start": {"seconds": 600},
        "timer.pause": {},
        "timer.resume": {},
        "timer.add": {"seconds": 60},
        "timer.reset": {},
        "board.lock": {"locked": True},
        "workshop.end": {},
        "participant.role": {"id": OTHER, "role": "co_facilitator"},
        "board.configure": {"title": None, "axis": "reach-out", "goal": "Aller vers les publics", "context": None,
                            "links": None, "questions": None, "settings": None},
        "agenda.set": {"phases": agenda},
        "board.open": {},
        "personas.deal": {},
        "notes.reveal": {},
        "note.present": {"id": note},
        "queue.join": {"name": None},
        "queue.leave": {"entry_id": entry},
        "queue.next": {"seconds": None},
        "group.create": {"title": "Mobilité", "note_ids": [OTHERS_NOTE]},
        "group.add": {"group_id": "g_1", "note_id": OTHERS_NOTE},
        "group.remove": {"note_id": "n_grouped"},
        "group.rename": {"group_id": "g_1", "title": "Mobilité et accès"},
        "group.delete": {"group_id": "g_1"},
        "solution.retain": {"note_id": OTHERS_NOTE, "group_id": None},
        "solution.release": {"solution_id": "s_1"},
        "subgroups.split": {"count": 2, "mode": "random"},
        "subgroup.assign": {"participant_id": PAR, "subgroup_id": "sg_1"},
        "subgroup.choose": {"subgroup_id": "sg_1"},
        "subgroup.solution": {"subgroup_id": "sg_1", "solution_id": "s_1"},
        "sheet.edit": {"sheet_id": "f_1", "field": "objectives", "text": "Réduire l'isolement", "base_version": 0},
        "sheet.link": {"sheet_id": "f_1", "note_id": OTHERS_NOTE},
        "remark.add": {"sheet_id": "f_1", "kind": "for", "text": "Bonne idée"},
        "sharing.present": {"subgroup_id": "sg_1", "seconds": None},
        "spotlight.set": {"kind": "note", "id": OTHERS_NOTE},
        "closing.answer": {"question": "feeling", "text": "Content d'avoir participé"},
        "next_steps.set": {"text": "Prochain atelier le 12 mars"},
        "participant.done": {"done": True},
        "link.create": {"id": "l_new", "kind": "projector"},
        "links.revoke": {"kind": "projector"},
    }[command]  # fmt: skip


# What some commands need on the board to succeed at all.
PREPARE: dict[str, list[RawEvent]] = {
    "timer.pause": [timer_changed("running", 600, NOW + 300_000, 600_000)],
    "timer.resume": [timer_changed("paused", 600, None, 300_000)],
    "queue.leave": [
        queue_changed(("q_fac", FAC, None), ("q_cof", COF, None), ("q_par", PAR, None), ("q_other", OTHER, None))
    ],
}


def table_board(command: str, phase: str, is_locked: bool, draft: bool = False) -> Any:
    events: list[RawEvent] = [
        note_added("n_fac", FAC),
        note_added("n_cof", COF),
        note_added("n_par", PAR),
        note_added(OTHERS_NOTE, OTHER),
        note_added("n_grouped", OTHER),
        # Everyone on the board already has one dot on OTHER's note, so vote.remove has one to take.
        vote_added(OTHERS_NOTE, FAC),
        vote_added(OTHERS_NOTE, COF),
        vote_added(OTHERS_NOTE, PAR),
        group_created("g_1", "n_fac"),
        group_created("g_2", "n_grouped"),
        solution_retained("s_1", "f_1", "n_fac"),
        subgroups_split("choice", ("sg_1", [], None)),
    ]
    if is_locked:
        events.append(locked(True))
    return board(phase, *events, *PREPARE.get(command, []), status="draft" if draft else "open")


def targets(command: str) -> tuple[str, ...]:
    return ("own", "other") if RULES[command].who == "author" else ("-",)


CASES = [
    pytest.param(command, target, role, phase, is_locked, id=f"{command}[{target}]-{role}-{phase}-{lock}")
    for command in RULES
    for target in targets(command)
    for role in ROLES
    for phase in PHASES
    for is_locked, lock in ((False, "open"), (True, "locked"))
    if not (role == "stranger" and target == "own")  # a stranger owns nothing
]


def outcome(command: str, target: str, role: str, phase: str, is_locked: bool, draft: bool = False) -> Outcome:
    state = table_board(command, phase, is_locked, draft)
    if command == "board.open" and not draft:
        state = table_board(command, phase, is_locked, draft=True)  # only a draft can be opened
    before = state.to_json()
    actor = ACTOR[role]
    try:
        events = run(state, actor, command, args_for(command, target, actor))
    except DomainError as exc:
        result: Outcome = exc.code
    else:
        result = tuple(event.name for event in events)
    assert state.to_json() == before, "decide() must not change the state"
    return result


def test_the_table_covers_every_command() -> None:
    # A new command without a row here fails: its permissions must be written down.
    assert set(RULES) == set(HANDLERS) - {"participant.join"}
    authored = sum(1 for rule in RULES.values() if rule.who == "author")
    assert len(CASES) == (len(RULES) + authored) * 4 * 7 * 2 - authored * 7 * 2


@pytest.mark.parametrize(("command", "target", "role", "phase", "is_locked"), CASES)
def test_permission(command: str, target: str, role: str, phase: str, is_locked: bool) -> None:
    assert outcome(command, target, role, phase, is_locked) == expected(command, target, role, phase, is_locked)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("command", [c for c in RULES if c != "board.open"])
def test_a_draft_board_waits_for_the_facilitators(command: str, role: str) -> None:
    # In a phase where the command's phase rule lets participants send it, so only the draft can refuse.
    phase = next(p for p in PHASES if p in RULES[command].phases)
    target = targets(command)[0]
    got = outcome(command, target, role, phase, False, draft=True)
    assert got == expected(command, target, role, phase, False, draft=True)
    if role == "participant" and RULES[command].who not in ("facilitators", "facilitator"):
        assert got == "not_open"


# A few rows spelled out literally, so that a mistake in expected() cannot hide one in the domain.
@pytest.mark.parametrize(
    ("command", "target", "role", "phase", "is_locked", "result"),
    [
        ("note.add", "-", "participant", "divergence", False, ("note.added",)),
        ("note.add", "-", "participant", "convergence", False, "not_allowed_in_phase"),
        ("note.add", "-", "participant", "divergence", True, "board_locked"),
        ("note.add", "-", "co_facilitator", "intro", True, ("note.added",)),
        ("note.add", "-", "stranger", "divergence", False, "unauthorized"),
        ("note.edit", "own", "participant", "inspiration", False, ("note.edited",)),
        ("note.edit", "other", "participant", "inspiration", False, "forbidden"),
        ("note.edit", "own", "participant", "convergence", False, "not_allowed_in_phase"),
        ("note.edit", "other", "facilitator", "conclusion", False, ("note.edited",)),
        ("note.move", "own", "participant", "convergence", False, ("note.moved",)),
        ("note.move", "own", "participant", "sharing", False, "not_allowed_in_phase"),
        ("note.move", "other", "participant", "convergence", False, "forbidden"),
        ("note.move", "other", "co_facilitator", "intro", False, ("note.moved",)),
        ("note.recolor", "other", "participant", "divergence", False, "forbidden"),
        ("note.delete", "own", "participant", "divergence", False, ("note.deleted",)),
        ("note.delete", "other", "co_facilitator", "sharing", True, ("note.deleted",)),
        ("vote.add", "-", "participant", "convergence", False, ("vote.added",)),
        ("vote.add", "-", "participant", "divergence", False, "not_allowed_in_phase"),
        ("vote.add", "-", "facilitator", "divergence", False, "not_allowed_in_phase"),
        ("vote.add", "-", "facilitator", "convergence", True, ("vote.added",)),
        ("vote.add", "-", "participant", "convergence", True, "board_locked"),
        ("vote.remove", "-", "participant", "convergence", False, ("vote.removed",)),
        ("votes.configure", "-", "participant", "convergence", False, "forbidden"),
        ("votes.configure", "-", "co_facilitator", "intro", False, ("votes.configured",)),
        ("votes.reveal", "-", "participant", "convergence", True, "forbidden"),
        ("phase.set", "-", "co_facilitator", "divergence", True, ("phase.changed",)),
        ("timer.pause", "-", "participant", "divergence", False, "forbidden"),
        ("timer.resume", "-", "facilitator", "intro", False, ("timer.changed",)),
        ("board.lock", "-", "participant", "divergence", False, "forbidden"),
        ("board.lock", "-", "co_facilitator", "divergence", True, ("board.locked",)),
        ("participant.role", "-", "facilitator", "divergence", False, ("participant.role_changed",)),
        ("participant.role", "-", "co_facilitator", "divergence", False, "forbidden"),
        ("participant.role", "-", "participant", "divergence", False, "forbidden"),
        ("participant.role", "-", "participant", "divergence", True, "forbidden"),
        ("participant.role", "-", "stranger", "divergence", False, "unauthorized"),
        ("note.present", "own", "participant", "convergence", False, ("note.presented",)),
        ("note.present", "own", "participant", "sharing", False, "not_allowed_in_phase"),
        ("note.present", "other", "participant", "divergence", False, "forbidden"),
        ("queue.leave", "other", "participant", "sharing", False, "forbidden"),
        ("queue.leave", "other", "co_facilitator", "sharing", False, ("queue.changed",)),
        ("group.create", "-", "participant", "divergence", False, "not_allowed_in_phase"),
        ("group.rename", "-", "participant", "divergence", False, "not_allowed_in_phase"),
        ("group.remove", "-", "participant", "inspiration", False, "not_allowed_in_phase"),
        ("group.create", "-", "facilitator", "intro", False, ("group.created",)),
        ("sheet.edit", "-", "participant", "divergence", False, "not_allowed_in_phase"),
        ("sheet.edit", "-", "participant", "sharing", False, ("sheet.edited",)),
        ("remark.add", "-", "participant", "conclusion", False, "not_allowed_in_phase"),
        ("closing.answer", "-", "facilitator", "sharing", False, "not_allowed_in_phase"),
        ("sharing.present", "-", "co_facilitator", "sharing", False, ("spotlight.changed", "timer.changed")),
        ("personas.deal", "-", "participant", "inspiration", False, "forbidden"),
        ("participant.done", "-", "participant", "intro", True, "board_locked"),
    ],
)
def test_literal_rows(command: str, target: str, role: str, phase: str, is_locked: bool, result: Outcome) -> None:
    assert expected(command, target, role, phase, is_locked) == result
    assert outcome(command, target, role, phase, is_locked) == result


# --- the details the table does not show --------------------------------------------------------


def error(state: Any, actor: str, name: str, args: dict[str, Any]) -> DomainError:
    with pytest.raises(DomainError) as caught:
        run(state, actor, name, args)
    return caught.value


@pytest.mark.parametrize("role", ROLES)
def test_unknown_command(role: str) -> None:
    exc = error(board("divergence"), ACTOR[role], "note.paint", {"id": "n_1"})
    assert (exc.code, exc.field) == ("unknown_command", "name")


def test_for_is_for_facilitators_only() -> None:
    args = {"text": "Plus de bornes en mairie", "color": None, "x": None, "y": None, "for": "Mme Durand"}
    exc = error(board("divergence"), PAR, "note.add", args)
    assert (exc.code, exc.field) == ("forbidden", "for")
    for actor in (FAC, COF):
        (event,) = run(board("intro"), actor, "note.add", args)
        assert event.name == "note.added"
        assert event.data["note"]["for"] == "Mme Durand"
        assert event.data["note"]["author"] == actor
        assert event.data["note"]["color"] == "yellow"  # the default colour


def test_note_added_carries_the_documented_fields() -> None:
    args = {"text": "Un bus numérique", "color": "pink", "persona": "social-worker", "x": 12.5, "y": 4000.0}
    state = board("inspiration", ("question.changed", {"text": "Que voyez-vous ?"}))
    (event,) = run(state, PAR, "note.add", {**args, "for": None})
    assert event.data == {
        "note": {
            "id": "n_t1",
            "text": "Un bus numérique",
            "color": "pink",
            "x": 12.5,
            "y": 4000.0,
            "author": PAR,
            "for": None,
            "phase": "inspiration",
            "created_ms": NOW,
            "question": "Que voyez-vous ?",
            "persona": "social-worker",
            "presented": False,
            "private": False,
            "group": None,
            "anonymous": True,
        }
    }


def test_notes_without_position_do_not_stack() -> None:
    state = board("divergence")
    args = {"text": "Idée", "color": None, "x": None, "y": None, "for": None}
    ids = context()  # one id sequence for the whole test, as the service has
    for _ in range(20):
        act(state, PAR, "note.add", args, ctx=ids)
    assert len(state.notes) == 20
    assert len({(note.x, note.y) for note in state.notes.values()}) == 20


@pytest.mark.parametrize("name", ["note.edit", "note.move", "note.recolor", "note.delete"])
def test_missing_note_is_not_found(name: str) -> None:
    args = {"note.edit": {"text": "x"}, "note.move": {"x": 1.0, "y": 1.0}, "note.recolor": {"color": "blue"}}
    exc = error(board("divergence"), FAC, name, {"id": "n_gone", **args.get(name, {})})
    assert (exc.code, exc.field) == ("not_found", "id")


def test_editing_another_participants_note_names_the_field() -> None:
    state = board("divergence", note_added("n_1", OTHER))
    exc = error(state, PAR, "note.edit", {"id": "n_1", "text": "Pirate"})
    assert (exc.code, exc.field) == ("forbidden", "id")


def test_not_allowed_in_phase_says_which_phase() -> None:
    exc = error(board("sharing"), PAR, "note.add", {"text": "Trop tard", "color": None, "x": None, "y": None})
    assert exc.code == "not_allowed_in_phase"
    assert exc.params == {"phase": "sharing"}


def test_role_change_by_the_facilitator() -> None:
    state = board("divergence")
    (event,) = run(state, FAC, "participant.role", {"id": PAR, "role": "co_facilitator"})
    assert (event.name, event.data) == ("participant.role_changed", {"id": PAR, "role": "co_facilitator"})
    (event,) = run(state, FAC, "participant.role", {"id": COF, "role": "participant"})
    assert event.data == {"id": COF, "role": "participant"}


@pytest.mark.parametrize(
    ("target", "role", "code", "field"),
    [
        (FAC, "participant", "bad_request", "role"),  # the facilitator is never demoted
        (PAR, "facilitator", "bad_request", "role"),  # and never duplicated
        ("p_nobody", "co_facilitator", "not_found", "id"),
    ],
)
def test_role_change_refusals(target: str, role: str, code: str, field: str) -> None:
    exc = error(board("divergence"), FAC, "participant.role", {"id": target, "role": role})
    assert (exc.code, exc.field) == (code, field)


def test_a_promoted_participant_acts_as_a_facilitator() -> None:
    state = board("intro", role_changed(PAR, "co_facilitator"), locked(True))
    (event,) = run(state, PAR, "phase.set", {"phase": "divergence"})
    assert event.name == "phase.changed"
    demoted = board("intro", role_changed(COF, "participant"))
    assert error(demoted, COF, "phase.set", {"phase": "divergence"}).code == "forbidden"


# --- participant.join, which arrives over HTTP rather than the socket ---------------------------


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("is_locked", [False, True])
def test_join_in_any_phase_even_locked(phase: str, is_locked: bool) -> None:
    # A late arrival must be able to join: the lock stops actions on the board, not people at the door.
    state = board(phase, *([locked(True)] if is_locked else []))
    (event,) = run(state, "p_new", "participant.join", {"name": "Inès", "organisation": "library"})
    assert (event.name, event.data) == (
        "participant.joined",
        {"participant": {"id": "p_new", "name": "Inès", "role": "participant", "organisation": "library"}},
    )


def test_the_creator_joins_as_facilitator() -> None:
    (event,) = run(fold(), FAC, "participant.join", {"name": "Claire", "role": "facilitator"})
    assert event.data["participant"]["role"] == "facilitator"
    assert event.data["participant"]["organisation"] is None


def test_joining_twice_is_a_conflict() -> None:
    exc = error(fold(*people()), PAR, "participant.join", {"name": "Awa"})
    assert (exc.code, exc.field) == ("conflict", "id")


def test_a_full_board_refuses_one_more() -> None:
    from atelier.domain.model import MAX_PARTICIPANTS

    state = fold(*[joined(f"p_{i}", f"P{i}") for i in range(MAX_PARTICIPANTS)])
    exc = error(state, "p_late", "participant.join", {"name": "Late"})
    assert (exc.code, exc.field) == ("too_large", "participants")


def test_phase_list_is_the_documented_agenda() -> None:
    state = fold(phase_changed("divergence", MINUTES["divergence"]))
    assert [p["id"] for p in state.phases] == list(PHASES)
    assert {p["id"]: p["minutes"] for p in state.phases} == MINUTES


# --- the rest of the method: the refusals the table does not reach --------------------------------


def private_board(phase: str = "divergence", *more: RawEvent) -> Any:
    """OTHER wrote a private note (divergence, private writing on by default) before `phase`."""
    state = board("divergence")
    act(state, OTHER, "note.add", {"text": "Mon idée à moi", "color": None, "persona": None, "x": None, "y": None})
    (note_id,) = state.notes
    assert state.notes[note_id].private
    for event in [phase_changed(phase, MINUTES[phase]), *more]:
        apply(state, event)
    return state, note_id


SECRET = "{private note}"


@pytest.mark.parametrize(
    ("name", "args", "phase", "field"),
    [
        ("note.edit", {"id": SECRET, "text": "Piratée"}, "divergence", "id"),
        ("note.move", {"id": SECRET, "x": 1.0, "y": 1.0}, "divergence", "id"),
        ("note.delete", {"id": SECRET}, "divergence", "id"),
        ("note.present", {"id": SECRET}, "divergence", "id"),
        ("vote.add", {"note_id": SECRET, "group_id": None}, "convergence", "note_id"),
        ("group.create", {"title": "Vol", "note_ids": [SECRET]}, "convergence", "note_ids"),
        ("sheet.link", {"sheet_id": "f_1", "note_id": SECRET}, "convergence", "note_id"),
    ],
)
def test_another_participants_private_note_does_not_exist_for_them(
    name: str, args: dict[str, Any], phase: str, field: str
) -> None:
    state, note_id = private_board(phase, note_added("n_pub", FAC), solution_retained("s_1", "f_1", "n_pub"))
    args = json.loads(json.dumps(args).replace(SECRET, note_id))
    exc = error(state, PAR, name, args)
    assert (exc.code, exc.field) == ("not_found", field)  # not "forbidden": that would confirm it exists
    assert run(state, FAC, name, args)  # facilitators see it


def test_a_private_note_reaches_only_its_author_and_the_facilitators() -> None:
    state = board("divergence")
    (added,) = run(state, OTHER, "note.add", {"text": "Secret", "color": None, "persona": None, "x": None, "y": None})
    assert added.data["note"]["private"] is True
    assert event_for(added, Viewer(OTHER, "participant"))[0] == "note.added"
    assert event_for(added, Viewer(COF, "co_facilitator"))[0] == "note.added"
    assert event_for(added, Viewer(PAR, "participant")) == ("hidden", {})
    assert event_for(added, Viewer(FAC, "facilitator", projector=True)) == ("hidden", {})
    apply(state, added)
    assert view_state(state, Viewer(PAR, "participant"))["notes"] == {}
    (revealed,) = run(state, FAC, "notes.reveal", {})
    name, data = event_for(revealed, Viewer(PAR, "participant"))
    assert name == "notes.revealed"
    assert [(n["text"], n["author"], n["private"]) for n in data["notes"]] == [("Secret", None, False)]  # anonymous


def test_facilitators_notes_are_never_private() -> None:
    (added,) = run(board("divergence"), COF, "note.add", {"text": "Consigne", "color": None, "x": None, "y": None})
    assert added.data["note"]["private"] is False
    assert not added.restricted


def test_presenting_at_most_three_own_notes() -> None:
    notes = [note_added(f"n_{i}", PAR) for i in range(4)]
    state = board("convergence", *notes)
    for i in range(3):
        act(state, PAR, "note.present", {"id": f"n_{i}"})
    exc = error(state, PAR, "note.present", {"id": "n_3"})
    assert (exc.code, exc.field, exc.params) == ("too_many", "id", {"limit": 3})
    (event,) = act(state, PAR, "note.present", {"id": "n_0"})  # presenting again withdraws it
    assert event.data == {"id": "n_0", "presented": False}
    act(state, PAR, "note.present", {"id": "n_3"})


def test_the_speakers_queue() -> None:
    state = board("sharing")
    act(state, PAR, "queue.join", {"name": None})
    assert (error(state, PAR, "queue.join", {"name": None}).code) == "conflict"
    assert (error(state, PAR, "queue.join", {"name": "Mme Li"}).field) == "name"  # only facilitators add others
    act(state, FAC, "queue.join", {"name": "Mme Li"})
    (event,) = act(state, FAC, "queue.next", {"seconds": None}, now_ms=NOW)
    assert event.data["speaker"]["participant"] == PAR
    assert event.data["timer"] == {"status": "running", "duration": 120, "ends_at_ms": NOW + 120_000,
                                   "remaining_ms": 120_000}  # fmt: skip
    assert [e["name"] for e in event.data["queue"]] == ["Mme Li"]


def test_choosing_a_subgroup_needs_the_choice_mode() -> None:
    state = board("convergence", subgroups_split("manual", ("sg_1", [], None)))
    assert (error(state, PAR, "subgroup.choose", {"subgroup_id": "sg_1"}).code) == "forbidden"
    (event,) = run(state, FAC, "subgroup.choose", {"subgroup_id": "sg_1"})
    assert event.data == {"participant_id": FAC, "subgroup_id": "sg_1"}


def test_a_sheet_belongs_to_the_subgroup_that_holds_its_solution() -> None:
    state = board(
        "sharing",
        note_added("n_1", OTHER),
        solution_retained("s_1", "f_1", "n_1"),
        subgroups_split("manual", ("sg_1", [OTHER], "s_1"), ("sg_2", [PAR], None)),
    )
    edit = {"sheet_id": "f_1", "field": "lead", "text": "La mairie", "base_version": 0}
    assert (error(state, PAR, "sheet.edit", edit).field) == "sheet_id"
    (event,) = act(state, OTHER, "sheet.edit", edit)
    assert event.data == {"sheet_id": "f_1", "field": "lead", "text": "La mairie", "version": 1, "by": OTHER}
    # The same edit, based on the version before OTHER's, would overwrite it: refused.
    exc = error(state, FAC, "sheet.edit", {**edit, "text": "Le département"})
    assert (exc.code, exc.field, exc.params) == ("conflict", "base_version", {"version": 1})
    act(state, FAC, "sheet.edit", {**edit, "text": "Le département", "base_version": 1})
    assert state.sheets["f_1"].fields["lead"].version == 2


def test_a_draft_opens_once() -> None:
    state = board("intro", status="draft")
    assert (error(state, PAR, "note.add", {"text": "x"}).code) == "not_open"
    act(state, FAC, "board.open", {})
    assert (error(state, FAC, "board.open", {}).code, error(state, FAC, "board.open", {}).field) == (
        "conflict",
        "status",
    )


def test_dealing_personas_needs_personas() -> None:
    from atelier.domain import Context

    state = board("inspiration")
    with pytest.raises(DomainError) as caught:
        decide(state, FAC, Command("personas.deal", {}), Context(now_ms=NOW, new_id=str))
    assert (caught.value.code, caught.value.field) == ("not_found", "personas")
    events = run(state, FAC, "personas.deal", {})
    assert [(e.data["participant_id"], e.restricted, e.subjects) for e in events] == [
        (PAR, True, (PAR,)),
        (OTHER, True, (OTHER,)),
    ]


def test_votes_on_groups_share_the_budget() -> None:
    state = board("convergence", note_added("n_1", OTHER), group_created("g_1", "n_1"))
    act(state, PAR, "vote.add", {"note_id": None, "group_id": "g_1"})
    act(state, PAR, "vote.add", {"note_id": None, "group_id": "g_1"})
    act(state, PAR, "vote.add", {"note_id": "n_1", "group_id": None})
    assert state.tallies() == {"g_1": 2, "n_1": 1}
    assert (error(state, PAR, "vote.add", {"note_id": None, "group_id": "g_1"}).code) == "vote_budget_exhausted"
    assert (error(state, PAR, "vote.add", {"note_id": None, "group_id": "g_9"}).field) == "group_id"
    act(state, FAC, "group.delete", {"group_id": "g_1"})
    assert state.tallies() == {"n_1": 1}  # the group's dots went with it


def test_a_private_note_cannot_become_a_solution_before_it_is_revealed() -> None:
    # Its text would be the solution's title, sent to every participant and the projector.
    state, note_id = private_board("divergence")
    exc = error(state, FAC, "solution.retain", {"note_id": note_id, "group_id": None})
    assert (exc.code, exc.field) == ("conflict", "note_id")
    act(state, FAC, "notes.reveal", {})
    (event,) = run(state, FAC, "solution.retain", {"note_id": note_id, "group_id": None})
    assert event.data["solution"]["title"] == "Mon idée à moi"
