"""A participant whose connection stops reading is cut off (1013) without holding anyone else back,
and catches up exactly when it comes back."""

from __future__ import annotations

import asyncio

from tests.bench import wsraw
from tests.support.client import Participant, create_board, fetch_state, join_board
from tests.support.server import ServerProcess


async def test_a_reader_that_stops_is_closed_and_the_room_goes_on(tmp_path):
    server = ServerProcess(
        tmp_path / "data",
        env={"ATELIER_SEND_BUFFER": "16384", "ATELIER_RATE_PER_SECOND": "1000000", "ATELIER_RATE_BURST": "1000000"},
    ).start()
    try:
        board = await create_board(server.url)
        code = board["code"]
        slow = await join_board(server.url, code, "Lent")
        other = await join_board(server.url, code, "Witness")
        fac = await Participant(server.ws_url, code, board["facilitator_token"]).connect()
        witness = await Participant(server.ws_url, code, other["token"]).connect()
        sink = wsraw.Sink()
        hello = {"type": "hello", "protocol": 1, "token": slow["token"], "last_seq": None}
        stuck = await wsraw.connect(sink, "127.0.0.1", server.port, f"/ws/{code}", hello, rcvbuf=4096)
        stuck.pause_reading()  # from now on it never reads, until it is let go below

        await fac.ok("phase.set", {"phase": "inspiration"})
        note = await fac.ok("note.add", {"text": "Une idée"})
        note_id = next(iter(fac.state["notes"]))
        # Enough to fill the kernel's buffers on both sides (several MiB on loopback), then the queue.
        last = note
        for start in range(0, 6000, 200):
            acks = await asyncio.gather(
                *(fac.ok("note.edit", {"id": note_id, "text": f"{i:05d} " + "é" * 490})
                  for i in range(start, start + 200))
            )
            last = max(last, *acks)
        await witness.wait_seq(last, timeout=120)
        assert [e["seq"] for e in witness.events] == list(range(witness.events[0]["seq"], last + 1))

        stuck.transport.resume_reading()

        async def close_frame() -> int | None:
            while stuck.close_code is None and not stuck.closed.done():
                await asyncio.sleep(0.05)
            return stuck.close_code

        assert await asyncio.wait_for(close_frame(), 60) == 1013
        stuck.close()
        # It comes back and resumes from what it had: the whole board, exactly.
        back = await Participant(server.ws_url, code, slow["token"]).connect()
        fetched = await fetch_state(server.url, code, slow["token"])
        assert back.seq == fetched["seq"] == last
        assert back.state == fetched["state"]
        assert back.state["notes"][note_id]["text"].startswith("05999 ") or len(back.state["notes"]) == 1
        for client in (fac, witness, back):
            await client.close()
    finally:
        server.stop()
