"""The web app's pages and static files (the frontend ships inside the package)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse


def frontend_dir() -> Path:
    """Inside an installed wheel the frontend sits in the package; in a checkout, at the top level."""
    packaged = Path(__file__).resolve().parent.parent / "frontend"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "frontend"


def pages_router(root: Path) -> APIRouter:
    router = APIRouter()

    def page(name: str) -> FileResponse:
        return FileResponse(root / name, media_type="text/html; charset=utf-8")

    @router.get("/", include_in_schema=False)
    async def home() -> FileResponse:
        return page("index.html")

    @router.get("/b/{code}", include_in_schema=False)
    async def board(code: str) -> FileResponse:
        return page("board.html")

    @router.get("/b/{code}/facilitate", include_in_schema=False)
    async def facilitate(code: str) -> FileResponse:
        return page("facilitate.html")

    @router.get("/b/{code}/projector", include_in_schema=False)
    async def projector(code: str) -> FileResponse:
        return page("projector.html")

    return router
