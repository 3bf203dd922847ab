"""Helpers for integration tests: raw sockets, the board's head seq, error catalogues, per-viewer projection."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import websockets
from websockets.asyncio.client import ClientConnection

import atelier

LOCALES = Path(atelier.__file__).resolve().parent / "locales"


def dashed(code: str) -> str:
    """The room code as people type it: lowercase, with a dash in the middle ("abc-def")."""
    low = code.lower()
    return f"{low[:3]}-{low[3:]}"


def catalogue(lang: str) -> dict[str, str]:
    """The server's error texts for `lang`, read from its locale files (what users are shown)."""
    return json.loads((LOCALES / f"{lang}.json").read_text("utf-8"))


def expected_message(lang: str, code: str, field: str | None = None, **params: object) -> str:
    """The text a coded error must carry in `lang`: the catalogue's `code.field` entry when there is one
    (`bad_request.field` for any invalid field), else the entry for the code itself."""
    texts = catalogue(lang)
    template = texts.get(f"{code}.{field}")
    if template is None and field and code == "bad_request":
        template = texts["bad_request.field"]
    template = template or texts[code]
    message = template.format(field=field, **params)
    assert message.strip()
    return message


async def head_seq(base_url: str, code: str, token: str) -> int:
    """The board's head seq as the server reports it over HTTP."""
    async with httpx.AsyncClient(base_url=base_url) as http:
        response = await http.get(f"/api/boards/{code}", headers={"Authorization": f"Bearer {token}"})
        response.raise_for_status()
        return int(response.json()["seq"])


async def open_socket(ws_url: str, code: str, *, origin: str | None = None) -> ClientConnection:
    headers = {"Origin": origin} if origin else None
    return await websockets.connect(f"{ws_url}/ws/{code}", max_size=2**22, additional_headers=headers)


async def refused(ws: ClientConnection, frame: str | None, timeout: float = 15) -> tuple[dict[str, Any], int | None]:
    """Send `frame` (None: send nothing) and return the error frame the server answers and the close code."""
    if frame is not None:
        await ws.send(frame)
    raw = await asyncio.wait_for(ws.recv(), timeout)
    answer = orjson.loads(raw)
    try:
        extra = await asyncio.wait_for(ws.recv(), timeout)
    except websockets.ConnectionClosed:
        extra = None
    assert extra is None, f"the server sent more after refusing: {extra!r}"
    return answer, ws.close_code


def hello(token: str, **extra: Any) -> str:
    return orjson.dumps({"type": "hello", "protocol": 1, "token": token, "last_seq": None, **extra}).decode()


async def replay_all(ws_url: str, code: str, token: str, timeout: float = 15) -> list[dict[str, Any]]:
    """Every event of the board from seq 1 as `token` may see it (a resume from last_seq 0)."""
    ws = await open_socket(ws_url, code)
    try:
        await ws.send(orjson.dumps({"type": "hello", "protocol": 1, "token": token, "last_seq": 0}).decode())
        welcome = orjson.loads(await asyncio.wait_for(ws.recv(), timeout))
    finally:
        await ws.close()
    assert welcome["type"] == "welcome", welcome
    assert "replay" in welcome, "a resume from 0 within the replay limit must get a replay"
    return welcome["replay"]


FACILITATOR_ROLES = ("facilitator", "co_facilitator")


@dataclass(frozen=True)
class StoredRow:
    """One event as the server committed it, with who may see it (the `event` table)."""

    seq: int
    name: str
    data: dict[str, Any]
    restricted: bool
    public: dict[str, Any] | None
    subjects: tuple[str, ...]


def stored_events(data_dir: Path, board_id: str) -> dict[int, StoredRow]:
    """The board's log read straight from the server's SQLite file (read-only), by seq."""
    db = sqlite3.connect(f"file:{data_dir / 'atelier.db'}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT seq, name, data, restricted, public, subjects FROM event WHERE board_id = ? ORDER BY seq",
            (board_id,),
        ).fetchall()
    finally:
        db.close()
    return {
        seq: StoredRow(
            seq,
            name,
            orjson.loads(data),
            bool(restricted),
            orjson.loads(public) if public is not None else None,
            tuple(orjson.loads(subjects)) if subjects else (),
        )
        for seq, name, data, restricted, public, subjects in rows
    }


def delivered(row: StoredRow, you: dict[str, Any]) -> dict[str, Any]:
    """The event frame the rule of docs/protocol.md gives the viewer `you` (the welcome's `you`) for a
    stored event: facilitators and the event's subjects get it whole, others its public form or `hidden`."""
    projector = you.get("view") == "projector"
    sees_all = you.get("role") in FACILITATOR_ROLES or you["id"] in row.subjects
    whole = not row.restricted or (not projector and sees_all)
    if whole:
        name, data = row.name, row.data
    elif row.public is None:
        name, data = "hidden", {}
    else:
        name, data = row.name, row.public
    return {"type": "event", "seq": row.seq, "name": name, "data": data}
