"""In real Chromium a facilitator removes a participant from the cockpit and closes the door."""

from __future__ import annotations

import asyncio
import re

import httpx
from playwright.async_api import expect

from tests.e2e.look import axe_violations, screenshot
from tests.support.client import Participant, join_board


async def test_a_facilitator_removes_someone_and_closes_joining(browser, server):
    context = await browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 768})
    panel = await context.new_page()
    problems: list[str] = []
    panel.on("pageerror", lambda exc: problems.append(str(exc)))
    await panel.goto(server.url)
    await panel.get_by_test_id("create-title").fill("Atelier modéré")
    await panel.get_by_test_id("create-submit").click()
    await panel.wait_for_url(re.compile(r"/b/[A-Z0-9]{6}/facilitate$"))
    code = panel.url.rstrip("/").split("/")[-2]

    troll = await join_board(server.url, code, "Troll")
    awa = await join_board(server.url, code, "Awa")
    troll_socket = await Participant(server.ws_url, code, troll["token"]).connect()
    awa_socket = await Participant(server.ws_url, code, awa["token"]).connect()
    # Who is here, with the remove buttons and the door, lives in the cockpit's people tab.
    await panel.get_by_test_id("tab-people").click()
    await expect(panel.get_by_test_id("participants")).to_be_visible()
    people = panel.get_by_test_id("participant")
    await expect(people).to_have_count(3)
    await expect(panel.get_by_test_id("joining-state")).to_contain_text("ouvertes")
    await expect(panel.get_by_test_id("participant-remove")).to_have_count(2)  # never the facilitator
    await screenshot(panel, "cockpit", "participants", "1366x768")
    assert await axe_violations(panel) == []

    # Removing asks first; cancelled, nothing happens.
    remove = panel.get_by_role("button", name="Retirer Troll du tableau")
    panel.once("dialog", lambda dialog: asyncio.ensure_future(dialog.dismiss()))
    await remove.click()
    await expect(people).to_have_count(3)
    panel.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await remove.click()
    await expect(people).to_have_count(2)
    await expect(people.filter(has_text="Troll")).to_have_count(0)
    await asyncio.wait_for(troll_socket.closed.wait(), 10)
    assert troll_socket.close_code == 1008

    # Closing the door: the state says so, a newcomer is refused, Awa stays in.
    await panel.get_by_test_id("joining-toggle").click()
    await expect(panel.get_by_test_id("joining-state")).to_contain_text("fermées")
    await expect(panel.get_by_test_id("joining-toggle")).to_have_text("Rouvrir les inscriptions")
    async with httpx.AsyncClient(base_url=server.url) as http:
        late = await http.post(f"/api/boards/{code}/join", json={"name": "Trop tard"})
    assert late.status_code == 403 and late.json()["error"]["code"] == "joining_closed"
    # Someone arriving with the code on a phone is told, in words, that the door is closed.
    phone = await browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    arriving = await phone.new_page()
    await arriving.goto(f"{server.url}/b/{code}")
    await arriving.get_by_test_id("join-name").fill("Retardataire")
    await arriving.get_by_test_id("join-submit").click()
    await expect(arriving.get_by_text("n'accepte plus de nouveaux participants")).to_be_visible()
    await screenshot(arriving, "join", "closed", "390x844")
    assert await axe_violations(arriving) == []
    await phone.close()
    await screenshot(panel, "cockpit", "participants-closed", "1366x768")
    assert await axe_violations(panel) == []
    assert not awa_socket.closed.is_set()
    await awa_socket.ok("participant.done", {"done": True})
    assert problems == []
    await awa_socket.close()
    await context.close()
