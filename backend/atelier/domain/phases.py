"""The seven phases of a workshop (METHOD.md) and what each one lets participants do."""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    INTRO = "intro"
    PRESENTATION = "presentation"
    INSPIRATION = "inspiration"
    DIVERGENCE = "divergence"
    CONVERGENCE = "convergence"
    SHARING = "sharing"
    CONCLUSION = "conclusion"


class Capability(StrEnum):
    WRITE = "write"  # add, edit, recolour, delete one's own notes
    MOVE = "move"  # move one's own notes (grouping starts in convergence)
    VOTE = "vote"


# Default durations in minutes: the 120-minute agenda of the guide.
DEFAULT_MINUTES: dict[Phase, int] = {
    Phase.INTRO: 5,
    Phase.PRESENTATION: 10,
    Phase.INSPIRATION: 15,
    Phase.DIVERGENCE: 30,
    Phase.CONVERGENCE: 40,
    Phase.SHARING: 15,
    Phase.CONCLUSION: 5,
}

# What a participant may do in each phase. Facilitators moderate in every phase; voting is the
# one thing nobody does outside convergence, so that dots are never cast before the ideas are all in.
ALLOWED: dict[Phase, frozenset[Capability]] = {
    Phase.INTRO: frozenset(),
    Phase.PRESENTATION: frozenset(),
    Phase.INSPIRATION: frozenset({Capability.WRITE, Capability.MOVE}),
    Phase.DIVERGENCE: frozenset({Capability.WRITE, Capability.MOVE}),
    Phase.CONVERGENCE: frozenset({Capability.MOVE, Capability.VOTE}),
    Phase.SHARING: frozenset(),
    Phase.CONCLUSION: frozenset(),
}

ORDER: tuple[Phase, ...] = tuple(Phase)
