"""The QR code of an access link (projector or facilitator), drawn for the facilitator who holds it.

The link's secret must never travel in a URL's query string or reach a log, so the link is POSTed
in the body and the picture comes back in the answer, never cached."""

from __future__ import annotations

import io
import re

import segno
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from .. import domain
from .boards import join_url
from .deps import Services, bearer, board_id_for, caller, services
from .errors import ApiError

router = APIRouter(prefix="/api/boards")


class LinkQr(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    path: str = Field(max_length=300)


@router.post("/{code}/link-qr.svg")
async def link_qr(code: str, body: LinkQr, request: Request, svc: Services = Depends(services)) -> Response:
    token = bearer(request)
    board_id = await board_id_for(svc, code)
    viewer = await caller(svc, board_id, token)
    if not domain.sees_everything(viewer):
        raise ApiError("forbidden")
    real_code = await svc.boards.store.board_code(board_id=board_id) or code
    # Only a link of this board's own pages: this is not a QR service for any text.
    if not re.fullmatch(rf"/b/{re.escape(real_code)}/(projector|facilitate)#k=[A-Za-z0-9_-]{{16,200}}", body.path):
        raise ApiError("bad_request", "path")
    site = join_url(request, svc, real_code).removesuffix(f"/b/{real_code}")
    out = io.BytesIO()
    segno.make(site + body.path, error="m").save(
        out, kind="svg", scale=6, border=4, dark="#000", light="#fff", xmldecl=False, svgns=True
    )
    return Response(out.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "no-store"})
