"""What the domain produces and consumes: commands in, events out, with who may see each event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Command:
    name: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    """A committed fact. When `restricted`, facilitators and `subjects` see `data`; everyone else
    sees `public` (None: the event reaches them as `hidden`, so their seq stays contiguous)."""

    name: str
    data: dict[str, Any]
    restricted: bool = False
    public: dict[str, Any] | None = None
    subjects: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    """What a decision may need from outside, injected so the domain stays pure and testable."""

    now_ms: int
    new_id: Callable[[str], str]


@dataclass(frozen=True)
class Viewer:
    """Who looks at the board: a participant's id and role; projectors see what the public sees."""

    id: str | None
    role: str | None
    projector: bool = False
