"""Exports over HTTP: a board's documents for its facilitators, board.json import, and programmes."""

from __future__ import annotations

import asyncio
import re
import unicodedata
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import AfterValidator, Field, field_validator

from ..domain.model import FACILITATORS, BoardState
from ..exports import EXPORTS, PROGRAMME_EXPORTS
from ..exports.anonymity import without_hidden_authors
from ..exports.board_schema import MAX_FILE_BYTES, BoardFileError, read_board_file
from ..messages import LANGUAGES
from ..protocol import Strict, check_unicode, clean_valid_text
from ..service import new_id, new_token
from ..store.programmes import create_programme, programme_for
from .deps import Services, bearer, board_id_for, caller, services
from .errors import ApiError

router = APIRouter(prefix="/api")


def export_language(request: Request, board_language: str) -> str:
    """The caller's language when their Accept-Language names one we have, else the board's."""
    for part in request.headers.get("accept-language", "").split(","):
        lang = part.split(";")[0].strip().lower()[:2]
        if lang in LANGUAGES:
            return lang
    return board_language


def _copy(state: BoardState) -> BoardState:
    """A private copy: the live state is folded in place by incoming commands while a writer thread
    reads it, so the writers get a snapshot taken at once on the event loop."""
    return BoardState.from_json(state.to_json())


def _for_export(state: BoardState, request: Request) -> BoardState:
    """What leaves the server: without the authors of what was written anonymously, unless the caller
    (a facilitator: every export is theirs) explicitly asks for a full backup with `?authors=1`."""
    if request.query_params.get("authors") == "1":
        return _copy(state)
    return without_hidden_authors(state)


def _file(body: bytes, media_type: str, filename: str, *, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(
        body,
        media_type=media_type,
        # Exports hold names and everything said in the room: never kept by a shared cache.
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"', "Cache-Control": "no-store"},
    )


@router.get("/boards/{code}/export/{name}")
async def export_board(code: str, name: str, request: Request, svc: Services = Depends(services)) -> Response:
    token = bearer(request)
    board_id = await board_id_for(svc, code)
    viewer = await caller(svc, board_id, token)
    if viewer.role not in FACILITATORS:
        raise ApiError("forbidden")
    export = EXPORTS.get(name)
    if export is None:
        raise ApiError("not_found", "export")
    state = _for_export((await svc.boards.current(board_id)).state, request)
    lang = export_language(request, state.language)
    # ODT, DOCX and XLSX of a large board take a while to build: off the event loop.
    body = await asyncio.to_thread(export.write, state, lang, svc.boards.clock.now_ms())
    return _file(body, export.media_type, f"atelier-{state.code}-{name}", inline=export.inline)


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused as soon as it passes `limit` rather than read whole first."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError("too_large", "file")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError("too_large", "file")
        chunks.append(chunk)
    return b"".join(chunks)


IMPORT_PATH = "/api/boards/import"  # its body is bounded here (MAX_FILE_BYTES), not by the general bound


@router.post("/boards/import", status_code=201)
async def import_board(request: Request, svc: Services = Depends(services)) -> dict:
    """A new board from a board.json: the same answer as creating one, the content of the file."""
    raw = await _body(request, MAX_FILE_BYTES)
    try:
        state_json = await asyncio.to_thread(read_board_file, raw)
    except BoardFileError as exc:
        raise ApiError(exc.code, exc.field) from None
    created = await svc.boards.import_board(state_json=state_json, language=state_json["language"])
    return {
        "code": created.code,
        "board_id": created.board_id,
        "participant_id": created.participant_id,
        "facilitator_token": created.token,
        "title": state_json["title"],
        "language": state_json["language"],
    }


# --- programmes ---------------------------------------------------------------------------------


class ProgrammeBoard(Strict):
    # Not free text, but looked up (a token is hashed as UTF-8): valid Unicode or refused on its field.
    code: Annotated[str, Field(min_length=1, max_length=20), AfterValidator(check_unicode)]
    token: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(check_unicode)]


class ProgrammeCreate(Strict):
    title: Annotated[str, Field(min_length=1, max_length=120)]
    boards: Annotated[list[ProgrammeBoard], Field(min_length=2, max_length=8)]

    @field_validator("title", mode="before")
    @classmethod
    def _clean(cls, value: object) -> object:
        return clean_valid_text(value) if isinstance(value, str) else value


@router.post("/programmes", status_code=201)
async def create(body: ProgrammeCreate, svc: Services = Depends(services)) -> dict:
    """Group workshops into a programme; the caller proves they facilitate each one with its token."""
    board_ids: list[str] = []
    for entry in body.boards:
        board_id = await board_id_for(svc, entry.code)
        viewer = await caller(svc, board_id, entry.token)
        if viewer.role not in FACILITATORS:
            raise ApiError("forbidden", "token")
        if board_id in board_ids:
            raise ApiError("bad_request", "boards")
        board_ids.append(board_id)
    programme_id = new_id("prog")
    token = new_token()
    await create_programme(
        svc.boards.store,
        programme_id=programme_id,
        title=body.title,
        token=token,
        board_ids=board_ids,
        created_ms=svc.boards.clock.now_ms(),
    )
    return {"programme_id": programme_id, "token": token, "title": body.title}


@router.get("/programmes/{programme_id}/export/{name}")
async def export_programme(
    programme_id: str, name: str, request: Request, svc: Services = Depends(services)
) -> Response:
    token = bearer(request)
    found = None
    if len(programme_id) <= 40:
        found = await programme_for(svc.boards.store, programme_id=programme_id, token=token)
    if found is None:
        raise ApiError("unauthorized")
    export = PROGRAMME_EXPORTS.get(name)
    if export is None:
        raise ApiError("not_found", "export")
    states = [_for_export((await svc.boards.current(board_id)).state, request) for board_id in found.board_ids]
    lang = export_language(request, states[0].language)
    body = await asyncio.to_thread(export.write, found.title, states, lang, svc.boards.clock.now_ms())
    return _file(body, export.media_type, f"atelier-{slug(found.title)}-{name}")


def slug(title: str) -> str:
    """The programme's title as a file name: ASCII letters and digits, dashes between words."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    return "-".join(words)[:60].strip("-") or "programme"
