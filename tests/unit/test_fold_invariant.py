"""Zulip's verify_action invariant: the client fold of each delivered event equals the server's fresh view."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from atelier.domain import (
    BoardState,
    Command,
    Context,
    DomainError,
    Event,
    Viewer,
    apply,
    decide,
    event_for,
    view_state,
)
from atelier.domain.decide import FACILITATOR_ONLY, HANDLERS
from atelier.domain.model import COLORS, SHEET_FIELDS
from tests.support.fold import apply_event
from tests.unit.builders import COF, FAC, NOW, OTHER, PAR, PERSONAS, PHASES, context, fold, joined, role_changed


@dataclass
class Watcher:
    """One connection: who it is, and the state its client has folded so far."""

    viewer: Viewer
    view: dict[str, Any] = field(default_factory=dict)

    @property
    def you(self) -> dict[str, Any]:
        view = "projector" if self.viewer.projector else "board"
        return {"id": self.viewer.id, "role": self.viewer.role, "view": view}


class Room:
    """A board, its connections, and the checks after every event."""

    def __init__(self, status: str = "open") -> None:
        self.state: BoardState = fold(
            joined(FAC, "Claire", "facilitator"),
            joined(COF, "Malik"),
            role_changed(COF, "co_facilitator"),
            joined(PAR, "Awa", organisation="ccas"),
            joined(OTHER, "Jean"),
            status=status,
        )
        self.watchers = {
            "facilitator": Watcher(Viewer(FAC, "facilitator")),
            "participant": Watcher(Viewer(PAR, "participant")),
            "other": Watcher(Viewer(OTHER, "participant")),
            "projector": Watcher(Viewer(FAC, "facilitator", projector=True)),
        }
        for watcher in self.watchers.values():
            watcher.view = view_state(self.state, watcher.viewer)  # the welcome's state
        self.delivered: Counter[str] = Counter()
        self.accepted: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self.clock = NOW
        self.ids = context()

    def send(self, actor: str, name: str, args: dict[str, Any] | None = None) -> list[Event]:
        """Decide and fold like the service; check every connection after each event."""
        self.clock += 1500
        ctx = Context(now_ms=self.clock, new_id=self.ids.new_id, personas=PERSONAS)
        before = self.state.to_json()
        try:
            events = decide(self.state, actor, Command(name, args or {}), ctx)
        except DomainError as exc:
            assert self.state.to_json() == before, "a refused command must leave the state untouched"
            self.refused[exc.code] += 1
            return []
        self.accepted[name] += 1
        for event in events:
            apply(self.state, event)
            secrets = self._secrets()  # notes still private once the event is folded
            for label, watcher in self.watchers.items():
                self._deliver(label, watcher, event, secrets)
        return events

    def _secrets(self) -> dict[str, set[str]]:
        """Texts of private notes, by author: nobody else may receive them, in any form."""
        texts: dict[str, set[str]] = {}
        for note in self.state.notes.values():
            if note.private:
                texts.setdefault(note.author, set()).add(note.text)
        return texts

    def _deliver(self, label: str, watcher: Watcher, event: Event, secrets: dict[str, set[str]]) -> None:
        name, data = event_for(event, watcher.viewer)
        self.delivered[name] += 1
        if watcher.viewer.projector or watcher.viewer.role == "participant":
            sent = json.dumps(data, ensure_ascii=False)
            for author, texts in secrets.items():
                if author != watcher.viewer.id or watcher.viewer.projector:
                    leaked = [text for text in texts if text in sent]
                    assert not leaked, f"{label} received {event.name} with another's private note"
        role = self.state.role_of(watcher.viewer.id or "")
        if not watcher.viewer.projector and role != watcher.viewer.role:
            # What they may see changed: the server closes with 4001 and the client starts afresh.
            watcher.viewer = Viewer(watcher.viewer.id, role)
            watcher.view = view_state(self.state, watcher.viewer)
            return
        folded = apply_event(watcher.view, watcher.you, {"type": "event", "name": name, "data": data})
        fresh = view_state(self.state, watcher.viewer)
        assert folded == fresh, f"{label} after {event.name}: the client fold and the server view differ"
        watcher.view = folded


def only(*events: Event) -> Event:
    assert len(events) == 1
    return events[0]


def test_scripted_workshop() -> None:
    room = Room(status="draft")
    note = {"color": None, "persona": None, "x": None, "y": None, "for": None}
    config = {"title": None, "axis": "reach-out", "goal": "Aller vers", "context": "Le diagnostic", "links": None,
              "questions": ["Et si ?"], "settings": None}  # fmt: skip
    room.send(FAC, "board.configure", config)
    agenda = [{"id": p, "minutes": 20 if p == "divergence" else 10, "skipped": False} for p in PHASES]
    room.send(FAC, "agenda.set", {"phases": agenda})
    room.send(FAC, "board.open")
    room.send(FAC, "question.set", {"text": "Comment aller vers les publics éloignés ?"})
    room.send(FAC, "timer.start", {"seconds": None})  # the introduction begins
    room.send(FAC, "phase.set", {"phase": "inspiration"})
    room.send(FAC, "timer.start", {"seconds": None})
    room.send(FAC, "personas.deal")
    mine = only(*room.send(PAR, "note.add", {**note, "text": "Les gens ne savent pas où aller"})).data["note"]["id"]
    room.send(PAR, "note.edit", {"id": mine, "text": "Les habitants ne savent pas où aller"})
    room.send(FAC, "timer.pause")
    room.send(FAC, "timer.add", {"seconds": 120})
    room.send(FAC, "timer.resume")
    room.send(FAC, "phase.set", {"phase": "divergence"})
    theirs = only(*room.send(OTHER, "note.add", {**note, "text": "Un bus numérique", "color": "pink", "x": 5.0}))
    theirs_id = theirs.data["note"]["id"]
    secret = only(*room.send(PAR, "note.add", {**note, "text": "Une idée secrète"})).data["note"]["id"]
    typed = only(*room.send(COF, "note.add", {**note, "text": "Un guichet unique", "for": "Mme Durand"}))
    room.send(OTHER, "note.recolor", {"id": theirs_id, "color": "green"})
    room.send(PAR, "note.move", {"id": secret, "x": 300.0, "y": 400.0})
    room.send(PAR, "note.present", {"id": secret})
    room.send(FAC, "board.lock", {"locked": True})
    room.send(FAC, "board.lock", {"locked": False})
    room.send(FAC, "notes.reveal")
    room.send(OTHER, "queue.join", {"name": None})
    room.send(FAC, "queue.join", {"name": "Mme Durand"})
    room.send(FAC, "queue.next", {"seconds": None})
    room.send(PAR, "queue.join", {"name": None})
    room.send(PAR, "queue.leave", {"entry_id": room.state.queue[-1]["id"]})
    room.send(FAC, "phase.set", {"phase": "convergence"})
    group = only(*room.send(PAR, "group.create", {"title": "Mobilité", "note_ids": [theirs_id, secret]}))
    group_id = group.data["group"]["id"]
    room.send(OTHER, "group.add", {"group_id": group_id, "note_id": mine})
    room.send(OTHER, "group.remove", {"note_id": mine})
    room.send(PAR, "group.rename", {"group_id": group_id, "title": "Mobilité et accès"})
    room.send(FAC, "votes.configure", {"budget": 4})
    for voter, target in [(PAR, theirs_id), (PAR, theirs_id), (OTHER, mine), (FAC, typed.data["note"]["id"])]:
        room.send(voter, "vote.add", {"note_id": target, "group_id": None})
    room.send(OTHER, "vote.add", {"note_id": None, "group_id": group_id})
    room.send(PAR, "vote.remove", {"note_id": theirs_id, "group_id": None})
    room.send(FAC, "votes.reveal", {"revealed": True})
    room.send(OTHER, "vote.add", {"note_id": theirs_id, "group_id": None})
    room.send(FAC, "votes.reveal", {"revealed": False})
    room.send(PAR, "vote.add", {"note_id": mine, "group_id": None})
    room.send(FAC, "note.delete", {"id": theirs_id})
    room.send(FAC, "votes.reveal", {"revealed": True})
    solution = only(*room.send(FAC, "solution.retain", {"note_id": None, "group_id": group_id}))
    sheet = solution.data["sheet_id"]
    split = only(*room.send(FAC, "subgroups.split", {"count": 2, "mode": "choice"}))
    first, second = (g["id"] for g in split.data["subgroups"])
    room.send(PAR, "subgroup.choose", {"subgroup_id": first})
    room.send(FAC, "subgroup.assign", {"participant_id": OTHER, "subgroup_id": second})
    other_solution = only(*room.send(FAC, "solution.retain", {"note_id": mine, "group_id": None}))
    room.send(FAC, "subgroup.solution", {"subgroup_id": second, "solution_id": other_solution.data["solution"]["id"]})
    typed_id = typed.data["note"]["id"]
    dropped = only(*room.send(FAC, "solution.retain", {"note_id": typed_id, "group_id": None}))
    room.send(FAC, "solution.release", {"solution_id": dropped.data["solution"]["id"]})
    spare = only(*room.send(FAC, "group.create", {"title": "Divers", "note_ids": [typed_id]}))
    room.send(FAC, "group.delete", {"group_id": spare.data["group"]["id"]})
    room.send(PAR, "sheet.edit", {"sheet_id": sheet, "field": "objectives", "text": "Aller vers", "base_version": 0})
    room.send(PAR, "sheet.link", {"sheet_id": sheet, "note_id": mine})
    room.send(FAC, "participant.role", {"id": OTHER, "role": "co_facilitator"})
    room.send(FAC, "phase.set", {"phase": "sharing"})
    room.send(FAC, "sharing.present", {"subgroup_id": first, "seconds": None})
    room.send(PAR, "remark.add", {"sheet_id": sheet, "kind": "against", "text": "Coûteux"})
    room.send(FAC, "spotlight.set", {"kind": "sheet", "id": sheet})
    room.send(FAC, "timer.reset")
    room.send(FAC, "phase.set", {"phase": "conclusion"})
    room.send(FAC, "board.configure", {**{k: None for k in config}, "settings": {"anonymous_closing": True}})
    room.send(PAR, "closing.answer", {"question": "feeling", "text": "Content"})
    room.send(PAR, "participant.done", {"done": True})
    room.send(FAC, "next_steps.set", {"text": "Prochain atelier le 12 mars"})
    room.send(FAC, "spotlight.set", {"kind": None, "id": None})
    room.send(FAC, "link.create", {"id": "l_projector", "kind": "projector"})
    room.send(COF, "link.create", {"id": "l_cockpit", "kind": "facilitator"})
    room.send(FAC, "links.revoke", {"kind": "projector"})
    room.send(FAC, "workshop.end")
    assert not room.refused, f"the script must only send accepted commands: {room.refused}"
    assert set(room.accepted) == set(HANDLERS) - {"participant.join"}, "the script must use every command"
    assert room.delivered["hidden"] > 0  # some votes and private notes were hidden from someone
    assert room.watchers["other"].viewer.role == "co_facilitator"


# --- known divergences: the server's view changes retroactively, the clients are never told ------
# Each is a bug in the domain (see the report): what a viewer sees of a note or an answer depends on
# the *current* anonymity settings and the author's *current* role, while the events they received
# carried what was true when it was written. strict=True: once fixed, these fail until unmarked.

NOTE = {"color": None, "persona": None, "x": None, "y": None, "for": None}


def ready(room: Room) -> None:
    # Not an AssertionError: a broken setup must fail these tests, not pass them as expected failures.
    if room.refused:
        raise RuntimeError(f"setup refused: {room.refused}")


@pytest.mark.parametrize(("author", "role"), [(PAR, "co_facilitator"), (COF, "participant")])
def test_an_authors_role_change_under_anonymity(author: str, role: str) -> None:
    room = Room()
    room.send(FAC, "phase.set", {"phase": "inspiration"})  # not private: everyone sees the note
    room.send(author, "note.add", {**NOTE, "text": "Une idée"})
    ready(room)
    room.send(FAC, "participant.role", {"id": author, "role": role})


def test_anonymity_switched_back_on() -> None:
    room = Room()
    settings = {"private_writing": None, "anonymous_closing": None, "solutions_target": None}
    empty = {"title": None, "axis": None, "goal": None, "context": None, "links": None, "questions": None}
    room.send(FAC, "phase.set", {"phase": "inspiration"})
    room.send(PAR, "note.add", {**NOTE, "text": "Une idée"})
    room.send(FAC, "board.configure", {**empty, "settings": {**settings, "anonymous": False}})
    ready(room)
    room.send(FAC, "board.configure", {**empty, "settings": {**settings, "anonymous": True}})


def test_anonymous_closing_switched_on_after_answers() -> None:
    room = Room()
    settings = {"private_writing": None, "anonymous": None, "solutions_target": None}
    empty = {"title": None, "axis": None, "goal": None, "context": None, "links": None, "questions": None}
    room.send(FAC, "phase.set", {"phase": "conclusion"})
    room.send(PAR, "closing.answer", {"question": "feeling", "text": "Content"})
    ready(room)
    room.send(FAC, "board.configure", {**empty, "settings": {**settings, "anonymous_closing": True}})


# --- a random workshop --------------------------------------------------------------------------

Args = Callable[[random.Random, BoardState], dict[str, Any]]
_texts = iter(range(1, 10**6))


def _pick(rng: random.Random, ids: Any, missing: str) -> str:
    """An id that exists, now and then one that does not."""
    pool = list(ids)
    return rng.choice(pool) if pool and rng.random() < 0.9 else missing


def _note(rng: random.Random, s: BoardState) -> str:
    return _pick(rng, s.notes, "n_gone")


def _group(rng: random.Random, s: BoardState) -> str:
    return _pick(rng, s.groups, "g_gone")


def _sheet(rng: random.Random, s: BoardState) -> str:
    return _pick(rng, s.sheets, "f_gone")


def _subgroup(rng: random.Random, s: BoardState) -> str:
    return _pick(rng, s.subgroups, "sg_gone")


def _text(prefix: str) -> str:
    # Unique, so that the leak check can recognise each private note's text anywhere.
    return f"{prefix} {next(_texts)}"


def _target(rng: random.Random, s: BoardState) -> dict[str, Any]:
    if s.groups and rng.random() < 0.3:
        return {"note_id": None, "group_id": _group(rng, s)}
    return {"note_id": _note(rng, s), "group_id": None}


def _configure(rng: random.Random, s: BoardState) -> dict[str, Any]:
    settings = {
        "private_writing": rng.choice([None, True, False]),
        "anonymous": rng.choice([None, None, False, True]),
        "anonymous_closing": rng.choice([None, None, False, True]),
        "solutions_target": None,
    }
    return {"title": rng.choice([None, "Atelier 2"]), "axis": None, "goal": rng.choice([None, "Un but"]),
            "context": None, "links": None, "questions": None, "settings": settings}  # fmt: skip


def _sheet_edit(rng: random.Random, s: BoardState) -> dict[str, Any]:
    sheet_id = _sheet(rng, s)
    name = rng.choice(SHEET_FIELDS)
    version = s.sheets[sheet_id].fields[name].version if sheet_id in s.sheets else 0
    stale = rng.random() < 0.2
    return {"sheet_id": sheet_id, "field": name, "text": _text("Fiche"), "base_version": max(0, version - stale)}


# fmt: off
ARGS: dict[str, Args] = {
    "participant.role": lambda r, s: {"id": r.choice([PAR, OTHER, "p_3"]), "role": r.choice(["co_facilitator", "participant"])},  # noqa: E501
    "note.add": lambda r, s: {"text": _text("Idée"), "color": r.choice([None, *COLORS]), "persona": r.choice([None, *PERSONAS]),  # noqa: E501
                              "x": r.choice([None, 12.5]), "y": r.choice([None, 4000.0]), "for": r.choice([None, "Mme Li"])},  # noqa: E501
    "note.edit": lambda r, s: {"id": _note(r, s), "text": _text("Idée revue")},
    "note.move": lambda r, s: {"id": _note(r, s), "x": float(r.randint(0, 4000)), "y": float(r.randint(0, 4000))},
    "note.recolor": lambda r, s: {"id": _note(r, s), "color": r.choice(COLORS)},
    "note.delete": lambda r, s: {"id": _note(r, s)},
    "vote.add": _target,
    "vote.remove": _target,
    "votes.configure": lambda r, s: {"budget": r.randint(1, 5)},
    "votes.reveal": lambda r, s: {"revealed": r.random() < 0.6},
    "phase.set": lambda r, s: {"phase": r.choice([*PHASES, "divergence", "convergence", "convergence"])},
    "question.set": lambda r, s: {"text": r.choice(["", "Comment ?", "Et si vous étiez ce persona ?"])},
    "timer.start": lambda r, s: {"seconds": r.choice([None, 60, 600])},
    "timer.pause": lambda r, s: {},
    "timer.resume": lambda r, s: {},
    "timer.add": lambda r, s: {"seconds": r.choice([-600, -30, 30, 300])},
    "timer.reset": lambda r, s: {},
    "board.lock": lambda r, s: {"locked": r.random() < 0.3},
    "board.configure": _configure,
    "agenda.set": lambda r, s: {"phases": [{"id": p, "minutes": r.randint(0, 60), "skipped": False} for p in PHASES]},
    "board.open": lambda r, s: {},
    "personas.deal": lambda r, s: {},
    "notes.reveal": lambda r, s: {},
    "note.present": lambda r, s: {"id": _note(r, s)},
    "queue.join": lambda r, s: {"name": r.choice([None, None, "Mme Li"])},
    "queue.leave": lambda r, s: {"entry_id": _pick(r, [e["id"] for e in s.queue], "q_gone")},
    "queue.next": lambda r, s: {"seconds": r.choice([None, 60])},
    "group.create": lambda r, s: {"title": _text("Groupe"), "note_ids": [_note(r, s) for _ in range(r.randint(1, 3))]},
    "group.add": lambda r, s: {"group_id": _group(r, s), "note_id": _note(r, s)},
    "group.remove": lambda r, s: {"note_id": _note(r, s)},
    "group.rename": lambda r, s: {"group_id": _group(r, s), "title": _text("Groupe")},
    "group.delete": lambda r, s: {"group_id": _group(r, s)},
    "solution.retain": _target,
    "solution.release": lambda r, s: {"solution_id": _pick(r, s.solutions, "s_gone")},
    "subgroups.split": lambda r, s: {"count": r.randint(1, 3), "mode": r.choice(["random", "manual", "choice"])},
    "subgroup.assign": lambda r, s: {"participant_id": r.choice([PAR, OTHER, "p_3"]), "subgroup_id": _subgroup(r, s)},
    "subgroup.choose": lambda r, s: {"subgroup_id": _subgroup(r, s)},
    "subgroup.solution": lambda r, s: {"subgroup_id": _subgroup(r, s), "solution_id": _pick(r, s.solutions, "s_gone")},
    "sheet.edit": _sheet_edit,
    "sheet.link": lambda r, s: {"sheet_id": _sheet(r, s), "note_id": _note(r, s)},
    "remark.add": lambda r, s: {"sheet_id": _sheet(r, s), "kind": r.choice(["for", "against", "suggestion"]),
                                "text": _text("Remarque")},
    "sharing.present": lambda r, s: {"subgroup_id": _subgroup(r, s), "seconds": r.choice([None, 60])},
    "spotlight.set": lambda r, s: r.choice([{"kind": None, "id": None}, {"kind": "note", "id": _note(r, s)},
                                            {"kind": "group", "id": _group(r, s)}]),
    "closing.answer": lambda r, s: {"question": r.choice(["feeling", "takeaway"]), "text": _text("Ressenti")},
    "next_steps.set": lambda r, s: {"text": _text("Suite")},
    "participant.done": lambda r, s: {"done": r.random() < 0.7},
    "workshop.end": lambda r, s: {},
    "link.create": lambda r, s: {"id": f"l_{r.randrange(10**6)}", "kind": r.choice(["projector", "facilitator"])},
    "links.revoke": lambda r, s: {"kind": r.choice(["projector", "facilitator"])},
}
# fmt: on

# Writing and voting more often than configuring, so that the board fills up.
WEIGHTS = {"note.add": 10, "vote.add": 8, "vote.remove": 3, "phase.set": 4, "board.lock": 2, "note.edit": 2,
           "note.delete": 2, "group.create": 2, "group.add": 2, "notes.reveal": 2, "board.open": 3}  # fmt: skip
NAMES = [name for name in ARGS for _ in range(WEIGHTS.get(name, 1))]
ACTORS = [FAC, COF, PAR, PAR, PAR, OTHER, OTHER, OTHER, "p_stranger"]


def test_the_random_workshop_knows_every_command() -> None:
    assert set(ARGS) == set(HANDLERS) - {"participant.join"}


def run_random_workshop(seed: int, steps: int) -> Room:
    rng = random.Random(seed)
    room = Room(status=rng.choice(["open", "draft"]))
    room.send("p_3", "participant.join", {"name": "Inès", "organisation": "library"})
    for _ in range(steps):
        name = rng.choice(NAMES)
        # Mostly aim the facilitators' commands at facilitators, so that the board moves on.
        actor = rng.choice([FAC, COF]) if name in FACILITATOR_ONLY and rng.random() < 0.8 else rng.choice(ACTORS)
        args = ARGS[name](rng, room.state)
        mine = list(room.state.votes.get(actor, {}))
        if name == "vote.remove" and mine and rng.random() < 0.8:
            # A random target rarely holds the actor's dot: mostly take back one they cast.
            target = rng.choice(mine)
            args = (
                {"note_id": None, "group_id": target}
                if target in room.state.groups
                else {"note_id": target, "group_id": None}
            )
        room.send(actor, name, args)
    return room


SEEDS = range(6)


def test_random_workshops() -> None:
    accepted: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    delivered: Counter[str] = Counter()
    for seed in SEEDS:
        room = run_random_workshop(seed=seed, steps=400)
        assert sum(room.accepted.values()) > 60, f"seed {seed} hardly moved: {room.refused}"
        check_round_trip(room.state)
        accepted += room.accepted
        refused += room.refused
        delivered += room.delivered
    # Random runs that refused everything, or never reached the interesting cases, prove little.
    never = sorted(set(ARGS) - set(accepted))
    assert len(never) <= 2, f"never accepted: {never}"
    for name in ["note.add", "note.edit", "note.delete", "vote.add", "vote.remove", "votes.reveal", "phase.set",
                 "notes.reveal", "group.create", "participant.role", "board.configure", "board.open"]:  # fmt: skip
        assert accepted[name] >= 2, name
    assert delivered["hidden"] > 20
    codes = {"forbidden", "not_allowed_in_phase", "vote_budget_exhausted", "not_found", "board_locked", "not_open",
             "conflict", "unauthorized"}  # fmt: skip
    assert codes <= set(refused)


def check_round_trip(state: BoardState) -> None:
    # Snapshots are stored as JSON: go through text, not just dicts.
    restored = BoardState.from_json(json.loads(json.dumps(state.to_json())))
    assert restored == state
    assert restored.to_json() == state.to_json()
    for viewer in (Viewer(FAC, "facilitator"), Viewer(PAR, "participant"), Viewer(FAC, "facilitator", True)):
        assert view_state(restored, viewer) == view_state(state, viewer)


def test_round_trip_of_a_fresh_and_a_busy_board() -> None:
    check_round_trip(fold())
    room = Room()
    note = {"color": "blue", "persona": None, "x": 1.5, "y": 2.5, "for": "M. Martin"}
    room.send(FAC, "phase.set", {"phase": "divergence"})
    added = only(*room.send(FAC, "note.add", {**note, "text": "Une idée"}))
    room.send(PAR, "note.add", {**note, "for": None, "text": "Une idée privée"})
    room.send(FAC, "phase.set", {"phase": "convergence"})
    room.send(PAR, "vote.add", {"note_id": added.data["note"]["id"], "group_id": None})
    room.send(FAC, "timer.start", {"seconds": 90})
    room.send(FAC, "board.lock", {"locked": True})
    room.send(FAC, "solution.retain", {"note_id": added.data["note"]["id"], "group_id": None})
    room.send(FAC, "subgroups.split", {"count": 2, "mode": "random"})
    room.send(FAC, "queue.join", {"name": "Mme Li"})
    assert not room.refused
    check_round_trip(room.state)
