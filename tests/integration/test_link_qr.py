"""The QR code of an access link: drawn for the board's facilitators only, of this board's own link
pages only, with the secret in the body and the answer never cached."""

from __future__ import annotations

import httpx

from tests.support.client import create_board, join_board
from tests.support.server import ServerProcess


async def test_the_qr_of_a_facilitator_link_is_for_facilitators_of_that_board_only(server: ServerProcess) -> None:
    board = await create_board(server.url, "Atelier QR")
    other = await create_board(server.url, "Un autre atelier")
    code, token = board["code"], board["facilitator_token"]
    guest = await join_board(server.url, code, "Alice")
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=server.url) as http:
        link = (await http.post(f"/api/boards/{code}/facilitator-link", headers=auth)).json()
        r = await http.post(f"/api/boards/{code}/link-qr.svg", headers=auth, json={"path": link["url"]})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("image/svg+xml")
        assert r.headers["cache-control"] == "no-store"
        assert "<svg" in r.text and link["url"].split("#k=")[1] not in r.text  # pixels, not text

        # A participant may not have it drawn; nor may anyone without a token.
        r = await http.post(
            f"/api/boards/{code}/link-qr.svg", headers={"Authorization": f"Bearer {guest['token']}"},
            json={"path": link["url"]},
        )
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
        r = await http.post(f"/api/boards/{code}/link-qr.svg", json={"path": link["url"]})
        assert r.status_code == 401

        # Not a QR service for any text: another board's link, a foreign site, a link without a secret.
        for url in (
            link["url"].replace(code, other["code"]),
            "https://example.org/b/ABCDEF/facilitate#k=" + "x" * 43,
            f"/b/{code}/facilitate",
            f"/b/{code}/facilitate?k=" + "x" * 43,
        ):
            r = await http.post(
                f"/api/boards/{code}/link-qr.svg", headers={**auth, "Accept-Language": "en"}, json={"path": url}
            )
            assert r.status_code == 400, url
            error = r.json()["error"]
            assert error["code"] == "bad_request" and error["field"] == "path" and error["message"]
