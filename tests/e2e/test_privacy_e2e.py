"""The privacy notice in real Chromium: both languages, the deployer's settings shown as text, axe-clean,
linked from the home page and the join form; the cockpit shows the erasure date and changes it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.e2e.look import axe_violations, screenshot
from tests.support.client import fetch_state, join_board
from tests.support.server import ServerProcess

LEGAL = "Mairie de Saint-Exemple\n<script>alert('x')</script> <b>pas du HTML</b>\nHébergeur : exemple"


@pytest.fixture
def noticed(tmp_path: Path) -> Iterator[ServerProcess]:
    legal = tmp_path / "mentions.txt"
    legal.write_text(LEGAL, encoding="utf-8")
    env = {
        "ATELIER_CONTROLLER_NAME": "Commune de Saint-Exemple",
        "ATELIER_CONTROLLER_CONTACT": "dpo@saint-exemple.fr",
        "ATELIER_LEGAL_NOTICE_FILE": str(legal),
        "ATELIER_RETENTION_DAYS": "90",
    }
    proc = ServerProcess(tmp_path / "data", env=env).start(timeout=180)
    try:
        yield proc
    finally:
        proc.stop()


async def _page(browser, lang: str, width: int, height: int) -> Page:  # type: ignore[no-untyped-def]
    locale = "fr-FR" if lang == "fr" else "en-GB"
    context = await browser.new_context(locale=locale, viewport={"width": width, "height": height})
    await context.add_init_script(f"localStorage.setItem('atelier:lang', '{lang}')")
    return await context.new_page()


async def _fits(page: Page) -> None:
    overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{overflow}px of horizontal scroll"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", ("Vos données personnelles", "90 jours", "Faire effacer")),
        ("en", ("Your personal data", "90 days", "erased")),
    ],
)
async def test_the_privacy_notice_in_both_languages(browser, noticed, lang, expected) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    dialogs: list[str] = []
    for width, height in ((1366, 768), (390, 844), (320, 700)):
        page = await _page(browser, lang, width, height)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("dialog", lambda d: dialogs.append(d.message))
        await page.goto(f"{noticed.url}/privacy")
        main = page.get_by_test_id("privacy")
        for text in expected:
            await expect(main).to_contain_text(text)
        await expect(page.get_by_test_id("privacy-controller-name")).to_have_text("Commune de Saint-Exemple")
        await expect(page.get_by_test_id("privacy-controller-contact")).to_have_text("dpo@saint-exemple.fr")
        legal = page.get_by_test_id("privacy-legal")
        await expect(legal).to_contain_text("<script>alert('x')</script>")  # shown as text, never run
        assert await legal.locator("script, b").count() == 0 and not dialogs
        assert await page.evaluate("document.documentElement.lang") == lang
        await _fits(page)
        await screenshot(page, "privacy", lang, f"{width}x{height}")
        assert await axe_violations(page) == []
        assert not errors
        await page.context.close()


async def test_the_notice_is_linked_from_home_and_join_form_and_the_cockpit_shows_the_date(browser, noticed) -> None:  # type: ignore[no-untyped-def]
    page = await _page(browser, "fr", 390, 844)
    await page.goto(noticed.url)
    await expect(page.get_by_test_id("home-privacy-link")).to_have_attribute("href", "/privacy")
    async with httpx.AsyncClient(base_url=noticed.url) as http:
        created = (await http.post("/api/boards", json={"title": "Aller vers"})).json()
    await page.goto(f"{noticed.url}/b/{created['code']}")
    await expect(page.get_by_text("Un prénom ou un pseudonyme suffit.")).to_be_visible()
    await _fits(page)
    await screenshot(page, "join-form-privacy", "390x844")
    assert await axe_violations(page) == []
    narrow = await _page(browser, "en", 320, 700)
    await narrow.goto(f"{noticed.url}/b/{created['code']}")
    await expect(narrow.get_by_text("A first name or a pseudonym is enough.")).to_be_visible()
    await _fits(narrow)
    await screenshot(narrow, "join-form-privacy", "en", "320x700")
    assert await axe_violations(narrow) == []
    await page.get_by_test_id("join-privacy-link").click()
    await page.wait_for_url(re.compile(r"/privacy$"))
    await expect(page.get_by_test_id("privacy")).to_contain_text("Vos données personnelles")

    # The cockpit: the erasure date, then one the facilitator chooses.
    cockpit = await _page(browser, "fr", 1366, 768)
    await cockpit.goto(noticed.url)
    await cockpit.evaluate(
        "([code, token, pid]) => localStorage.setItem(`atelier:board:${code}`,"
        " JSON.stringify({token, participant_id: pid, role: 'facilitator'}))",
        [created["code"], created["facilitator_token"], created["participant_id"]],
    )
    await cockpit.goto(f"{noticed.url}/b/{created['code']}/facilitate")
    # The erasure date sits with the exports, in the cockpit's exports tab.
    await cockpit.get_by_test_id("tab-exports").click()
    shown = cockpit.get_by_test_id("retention-date")
    await expect(shown).to_be_visible()
    await expect(shown).to_contain_text("Cet atelier sera effacé le")
    await cockpit.get_by_test_id("retention-input").fill("2099-01-01")  # past the maximum: refused
    await cockpit.get_by_test_id("retention-save").click()
    await expect(cockpit.get_by_test_id("alert")).to_contain_text("Choisissez une date entre demain et le")
    async with httpx.AsyncClient(base_url=noticed.url) as http:
        auth = {"Authorization": f"Bearer {created['facilitator_token']}"}
        latest = (await http.get(f"/api/boards/{created['code']}/retention", headers=auth)).json()["latest_ms"]
    day = await cockpit.evaluate("(ms) => new Date(ms - 86400000).toISOString().slice(0, 10)", latest)
    await cockpit.get_by_test_id("retention-input").fill(day)
    await cockpit.get_by_test_id("retention-save").click()
    await expect(cockpit.get_by_test_id("retention-reset")).to_be_visible()
    async with httpx.AsyncClient(base_url=noticed.url) as http:
        now = (await http.get(f"/api/boards/{created['code']}/retention", headers=auth)).json()
    assert now["chosen"] is True and now["erase_at_ms"] <= latest
    await cockpit.get_by_test_id("retention").scroll_into_view_if_needed()
    await screenshot(cockpit, "cockpit-retention", "1366x768")
    # The full backup with the authors is opt-in, beside the erasure date in the exports tab.
    await expect(cockpit.get_by_test_id("export-authors")).to_be_visible()
    await expect(cockpit.get_by_test_id("export-authors")).not_to_be_checked()
    await expect(cockpit.get_by_label("Sauvegarde complète avec les auteurs", exact=False)).to_have_count(1)
    assert await axe_violations(cockpit) == []
    # Erase a person from the cockpit (the people tab, beside who is here): two steps, then their
    # name is gone and their note stays.
    person = await join_board(noticed.url, created["code"], "Josiane Perrin", "ccas")
    await cockpit.get_by_test_id("tab-people").click()
    await expect(cockpit.get_by_test_id("erasure")).to_be_visible()
    await expect(cockpit.get_by_test_id("erase-person").locator("option")).to_have_count(2)
    await cockpit.get_by_test_id("erase-person").select_option(person["participant_id"])
    await cockpit.get_by_test_id("erase-person-submit").click()
    await cockpit.get_by_test_id("erase-person-confirm").click()
    await expect(cockpit.get_by_test_id("erase-person").locator("option", has_text="Josiane")).to_have_count(0)
    state = (await fetch_state(noticed.url, created["code"], created["facilitator_token"]))["state"]
    assert state["participants"][person["participant_id"]]["name"] == "Personne effacée"
    await cockpit.get_by_test_id("erasure").scroll_into_view_if_needed()
    await screenshot(cockpit, "cockpit-erasure", "1366x768")
    assert await axe_violations(cockpit) == []

    # And the whole board (the same erasure section): confirmed, then the cockpit goes home and the board is gone.
    await cockpit.get_by_test_id("erase-board").click()
    await cockpit.get_by_test_id("erase-board-confirm").click()
    await cockpit.wait_for_url(re.compile(r"/$"))
    async with httpx.AsyncClient(base_url=noticed.url) as http:
        gone = await http.get(f"/api/boards/{created['code']}", headers=auth)
    assert gone.status_code == 404

