"""The outer bounds of every HTTP request: its body's size, checked as it streams, and a coded answer
whatever goes wrong inside (never a bare 500)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_response

log = logging.getLogger("atelier.http")


class BodyTooLarge(HTTPException):
    """Raised from inside the body stream; an HTTPException so that FastAPI lets it through as it is
    (it wraps any other exception raised while reading a body in an uncoded 400)."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


class Guard:
    """Pure ASGI middleware (it sees the body as it streams, which a BaseHTTPMiddleware does not).

    A body whose Content-Length is over the bound is refused before a byte of it is read; one without
    (chunked) is counted as it arrives and refused as soon as it passes the bound, so a request holds
    at most the bound in memory, whatever it sends. Paths in `limits` have their own bound (None: the
    route bounds its body itself, as the board import does with its larger one). An exception no
    handler turned into an answer is logged and answered `bad_request`: the request changed nothing
    (commands are all or nothing)."""

    def __init__(self, app: ASGIApp, *, limit: int, limits: Mapping[str, int | None] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.limits = dict(limits or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope["path"], self.limit)
        declared = _content_length(scope)
        if declared is not None and (declared < 0 or (limit is not None and declared > limit)):
            await _answer(scope, send, "bad_request" if declared < 0 else "too_large", "body")
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if limit is not None and received > limit:
                    raise BodyTooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except Exception as exc:
            if started:
                raise  # too late for an answer of our own; the server closes the connection
            if isinstance(exc, BodyTooLarge):
                await _answer(scope, send, "too_large", "body")
                return
            log.exception("request failed")
            await _answer(scope, send, "bad_request", None)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else -1
    return None


async def _answer(scope: Scope, send: Send, code: str, field: str | None) -> None:
    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    request = Request(scope, nothing)
    response = error_response(request, code, field, status=413 if code == "too_large" else None)
    await response(scope, nothing, send)


async def on_http_exception(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own refusals (no such route, wrong method, a body too large) as coded errors."""
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    code = {404: "not_found", 413: "too_large"}.get(status, "bad_request")
    field = "body" if status == 413 else None
    return error_response(request, code, field, status=status, headers=exc.headers)
