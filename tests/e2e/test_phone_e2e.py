"""The participant's page on a phone, in every phase of a scripted 12-participant workshop of 60 notes:
what the phase asks comes first, nothing unusable is shown, no page is longer than three screens, axe
finds nothing; plus the browser defects of the phone page, each with its test."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
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
    await screenshot(page, "phone", step, "1366x768")
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
        # Grouping is folded: the cards' "Sélectionner" (which feeds it) shows only once it is open.
        await expect(page.get_by_test_id("note-select").first).to_be_hidden()
        await page.get_by_test_id("fold-grouping").click()
        await expect(page.get_by_test_id("grouping")).to_be_visible()
        await expect(page.get_by_test_id("note-select").first).to_be_visible()

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


# --- the defects a run found on the participant's page, each with its test -----------------------------


async def _phone(browser: Any, server: ServerProcess, *, locale: str = "fr-FR", touch: bool = True) -> tuple[Any, ...]:
    """A board, its facilitator over the wire, and Alice joined on a phone (or a laptop without `touch`)."""
    board = await create_board(server.url, "Atelier défauts")
    code = board["code"]
    fac = await Participant(server.ws_url, code, board["facilitator_token"]).connect()
    options: dict[str, Any] = (
        {"viewport": PHONE, "is_mobile": True, "has_touch": True} if touch else {"viewport": LAPTOP}
    )
    context = await browser.new_context(locale=locale, device_scale_factor=1, **options)
    page = await context.new_page()
    await page.goto(f"{server.url}/b/{code}")
    await page.get_by_test_id("join-name").fill("Alice")
    await page.get_by_test_id("join-name").press("Enter")
    await page.get_by_test_id("phase-name").wait_for()
    await _until(lambda: len(fac.state["participants"]) == 2, "Alice joined")
    alice = next(pid for pid, p in fac.state["participants"].items() if p["name"] == "Alice")
    return board, fac, context, page, alice


async def _cockpit(
    browser: Any, server: ServerProcess, board: dict[str, Any], locale: str = "fr-FR"
) -> tuple[Any, Any]:
    """The facilitator's cockpit in Chromium, holding the facilitator's credential."""
    context = await browser.new_context(viewport=LAPTOP, locale=locale)
    credential = {"token": board["facilitator_token"], "participant_id": board["participant_id"], "role": "facilitator"}
    await context.add_init_script(
        f"localStorage.setItem('atelier:board:{board['code']}', {json.dumps(json.dumps(credential))})"
    )
    page = await context.new_page()
    await page.goto(f"{server.url}/b/{board['code']}/facilitate")
    # The cockpit's bar has no phase heading since its tabbed layout (the only "phase-name" is the
    # hidden participant preview's): wait for the connection and the live tab instead.
    await page.get_by_test_id("connection-status").and_(page.locator("[data-status=connected]")).wait_for()
    await page.get_by_test_id("tab-live").wait_for()
    return context, page


async def _do(who: Participant, name: str, args: dict[str, Any] | None = None) -> Any:
    await who.wait_seq(await who.ok(name, args))


async def test_the_badge_says_connected_again_after_a_short_drop(shared_server: ServerProcess, browser: Any) -> None:
    from playwright.async_api import expect

    _, fac, context, page, _ = await _phone(browser, shared_server)
    badge = page.get_by_test_id("connection-status")
    try:
        await expect(badge).to_have_attribute("data-status", "connected", timeout=WAIT_MS)
        await context.set_offline(True)
        await expect(badge).to_have_attribute("data-status", "offline", timeout=WAIT_MS)
        await asyncio.sleep(2)  # the network drops for 2–3 s; the socket is never closed meanwhile
        await context.set_offline(False)
        await _do(fac, "question.set", {"text": "Toujours là ?"})
        await expect(page.get_by_test_id("question")).to_have_text("Toujours là ?", timeout=WAIT_MS)
        # Well before the 25 s ping: the badge follows the connection that never stopped working.
        await expect(badge).to_have_attribute("data-status", "connected", timeout=5_000)
    finally:
        await fac.close()
        await context.close()


async def test_the_persona_marks_one_note_and_never_the_next_phase(shared_server: ServerProcess, browser: Any) -> None:
    from playwright.async_api import expect

    _, fac, context, page, alice = await _phone(browser, shared_server)
    try:
        await _do(fac, "phase.set", {"phase": "inspiration"})
        await _do(fac, "personas.deal")
        box = page.get_by_test_id("note-persona-tag")
        await expect(box).to_be_visible(timeout=WAIT_MS)
        for text, tick in (("En tant que mon persona", True), ("En mon nom", False)):
            if tick:
                await box.check()
            await page.get_by_test_id("note-text").fill(text)
            await page.get_by_test_id("note-submit").click()
            await _until(lambda t=text: any(n["text"] == t for n in fac.state["notes"].values()), text)
        personas = {n["text"]: n["persona"] for n in fac.state["notes"].values()}
        assert personas["En tant que mon persona"] == fac.state["personas"][alice]
        assert personas["En mon nom"] is None
        await expect(box).not_to_be_checked()
        await box.check()
        await _do(fac, "phase.set", {"phase": "divergence"})
        await expect(page.get_by_test_id("phase-name")).to_contain_text("Divergence", timeout=WAIT_MS)
        await expect(box).not_to_be_checked()
    finally:
        await fac.close()
        await context.close()


async def test_the_speaker_line_goes_when_the_time_is_up(shared_server: ServerProcess, browser: Any) -> None:
    from playwright.async_api import expect

    _, fac, context, page, _ = await _phone(browser, shared_server)
    try:
        await _do(fac, "phase.set", {"phase": "convergence"})
        await page.get_by_test_id("queue-join").click()
        await _until(lambda: len(fac.state["queue"]["entries"]) == 1, "Alice asked for the floor")
        await _do(fac, "queue.next", {"seconds": 10})
        await expect(page.get_by_test_id("queue-speaker")).to_contain_text("Alice", timeout=WAIT_MS)
        await expect(page.get_by_test_id("queue-time-up")).to_be_visible(timeout=15_000)
        await expect(page.get_by_test_id("queue-speaker")).to_be_hidden()
    finally:
        await fac.close()
        await context.close()


async def test_the_fourth_idea_says_why_it_cannot_be_presented(shared_server: ServerProcess, browser: Any) -> None:
    from playwright.async_api import expect

    _, fac, context, page, _ = await _phone(browser, shared_server)
    try:
        await _do(fac, "phase.set", {"phase": "divergence"})
        for k in range(4):
            await page.get_by_test_id("note-text").fill(f"Idée {k + 1}")
            await page.get_by_test_id("note-submit").click()
        await _until(lambda: len(fac.state["notes"]) == 4, "four ideas")
        buttons = page.get_by_test_id("note-present")
        for k in range(3):
            await buttons.nth(k).click()
            await _until(
                lambda k=k: sum(bool(n.get("presented")) for n in fac.state["notes"].values()) == k + 1, "presented"
            )
        fourth = buttons.nth(3)
        await expect(fourth).to_have_attribute("aria-disabled", "true", timeout=WAIT_MS)
        count = page.get_by_test_id("note-present-count").nth(3)
        await expect(count).to_contain_text("déjà présenté 3 idées")
        described = await fourth.evaluate(
            "(b) => b.getAttribute('aria-describedby').split(' ')"
            ".map((id) => document.getElementById(id)?.textContent).join(' ')"
        )
        assert "déjà présenté 3 idées" in described
        await fourth.click(force=True)
        await page.wait_for_timeout(300)
        assert await page.get_by_test_id("alert").is_hidden()
        assert sum(bool(n.get("presented")) for n in fac.state["notes"].values()) == 3
    finally:
        await fac.close()
        await context.close()


async def test_touch_screens_are_not_offered_ctrl_enter(shared_server: ServerProcess, browser: Any) -> None:
    from playwright.async_api import expect

    _, fac, context, page, _ = await _phone(browser, shared_server)
    _, fac2, laptop, desk, _ = await _phone(browser, shared_server, touch=False)
    try:
        for who in (fac, fac2):
            await _do(who, "phase.set", {"phase": "divergence"})
        await expect(page.get_by_test_id("note-hint")).to_be_visible(timeout=WAIT_MS)
        assert "Ctrl" not in await page.get_by_test_id("note-hint").inner_text()
        await expect(desk.get_by_test_id("note-hint")).to_contain_text("Ctrl", timeout=WAIT_MS)
    finally:
        await fac.close()
        await fac2.close()
        await context.close()
        await laptop.close()


async def test_messages_and_one_s_own_name_follow_the_language(shared_server: ServerProcess, browser: Any) -> None:
    from playwright.async_api import expect

    board, fac, context, page, _ = await _phone(browser, shared_server)
    cockpit_context, cockpit = await _cockpit(browser, shared_server, board)
    try:
        # One's own note in the results: "(vous)", then "(You)"; never one's name.
        await _do(fac, "phase.set", {"phase": "divergence"})
        await page.get_by_test_id("note-text").fill("Un bus numérique")
        await page.get_by_test_id("note-submit").click()
        await _until(lambda: len(fac.state["notes"]) == 1, "Alice's idea")
        note = next(iter(fac.state["notes"]))
        await _do(fac, "notes.reveal")
        await _do(fac, "phase.set", {"phase": "convergence"})
        await _do(fac, "vote.add", {"note_id": note})
        await _do(fac, "votes.reveal", {"revealed": True})
        await _do(fac, "phase.set", {"phase": "conclusion"})
        await page.get_by_test_id("fold-results").click()
        results = page.get_by_test_id("results")
        await expect(results).to_contain_text("(vous)", timeout=WAIT_MS)
        assert "Alice" not in await results.inner_text()
        # Saved messages, then a change of language.
        await page.get_by_test_id("closing-feeling-text").fill("Content")
        await page.get_by_test_id("closing-feeling-submit").click()
        await expect(page.get_by_test_id("closing-feeling-status")).to_have_text(
            "Réponse enregistrée.", timeout=WAIT_MS
        )
        await cockpit.get_by_test_id("next-steps-input").fill("Rédiger les fiches")
        await cockpit.get_by_test_id("next-steps-save").click()
        await expect(cockpit.get_by_test_id("next-steps-state")).to_have_text(
            "Prochaines étapes enregistrées.", timeout=WAIT_MS
        )
        for p in (page, cockpit):
            await p.get_by_role("button", name="English").click()
        await expect(page.get_by_test_id("closing-feeling-status")).to_have_text("Answer saved.", timeout=WAIT_MS)
        en = json.loads((Path(__file__).parents[2] / "frontend/i18n/en.json").read_text())
        await expect(cockpit.get_by_test_id("next-steps-state")).to_have_text(
            en["panel"]["conclusion"]["saved"], timeout=WAIT_MS
        )
        await expect(results).to_contain_text("(You)", timeout=WAIT_MS)
    finally:
        await fac.close()
        await context.close()
        await cockpit_context.close()


async def test_spotlight_and_present_buttons_say_their_visible_label(
    shared_server: ServerProcess, browser: Any
) -> None:
    """axe's label-content-name-mismatch (WCAG 2.5.3) on the cockpit's spotlight and present buttons."""
    board, fac, context, _, _ = await _phone(browser, shared_server)
    cockpit_context, cockpit = await _cockpit(browser, shared_server, board)
    try:
        await _do(fac, "phase.set", {"phase": "convergence"})
        await _do(fac, "note.add", {"text": "Un bus numérique"})
        note = next(iter(fac.state["notes"]))
        await _do(fac, "solution.retain", {"note_id": note})
        await _do(fac, "subgroups.split", {"count": 1, "mode": "random"})
        await _do(fac, "phase.set", {"phase": "sharing"})
        buttons = cockpit.locator("[data-testid=spotlight], button[aria-label]")
        await buttons.first.wait_for(state="attached", timeout=WAIT_MS)
        await cockpit.wait_for_timeout(300)
        checked = 0
        for button in await buttons.all():
            if not await button.is_visible():
                continue
            label = await button.get_attribute("aria-label")
            visible = (await button.inner_text()).strip()
            if label and visible:
                checked += 1
                assert label.lower().startswith(visible.lower()), f"{label!r} does not contain {visible!r}"
        assert checked >= 2
    finally:
        await fac.close()
        await context.close()
        await cockpit_context.close()


async def test_the_phone_s_ungrouped_notes_can_be_scrolled_by_keyboard(
    shared_server: ServerProcess, browser: Any
) -> None:
    from playwright.async_api import expect

    _, fac, context, page, _ = await _phone(browser, shared_server)
    try:
        await _do(fac, "phase.set", {"phase": "convergence"})
        for k in range(25):
            await _do(fac, "note.add", {"text": f"Proposition {k + 1} à regrouper avec les autres"})
        await page.get_by_test_id("fold-grouping").click()
        pool = page.get_by_test_id("ungrouped").locator("ul")
        await expect(pool).to_be_visible(timeout=WAIT_MS)
        assert await pool.evaluate("(el) => el.scrollHeight > el.clientHeight"), "the list should scroll here"
        assert await pool.get_attribute("tabindex") == "0"
        violations = await axe_violations(page)
        assert not [v for v in violations if v.startswith("scrollable-region-focusable")], violations
    finally:
        await fac.close()
        await context.close()
