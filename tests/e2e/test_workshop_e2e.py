"""A workshop in real Chromium: facilitator, two participants and the projector, by keyboard."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.support.client import fetch_state

NOTE = "Un bus numérique itinérant"


async def _join(browser, base: str, code: str, name: str) -> Page:
    context = await browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto(f"{base}/b/{code.lower()}")
    await page.get_by_test_id("join-name").fill(name)
    await page.get_by_test_id("join-name").press("Enter")
    await expect(page.get_by_test_id("connection-status")).to_have_attribute("data-status", "connected")
    return page


async def _set_phase(panel: Page, phase: str) -> None:
    await panel.get_by_test_id("phase-select").select_option(phase)
    await panel.get_by_test_id("phase-apply").press("Enter")


async def test_a_note_reaches_every_screen_and_keyboard_votes_reach_the_projector(browser, server):
    facilitator = await browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    panel = await facilitator.new_page()
    errors: list[str] = []
    panel.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    await panel.goto(server.url)
    await panel.get_by_test_id("create-title").fill("Aller vers les publics")
    await panel.get_by_test_id("create-submit").click()
    await panel.wait_for_url(re.compile(r"/b/[A-Z0-9]{6}/facilitate$"))
    code = panel.url.rstrip("/").split("/")[-2]

    projector = await facilitator.new_page()
    await projector.goto(f"{server.url}/b/{code}/projector")
    await expect(projector.get_by_test_id("room-code").first).to_contain_text(code)

    alice = await _join(browser, server.url, code, "Alice")
    bruno = await _join(browser, server.url, code, "Bruno")

    await _set_phase(panel, "inspiration")
    await expect(alice.get_by_test_id("phase-name")).to_contain_text("Inspiration")
    await alice.get_by_test_id("note-text").fill(NOTE)
    await alice.get_by_test_id("note-text").press("Control+Enter")

    for page in (alice, bruno, panel, projector):
        await expect(page.get_by_test_id("note").filter(has_text=NOTE)).to_have_count(1)
    # Others are told politely; the note is text, never markup.
    await expect(bruno.get_by_test_id("live-region")).not_to_be_empty()

    await _set_phase(panel, "convergence")
    for page in (alice, bruno):
        await expect(page.get_by_test_id("phase-name")).to_contain_text("Convergence")
        vote = page.get_by_test_id("note").filter(has_text=NOTE).get_by_test_id("vote-add")
        await vote.focus()
        await page.keyboard.press("Enter")
        await expect(page.get_by_test_id("votes-left")).to_have_attribute("data-count", "2")

    await panel.get_by_test_id("reveal-votes").focus()
    await panel.keyboard.press("Enter")
    results = projector.get_by_test_id("results")
    await expect(results.locator("li").filter(has_text=NOTE).get_by_test_id("tally")).to_have_attribute(
        "data-count", "2"
    )

    token = await panel.evaluate(f"JSON.parse(localStorage.getItem('atelier:board:{code}')).token")
    state = (await fetch_state(server.url, code, token))["state"]
    (note_id,) = [n["id"] for n in state["notes"].values() if n["text"] == NOTE]
    assert state["votes"] == {note_id: 2}
    assert state["board"]["votes_revealed"] is True
    assert not [e for e in errors if "Content Security Policy" in e]
