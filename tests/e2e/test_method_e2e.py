"""End to end, in real Chromium against a real server: co-editing an action sheet, and grouping notes by keyboard."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import pytest

from tests.support.client import Participant, create_board, fetch_state
from tests.support.server import ServerProcess

pytestmark = pytest.mark.asyncio

WAIT_MS = 10_000  # how long an expectation may wait for the page to catch up (not a speed limit)
PAGE_ERRORS: dict[int, list[str]] = {}  # uncaught script errors, per page


async def _until(check: Callable[[], bool | Awaitable[bool]], what: str, timeout: float = 10) -> None:
    """Wait for something the test cannot await directly (a frame held by the proxy, a folded state)."""

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


async def _join(
    browser: Any, server: ServerProcess, code: str, name: str, route: Callable[..., Any] | None = None
) -> Any:
    """A fresh browser context joins the board through its join form (keyboard only)."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = await context.new_page()
    errors = PAGE_ERRORS.setdefault(id(page), [])
    page.on("pageerror", lambda error: errors.append(str(error)))
    if route is not None:
        await page.route_web_socket("**/ws/**", route)
    await page.goto(f"{server.url}/b/{code}")
    await page.get_by_test_id("join-name").fill(name)
    await page.get_by_test_id("join-name").press("Enter")
    await page.get_by_test_id("phase-name").wait_for()
    return page


async def _do(client: Participant, name: str, args: dict[str, Any] | None = None) -> None:
    """Send a command and wait until its event is folded into the client's state (the ack may come first)."""
    await client.wait_seq(await client.ok(name, args))


def _participant_id(facilitator: Participant, name: str) -> str:
    assert facilitator.state is not None
    return next(p["id"] for p in facilitator.state["participants"].values() if p["name"] == name)


async def test_a_sub_group_co_edits_a_sheet_and_sees_each_others_edits_live(
    server: ServerProcess, browser: Any
) -> None:
    from playwright.async_api import expect

    board = await create_board(server.url, "Atelier co-rédaction")
    code = board["code"]
    facilitator = await Participant(server.ws_url, code, board["facilitator_token"]).connect()

    # Bob's socket goes through a proxy that can hold his edits of one field, so that Alice's edit of
    # the same field lands first, deterministically: the concurrent edit the conflict panel is for.
    hold = {"on": False}
    held: list[str] = []
    held_event = asyncio.Event()
    bob_server: dict[str, Any] = {}

    def bob_route(ws: Any) -> None:
        upstream = ws.connect_to_server()
        bob_server["ws"] = upstream

        def from_page(message: str | bytes) -> None:
            frame = orjson.loads(message)
            if hold["on"] and frame.get("name") == "sheet.edit" and frame["args"].get("field") == "description":
                held.append(message if isinstance(message, str) else message.decode())
                held_event.set()
                return
            upstream.send(message)

        ws.on_message(from_page)

    alice = await _join(browser, server, code, "Alice")
    bob = await _join(browser, server, code, "Bob", route=bob_route)
    await _until(lambda: len(facilitator.state["participants"]) == 3, "both joined")

    # A retained solution, held by a sub-group of two: Alice and Bob.
    await _do(facilitator, "phase.set", {"phase": "convergence"})
    await _do(facilitator, "note.add", {"text": "Un bus numérique itinérant"})
    note_id = next(iter(facilitator.state["notes"]))
    await _do(facilitator, "solution.retain", {"note_id": note_id})
    await _do(facilitator, "subgroups.split", {"count": 1, "mode": "manual"})
    subgroup_id = next(iter(facilitator.state["subgroups"]))
    for name in ("Alice", "Bob"):
        member = _participant_id(facilitator, name)
        await _do(facilitator, "subgroup.assign", {"participant_id": member, "subgroup_id": subgroup_id})
    sheet_id = next(iter(facilitator.state["sheets"]))

    def description() -> str:
        return facilitator.state["sheets"][sheet_id]["fields"]["description"]["text"]

    for page in (alice, bob):
        await expect(page.get_by_test_id("my-subgroup")).to_contain_text("Un bus numérique itinérant", timeout=WAIT_MS)
        await expect(page.get_by_test_id("sheet-sources")).to_contain_text("Un bus numérique itinérant")

    # Each types in a different field; each sees the other's text appear, with who wrote it.
    await alice.get_by_test_id("sheet-objectives").fill("Aller au-devant des habitants isolés")
    await alice.get_by_test_id("sheet-objectives").press("Tab")  # leaving the field saves it at once
    await bob.get_by_test_id("sheet-lead").click()
    await bob.keyboard.type("CCAS de la ville")  # saved when Bob pauses typing
    objectives = "Aller au-devant des habitants isolés"
    await expect(bob.get_by_test_id("sheet-objectives")).to_have_value(objectives, timeout=WAIT_MS)
    await expect(alice.get_by_test_id("sheet-lead")).to_have_value("CCAS de la ville", timeout=WAIT_MS)
    await expect(alice.get_by_test_id("sheet-field-lead").get_by_test_id("sheet-field-by")).to_contain_text("Bob")
    await expect(bob.get_by_test_id("sheet-field-objectives").get_by_test_id("sheet-field-by")).to_contain_text("Alice")
    await expect(alice.get_by_test_id("sheet-completeness")).to_have_text("2/8 champs remplis", timeout=WAIT_MS)
    state = (await fetch_state(server.url, code, board["facilitator_token"]))["state"]
    fields = state["sheets"][sheet_id]["fields"]
    assert fields["objectives"]["text"] == objectives
    assert fields["lead"]["text"] == "CCAS de la ville"

    # Both write the description at the same time: Bob's save is held on its way, Alice's lands.
    hold["on"] = True
    await bob.get_by_test_id("sheet-description").click()
    await bob.keyboard.type("Un véhicule équipé qui passe chaque semaine")  # held on its way
    await asyncio.wait_for(held_event.wait(), 10)
    await alice.get_by_test_id("sheet-description").fill("Des permanences dans les mairies")
    await alice.get_by_test_id("sheet-description").press("Tab")
    await _until(lambda: description() == "Des permanences dans les mairies", "Alice's description saved")

    # Bob sees both versions; his text is still his, nothing was overwritten.
    conflict = bob.get_by_test_id("sheet-field-description").get_by_test_id("sheet-conflict")
    await expect(conflict).to_be_visible(timeout=WAIT_MS)
    await expect(conflict.get_by_test_id("sheet-conflict-theirs")).to_have_text("Des permanences dans les mairies")
    bobs = "Un véhicule équipé qui passe chaque semaine"
    await expect(conflict.get_by_test_id("sheet-conflict-mine")).to_have_text(bobs)
    await expect(conflict.get_by_test_id("sheet-conflict-title")).to_contain_text("Alice")
    await expect(bob.get_by_test_id("sheet-description")).to_have_value(bobs)
    await expect(bob.get_by_test_id("live-region")).to_contain_text("Alice a modifié le champ Description")
    await expect(alice.get_by_test_id("sheet-field-description").get_by_test_id("sheet-conflict")).to_be_hidden()

    # The held save now reaches the server, based on the old version: refused, nothing overwritten.
    hold["on"] = False
    for message in held:
        bob_server["ws"].send(message)
    await expect(conflict.get_by_test_id("sheet-keep-mine")).to_be_enabled(timeout=WAIT_MS)
    state = (await fetch_state(server.url, code, board["facilitator_token"]))["state"]
    assert state["sheets"][sheet_id]["fields"]["description"]["text"] == "Des permanences dans les mairies"

    # Bob merges both texts in his field, then keeps his version: everyone sees the merge.
    merged = "Des permanences dans les mairies, et un véhicule équipé qui passe chaque semaine"
    await bob.get_by_test_id("sheet-description").fill(merged)
    await expect(conflict.get_by_test_id("sheet-conflict-mine")).to_have_text(merged)
    await conflict.get_by_test_id("sheet-keep-mine").click()
    await expect(conflict).to_be_hidden(timeout=WAIT_MS)
    await expect(alice.get_by_test_id("sheet-description")).to_have_value(merged, timeout=WAIT_MS)
    await _until(lambda: description() == merged, "merge saved")
    state = (await fetch_state(server.url, code, board["facilitator_token"]))["state"]
    fields = state["sheets"][sheet_id]["fields"]
    assert fields["description"]["by"] == _participant_id(facilitator, "Bob")
    assert fields["objectives"]["text"] == "Aller au-devant des habitants isolés"
    assert fields["lead"]["text"] == "CCAS de la ville"

    assert PAGE_ERRORS[id(alice)] == [] and PAGE_ERRORS[id(bob)] == []
    await facilitator.close()


async def _tab_to(page: Any, selector: str, limit: int = 300) -> None:
    """Press Tab (only Tab) until the focus is on `selector`."""
    for _ in range(limit):
        if await page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        await page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {selector}")


async def test_keyboard_only_grouping_works(server: ServerProcess, browser: Any) -> None:
    from playwright.async_api import expect

    board = await create_board(server.url, "Atelier regroupement")
    code = board["code"]
    facilitator = await Participant(server.ws_url, code, board["facilitator_token"]).connect()
    await _do(facilitator, "phase.set", {"phase": "convergence"})
    texts = ["Un bus numérique", "Des permanences en mairie", "Former les agents d'accueil"]
    for text in texts:
        await _do(facilitator, "note.add", {"text": text})
    ids = {note["text"]: note["id"] for note in facilitator.state["notes"].values()}

    page = await _join(browser, server, code, "Alice")
    # Grouping is folded on the participant's page (the dots come first): open it, by keyboard too.
    await page.get_by_test_id("fold-grouping").wait_for(timeout=WAIT_MS)
    await _tab_to(page, '[data-testid="fold-grouping"]')
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("grouping")).to_be_visible(timeout=WAIT_MS)

    def select_button(text: str) -> str:
        return f'[data-testid="note"][data-key="{ids[text]}"] [data-testid="note-select"]'

    # Select two notes: Tab to each "Sélectionner", one with Space, the other with Enter.
    await _tab_to(page, select_button(texts[0]))
    await page.keyboard.press("Space")
    await expect(page.locator(select_button(texts[0]))).to_have_attribute("aria-pressed", "true")
    await _tab_to(page, select_button(texts[1]))
    await page.keyboard.press("Enter")
    await expect(page.locator(select_button(texts[1]))).to_have_attribute("aria-pressed", "true")
    await expect(page.get_by_test_id("selection-count")).to_have_text("2 notes sélectionnées")

    # "Nouveau groupe…": Tab back round to the title field, type, Enter.
    await _tab_to(page, '[data-testid="group-title"]')
    await page.keyboard.type("Aller vers les publics")
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("group")).to_have_count(1, timeout=WAIT_MS)
    await expect(page.get_by_test_id("group-name")).to_have_text("Aller vers les publics")
    await expect(page.get_by_test_id("selection-count")).to_have_text("0 note sélectionnée")
    state = (await fetch_state(server.url, code, board["facilitator_token"]))["state"]
    (group,) = state["groups"].values()
    assert group["title"] == "Aller vers les publics"
    assert group["note_ids"] == [ids[texts[0]], ids[texts[1]]]  # in the order they were selected

    # Add the third note to it: select it, Tab to "Ajouter au groupe", Enter.
    await _tab_to(page, select_button(texts[2]))
    await page.keyboard.press("Space")
    await _tab_to(page, '[data-testid="group-add"]')
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("group").get_by_test_id("group-note")).to_have_count(3, timeout=WAIT_MS)
    tag = page.locator(f'[data-testid="note"][data-key="{ids[texts[2]]}"] [data-testid="note-group"]')
    await expect(tag).to_contain_text("Aller vers les publics")
    state = (await fetch_state(server.url, code, board["facilitator_token"]))["state"]
    assert state["groups"][group["id"]]["note_ids"] == [ids[texts[0]], ids[texts[1]], ids[texts[2]]]
    assert all(state["notes"][nid]["group"] == group["id"] for nid in ids.values())

    # And take one out again, still by keyboard.
    remove = f'[data-testid="group-note"][data-key="{ids[texts[1]]}"] [data-testid="group-remove-note"]'
    await _tab_to(page, remove)
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("group").get_by_test_id("group-note")).to_have_count(2, timeout=WAIT_MS)
    state = (await fetch_state(server.url, code, board["facilitator_token"]))["state"]
    assert ids[texts[1]] not in state["groups"][group["id"]]["note_ids"]
    assert state["notes"][ids[texts[1]]]["group"] is None

    assert PAGE_ERRORS[id(page)] == []
    await facilitator.close()
