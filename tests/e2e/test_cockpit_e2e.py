"""The facilitator's cockpit in real Chromium through a scripted 12-person workshop: one screen in
every phase (1366×768 and 1440×900), every control of the phase reachable with Tab, axe-clean tabs,
screenshots to look at; and the facilitator link taken to a second, empty browser."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets
from playwright.async_api import Page, expect

from tests.e2e.look import axe_violations, screenshot
from tests.support.client import Participant, create_board, join_board

pytestmark = pytest.mark.asyncio

SIZES = [(1366, 768), (1440, 900)]
PHASES = ["intro", "presentation", "inspiration", "divergence", "convergence", "sharing", "conclusion"]
ORGS = ["commune", "ccas", "library", "association", "mediation", "france_services"]
NAMES = ["Alice", "Bruno", "Chloé", "Driss", "Emma", "Farid", "Gaëlle", "Hugo", "Inès", "Jules", "Katia", "Léo"]
IDEAS = [
    "Un bus numérique itinérant",
    "Des permanences en mairie",
    "Former les agents d'accueil",
    "Un annuaire des lieux de médiation",
    "Des ateliers au marché du samedi",
]
CLOSING = ["feeling", "difficulty", "learning", "takeaway"]


async def _until(check: Any, what: str, timeout: float = 10) -> None:
    async def loop() -> None:
        while not check():
            await asyncio.sleep(0.02)

    try:
        await asyncio.wait_for(loop(), timeout)
    except TimeoutError:
        pytest.fail(f"never happened: {what}")


class Workshop:
    """A facilitator's socket and twelve participants' sockets, each phase's work done over the wire."""

    def __init__(self, base: str, ws: str) -> None:
        self.base, self.ws = base, ws
        self.code = ""
        self.token = ""
        self.facilitator: Participant | None = None
        self.people: list[Participant] = []

    async def start(self) -> Workshop:
        board = await create_board(self.base, "Aller vers les publics éloignés")
        self.code, self.token = board["code"], board["facilitator_token"]
        self.facilitator = await Participant(self.ws, self.code, self.token).connect()
        # Prepared as the guide advises: a goal, some context, a link, two proposals to react to.
        await self.do("board.configure", {
            "goal": "Trouver trois actions pour aller au-devant des habitants éloignés du numérique.",
            "context": "Le diagnostic territorial montre des zones rurales sans lieu de médiation.",
            "links": [{"url": "https://example.org/diagnostic", "title": "Diagnostic territorial"}],
        })
        for text in ("Un conseiller numérique itinérant", "Une permanence France Services au marché"):
            await self.do("note.add", {"text": text, "color": "green"})
        for i, name in enumerate(NAMES):
            joined = await join_board(self.base, self.code, name, ORGS[i % len(ORGS)])
            self.people.append(await Participant(self.ws, self.code, joined["token"]).connect())
        await self.settle()
        return self

    @property
    def state(self) -> dict[str, Any]:
        assert self.facilitator and self.facilitator.state
        return self.facilitator.state

    async def settle(self) -> None:
        """Wait until every socket has folded everything committed so far."""
        assert self.facilitator
        head = (await self._head())
        for client in [self.facilitator, *self.people]:
            await client.wait_seq(head)

    async def _head(self) -> int:
        async with httpx.AsyncClient(base_url=self.base) as http:
            r = await http.get(f"/api/boards/{self.code}", headers={"Authorization": f"Bearer {self.token}"})
            return r.json()["seq"]

    async def do(self, name: str, args: dict[str, Any] | None = None) -> None:
        assert self.facilitator
        await self.facilitator.wait_seq(await self.facilitator.ok(name, args))

    async def work(self, phase: str) -> None:
        """What the room does in `phase` (the phase itself is set from the cockpit)."""
        assert self.facilitator
        if phase == "inspiration":
            await self.do("personas.deal")
            for p in self.people[:6]:
                await p.ok("note.add", {"text": f"Constat de {NAMES[self.people.index(p)]}", "color": "blue"})
        elif phase == "divergence":
            for i, p in enumerate(self.people):
                for j in range(5):
                    await p.ok("note.add", {"text": f"{IDEAS[j]} ({NAMES[i]})"})
        elif phase == "convergence":
            await self.do("notes.reveal")
            await self.settle()
            # Each presents one of their ideas.
            mine = {p.you["id"]: p for p in self.people}
            presented: set[str] = set()
            for note in list(self.state["notes"].values()):
                author = note.get("author") or ""
                if author in mine and author not in presented:
                    presented.add(author)
                    await mine[author].ok("note.present", {"id": note["id"]})
            ideas = sorted(self.state["notes"].values(), key=lambda n: n["created_ms"])
            by_idea: dict[int, list[str]] = {}
            for note in ideas:
                for k, idea in enumerate(IDEAS):
                    if note["text"].startswith(idea):
                        by_idea.setdefault(k, []).append(note["id"])
            await self.people[0].ok("group.create", {"title": "Aller au-devant", "note_ids": by_idea[0][:6]})
            await self.people[1].ok("group.create", {"title": "Accueil en mairie", "note_ids": by_idea[1][:6]})
            await self.settle()
            groups = list(self.state["groups"].values())
            for i, p in enumerate(self.people):
                await p.ok("vote.add", {"group_id": groups[i % 2]["id"]})
                await p.ok("vote.add", {"note_id": by_idea[2][i % len(by_idea[2])]})
            await self.do("votes.reveal", {"revealed": True})
            await self.do("solution.retain", {"group_id": groups[0]["id"]})
            await self.do("solution.retain", {"group_id": groups[1]["id"]})
            await self.do("solution.retain", {"note_id": by_idea[2][0]})
            await self.do("subgroups.split", {"count": 3, "mode": "random"})
            await self.settle()
            for sheet in self.state["sheets"].values():
                version = sheet["fields"]["objectives"]["version"]
                args = {"sheet_id": sheet["id"], "field": "objectives", "text": "Toucher les publics isolés"}
                await self.do("sheet.edit", {**args, "base_version": version})
        elif phase == "sharing":
            subgroups = sorted(self.state["subgroups"].values(), key=lambda g: g["name"])
            await self.do("sharing.present", {"subgroup_id": subgroups[0]["id"]})
            sheet_id = next(iter(self.state["sheets"]))
            for i, p in enumerate(self.people[:9]):
                kind = ["for", "against", "suggestion"][i % 3]
                await p.ok("remark.add", {"sheet_id": sheet_id, "kind": kind, "text": f"Remarque {i + 1}"})
        elif phase == "conclusion":
            for i, p in enumerate(self.people):
                await p.ok("closing.answer", {"question": CLOSING[i % 4], "text": f"Réponse de {NAMES[i]}"})
        await self.settle()

    async def close(self) -> None:
        for client in [*self.people, *( [self.facilitator] if self.facilitator else [])]:
            await client.close()


async def _cockpit(browser: Any, base: str, code: str, token: str, participant_id: str, size: tuple[int, int]) -> Page:
    context = await browser.new_context(locale="fr-FR", viewport={"width": size[0], "height": size[1]})
    # The facilitator's credential as the home page stores it after creating the board.
    credential = json.dumps({"token": token, "participant_id": participant_id, "role": "facilitator"})
    await context.add_init_script(f"localStorage.setItem('atelier:board:{code}', {json.dumps(credential)})")
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.errors = errors  # type: ignore[attr-defined]
    await page.goto(f"{base}/b/{code}/facilitate")
    await expect(page.get_by_test_id("connection-status")).to_have_attribute("data-status", "connected")
    return page


async def _fits(page: Page, what: str) -> None:
    """The document is no taller (nor wider) than the viewport: nothing to scroll to."""
    size = await page.evaluate(
        "() => ({h: document.documentElement.scrollHeight, w: document.documentElement.scrollWidth,"
        " vh: innerHeight, vw: innerWidth})"
    )
    assert size["h"] <= size["vh"] and size["w"] <= size["vw"], f"{what}: document {size}"


# Every control a facilitator can operate, in the bar and the phase's tools column.
CONTROLS = """
(roots) => {
  const sel = 'button, input, select, textarea, a[href], [tabindex]:not([tabindex="-1"])';
  const out = [];
  let n = 0;
  for (const root of roots.map((s) => document.querySelector(s))) {
    for (const el of root.querySelectorAll(sel)) {
      if (!el.checkVisibility({ checkVisibilityCSS: true }) || el.closest('[hidden]')) continue;
      if (el.disabled || el.tabIndex < 0) continue;
      // A radio group is one tab stop (arrows move inside it): its checked radio stands for it.
      if (el.type === 'radio' && !el.checked) continue;
      el.dataset.probe = String(n++);
      out.push(el.dataset.probe);
    }
  }
  return out;
}
"""


async def _tab_reaches_all(page: Page, what: str) -> None:
    wanted = set(await page.evaluate(CONTROLS, ["#cockpit-bar", "#tabs", "#tools", ".cockpit__live-bar"]))
    assert wanted, what
    # From the top of the page (the skip link is its first stop), as a keyboard user arrives.
    await page.evaluate("() => document.querySelector('.skip-link').focus()")
    reached: set[str] = set()
    for _ in range(len(wanted) + 60):
        await page.keyboard.press("Tab")
        probe = await page.evaluate("() => document.activeElement?.dataset?.probe ?? null")
        if probe is not None:
            reached.add(probe)
        if wanted <= reached:
            return
    missing = await page.evaluate(
        "(ids) => ids.map((id) => { const el = document.querySelector(`[data-probe='${id}']`);"
        " return el.dataset.testid || el.outerHTML.slice(0, 80); })",
        sorted(wanted - reached),
    )
    pytest.fail(f"{what}: Tab never reached {missing}")


async def test_the_cockpit_fits_one_screen_in_every_phase_of_a_twelve_person_workshop(browser, server):
    room = await Workshop(server.url, server.ws_url).start()
    try:
        page = await _cockpit(browser, server.url, room.code, room.token, room.facilitator.you["id"], SIZES[0])
        tabs = ["live", "prep", "people", "access", "exports"]
        for index, phase in enumerate(PHASES):
            if index > 0:
                # "Next phase" says where it goes and for how long, and starts that phase's timer.
                minutes = next(p["minutes"] for p in room.state["board"]["phases"] if p["id"] == phase)
                nxt = page.get_by_test_id("phase-next")
                await expect(nxt).to_contain_text(f"{minutes} min")
                await nxt.click()
                await _until(lambda phase=phase: room.state["board"]["phase"] == phase, f"phase {phase}")
                await _until(lambda: room.state["timer"]["status"] == "running", f"timer of {phase}")
                assert room.state["timer"]["duration"] == minutes * 60
            await room.work(phase)
            await expect(page.get_by_test_id("phase-guide")).to_have_attribute("data-phase", phase)
            await expect(page.locator("#tools")).to_have_attribute("data-phase", phase)
            for width, height in SIZES:
                await page.set_viewport_size({"width": width, "height": height})
                await page.wait_for_timeout(150)
                await screenshot(page, "cockpit", f"{index + 1}-{phase}", f"{width}x{height}")
                await _fits(page, f"{phase} at {width}×{height}")
            await page.set_viewport_size({"width": 1366, "height": 768})
            await _tab_reaches_all(page, phase)
            violations = await axe_violations(page)
            assert violations == [], f"{phase}: {violations}"
            if phase in ("convergence", "conclusion"):
                for tab in tabs[1:]:
                    await page.get_by_test_id(f"tab-{tab}").click()
                    await screenshot(page, "cockpit", f"{index + 1}-{phase}", f"tab-{tab}", "1366x768")
                    await _fits(page, f"tab {tab}")
                    violations = await axe_violations(page)
                    assert violations == [], f"tab {tab} in {phase}: {violations}"
                await page.get_by_test_id("tab-live").click()
        # No control twice: one "next phase", one timer start, one list of organisations.
        for testid in ("phase-next", "timer-start", "organisations", "board-open", "reveal-votes"):
            assert await page.locator(f"[data-testid='{testid}']").count() <= 1, testid
        assert page.errors == [], page.errors  # type: ignore[attr-defined]
    finally:
        await room.close()


async def test_the_tabs_follow_the_aria_tabs_pattern_and_the_preview_shows_what_participants_get(browser, server):
    room = await Workshop(server.url, server.ws_url).start()
    try:
        await room.do("phase.set", {"phase": "divergence"})
        await room.people[0].ok("note.add", {"text": "Une idée encore privée"})
        await room.settle()
        page = await _cockpit(browser, server.url, room.code, room.token, room.facilitator.you["id"], SIZES[0])
        live = page.get_by_test_id("tab-live")
        await expect(live).to_have_attribute("aria-selected", "true")
        await live.focus()
        await page.keyboard.press("ArrowRight")
        prep = page.get_by_test_id("tab-prep")
        await expect(prep).to_be_focused()
        await expect(prep).to_have_attribute("aria-selected", "true")
        await expect(page.get_by_test_id("prep")).to_be_visible()
        await page.keyboard.press("End")
        await expect(page.get_by_test_id("tab-exports")).to_have_attribute("aria-selected", "true")
        await page.keyboard.press("Home")
        await expect(live).to_have_attribute("aria-selected", "true")
        # One tab stop for the whole list: Tab from the selected tab leaves the list.
        await page.keyboard.press("Tab")
        assert await page.evaluate("() => document.activeElement?.getAttribute('role')") != "tab"

        # The facilitator sees the private note; the preview, as the server sends it to others, does not.
        wall = page.locator("#notes")
        await expect(wall.get_by_test_id("note").filter(has_text="Une idée encore privée")).to_have_count(1)
        await page.get_by_test_id("preview-toggle").click()
        preview = page.get_by_test_id("participant-preview")
        await expect(preview).to_be_visible()
        # The two proposals prepared ahead, not the private note.
        await expect(page.get_by_test_id("preview-status")).to_contain_text("2 notes")
        await expect(preview.get_by_test_id("note")).to_have_count(2)
        await expect(preview.get_by_test_id("note").filter(has_text="Une idée encore privée")).to_have_count(0)
        await expect(wall).to_be_hidden()
        await room.do("notes.reveal")
        seen = preview.get_by_test_id("note").filter(has_text="Une idée encore privée")
        await expect(seen).to_have_count(1)
        # Anonymous: the participant is not told who wrote it (the cockpit is: Alice).
        await expect(wall.get_by_test_id("note").filter(has_text="Une idée encore privée")).to_contain_text("Alice")
        await expect(seen).not_to_contain_text("Alice")
        await _fits(page, "preview")
        await screenshot(page, "cockpit", "preview", "1366x768")
        assert await axe_violations(page) == []
        await page.get_by_test_id("preview-toggle").click()
        await expect(wall).to_be_visible()

        # In English too, one screen.
        await page.get_by_test_id("lang-en").click()
        await expect(page.get_by_test_id("tab-live")).to_have_text("Facilitation")
        await expect(page.get_by_test_id("phase-next")).to_contain_text("Go to Convergence")
        await _fits(page, "English")
        await screenshot(page, "cockpit", "english", "1366x768")
        assert await axe_violations(page) == []

        # Narrow (a phone, or a 400 % zoom): one ordinary page that reflows, nothing wider than the screen.
        await page.set_viewport_size({"width": 320, "height": 720})
        await page.wait_for_timeout(150)
        await screenshot(page, "cockpit", "reflow", "320")
        width = await page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, width
    finally:
        await room.close()


async def test_a_facilitator_link_runs_the_cockpit_from_an_empty_browser_until_it_is_revoked(browser, server):
    board = await create_board(server.url, "Atelier au bureau")
    code, token = board["code"], board["facilitator_token"]
    office = await _cockpit(browser, server.url, code, token, board["participant_id"], SIZES[0])
    await office.get_by_test_id("tab-access").click()
    await office.get_by_test_id("facilitator-link-create").click()
    url = office.get_by_test_id("facilitator-link-url")
    await expect(url).not_to_have_value("")
    link = await url.input_value()
    assert link.startswith(f"{server.url}/b/{code}/facilitate#k=")
    assert "?" not in link
    await expect(office.get_by_test_id("facilitator-link-qr")).to_be_visible()
    await expect(office.get_by_test_id("facilitator-links-count")).to_have_attribute("data-count", "1")
    await screenshot(office, "cockpit", "facilitator-link", "1366x768")
    await _fits(office, "access tab with a link")
    assert await axe_violations(office) == []
    secret = link.split("#k=", 1)[1]

    # The laptop in the room: a browser that never saw this board.
    laptop_context = await browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 768})
    laptop = await laptop_context.new_page()
    await laptop.goto(link)
    await expect(laptop.get_by_test_id("connection-status")).to_have_attribute("data-status", "connected")
    assert "#k=" not in laptop.url  # the secret left the address bar at once
    stored = await laptop.evaluate(f"JSON.parse(localStorage.getItem('atelier:board:{code}'))")
    assert stored["token"] == secret and stored["role"] == "facilitator"
    await laptop.get_by_test_id("phase-next").click()
    await expect(office.get_by_test_id("phase-guide")).to_have_attribute("data-phase", "presentation")
    # It is the same cockpit after a reload, from the stored credential alone.
    await laptop.reload()
    await expect(laptop.get_by_test_id("phase-guide")).to_have_attribute("data-phase", "presentation")

    # A socket opened with the link's secret acts as the facilitator who made it.
    wire = await Participant(server.ws_url, code, secret).connect()
    assert wire.you["id"] == board["participant_id"] and wire.you["role"] == "facilitator"

    # Revoked from the office: the laptop's socket is closed and the secret no longer opens anything.
    revoke = office.get_by_test_id("facilitator-link-revoke")
    await revoke.click()
    await revoke.click()  # a destructive button asks to be pressed twice
    await expect(office.get_by_test_id("facilitator-links-count")).to_have_attribute("data-count", "0")
    await expect(laptop.get_by_test_id("connection-status")).to_have_attribute("data-status", "offline", timeout=10_000)
    await expect(laptop.locator("#notice")).to_contain_text("révoqué")
    await screenshot(laptop, "cockpit", "facilitator-link-revoked", "1366x768")
    async with httpx.AsyncClient(base_url=server.url) as http:
        r = await http.get(f"/api/boards/{code}", headers={"Authorization": f"Bearer {secret}"})
        assert r.status_code == 401
    await asyncio.wait_for(wire.closed.wait(), 10)
    with pytest.raises((AssertionError, websockets.ConnectionClosed)):  # an error frame, then 1008
        await Participant(server.ws_url, code, secret).connect()
    await laptop.goto(link)
    await expect(laptop.locator("#notice")).to_be_visible()
    # The office's own credential still works.
    await expect(office.get_by_test_id("connection-status")).to_have_attribute("data-status", "connected")
    await laptop_context.close()


async def test_a_co_facilitator_is_invited_by_a_link_and_loses_the_cockpit_when_demoted(browser, server):
    board = await create_board(server.url, "Atelier à deux voix")
    code, token = board["code"], board["facilitator_token"]
    office = await _cockpit(browser, server.url, code, token, board["participant_id"], SIZES[0])
    await office.get_by_test_id("tab-access").click()
    await office.get_by_test_id("invite-create").click()
    await expect(office.get_by_test_id("invite-name")).to_be_focused()  # a name is needed first
    await office.get_by_test_id("invite-name").fill("Nadia")
    await office.get_by_test_id("invite-create").click()
    url = office.get_by_test_id("invite-url")
    await expect(url).not_to_have_value("")
    link = await url.input_value()
    assert link.startswith(f"{server.url}/b/{code}/facilitate#k=") and "?" not in link
    await expect(office.get_by_test_id("invite-qr")).to_be_visible()
    assert await axe_violations(office) == []

    context = await browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 768})
    other = await context.new_page()
    await other.goto(link)
    await expect(other.get_by_test_id("connection-status")).to_have_attribute("data-status", "connected")
    assert "#k=" not in other.url
    stored = await other.evaluate(f"JSON.parse(localStorage.getItem('atelier:board:{code}'))")
    assert stored["role"] == "co_facilitator" and stored["participant_id"]
    await other.get_by_test_id("phase-next").click()
    await expect(office.get_by_test_id("phase-guide")).to_have_attribute("data-phase", "presentation")
    # Her own access: she does not hand co-facilitation on.
    await other.get_by_test_id("tab-access").click()
    await expect(other.get_by_test_id("invite-create")).to_be_hidden()

    # The facilitator takes it back: her cockpit closes (she stays a participant of the board).
    await office.get_by_test_id("tab-people").click()
    row = office.get_by_test_id("participant").filter(has_text="Nadia")
    await row.get_by_test_id("participant-promote").click()
    await expect(other.locator("#notice")).to_be_visible(timeout=10_000)
    await expect(other.locator("#notice")).to_contain_text("réservé")
    await context.close()
