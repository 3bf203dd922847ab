"""Shared lookups for routers: the app's services and the caller's identity."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from ..domain import Viewer, viewer_for
from ..hub import Hub
from ..service import BoardService, normalise_code
from ..settings import Settings
from .errors import ApiError


@dataclass
class Services:
    settings: Settings
    boards: BoardService
    hub: Hub


def services(request: Request) -> Services:
    return request.app.state.services


async def board_id_for(svc: Services, code: str) -> str:
    board_id = await svc.boards.store.board_id(code=normalise_code(code))
    if board_id is None:
        raise ApiError("not_found", "board")
    return board_id


def bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError("unauthorized")
    return token.strip()


async def caller(svc: Services, board_id: str, token: str) -> Viewer:
    found = await svc.boards.store.credential(token=token)
    if found is None or found[0] != board_id:
        raise ApiError("unauthorized")
    rt = await svc.boards.current(board_id)
    viewer = viewer_for(rt.state, found[1])
    if viewer is None:
        raise ApiError("unauthorized")  # a revoked link, or a credential whose holder is gone
    return viewer
