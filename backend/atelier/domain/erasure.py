"""Erasing one person's personal data from a board: the command, its fold, and the redaction of the past.

Why the past is rewritten: the event log is the truth and a board is its fold, so a name kept in an
old `participant.joined` (or in a note's `for`, a speakers' queue entry, an imported board) would come
back with every fold, every resume and every snapshot. The erasure is therefore two things that
commit together: a `participant.erased` event that carries no personal data (only ids), and the same
redaction applied to every stored event and snapshot of the board (`redact`). Folding the redacted log
gives exactly the state the live board reaches by folding the erasure event, which the tests check.
Contributions stay, made anonymous: the person's notes and closing answers lose their author for
everyone but facilitators, and the author's record is only an id with a placeholder name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .apply import folds
from .decide import command
from .errors import DomainError
from .events import Context, Event
from .model import BoardState, Role

# Commands whose events rewrite the board's past: the service commits them with that rewrite.
REWRITES_THE_PAST = frozenset({"participant.erase"})

# What an erased person is called from then on, in the board's language: a name must stay a
# non-empty text for every view and export that shows one.
ERASED_NAME = {"fr": "Personne effacée", "en": "Erased person"}


def erased_name(language: str) -> str:
    return ERASED_NAME.get(language, ERASED_NAME["fr"])


def _same(a: str | None, b: str) -> bool:
    return a is not None and a.strip().casefold() == b.strip().casefold()


@dataclass(frozen=True)
class Erasure:
    """Whose data goes: a participant (by id) and/or names typed for someone without a device."""

    participant_id: str | None
    names: tuple[str, ...]
    placeholder: str

    def matches(self, name: object) -> bool:
        return isinstance(name, str) and any(_same(name, n) for n in self.names)


def erasure_for(state: BoardState, args: dict[str, Any]) -> Erasure:
    """The erasure a `participant.erase` command asks for (DomainError if it names nobody)."""
    pid = args.get("id")
    names: list[str] = []
    if pid is not None:
        person = state.participants.get(pid)
        if person is None and pid not in state.removed:
            raise DomainError("not_found", "id")
        # A removed participant's record lives on only in the log's past, which is redacted by id.
        if person is not None and person.role == Role.FACILITATOR:
            raise DomainError("forbidden", "id")  # the board's facilitator erases the whole board
        if person is not None and person.name != erased_name(state.language):
            names.append(person.name)
    if args.get("for"):
        names.append(args["for"])
    if pid is None and not names:
        raise DomainError("bad_request", "id")
    return Erasure(pid, tuple(names), erased_name(state.language))


@command("participant.erase", facilitators_only=True)
def _erase(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    erasure = erasure_for(state, args)
    pid = erasure.participant_id
    data = {
        "participant_id": pid,
        "name": erasure.placeholder,
        # Ids only: the event itself must hold none of what it erases.
        "for_notes": sorted(nid for nid, n in state.notes.items() if erasure.matches(n.for_)),
        "notes": sorted(nid for nid, n in state.notes.items() if pid is not None and n.author == pid),
        "closing": sorted(aid for aid, a in state.closing.items() if pid is not None and a.author == pid),
        "queue": sorted(
            e["id"]
            for e in [*state.queue, *([state.speaker] if state.speaker else [])]
            if erasure.matches(e.get("name"))
        ),
    }
    events = [Event("participant.erased", data)]
    # Access links the person made act as them: they end with their access (links.revoked closes them).
    for kind in ("projector", "facilitator"):
        ids = sorted(i for i, link in state.access_links.items() if link["by"] == pid and link["kind"] == kind)
        if ids:
            events.append(Event("links.revoked", {"kind": kind, "ids": ids}, restricted=True, public=None))
    return events


@folds("participant.erased")
def fold_erased(state: BoardState, data: dict[str, Any]) -> None:
    placeholder = data.get("name") or erased_name(state.language)
    pid = data.get("participant_id")
    person = state.participants.get(pid) if pid else None
    if person is not None:
        person.name, person.organisation = placeholder, None
    for nid in data.get("for_notes", ()):
        if nid in state.notes:
            state.notes[nid].for_ = None
    for nid in data.get("notes", ()):
        if nid in state.notes:
            state.notes[nid].anonymous = True
    for aid in data.get("closing", ()):
        if aid in state.closing:
            state.closing[aid].anonymous = True
    entries = set(data.get("queue", ()))
    for entry in [*state.queue, *([state.speaker] if state.speaker else [])]:
        if entry["id"] in entries and entry.get("name"):
            entry["name"] = placeholder


def redact(value: Any, erasure: Erasure) -> Any:
    """`value` (an event's data, its public form, or a whole state as JSON) with the erased person's
    data replaced, wherever the board keeps it: a participant record, a note's `for`, the name of a
    speakers' queue entry. Returns the same object when nothing matched (callers compare identity)."""
    if isinstance(value, list):
        items = [redact(item, erasure) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if not isinstance(value, dict):
        return value
    changed: dict[str, Any] = {}
    for key, item in value.items():
        new = redact(item, erasure)
        if new is not item:
            changed[key] = new
    is_record = "role" in value and "name" in value and "id" in value  # a participant's record
    if is_record and erasure.participant_id is not None and value["id"] == erasure.participant_id:
        changed["name"], changed["organisation"] = erasure.placeholder, None
    if "for" in value and erasure.matches(value["for"]):  # a note typed for someone
        changed["for"] = None
    if "participant" in value and "name" in value and erasure.matches(value["name"]):  # a queue entry
        changed["name"] = erasure.placeholder
    if changed and all(value.get(k) == v for k, v in changed.items()):
        return value  # redacted already
    return {**value, **changed} if changed else value
