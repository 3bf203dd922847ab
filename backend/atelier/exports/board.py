"""board.json: the whole board, for a backup or for re-import on this or another server."""

from __future__ import annotations

import orjson

from ..domain.model import BoardState

FORMAT = "atelier.board"
VERSION = 1


def board_json(state: BoardState, lang: str, now_ms: int) -> bytes:
    """`lang` is unused (the file holds data, not prose); it keeps the signature of every export."""
    document = {"format": FORMAT, "version": VERSION, "exported_ms": now_ms, "state": state.to_json()}
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)
