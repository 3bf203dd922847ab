"""A page whose credential opened too many sockets elsewhere is told so, and does not reconnect in a
loop (each reconnection would close the newest socket in turn)."""

from __future__ import annotations

import asyncio

import orjson
import websockets
from playwright.async_api import expect

from tests.e2e.look import screenshot
from tests.support.client import create_board


async def test_the_oldest_page_of_a_credential_stops_and_says_why(browser, server) -> None:
    board = await create_board(server.url)
    code = board["code"]
    context = await browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    page = await context.new_page()
    sockets: list[object] = []
    page.on("websocket", lambda ws: sockets.append(ws))
    await page.goto(f"{server.url}/b/{code.lower()}")
    await page.get_by_test_id("join-name").fill("Awa")
    await page.get_by_test_id("join-name").press("Enter")
    status = page.get_by_test_id("connection-status")
    await expect(status).to_have_attribute("data-status", "connected")
    token = await page.evaluate(f"JSON.parse(localStorage.getItem('atelier:board:{code}')).token")

    # Four more sockets with the same credential (the default cap): the page's is the oldest.
    others = []
    for _ in range(4):
        ws = await websockets.connect(f"{server.ws_url}/ws/{code}")
        await ws.send(orjson.dumps({"type": "hello", "protocol": 1, "token": token}).decode())
        assert orjson.loads(await ws.recv())["type"] == "welcome"
        others.append(ws)
    await expect(page.get_by_test_id("alert")).to_contain_text("trop d'onglets ou d'appareils")
    await expect(status).to_have_attribute("data-status", "offline")
    await screenshot(page, "board", "replaced", "390x844")
    opened = len(sockets)
    await asyncio.sleep(3)  # longer than the first reconnection delays
    assert len(sockets) == opened == 1, "the replaced page reconnected"
    for ws in others:
        assert ws.close_code is None  # the newer sockets were left alone
        await ws.close()
    await context.close()
