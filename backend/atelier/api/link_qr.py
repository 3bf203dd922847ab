"""The QR code of an access link (a facilitator's or the projector's), for the facilitators.

The link's secret travels in the request body and back as the QR's pixels, never in a URL: a GET
with the link in its query string would write the secret in every proxy's access log."""

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

# Only links to this board's own pages, with a secret in the fragment: not a QR service for any text.
LINK = re.compile(r"^/b/([A-Za-z0-9]{6})/(facilitate|projector)#k=[A-Za-z0-9_-]{16,200}$")


class LinkQr(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=1, max_length=300)


@router.post("/{code}/link-qr.svg")
async def link_qr(code: str, body: LinkQr, request: Request, svc: Services = Depends(services)) -> Response:
    board_id = await board_id_for(svc, code)
    viewer = await caller(svc, board_id, bearer(request))
    if not domain.sees_everything(viewer):
        raise ApiError("forbidden")
    real_code = await svc.boards.store.board_code(board_id=board_id) or code
    match = LINK.match(body.url)
    if not match or match.group(1).upper() != real_code.upper():
        raise ApiError("bad_request", "url")
    # The board's public address (ATELIER_PUBLIC_URL behind a proxy) + the link's path and fragment.
    base = join_url(request, svc, real_code).rsplit("/b/", 1)[0]
    out = io.BytesIO()
    segno.make(base + body.url, error="m").save(
        out, kind="svg", scale=6, border=4, dark="#000", light="#fff", xmldecl=False, svgns=True
    )
    return Response(out.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "no-store"})
