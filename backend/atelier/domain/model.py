"""Board state: plain data folded from the event log, with its JSON form for snapshots."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from .phases import DEFAULT_MINUTES, ORDER, Phase


class Role(StrEnum):
    FACILITATOR = "facilitator"
    CO_FACILITATOR = "co_facilitator"
    PARTICIPANT = "participant"


FACILITATORS = frozenset({Role.FACILITATOR, Role.CO_FACILITATOR})

COLORS = ("yellow", "pink", "blue", "green", "orange", "purple")
ORGANISATION_KINDS = (
    "commune",
    "departement",
    "ccas",
    "social",
    "library",
    "training",
    "association",
    "mediation",
    "telecom",
    "public_service",
    "france_services",
    "other",
)
LANGUAGES = ("fr", "en")

MAX_TEXT = 500
MAX_COORD = 4000.0
DEFAULT_VOTE_BUDGET = 3
MAX_NOTES = 5000
MAX_PARTICIPANTS = 5000
MAX_FIELD_TEXT = 4000
MAX_PRESENTED = 3
DEFAULT_SOLUTIONS = 3
SHEET_FIELDS = ("name", "objectives", "description", "lead", "partners", "targets", "means", "indicators")
REMARK_KINDS = ("for", "against", "suggestion")
SPOTLIGHT_KINDS = ("note", "group", "sheet", "subgroup")


@dataclass
class Participant:
    id: str
    name: str
    role: str
    organisation: str | None = None


@dataclass
class Note:
    id: str
    text: str
    color: str
    x: float
    y: float
    author: str
    phase: str
    created_ms: int
    for_: str | None = None
    question: str = ""
    persona: str | None = None
    presented: bool = False
    private: bool = False
    group: str | None = None
    # Decided when written, so that what others were told never changes behind their back.
    anonymous: bool = False

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "color": self.color,
            "x": self.x,
            "y": self.y,
            "author": self.author,
            "for": self.for_,
            "phase": self.phase,
            "created_ms": self.created_ms,
            "question": self.question,
            "persona": self.persona,
            "presented": self.presented,
            "private": self.private,
            "group": self.group,
            "anonymous": self.anonymous,
        }

    @classmethod
    def from_public(cls, data: dict[str, Any]) -> Note:
        fields = dict(data)
        fields["for_"] = fields.pop("for", None)
        return cls(**fields)


@dataclass
class Timer:
    """Server-authoritative: clients derive the remaining time from `ends_at_ms`."""

    status: str = "stopped"  # stopped | running | paused
    duration: int = 0  # seconds, as last started or reset
    ends_at_ms: int | None = None
    remaining_ms: int = 0

    def public(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Group:
    id: str
    title: str
    note_ids: list[str] = field(default_factory=list)


@dataclass
class Solution:
    id: str
    kind: str  # note | group
    source_id: str
    title: str
    sheet_id: str


@dataclass
class SheetField:
    text: str = ""
    version: int = 0
    by: str | None = None


@dataclass
class Sheet:
    """A fiche action: eight fields, each with its own version so concurrent edits never overwrite."""

    id: str
    solution_id: str
    fields: dict[str, SheetField] = field(default_factory=lambda: {name: SheetField() for name in SHEET_FIELDS})
    source_note_ids: list[str] = field(default_factory=list)

    def completeness(self) -> int:
        return sum(1 for f in self.fields.values() if f.text.strip())


@dataclass
class Remark:
    id: str
    sheet_id: str
    kind: str
    text: str
    author: str
    created_ms: int
    anonymous: bool = False  # the board's notes were anonymous when it was written: others never see who


@dataclass
class Subgroup:
    id: str
    name: str
    members: list[str] = field(default_factory=list)
    solution_id: str | None = None


@dataclass
class ClosingAnswer:
    id: str
    question: str
    text: str
    author: str
    anonymous: bool = False


@dataclass
class Settings:
    private_writing: bool = True  # divergence notes reach only their author until revealed
    anonymous: bool = True  # participants do not see who wrote which note
    anonymous_closing: bool = False
    solutions_target: int = DEFAULT_SOLUTIONS


@dataclass
class BoardState:
    code: str
    title: str
    language: str = "fr"
    phase: str = Phase.INTRO.value
    phases: list[dict[str, Any]] = field(
        default_factory=lambda: [{"id": p.value, "minutes": DEFAULT_MINUTES[p]} for p in ORDER]
    )
    locked: bool = False
    question: str = ""
    vote_budget: int = DEFAULT_VOTE_BUDGET
    votes_revealed: bool = False
    timer: Timer = field(default_factory=Timer)
    participants: dict[str, Participant] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)
    # votes[participant_id][note or group id] = dots; tallies are derived, never stored twice.
    votes: dict[str, dict[str, int]] = field(default_factory=dict)
    # --- preparation and the rest of the method ---
    status: str = "open"  # draft | open
    axis: str | None = None
    goal: str = ""
    context: str = ""
    links: list[dict[str, str]] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    personas: dict[str, str] = field(default_factory=dict)  # participant -> persona id, private
    groups: dict[str, Group] = field(default_factory=dict)
    solutions: dict[str, Solution] = field(default_factory=dict)
    sheets: dict[str, Sheet] = field(default_factory=dict)
    remarks: dict[str, Remark] = field(default_factory=dict)
    subgroups: dict[str, Subgroup] = field(default_factory=dict)
    subgroup_mode: str | None = None
    queue: list[dict[str, Any]] = field(default_factory=list)  # speakers waiting: {id, participant, name}
    speaker: dict[str, Any] | None = None
    speaker_timer: Timer = field(default_factory=Timer)
    spotlight: dict[str, str] | None = None
    closing: dict[str, ClosingAnswer] = field(default_factory=dict)
    next_steps: str = ""
    done: dict[str, list[str]] = field(default_factory=dict)  # phase -> participants who are done
    phase_log: list[dict[str, Any]] = field(default_factory=list)  # {phase, started_ms, ended_ms}
    ended_ms: int | None = None  # when the facilitator ended the workshop (None while it runs)
    # Live access links (domain/links.py): link id -> {kind, by, at_ms}. Never exported nor copied.
    access_links: dict[str, dict[str, Any]] = field(default_factory=dict)

    def phase_minutes(self, phase: str) -> int:
        for entry in self.phases:
            if entry["id"] == phase:
                return int(entry["minutes"])
        return 0

    def role_of(self, participant_id: str) -> str | None:
        participant = self.participants.get(participant_id)
        return participant.role if participant else None

    def dots_used(self, participant_id: str) -> int:
        return sum(self.votes.get(participant_id, {}).values())

    def tallies(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for per_note in self.votes.values():
            for note_id, dots in per_note.items():
                totals[note_id] = totals.get(note_id, 0) + dots
        return totals

    def is_facilitator(self, participant_id: str | None) -> bool:
        return participant_id is not None and self.role_of(participant_id) in FACILITATORS

    def subgroup_of(self, participant_id: str) -> Subgroup | None:
        for subgroup in self.subgroups.values():
            if participant_id in subgroup.members:
                return subgroup
        return None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["notes"] = {nid: note.public() for nid, note in self.notes.items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BoardState:
        fields = dict(data)
        for name in ("phases", "links", "queue", "phase_log"):
            fields[name] = [dict(item) for item in fields.get(name, [])]
        fields["questions"] = list(fields.get("questions", []))
        fields["votes"] = {pid: dict(per) for pid, per in fields.get("votes", {}).items()}
        fields["personas"] = dict(fields.get("personas", {}))
        fields["done"] = {phase: list(ids) for phase, ids in fields.get("done", {}).items()}
        fields["access_links"] = {k: dict(v) for k, v in fields.get("access_links", {}).items()}
        fields["timer"] = Timer(**fields["timer"])
        fields["speaker_timer"] = Timer(**fields.get("speaker_timer", {}))
        fields["settings"] = Settings(**fields.get("settings", {}))
        fields["participants"] = {k: Participant(**v) for k, v in fields["participants"].items()}
        fields["notes"] = {k: Note.from_public(v) for k, v in fields["notes"].items()}
        # Every list is copied: the state is mutated in place later, and its source must not change.
        fields["groups"] = {
            k: Group(**{**v, "note_ids": list(v["note_ids"])}) for k, v in fields.get("groups", {}).items()
        }
        fields["solutions"] = {k: Solution(**v) for k, v in fields.get("solutions", {}).items()}
        fields["sheets"] = {
            k: Sheet(
                id=v["id"],
                solution_id=v["solution_id"],
                fields={name: SheetField(**f) for name, f in v["fields"].items()},
                source_note_ids=list(v.get("source_note_ids", [])),
            )
            for k, v in fields.get("sheets", {}).items()
        }
        fields["remarks"] = {k: Remark(**v) for k, v in fields.get("remarks", {}).items()}
        fields["subgroups"] = {
            k: Subgroup(**{**v, "members": list(v["members"])}) for k, v in fields.get("subgroups", {}).items()
        }
        fields["closing"] = {k: ClosingAnswer(**v) for k, v in fields.get("closing", {}).items()}
        return cls(**fields)
