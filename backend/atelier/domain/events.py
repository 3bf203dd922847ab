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


def _keep_order(items: list[str]) -> list[str]:
    return list(items)


@dataclass(frozen=True)
class Context:
    """What a decision may need from outside, injected so the domain stays pure and testable:
    the clock, fresh ids, the persona ids of the templates, and a shuffle (random in production)."""

    now_ms: int
    new_id: Callable[[str], str]
    personas: tuple[str, ...] = ()
    shuffle: Callable[[list[str]], list[str]] = _keep_order


@dataclass(frozen=True)
class Viewer:
    """Who looks at the board: a participant's id and role; projectors see what the public sees."""

    id: str | None
    role: str | None
    projector: bool = False
