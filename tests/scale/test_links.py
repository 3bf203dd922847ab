"""Access links on the scale-out shape: a revocation closes the link's sockets on every process."""

from __future__ import annotations

import asyncio

from tests.integration.test_access_links import _closed, _link, _revoke, _secret, _state
from tests.support.client import Participant, create_board
from tests.support.server import ServerProcess


async def test_revoking_a_link_closes_its_sockets_on_every_process(
    cluster: tuple[ServerProcess, ServerProcess],
) -> None:
    one, two = cluster
    board = await create_board(one.url, "Parcours usagers")
    code, fac_token = board["code"], board["facilitator_token"]
    link = await _link(one.url, code, fac_token, "projector")
    secret = _secret(link["url"])
    on_one = await Participant(one.ws_url, code, secret).connect()
    on_two = await Participant(two.ws_url, code, secret).connect()
    assert await _revoke(one.url, code, fac_token, "projector") == 204
    await asyncio.gather(_closed(on_one), _closed(on_two))
    assert on_one.close_code == on_two.close_code == 1008
    for node in (one, two):
        assert (await _state(node.url, code, secret)).status_code == 401
