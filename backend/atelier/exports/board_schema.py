"""Reading a board.json strictly: every field's type and range, then that the parts refer to each other.

An imported file is untrusted input that ends up in every participant's browser: XSS has come
through non-text fields elsewhere (a rotation value), so nothing here is taken on trust. The
bounds are those of the wire protocol (protocol.py) and of the domain (domain/model.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal

import orjson
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from ..domain.model import (
    MAX_FIELD_TEXT,
    MAX_GROUP_NOTES,
    MAX_GROUPS,
    MAX_NOTES,
    MAX_PARTICIPANTS,
    MAX_PHASE_LOG,
    MAX_QUEUE,
    MAX_REMARKS,
    MAX_REMOVED,
    MAX_SHEET_LINKS,
    MAX_SOLUTIONS,
    MAX_TEXT,
    ORGANISATION_KINDS,
)
from ..domain.phases import ORDER, Phase
from ..protocol import Color, Coord, Id, check_unicode
from .board import FORMAT, VERSION

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_MS = 10**13  # year 2286: any real timestamp, no absurd one
MAX_TIMER_MS = 7 * 24 * 3600 * 1000
MAX_DOTS = 20  # votes.configure allows at most 20 dots, so nobody ever holds more
# The collections' caps are the live commands' (domain/model.py): whatever a board can hold imports back.
# Participants are the one exception: each import adds its own facilitator beside the file's people,
# so a full board's export keeps importing, copy after copy.
MAX_IMPORTED_PARTICIPANTS = MAX_PARTICIPANTS + 100

# Control characters never reach the state through the protocol (clean_text drops them).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("control character")
    return check_unicode(value)  # a non-character, as on the wire (orjson refuses lone surrogates already)


def Text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[str, Field(min_length=min_length, max_length=max_length, strict=True), AfterValidator(_no_control)]


Int = Annotated[int, Field(ge=0, le=MAX_MS, strict=True)]
Bool = Annotated[bool, Field(strict=True)]
Code = Annotated[str, Field(pattern=r"^[A-Z0-9]{1,12}$", strict=True)]
Slug = Annotated[str, Field(max_length=40, pattern=r"^[a-z0-9-]+$", strict=True)]
Name = Text(60, 1)
# One voter's dots: note or group id -> dots on it.
Dots = Annotated[dict[Id, Annotated[int, Field(ge=1, le=MAX_DOTS, strict=True)]], Field(max_length=MAX_DOTS)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgendaEntry(Strict):
    id: Phase
    minutes: Annotated[int, Field(ge=0, le=480, strict=True)]
    skipped: Bool = False


class TimerModel(Strict):
    status: Literal["stopped", "running", "paused"]
    duration: Annotated[int, Field(ge=0, le=86_400, strict=True)]
    ends_at_ms: Int | None
    remaining_ms: Annotated[int, Field(ge=0, le=MAX_TIMER_MS, strict=True)]


class ParticipantModel(Strict):
    id: Id
    name: Name
    role: Literal["facilitator", "co_facilitator", "participant"]
    organisation: Literal[ORGANISATION_KINDS] | None  # type: ignore[valid-type]


class NoteModel(Strict):
    id: Id
    text: Text(MAX_TEXT, 1)
    color: Color
    x: Coord
    y: Coord
    author: Id | None  # None: written anonymously, exported without its author
    for_: Annotated[Text(60, 1) | None, Field(alias="for")]
    phase: Phase
    created_ms: Int
    question: Text(300)
    persona: Slug | None
    presented: Bool
    private: Bool
    group: Id | None
    anonymous: Bool


class LinkModel(Strict):
    url: Annotated[str, Field(max_length=500, pattern=r"^https?://[^\s]+$", strict=True), AfterValidator(check_unicode)]
    title: Text(120)


class SettingsModel(Strict):
    private_writing: Bool
    anonymous: Bool
    anonymous_closing: Bool
    solutions_target: Annotated[int, Field(ge=1, le=12, strict=True)]


class GroupModel(Strict):
    id: Id
    title: Text(120, 1)
    note_ids: Annotated[list[Id], Field(max_length=MAX_GROUP_NOTES)]


class SolutionModel(Strict):
    id: Id
    kind: Literal["note", "group"]
    source_id: Id
    title: Text(120, 1)
    sheet_id: Id


class SheetFieldModel(Strict):
    text: Text(MAX_FIELD_TEXT)
    version: Annotated[int, Field(ge=0, le=10**9, strict=True)]
    by: Id | None


class SheetFieldsModel(Strict):
    """Exactly the eight fields of an action sheet, no other name."""

    name: SheetFieldModel
    objectives: SheetFieldModel
    description: SheetFieldModel
    lead: SheetFieldModel
    partners: SheetFieldModel
    targets: SheetFieldModel
    means: SheetFieldModel
    indicators: SheetFieldModel


class SheetModel(Strict):
    id: Id
    solution_id: Id
    fields: SheetFieldsModel
    source_note_ids: Annotated[list[Id], Field(max_length=MAX_SHEET_LINKS)]


class RemarkModel(Strict):
    id: Id
    sheet_id: Id
    kind: Literal["for", "against", "suggestion"]
    text: Text(MAX_TEXT, 1)
    author: Id | None  # None: written anonymously, exported without its author
    created_ms: Int
    anonymous: Bool = False


class SubgroupModel(Strict):
    id: Id
    name: Text(60, 1)
    members: Annotated[list[Id], Field(max_length=MAX_IMPORTED_PARTICIPANTS)]
    solution_id: Id | None


class QueueEntry(Strict):
    id: Id
    participant: Id | None
    name: Name | None


class SpotlightModel(Strict):
    kind: Literal["note", "group", "sheet", "subgroup"]
    id: Id


class ClosingModel(Strict):
    id: Id
    question: Literal["feeling", "difficulty", "learning", "takeaway"]
    text: Text(MAX_TEXT, 1)
    author: Id | None  # None: written anonymously, exported without its author
    anonymous: Bool


class PhaseLogEntry(Strict):
    phase: Phase
    started_ms: Int
    ended_ms: Int | None


class StateModel(Strict):
    """Every field of domain.model.BoardState, required: a version-1 file holds them all."""

    code: Code
    title: Text(120, 1)
    language: Literal["fr", "en"]
    phase: Phase
    phases: Annotated[list[AgendaEntry], Field(min_length=len(ORDER), max_length=len(ORDER))]
    locked: Bool
    question: Text(300)
    vote_budget: Annotated[int, Field(ge=1, le=MAX_DOTS, strict=True)]
    votes_revealed: Bool
    timer: TimerModel
    participants: Annotated[dict[Id, ParticipantModel], Field(min_length=1, max_length=MAX_IMPORTED_PARTICIPANTS)]
    notes: Annotated[dict[Id, NoteModel], Field(max_length=MAX_NOTES)]
    votes: Annotated[dict[Id, Dots], Field(max_length=MAX_IMPORTED_PARTICIPANTS + MAX_REMOVED)]
    status: Literal["draft", "open"]
    axis: Slug | None
    goal: Text(1000)
    context: Text(5000)
    links: Annotated[list[LinkModel], Field(max_length=20)]
    questions: Annotated[list[Text(300, 1)], Field(max_length=30)]
    settings: SettingsModel
    personas: Annotated[dict[Id, Slug], Field(max_length=MAX_IMPORTED_PARTICIPANTS)]
    groups: Annotated[dict[Id, GroupModel], Field(max_length=MAX_GROUPS)]
    solutions: Annotated[dict[Id, SolutionModel], Field(max_length=MAX_SOLUTIONS)]
    sheets: Annotated[dict[Id, SheetModel], Field(max_length=MAX_SOLUTIONS)]
    remarks: Annotated[dict[Id, RemarkModel], Field(max_length=MAX_REMARKS)]
    subgroups: Annotated[dict[Id, SubgroupModel], Field(max_length=12)]
    subgroup_mode: Literal["random", "manual", "choice"] | None
    queue: Annotated[list[QueueEntry], Field(max_length=MAX_QUEUE)]
    speaker: QueueEntry | None
    speaker_timer: TimerModel
    spotlight: SpotlightModel | None
    closing: Annotated[dict[Id, ClosingModel], Field(max_length=4 * (MAX_IMPORTED_PARTICIPANTS + MAX_REMOVED))]
    next_steps: Text(MAX_FIELD_TEXT)
    done: Annotated[
        dict[Phase, Annotated[list[Id], Field(max_length=MAX_IMPORTED_PARTICIPANTS)]], Field(max_length=len(ORDER))
    ]
    phase_log: Annotated[list[PhaseLogEntry], Field(max_length=MAX_PHASE_LOG)]
    # Newer than version 1's first files: absent, they take the value every board had then.
    joining: Bool = True
    removed: Annotated[list[Id], Field(max_length=MAX_REMOVED)] = []
    ended_ms: Int | None = None


class BoardFile(Strict):
    format: Literal["atelier.board"]
    version: Literal[1]
    exported_ms: Int
    state: StateModel


assert FORMAT == "atelier.board" and VERSION == 1


class BoardFileError(ValueError):
    """A board.json that cannot be imported: a coded error (as the API answers) and the field."""

    def __init__(self, code: str, field: str | None) -> None:
        super().__init__(code)
        self.code = code
        self.field = field


def _field_names() -> frozenset[str]:
    names: set[str] = set()
    for model in Strict.__subclasses__():
        for name, info in model.model_fields.items():
            names.add(info.alias or name)
    return frozenset(names)


FIELD_NAMES = _field_names()


def _error_field(exc: ValidationError) -> tuple[str, str]:
    """(code, field) of the first error: the innermost part of its path that names a field, so that a
    bad key of `notes` is reported on `notes` and a bad colour on `color`."""
    error = exc.errors()[0]
    field = "state"
    for part in error["loc"]:
        if isinstance(part, str) and part in FIELD_NAMES:
            field = part
    code = "too_large" if error["type"] in ("string_too_long", "too_long") else "bad_request"
    return code, field


def _check(condition: bool, field: str) -> None:
    if not condition:
        raise BoardFileError("bad_request", field)


def _all_in(ids: Iterable[str | None], known: Any, field: str) -> None:
    _check(all(i is None or i in known for i in ids), field)


def _consistent(s: StateModel) -> None:
    """What the fold of a real log always holds, so the imported board behaves like one."""
    for field, items in (
        ("participants", s.participants),
        ("notes", s.notes),
        ("groups", s.groups),
        ("solutions", s.solutions),
        ("sheets", s.sheets),
        ("remarks", s.remarks),
        ("subgroups", s.subgroups),
        ("closing", s.closing),
    ):
        _check(all(key == item.id for key, item in items.items()), field)
    _check([p.id for p in s.phases] == [p.value for p in ORDER], "phases")
    people = s.participants
    _check(len(set(s.removed)) == len(s.removed) and not set(s.removed) & set(people), "removed")
    # What a removed participant wrote (and their dots) stays theirs: authors are anyone who took part.
    authors = set(people) | set(s.removed)
    _all_in((n.author for n in s.notes.values()), authors, "author")
    _all_in((n.group for n in s.notes.values()), s.groups, "group")
    for group in s.groups.values():
        _check(len(set(group.note_ids)) == len(group.note_ids), "note_ids")
        _check(all(nid in s.notes and s.notes[nid].group == group.id for nid in group.note_ids), "note_ids")
    _check(all(n.group is None or n.id in s.groups[n.group].note_ids for n in s.notes.values()), "group")
    for voter, dots in s.votes.items():
        _check(voter in authors, "votes")
        _check(all(t in s.notes or t in s.groups for t in dots), "votes")
        _check(sum(dots.values()) <= MAX_DOTS, "votes")
    _all_in(s.personas, people, "personas")
    _check(len(s.sheets) == len(s.solutions), "sheets")
    for solution in s.solutions.values():
        sheet = s.sheets.get(solution.sheet_id)
        _check(sheet is not None and sheet.solution_id == solution.id, "sheet_id")
    for sheet in s.sheets.values():
        _all_in((f.by for f in sheet.fields.__dict__.values()), authors, "by")
    _all_in((r.sheet_id for r in s.remarks.values()), s.sheets, "sheet_id")
    _all_in((r.author for r in s.remarks.values()), authors, "author")
    for subgroup in s.subgroups.values():
        _all_in(subgroup.members, people, "members")
        _all_in([subgroup.solution_id], s.solutions, "solution_id")
    _all_in((a.author for a in s.closing.values()), authors, "author")
    _all_in((e.participant for e in s.queue), people, "queue")
    _all_in([s.speaker.participant if s.speaker else None], authors, "speaker")
    for ids in s.done.values():
        _all_in(ids, people, "done")
    if s.spotlight is not None:
        targets = {"note": s.notes, "group": s.groups, "sheet": s.sheets, "subgroup": s.subgroups}
        _check(s.spotlight.id in targets[s.spotlight.kind], "spotlight")
    for entry in s.phase_log:
        _check(entry.ended_ms is None or entry.ended_ms >= entry.started_ms, "phase_log")


def read_board_file(raw: bytes) -> dict[str, Any]:
    """The `state` of a board.json, checked in full; raises BoardFileError."""
    if len(raw) > MAX_FILE_BYTES:
        raise BoardFileError("too_large", "file")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BoardFileError("bad_request", "file") from None
    if not isinstance(data, dict):
        raise BoardFileError("bad_request", "file")
    try:
        parsed = BoardFile.model_validate(data)
    except ValidationError as exc:
        raise BoardFileError(*_error_field(exc)) from None
    _consistent(parsed.state)
    # The file's own JSON goes on, not a re-dump of the model: it was accepted exactly as it is,
    # and re-dumping would add defaults (e.g. `skipped`) the original board never had.
    state: dict[str, Any] = data["state"]
    return state
