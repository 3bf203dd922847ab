"""Coded HTTP errors in the caller's language: {"error": {"code", "message", "field"}}."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ..domain import DomainError
from ..messages import language_from_header, message
from ..store import Invalid, Unavailable

STATUS = {
    "bad_request": 400,
    "too_large": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "joining_closed": 403,
    "not_found": 404,
    "conflict": 409,
    "rate_limited": 429,
    "unavailable": 503,
}


class ApiError(Exception):
    def __init__(self, code: str, field: str | None = None, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params


def error_response(
    request: Request,
    code: str,
    field: str | None = None,
    *,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
    **params: object,
) -> JSONResponse:
    lang = language_from_header(request.headers.get("accept-language"))
    body = {"error": {"code": code, "field": field, "message": message(code, lang, field, **params)}}
    return JSONResponse(body, status_code=status or STATUS.get(code, 400), headers=headers)


async def on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError | DomainError)
    return error_response(request, exc.code, exc.field, **exc.params)


async def on_unavailable(request: Request, exc: Exception) -> JSONResponse:
    return error_response(request, "unavailable")


async def on_invalid(request: Request, exc: Exception) -> JSONResponse:
    """A value the database would not store (validation keeps them out; this is the last guard)."""
    return error_response(request, "bad_request")


async def on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "type": ""}
    loc = [str(p) for p in first.get("loc", ()) if not isinstance(p, int) and p != "body"]
    code = "too_large" if first.get("type") in ("string_too_long", "too_long") else "bad_request"
    return error_response(request, code, loc[-1] if loc else None)


HANDLERS = {
    ApiError: on_api_error,
    DomainError: on_api_error,
    Unavailable: on_unavailable,
    Invalid: on_invalid,
    RequestValidationError: on_validation,
}
