"""board.json: the whole board, for a backup or for re-import on this or another server."""

from __future__ import annotations

import orjson

from ..domain.model import BoardState

FORMAT = "atelier.board"
VERSION = 1
# State that opens this board only (access links): a backup never carries it to another board.
NOT_EXPORTED = frozenset({"access_links"})


def board_json(state: BoardState, lang: str, now_ms: int) -> bytes:
    """`lang` is unused (the file holds data, not prose); it keeps the signature of every export."""
    data = {k: v for k, v in state.to_json().items() if k not in NOT_EXPORTED}
    document = {"format": FORMAT, "version": VERSION, "exported_ms": now_ms, "state": data}
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)
