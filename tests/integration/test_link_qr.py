"""The QR code of an access link: drawn for a facilitator from a POSTed link of this board only."""

from __future__ import annotations

import httpx

from tests.support.client import create_board, join_board


async def test_a_facilitator_gets_the_qr_of_a_link_of_this_board_and_no_one_else_does(shared_server) -> None:
    url = shared_server.url
    board = await create_board(url)
    code, token = board["code"], board["facilitator_token"]
    other = await create_board(url)
    guest = await join_board(url, code, "Invitée")
    async with httpx.AsyncClient(base_url=url) as http:
        made = await http.post(f"/api/boards/{code}/projector-link", headers={"Authorization": f"Bearer {token}"})
        path = made.json()["url"]
        ok = await http.post(f"/api/boards/{code}/link-qr.svg", json={"path": path},
                             headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        assert ok.status_code == 200 and ok.headers["content-type"].startswith("image/svg+xml")
        assert ok.headers["cache-control"] == "no-store" and b"<svg" in ok.content
        # A participant may not draw it; nor may anyone without a token.
        for headers in ({"Authorization": f"Bearer {guest['token']}"}, {}):
            refused = await http.post(f"/api/boards/{code}/link-qr.svg", json={"path": path}, headers=headers)
            assert refused.status_code in (401, 403), refused.text
        # Only a link of this board's pages: not another board's, not any text.
        for bad in (path.replace(code, other["code"]), "https://example.org/", f"/b/{code}/projector?k=abc"):
            headers = {"Authorization": f"Bearer {token}", "Accept-Language": "fr"}
            refused = await http.post(f"/api/boards/{code}/link-qr.svg", json={"path": bad}, headers=headers)
            assert refused.status_code == 400 and refused.json()["error"]["code"] == "bad_request", bad
            assert refused.json()["error"]["message"]
