"""The participant's page on a phone, in every phase of a scripted 12-participant workshop of 60 notes:
what the phase asks comes first, nothing unusable is shown, no page is longer than three screens, axe
finds nothing; plus the browser defects of the phone page, each with its test."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.e2e.look import axe_violations, screenshot
from tests.support.client import Participant, create_board, join_board
from tests.support.server import ServerProcess

pytestmark = pytest.mark.asyncio

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 640}
LAPTOP = {"width": 1366, "height": 768}
SCREENS = 3  # no phone page longer than three screens
WAIT_MS = 10_000

NAMES = ["Bruno", "Chloé", "David", "Emma", "Farid", "Gaëlle", "Hugo", "Inès", "Jules", "Karima", "Louis"]
IDEAS = [
    "Un bus numérique qui passe dans les villages",
    "Des permanences en mairie le samedi matin",
    "Former les agents d'accueil aux démarches en ligne",
    "Un numéro unique pour être orienté",
    "Prêter des tablettes à la médiathèque",
]


async def _until(check: Callable[[], bool | Awaitable[bool]], what: str, timeout: float = 10) -> None:
    async def loop() -> None:
        while True:
            result = check()
            if isinstance(result, Awaitable):
                result = await result
            if result:
                return
            await asyncio.sleep(0.02)

    try:
        await asyncio.wait_for(loop(), timeout)
    except TimeoutError:
        pytest.fail(f"never happened: {what}")


class Workshop:
    """A facilitator and eleven participants over the wire, and one participant on a phone in Chromium."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.code = ""
        self.facilitator: Participant
        self.people: list[Participant] = []
        self.page: Any = None
        self.context: Any = None
        self.problems: list[str] = []

    async def do(self, who: Participant, name: str, args: dict[str, Any] | None = None) -> None:
        await who.wait_seq(await who.ok(name, args))

    async def start(self, browser: Any) -> Workshop:
        board = await create_board(self.server.url, "Atelier « aller vers »")
        self.code = board["code"]
        self.facilitator = await Participant(self.server.ws_url, self.code, board["facilitator_token"]).connect()
        for name in NAMES:
            joined = await join_board(self.server.url, self.code, name, organisation="ccas")
            self.people.append(await Participant(self.server.ws_url, self.code, joined["token"]).connect())
        await self.do(
            self.facilitator,
            "board.configure",
            {
                "goal": "Aller vers les publics éloignés du numérique et les amener jusqu'aux accompagnements",
                "context": "Diagnostic 2025 : 18 % des habitants n'ont pas d'accès à internet à domicile. "
                "Trois communes n'ont aucun lieu de médiation.",
                "links": [{"url": "https://example.org/diagnostic", "title": "Le diagnostic territorial"}],
                "questions": ["Qui passe à côté des accompagnements ?"],
            },
        )
        self.context = await browser.new_context(
            viewport=PHONE, locale="fr-FR", is_mobile=True, has_touch=True, device_scale_factor=1
        )
        self.page = await self.context.new_page()
        errors: list[str] = []
        self.page.on("pageerror", lambda error: errors.append(str(error)))
        self.errors = errors
        await self.page.goto(f"{self.server.url}/b/{self.code}")
        await self.page.get_by_test_id("join-name").fill("Alice")
        await self.page.get_by_test_id("join-name").press("Enter")
        await self.page.get_by_test_id("phase-name").wait_for()
        await _until(lambda: len(self.facilitator.state["participants"]) == 13, "everyone joined")
        return self

    async def close(self) -> None:
        for p in [self.facilitator, *self.people]:
            await p.close()
        await self.context.close()


async def _phone_page_holds(ws: Workshop, step: str, primary: str | None) -> None:
    """At 390×844: the phase's primary input inside the first screen, the page at most three screens,
    no axe violation (and none at 1366×768 either); screenshots at 390 and 320 px. Every step is looked
    at before the test fails, so that one run shows every phase."""
    try:
        await _check_phone_page(ws, step, primary)
    except AssertionError as failure:
        ws.problems.append(str(failure).split("\n")[0])


async def _check_phone_page(ws: Workshop, step: str, primary: str | None) -> None:
    page = ws.page
    await page.set_viewport_size(PHONE)
    await page.evaluate("() => window.scrollTo(0, 0)")
    await page.wait_for_timeout(150)  # a frame for layout after the last render
    await screenshot(page, "phone", step, "390x844")
    if primary is not None:
        target = page.get_by_test_id(primary).first
        await target.wait_for(state="visible", timeout=WAIT_MS)
        box = await target.bounding_box()
        assert box is not None, f"{step}: {primary} has no box"
        assert box["y"] >= 0 and box["y"] + min(box["height"], 120) <= PHONE["height"], (
            f"{step}: {primary} starts at y={box['y']:.0f}, below the first screen"
        )
    height = await page.evaluate("() => document.documentElement.scrollHeight")
    assert height <= SCREENS * PHONE["height"], f"{step}: the page is {height} px tall (> {SCREENS} screens)"
    width = await page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{step}: the page scrolls sideways ({width} px)"
    violations = await axe_violations(page)
    assert violations == [], f"{step} at 390×844: {violations}"
    await page.set_viewport_size(NARROW)
    await page.wait_for_timeout(100)
    await screenshot(page, "phone", step, "320")
    width = await page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"{step}: at 320 px the page scrolls sideways ({width} px)"
    await page.set_viewport_size(LAPTOP)
    await page.wait_for_timeout(100)
    violations = await axe_violations(page)
    assert violations == [], f"{step} at 1366×768: {violations}"
    await page.set_viewport_size(PHONE)
    await page.wait_for_timeout(50)


async def test_the_phone_page_starts_where_the_work_is_in_every_phase(server: ServerProcess, browser: Any) -> None:
    from playwright.async_api import expect

    ws = await Workshop(server).start(browser)
    fac, people, page = ws.facilitator, ws.people, ws.page
    try:
        # Introduction: the workshop's goal, nothing to type.
        await ws.do(fac, "timer.start", {"seconds": None})
        await expect(page.get_by_test_id("intro-goal")).to_be_visible(timeout=WAIT_MS)
        await _phone_page_holds(ws, "1-intro", "intro-goal")

        await ws.do(fac, "phase.set", {"phase": "presentation"})
        await expect(page.get_by_test_id("phase-name")).to_contain_text("Présentation", timeout=WAIT_MS)
        await _phone_page_holds(ws, "2-presentation", "intro-context")

        # Inspiration: personas dealt, observations written.
        await ws.do(fac, "phase.set", {"phase": "inspiration"})
        await ws.do(fac, "personas.deal")
        await ws.do(fac, "question.set", {"text": "Qu'observez-vous sur le terrain ?"})
        for i, p in enumerate(people):
            await ws.do(p, "note.add", {"text": f"Constat {i + 1} : les habitants ne savent pas où aller"})
        await expect(page.get_by_test_id("persona-name")).to_be_visible(timeout=WAIT_MS)
        await page.get_by_test_id("note-text").fill("Les démarches en ligne font peur")
        await page.get_by_test_id("note-submit").click()
        await _until(lambda: len(fac.state["notes"]) == 12, "Alice's observation")
        await _phone_page_holds(ws, "3-inspiration", "note-text")

        # Divergence: private writing, the note box right after the question.
        await ws.do(fac, "phase.set", {"phase": "divergence"})
        await ws.do(fac, "question.set", {"text": "Comment aller vers ceux qui ne viennent pas ?"})
        for i, p in enumerate(people):
            for k in range(4):
                await ws.do(p, "note.add", {"text": f"{IDEAS[(i + k) % len(IDEAS)]} ({i}.{k})"})
        await expect(page.get_by_test_id("question")).to_contain_text("Comment aller vers", timeout=WAIT_MS)
        for k in range(4):
            await page.get_by_test_id("note-text").fill(f"Idée d'Alice numéro {k + 1}")
            await page.get_by_test_id("note-submit").click()
        await _until(lambda: len(fac.state["notes"]) == 60, "60 notes")
        await _phone_page_holds(ws, "4-divergence", "note-text")

        # Convergence: ideas revealed, grouped, dots to cast; the composer goes.
        await ws.do(fac, "notes.reveal")
        await ws.do(fac, "phase.set", {"phase": "convergence"})
        notes = sorted(fac.state["notes"].values(), key=lambda n: n["created_ms"])
        ideas = [n for n in notes if n["phase"] == "divergence"]
        for g in range(3):
            ids = [n["id"] for n in ideas[g * 5 : g * 5 + 5]]
            await ws.do(fac, "group.create", {"title": f"Piste {g + 1}", "note_ids": ids})
        for i, p in enumerate(people):
            for k in range(3):
                await ws.do(p, "vote.add", {"note_id": ideas[(i * 3 + k) % len(ideas)]["id"]})
        await expect(page.locator("#composer")).to_be_hidden(timeout=WAIT_MS)
        await _phone_page_holds(ws, "5-convergence-vote", "vote-add")

        # Convergence, drafting: three solutions, three sub-groups, each with its sheet.
        await ws.do(fac, "votes.reveal", {"revealed": True})
        groups = list(fac.state["groups"])
        for gid in groups:
            await ws.do(fac, "solution.retain", {"group_id": gid})
        await ws.do(fac, "subgroups.split", {"count": 3, "mode": "random"})
        await expect(page.get_by_test_id("my-subgroup")).to_be_visible(timeout=WAIT_MS)
        await _phone_page_holds(ws, "6-convergence-sheets", "sheet-name")

        # Sharing: a sub-group presents; remarks.
        await ws.do(fac, "phase.set", {"phase": "sharing"})
        first = next(iter(fac.state["subgroups"]))
        await ws.do(fac, "sharing.present", {"subgroup_id": first})
        sheet = next(iter(fac.state["sheets"]))
        for i, p in enumerate(people[:6]):
            await ws.do(p, "remark.add", {"sheet_id": sheet, "kind": ("for", "against", "suggestion")[i % 3],
                                          "text": f"Remarque {i + 1} sur la fiche"})  # fmt: skip
        await _phone_page_holds(ws, "7-sharing", "remark-text")

        # Conclusion: the closing round first.
        await ws.do(fac, "phase.set", {"phase": "conclusion"})
        for i, p in enumerate(people):
            await ws.do(p, "closing.answer", {"question": "feeling", "text": f"Content d'avoir participé ({i})"})
        await ws.do(fac, "next_steps.set", {"text": "Rédiger les fiches avant le 15 décembre."})
        await _phone_page_holds(ws, "8-conclusion", "closing-feeling-text")

        # The end: a locked board, to read.
        await ws.do(fac, "workshop.end")
        await expect(page.get_by_test_id("locked-banner")).to_be_visible(timeout=WAIT_MS)
        await _phone_page_holds(ws, "9-ended", None)
        assert not ws.problems, "\n".join(ws.problems)
        assert ws.errors == []
    finally:
        await ws.close()
