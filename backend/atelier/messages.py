"""Error messages in the user's language, from the catalogues in locales/."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DEFAULT_LANGUAGE = "fr"
LANGUAGES = ("fr", "en")


@cache
def catalogue(lang: str) -> dict[str, str]:
    return json.loads((Path(__file__).parent / "locales" / f"{lang}.json").read_text("utf-8"))


def message(code: str, lang: str | None = None, field: str | None = None, **params: object) -> str:
    texts = catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    template = texts.get(f"{code}.{field}") or (
        texts.get(f"{code}.field") if field and code == "bad_request" else None
    )
    template = template or texts.get(code) or texts["bad_request"]
    try:
        return template.format(field=field, **params)
    except (KeyError, IndexError):
        return template


def language_from_header(header: str | None) -> str:
    """The first supported language of an Accept-Language header, French by default."""
    for part in (header or "").split(","):
        lang = part.split(";")[0].strip().lower()[:2]
        if lang in LANGUAGES:
            return lang
    return DEFAULT_LANGUAGE
