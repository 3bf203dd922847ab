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
    # votes[participant_id][note_id] = dots; tallies are derived, never stored twice.
    votes: dict[str, dict[str, int]] = field(default_factory=dict)

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

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["notes"] = {nid: note.public() for nid, note in self.notes.items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BoardState:
        fields = dict(data)
        fields["timer"] = Timer(**fields["timer"])
        fields["participants"] = {k: Participant(**v) for k, v in fields["participants"].items()}
        fields["notes"] = {k: Note.from_public(v) for k, v in fields["notes"].items()}
        return cls(**fields)
