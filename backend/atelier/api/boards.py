"""Boards over HTTP: create, join, read the state as the caller may see it, the join QR code."""

from __future__ import annotations

import io
import re

import segno
from fastapi import APIRouter, Depends, Request, Response

from .. import domain
from ..domain.copying import template_of
from ..protocol import BoardCreate, Join
from .deps import Services, bearer, board_id_for, caller, services
from .errors import ApiError

router = APIRouter(prefix="/api/boards")


@router.post("", status_code=201)
async def create_board(body: BoardCreate, svc: Services = Depends(services)) -> dict:
    created = await svc.boards.create_board(
        title=body.title, language=body.language, axis=body.axis, draft=body.draft
    )
    return {
        "code": created.code,
        "board_id": created.board_id,
        "participant_id": created.participant_id,
        "facilitator_token": created.token,
        "title": body.title,
        "language": body.language,
    }


@router.post("/{code}/copy", status_code=201)
async def copy_board(code: str, request: Request, svc: Services = Depends(services)) -> dict:
    """A draft copy of this board's preparation, for the next workshop of the programme."""
    token = bearer(request)
    board_id = await board_id_for(svc, code)
    viewer = await caller(svc, board_id, token)
    if not domain.sees_everything(viewer):
        raise ApiError("forbidden")
    rt = await svc.boards.current(board_id)
    state_json = template_of(rt.state)
    created = await svc.boards.import_board(state_json=state_json, language=rt.state.language)
    return {
        "code": created.code,
        "board_id": created.board_id,
        "participant_id": created.participant_id,
        "facilitator_token": created.token,
        "title": rt.state.title,
        "language": rt.state.language,
    }


@router.post("/{code}/join", status_code=201)
async def join(code: str, body: Join, svc: Services = Depends(services)) -> dict:
    board_id = await board_id_for(svc, code)
    participant_id, token = await svc.boards.join(
        board_id=board_id, name=body.name, organisation=body.organisation
    )
    return {"participant_id": participant_id, "token": token, "role": "participant"}


@router.get("/{code}")
async def read_board(code: str, request: Request, svc: Services = Depends(services)) -> dict:
    token = bearer(request)
    board_id = await board_id_for(svc, code)
    viewer = await caller(svc, board_id, token)
    rt = await svc.boards.current(board_id)
    return {"seq": rt.seq, "state": domain.view_state(rt.state, viewer)}


# A Host header as browsers send it: a name or an IPv4 address, or an IPv6 literal, and a port.
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$")


def join_url(request: Request, svc: Services, code: str) -> str:
    """The link the projector's QR code holds. ATELIER_PUBLIC_URL when set: never what a request says.
    Without it (a laptop on the room's network), the address the projector itself used, if it is a
    well-formed host and, when ATELIER_ALLOWED_HOSTS lists some, one of them; otherwise the bare path."""
    if svc.settings.public_url:
        return f"{svc.settings.public_url.rstrip('/')}/b/{code}"
    host = request.headers.get("host", "")
    allowed = svc.settings.allowed_hosts
    if _HOST.match(host) and (not allowed or host.lower() in {h.lower() for h in allowed}):
        scheme = "https" if request.url.scheme == "https" else "http"
        return f"{scheme}://{host}/b/{code}"
    return f"/b/{code}"


@router.get("/{code}/qr.svg")
async def qr(code: str, request: Request, svc: Services = Depends(services)) -> Response:
    board_id = await board_id_for(svc, code)
    real_code = await svc.boards.store.board_code(board_id=board_id)
    out = io.BytesIO()
    # Dark on white with a quiet zone: scanners need it, and it holds on a washed-out projector.
    segno.make(join_url(request, svc, real_code or code), error="m").save(
        out, kind="svg", scale=8, border=4, dark="#000", light="#fff", xmldecl=False, svgns=True
    )
    # Built from the request when no public address is set: no shared cache may hand it to another;
    # with one, kept a few minutes only, so that a changed address reaches the projector soon.
    caching = "public, max-age=300" if svc.settings.public_url else "no-store"
    return Response(
        out.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": caching, "Vary": "Host"}
    )
