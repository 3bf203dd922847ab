"""A finished board as the starting point of the next workshop: its preparation, none of its people or contributions."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from . import timer as timers
from .model import BoardState, Settings
from .phases import Phase

# What a copy takes from the original: the preparation, and nothing written, said or chosen in the
# workshop. Pinned by tests/unit/test_copying.py: a field added to BoardState must be placed here.
COPIED = ("title", "language", "phases", "axis", "goal", "context", "links", "questions", "settings", "vote_budget")
RESET = (
    "code", "status", "phase", "locked", "question", "votes_revealed", "timer", "participants", "notes", "votes",
    "personas", "groups", "solutions", "sheets", "remarks", "subgroups", "subgroup_mode", "queue", "speaker",
    "speaker_timer", "spotlight", "closing", "next_steps", "done", "phase_log", "access_links", "joining", "removed",
    "ended_ms",
)  # fmt: skip


def template_of(state: BoardState) -> dict[str, Any]:
    """The JSON state of a draft board with the same agenda, axis, goal, context, links, questions
    and settings, and no person and nothing of the workshop: not a participant, a note (not even one
    a facilitator typed, which may be for a named person), a vote, a group, a sheet, a remark or an
    answer. The copy's own facilitator is added when it is created."""
    fresh = BoardState(code=state.code, title=state.title, language=state.language)
    fresh.status = "draft"
    fresh.phases = [dict(p) for p in state.phases]
    fresh.axis, fresh.goal, fresh.context = state.axis, state.goal, state.context
    fresh.links = [dict(link) for link in state.links]
    fresh.questions = list(state.questions)
    fresh.settings = replace(state.settings) if isinstance(state.settings, Settings) else Settings()
    fresh.vote_budget = state.vote_budget
    fresh.timer = timers.stopped(fresh.phase_minutes(Phase.INTRO) * 60)
    return fresh.to_json()
