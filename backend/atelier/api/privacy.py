"""Personal data over HTTP: erase a board, see and choose its erasure date, the privacy notice."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import FileResponse
from pydantic import Field

from ..domain.model import FACILITATORS, Role
from ..protocol import Strict
from ..settings import DAY_MS
from ..store.erasure import choose_erasure_date, retention_of
from .deps import Services, bearer, board_id_for, caller, services
from .errors import ApiError
from .pages import frontend_dir

router = APIRouter()

MAX_LEGAL_NOTICE = 20_000  # characters of the deployer's legal notice shown under the privacy notice


@router.delete("/api/boards/{code}", status_code=204)
async def erase_board(code: str, request: Request, svc: Services = Depends(services)) -> Response:
    """The whole board, now: only its facilitator (not a co-facilitator) may."""
    token = bearer(request)
    board_id = await board_id_for(svc, code)
    viewer = await caller(svc, board_id, token)
    if viewer.role != Role.FACILITATOR:
        raise ApiError("forbidden")
    await svc.boards.erase_board(board_id)
    return Response(status_code=204)


class RetentionChoice(Strict):
    # null: back to the deployer's retention after the last activity
    erase_at_ms: Annotated[int, Field(ge=0, le=10**13, strict=True)] | None


async def _retention(svc: Services, board_id: str) -> dict:
    found = await retention_of(svc.boards.store, board_id=board_id)
    if found is None:
        raise ApiError("not_found", "board")
    settings = svc.settings
    default = found.last_activity_ms + settings.retention_days * DAY_MS if settings.retention_days else None
    return {
        "erase_at_ms": found.chosen_ms if found.chosen_ms is not None else default,
        "chosen": found.chosen_ms is not None,
        "last_activity_ms": found.last_activity_ms,
        "retention_days": settings.retention_days,
        "latest_ms": svc.boards.clock.now_ms() + settings.retention_max_ms(),
    }


async def _facilitating(request: Request, svc: Services, code: str) -> str:
    token = bearer(request)
    board_id = await board_id_for(svc, code)
    viewer = await caller(svc, board_id, token)
    if viewer.role not in FACILITATORS:
        raise ApiError("forbidden")
    return board_id


@router.get("/api/boards/{code}/retention")
async def read_retention(code: str, request: Request, svc: Services = Depends(services)) -> dict:
    return await _retention(svc, await _facilitating(request, svc, code))


@router.put("/api/boards/{code}/retention")
async def choose_retention(
    code: str, body: RetentionChoice, request: Request, svc: Services = Depends(services)
) -> dict:
    """Bring the erasure date forward or push it back, up to the deployer's maximum from today."""
    board_id = await _facilitating(request, svc, code)
    now = svc.boards.clock.now_ms()
    at = body.erase_at_ms
    if at is not None and not now < at <= now + svc.settings.retention_max_ms():
        raise ApiError("bad_request", "erase_at_ms")
    await choose_erasure_date(svc.boards.store, board_id=board_id, erase_at_ms=at)
    return await _retention(svc, board_id)


def _legal_notice(svc: Services) -> str:
    path = svc.settings.legal_notice_file
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8", errors="replace")[:MAX_LEGAL_NOTICE]
    except OSError:
        return ""


@router.get("/api/privacy")
async def privacy(svc: Services = Depends(services)) -> dict:
    """What the privacy notice needs from the deployer's settings; the page renders it as text."""
    settings = svc.settings
    return {
        "controller_name": settings.controller_name,
        "controller_contact": settings.controller_contact,
        "retention_days": settings.retention_days,
        "legal_notice": _legal_notice(svc),
    }


@router.get("/privacy", include_in_schema=False)
async def privacy_page() -> FileResponse:
    return FileResponse(frontend_dir() / "privacy.html", media_type="text/html; charset=utf-8")
