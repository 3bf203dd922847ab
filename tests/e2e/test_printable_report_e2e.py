"""In real Chromium, under the server's Content Security Policy, the printable report styles itself (its
one inline stylesheet is allowed by its hash) and opened from a blob: URL, as the cockpit opens it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import orjson
from playwright.async_api import expect

from tests.e2e.look import screenshot
from tests.support.server import ServerProcess


async def test_the_printable_report_is_styled_under_the_csp_and_from_a_blob(
    server: ServerProcess, browser: Any
) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        created = (await http.post("/api/boards", json={"title": "Atelier « imprimé »", "axis": "reach-out"})).json()
    token, code = created["facilitator_token"], created["code"]
    context = await browser.new_context(locale="fr-FR", extra_http_headers={"Authorization": f"Bearer {token}"})
    page = await context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    response = await page.goto(f"{server.url}/api/boards/{code}/export/report.html")
    assert response is not None and response.status == 200
    # The page's own stylesheet applied: headings of a section carry their rule, text its font size.
    border = await page.eval_on_selector("h2", "e => getComputedStyle(e).borderBottomStyle")
    assert border == "solid"
    assert refused == []

    # Opened the way the cockpit opens it: a blob: document, which inherits the opener's policy.
    cockpit = await context.new_page()
    await cockpit.goto(f"{server.url}/")
    html = response and await response.text()
    async with context.expect_page() as popup:
        await cockpit.evaluate(
            "html => window.open(URL.createObjectURL(new Blob([html], { type: 'text/html' })), '_blank')", html
        )
    printable = await popup.value
    await printable.wait_for_load_state()
    opened = await printable.eval_on_selector("h2", "e => getComputedStyle(e).borderBottomStyle")
    assert opened == "solid"
    await context.close()


async def test_the_cockpit_offers_the_pdf_beside_the_other_formats(server: ServerProcess, browser: Any) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        created = (await http.post("/api/boards", json={"title": "Atelier « PDF »", "axis": "reach-out"})).json()
    code = created["code"]
    viewport = {"width": 1366, "height": 768}
    context = await browser.new_context(locale="fr-FR", viewport=viewport, accept_downloads=True)
    page = await context.new_page()
    await page.goto(server.url)
    stored = {"token": created["facilitator_token"], "participant_id": created["participant_id"], "role": "facilitator"}
    entry = [f"atelier:board:{code}", orjson.dumps(stored).decode()]
    await page.evaluate("([key, value]) => localStorage.setItem(key, value)", entry)
    await page.goto(f"{server.url}/b/{code}/facilitate")
    # The exports live in the cockpit's exports tab.
    await page.get_by_test_id("tab-exports").click()
    await expect(page.get_by_test_id("tab-exports")).to_have_attribute("aria-selected", "true")
    for name in ("report-pdf", "sheets-pdf"):
        button = page.get_by_test_id(f"export-{name}")
        await expect(button).to_have_text("Télécharger (PDF)")
        async with page.expect_download() as download:
            await button.click()
        saved = Path(await (await download.value).path())
        assert saved.read_bytes()[:5] == b"%PDF-"
    await page.get_by_test_id("export-report-pdf").scroll_into_view_if_needed()
    await screenshot(page, "cockpit-exports", "1366x768")
    await context.close()
