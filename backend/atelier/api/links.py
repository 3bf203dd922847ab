"""Access links over HTTP: a link that opens the projector or the cockpit on another device, and
their revocation (docs/protocol.md, "Access links")."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from .. import domain
from .deps import Services, bearer, board_id_for, caller, services
from .errors import ApiError

router = APIRouter(prefix="/api/boards")

# kind -> the page the link opens, under /b/{CODE}
PAGES = {"projector": "projector", "facilitator": "facilitate"}


async def _facilitator(svc: Services, code: str, request: Request) -> tuple[str, domain.Viewer]:
    board_id = await board_id_for(svc, code)
    viewer = await caller(svc, board_id, bearer(request))
    if not domain.sees_everything(viewer) or viewer.id is None:
        raise ApiError("forbidden")
    return board_id, viewer


async def _create(svc: Services, code: str, request: Request, kind: str) -> dict:
    board_id, viewer = await _facilitator(svc, code, request)
    link_id, secret = await svc.boards.create_link(board_id=board_id, actor_id=viewer.id or "", kind=kind)
    real_code = await svc.boards.store.board_code(board_id=board_id) or code
    # The secret travels in the fragment: browsers never send it to a server, so it reaches no log.
    return {"id": link_id, "url": f"/b/{real_code}/{PAGES[kind]}#k={secret}"}


async def _revoke(svc: Services, code: str, request: Request, kind: str) -> Response:
    board_id, viewer = await _facilitator(svc, code, request)
    await svc.boards.revoke_links(board_id=board_id, actor_id=viewer.id or "", kind=kind)
    return Response(status_code=204)


@router.post("/{code}/projector-link", status_code=201)
async def create_projector_link(code: str, request: Request, svc: Services = Depends(services)) -> dict:
    """A link that opens the projector in any browser, watch-only (the public view)."""
    return await _create(svc, code, request, "projector")


@router.delete("/{code}/projector-link", status_code=204)
async def revoke_projector_links(code: str, request: Request, svc: Services = Depends(services)) -> Response:
    return await _revoke(svc, code, request, "projector")


@router.post("/{code}/facilitator-link", status_code=201)
async def create_facilitator_link(code: str, request: Request, svc: Services = Depends(services)) -> dict:
    """A link that opens the cockpit on another device, acting as the facilitator who made it."""
    return await _create(svc, code, request, "facilitator")


@router.delete("/{code}/facilitator-link", status_code=204)
async def revoke_facilitator_links(code: str, request: Request, svc: Services = Depends(services)) -> Response:
    return await _revoke(svc, code, request, "facilitator")
