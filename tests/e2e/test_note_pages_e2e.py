"""The participant's list of notes in pages, in real Chromium: a reader on the newest page follows the
notes as they arrive (the new note's card shows without a click), a reader on another page keeps the
cards they read; back from the newest notes, forward onto the last page, the first page and the newest
by buttons and keyboard; the page line is said once a turn, not once a note; the page buttons fit and
wrap at 320 px, on a phone (390×844, where they show arrows) and on a laptop (1366×768)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.look import SHOTS, screenshot
from tests.support.client import Participant, create_board, join_board
from tests.support.pages import open_as
from tests.support.server import ServerProcess

pytestmark = pytest.mark.asyncio

QUESTION = "Comment aller vers les habitants qui ne viennent jamais ?"
SEEDED = 45  # more than two laptop pages of 20: pages 1–20, 21–40, then the newest


async def _open(browser: Any, server: ServerProcess, code: str, who: dict[str, Any], width: int, height: int) -> Any:
    credential = {"token": who["token"], "participant_id": who["participant_id"], "role": "participant"}
    return await open_as(browser, f"{server.url}/b/{code}", code, credential, width, height)


async def _line(page: Any, text: str) -> None:
    """Wait until the page line reads `text` and the list holds the cards it says."""
    await page.wait_for_function(
        """(text) => {
          const line = document.querySelector('#notes [data-testid=notes-page]');
          const range = line?.textContent.match(/(\\d+)\\D+(\\d+)\\D+(\\d+)/);
          const shown = document.querySelectorAll('#notes .wall [data-note-id]').length;
          return line?.textContent === text && !!range && shown === Number(range[2]) - Number(range[1]) + 1;
        }""",
        arg=text,
        timeout=10_000,
    )


async def _cards(page: Any) -> list[str]:
    return await page.evaluate(
        "() => [...document.querySelectorAll('#notes .wall [data-note-id]')].map((e) => e.dataset.noteId)"
    )


async def _disabled(page: Any) -> dict[str, bool]:
    return await page.evaluate(
        "() => Object.fromEntries(['first', 'previous', 'next', 'newest'].map((k) => [k,"
        " document.querySelector(`#notes [data-testid=notes-${k}]`).getAttribute('aria-disabled') === 'true']))"
    )


async def _announced(page: Any) -> str:
    return await page.locator("#notes [data-testid=notes-page-announce]").text_content() or ""


async def test_the_newest_page_follows_new_notes_and_other_pages_stay_put(server: ServerProcess, browser: Any) -> None:
    board = await create_board(server.url, "Aller vers les publics")
    code = board["code"]
    fac = await Participant(server.ws_url, code, board["facilitator_token"]).connect()
    joined = [await join_board(server.url, code, name) for name in ("Alice", "Bruno", "Chloé")]
    people = [await Participant(server.ws_url, code, j["token"]).connect() for j in joined]
    await fac.ok("phase.set", {"phase": "inspiration"})
    await fac.ok("question.set", {"text": QUESTION})
    for k in range(SEEDED):
        await people[k % 3].ok("note.add", {"text": f"Idée numéro {k + 1}"})
    writer = people[1]

    async def add(text: str) -> str:
        seq = await writer.ok("note.add", {"text": text})
        await writer.wait_seq(seq)
        return next(n["id"] for n in writer.state["notes"].values() if n["text"] == text)

    reader = await _open(browser, server, code, joined[0], 1366, 768)
    newest = await _open(browser, server, code, joined[2], 1366, 768)
    try:
        # Both open on the first page; the line is not a live region (it changes with every note).
        for page in (reader, newest):
            await _line(page, f"Notes 1 à 20 sur {SEEDED}")
            assert await page.locator("#notes [data-testid=notes-page]").get_attribute("aria-live") is None
            assert await _disabled(page) == {"first": True, "previous": True, "next": False, "newest": False}

        # One follows the newest notes, by keyboard: "Plus récentes" then the 20 newest.
        button = newest.locator("#notes [data-testid=notes-newest]")
        await button.focus()
        await newest.keyboard.press("Enter")
        await _line(newest, f"Notes 26 à 45 sur {SEEDED}")
        assert await _disabled(newest) == {"first": False, "previous": False, "next": True, "newest": True}
        assert await _announced(newest) == f"Notes 26 à 45 sur {SEEDED}"
        # Still focused, though it now does nothing (aria-disabled keeps the focus).
        assert await button.evaluate("(el) => el === document.activeElement")
        first_page = await _cards(reader)

        # A note arrives: it comes into view on the newest page, without a click; page 1 does not move.
        added = await add("Une idée arrivée pendant la lecture")
        await newest.locator(f'#notes .wall [data-note-id="{added}"]').wait_for(timeout=10_000)
        await _line(newest, "Notes 27 à 46 sur 46")
        await _line(reader, "Notes 1 à 20 sur 46")
        assert await _cards(reader) == first_page
        assert await reader.locator(f'#notes [data-note-id="{added}"]').count() == 0
        await screenshot(newest, "note-pages", "following", "1366x768")
        # Nothing was said for it: the announcement is still the one of the turn.
        assert await _announced(newest) == f"Notes 26 à 45 sur {SEEDED}"

        # Back from the newest: the page holding the note just before them (27 is on 21–40), anchored.
        await newest.locator("#notes [data-testid=notes-previous]").click()
        await _line(newest, "Notes 21 à 40 sur 46")
        assert await _announced(newest) == "Notes 21 à 40 sur 46"
        second_page = await _cards(newest)
        later = await add("Une autre idée, pendant qu'on relit")
        await _line(newest, "Notes 21 à 40 sur 47")
        assert await _cards(newest) == second_page
        assert await newest.locator(f'#notes [data-note-id="{later}"]').count() == 0
        # Forward onto the last page follows again: the note that came meanwhile is there.
        await newest.locator("#notes [data-testid=notes-next]").click()
        await _line(newest, "Notes 28 à 47 sur 47")
        assert await newest.locator(f'#notes .wall [data-note-id="{later}"]').count() == 1
        third = await add("Encore une idée")
        await newest.locator(f'#notes .wall [data-note-id="{third}"]').wait_for(timeout=10_000)
        await _line(newest, "Notes 29 à 48 sur 48")
        # The first page, in one press.
        await newest.locator("#notes [data-testid=notes-first]").click()
        await _line(newest, "Notes 1 à 20 sur 48")
        assert await _cards(newest) == first_page

        # The page buttons fit and wrap cleanly where a participant reads: a phone, 320 px, a laptop; a
        # phone's page holds 6 notes (the one with note 21 in it), and back on the laptop, the same page.
        await newest.locator("#notes [data-testid=notes-next]").click()
        await _line(newest, "Notes 21 à 40 sur 48")
        screens = (
            ("390x844", 390, 844, "Notes 19 à 24 sur 48"),
            ("320", 320, 700, "Notes 19 à 24 sur 48"),
            ("1366x768", 1366, 768, "Notes 21 à 40 sur 48"),
        )
        for name, width, height, line in screens:
            await newest.set_viewport_size({"width": width, "height": height})
            await _line(newest, line)
            nav = newest.locator("#notes .notes-panel__pages")
            await nav.scroll_into_view_if_needed()
            await screenshot(newest, "note-pages", "page", name)
            await nav.screenshot(path=str(SHOTS / f"note-pages-nav-{name}.png"))
            layout = await newest.evaluate(
                """() => {
                  const nav = document.querySelector('#notes .notes-panel__pages');
                  const n = nav.getBoundingClientRect();
                  const parts = [...nav.querySelectorAll('button, [data-testid=notes-page]')]
                    .map((el) => el.getBoundingClientRect());
                  const overlaps = parts.some((a, i) => parts.some((b, j) => j > i
                    && Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
                    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1));
                  const outside = parts.some((r) => r.left < n.left - 1 || r.right > n.right + 1);
                  const cut = [...nav.querySelectorAll('button')].some((b) => b.scrollWidth > b.clientWidth + 1);
                  return { overlaps, outside, cut, scroll: document.documentElement.scrollWidth };
                }"""
            )
            assert not layout["overlaps"] and not layout["outside"] and not layout["cut"], (name, layout)
            assert layout["scroll"] <= width, (name, layout)
            # On a phone the buttons show arrows (« ‹ › »); their words stay their names.
            for label in ("Premières notes", "Notes précédentes", "Notes suivantes", "Plus récentes"):
                assert await nav.get_by_role("button", name=label, exact=True).count() == 1, (name, label)
        assert reader.errors == [] and newest.errors == []
    finally:
        for page in (reader, newest):
            await page.context.close()
        for client in (fac, *people):
            await client.close()
