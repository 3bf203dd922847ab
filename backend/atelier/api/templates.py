"""The workshop templates for the web app: agenda, axes with their questions, personas, closing round."""

from __future__ import annotations

from fastapi import APIRouter, Request

from .. import templates
from ..messages import LANGUAGES, language_from_header

router = APIRouter(prefix="/api/templates")


@router.get("")
async def all_templates(request: Request, lang: str | None = None) -> dict:
    language = lang if lang in LANGUAGES else language_from_header(request.headers.get("accept-language"))
    return {
        "language": language,
        "source": templates.source().get(language),
        "agenda": [templates.localized(p, language) for p in templates.agenda()],
        "axes": [templates.localized(a, language) for a in templates.axes()],
        "personas": [templates.localized(p, language) for p in templates.personas()],
        "closing": [templates.localized(q, language) for q in templates.closing_questions()],
    }
