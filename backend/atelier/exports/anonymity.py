"""The anonymity participants were given, kept in every export: the rule applied before any writer runs."""

from __future__ import annotations

from dataclasses import replace

from ..domain.model import BoardState


def without_hidden_authors(state: BoardState) -> BoardState:
    """A copy of `state` in which no contribution made anonymously has an author: notes and closing
    answers written anonymously, and, on a board whose notes are anonymous, remarks and the last
    writer of each sheet field (the board never shows those to participants as anything but the
    group's). What a facilitator's full backup keeps (`?authors=1`) is the state as it is."""
    copy = BoardState.from_json(state.to_json())
    for note in copy.notes.values():
        if note.anonymous:
            note.author = None  # type: ignore[assignment]
    for answer in copy.closing.values():
        if answer.anonymous:
            answer.author = None  # type: ignore[assignment]
    if copy.settings.anonymous:
        for remark in copy.remarks.values():
            remark.author = None  # type: ignore[assignment]
        for sheet in copy.sheets.values():
            sheet.fields = {name: replace(f, by=None) for name, f in sheet.fields.items()}
    return copy


__all__ = ["without_hidden_authors"]
