"""A board's page opened in a fresh Chromium context as someone the page already remembers (their
credential in localStorage, as after joining), the wall by sections; page errors are collected."""

from __future__ import annotations

from typing import Any

import orjson


def remembered(code: str, credential: dict[str, str]) -> str:
    """The init script that stores `credential` for board `code` and the wall by sections."""
    stored = orjson.dumps(orjson.dumps(credential).decode()).decode()
    return (
        f"localStorage.setItem('atelier:board:{code}', {stored});"
        " localStorage.setItem('atelier:notes-view', 'list');"
    )


async def open_as(
    browser: Any, url: str, code: str, credential: dict[str, str], width: int, height: int, *scripts: str
) -> Any:
    """The page at `url`, opened as `credential` at `width`×`height`, after any further init `scripts`;
    its uncaught errors are in `page.errors`."""
    context = await browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
    for script in (remembered(code, credential), *scripts):
        await context.add_init_script(script)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    await page.goto(url)
    return page
