"""A finished board as the starting point of the next workshop: its preparation, none of its people."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from . import timer as timers
from .model import FACILITATORS, BoardState, Settings
from .phases import Phase


def template_of(state: BoardState) -> dict[str, Any]:
    """The JSON state of a draft board with the same agenda, axis, goal, context, links, questions,
    settings and prepared proposals (facilitators' notes), and nobody's contributions."""
    fresh = BoardState(code=state.code, title=state.title, language=state.language)
    fresh.status = "draft"
    fresh.phases = [dict(p) for p in state.phases]
    fresh.axis, fresh.goal, fresh.context = state.axis, state.goal, state.context
    fresh.links = [dict(link) for link in state.links]
    fresh.questions = list(state.questions)
    fresh.settings = replace(state.settings) if isinstance(state.settings, Settings) else Settings()
    fresh.vote_budget = state.vote_budget
    fresh.timer = timers.stopped(fresh.phase_minutes(Phase.INTRO) * 60)
    for note in state.notes.values():
        author = state.participants.get(note.author)
        if author is None or author.role not in FACILITATORS or note.private:
            continue
        fresh.notes[note.id] = replace(note, presented=False, group=None, question="")
        fresh.participants.setdefault(author.id, replace(author))
    return fresh.to_json()
