"""Floods slow only the flooder: HTTP throttling and code guessing, frame budgets and sockets per
credential, the reload race, slow-loris and connections per address, large welcomes in slices.

Real servers and real sockets throughout; X-Forwarded-For is sent from loopback (a trusted proxy by
default) to stand for many clients, and 127.0.0.2 / 127.0.0.3 as untrusted direct clients."""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import time
from typing import Any

import httpx
import orjson
import pytest
import websockets

from tests.support.client import Participant, create_board, join_board
from tests.support.server import ServerProcess


def forwarded(address: str, lang: str = "en") -> dict[str, str]:
    return {"X-Forwarded-For": address, "Accept-Language": lang}


@pytest.fixture
def tight(tmp_path):
    """Small budgets, so that the limits are reached with a few hundred requests."""
    env = {
        "ATELIER_JOIN_BURST": "20",
        "ATELIER_JOIN_PER_MINUTE": "1",
        "ATELIER_LOOKUP_FAILURE_BURST": "5",
        "ATELIER_LOOKUP_FAILURES_PER_HOUR": "60",
    }
    proc = ServerProcess(tmp_path / "data", env=env).start()
    try:
        yield proc
    finally:
        proc.stop()


async def test_a_join_flood_is_throttled_while_a_real_participant_joins(tight: ServerProcess) -> None:
    board = await create_board(tight.url)
    code = board["code"]
    async with httpx.AsyncClient(base_url=tight.url) as http:
        flood = await asyncio.gather(
            *(http.post(f"/api/boards/{code}/join", json={"name": f"bot{i}"}, headers=forwarded("203.0.113.7"))
              for i in range(120))
        )
        statuses = [r.status_code for r in flood]
        assert set(statuses) == {201, 429}
        assert statuses.count(201) <= 21  # a burst of 20, then one a minute
        refused = next(r for r in flood if r.status_code == 429)
        assert int(refused.headers["retry-after"]) >= 1
        error = refused.json()["error"]
        assert error["code"] == "rate_limited"
        assert error["message"].startswith("Too many requests from your network: try again in ")
        french = await http.post(
            f"/api/boards/{code}/join", json={"name": "x"}, headers=forwarded("203.0.113.7", "fr")
        )
        assert french.status_code == 429
        assert french.json()["error"]["message"].startswith("Trop de demandes depuis votre réseau")
        # Someone else, behind another address, joins at once, and so does a direct client.
        other = await http.post(f"/api/boards/{code}/join", json={"name": "Awa"}, headers=forwarded("198.51.100.2"))
        assert other.status_code == 201
    async with httpx.AsyncClient(
        base_url=tight.url, transport=httpx.AsyncHTTPTransport(local_address="127.0.0.2")
    ) as direct:
        joined = await direct.post(f"/api/boards/{code}/join", json={"name": "Lou"})
        assert joined.status_code == 201
        assert (await Participant(tight.ws_url, code, joined.json()["token"]).connect()).you["role"] == "participant"
    # Only the admitted joins are on the board.
    state = (await httpx.AsyncClient(base_url=tight.url).get(
        f"/api/boards/{code}", headers={"Authorization": f"Bearer {board['facilitator_token']}"}
    )).json()["state"]
    assert len(state["participants"]) == 1 + statuses.count(201) + 2


async def test_guessing_codes_costs_failure_tokens_shared_with_the_socket_hello(tight: ServerProcess) -> None:
    board = await create_board(tight.url)
    code = board["code"]
    async with httpx.AsyncClient(base_url=tight.url) as http:
        # Five misses on the QR code, then even the right code waits: a guesser learns nothing more.
        for guess in ("AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD", "EEEEEE"):
            assert (await http.get(f"/api/boards/{guess}/qr.svg", headers=forwarded("192.0.2.10"))).status_code == 404
        hit = await http.get(f"/api/boards/{code}/qr.svg", headers=forwarded("192.0.2.10"))
        assert hit.status_code == 429
        assert int(hit.headers["retry-after"]) >= 50  # 60 an hour: one a minute
        # Another address is not concerned.
        assert (await http.get(f"/api/boards/{code}/qr.svg", headers=forwarded("192.0.2.11"))).status_code == 200
        # Board creations in a loop stop after a facilitator's worth (20 at once).
        made = [await http.post("/api/boards", json={"title": "Encore"}, headers=forwarded("192.0.2.20"))
                for _ in range(21)]
        assert [r.status_code for r in made] == [201] * 20 + [429]

        # Wrong codes in a WebSocket hello count the same way.
        for guess in ("FFFFFF", "GGGGGG", "HHHHHH", "JJJJJJ", "KKKKKK"):
            async with websockets.connect(
                f"{tight.ws_url}/ws/{guess}", additional_headers={"X-Forwarded-For": "192.0.2.12"}
            ) as ws:
                await ws.send(orjson.dumps({"type": "hello", "protocol": 1, "token": "x" * 43, "lang": "en"}).decode())
                assert orjson.loads(await ws.recv())["code"] == "unauthorized"
        joined = await http.post(f"/api/boards/{code}/join", json={"name": "Z"}, headers=forwarded("192.0.2.12"))
        assert joined.status_code == 429
        # And a hello from an address out of failures is told to come back later (1013), not refused for good.
        fresh = await join_board(tight.url, code, "Yann")
        async with websockets.connect(
            f"{tight.ws_url}/ws/{code}", additional_headers={"X-Forwarded-For": "192.0.2.12"}
        ) as ws:
            hello = {"type": "hello", "protocol": 1, "token": fresh["token"], "lang": "en"}
            await ws.send(orjson.dumps(hello).decode())
            assert orjson.loads(await ws.recv())["code"] == "rate_limited"
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd.code == 1013


async def test_every_frame_counts_and_a_tokens_sockets_share_one_budget(tmp_path) -> None:
    server = ServerProcess(
        tmp_path / "data", env={"ATELIER_RATE_PER_SECOND": "0.1", "ATELIER_RATE_BURST": "6"}
    ).start()
    try:
        board = await create_board(server.url)
        code = board["code"]
        flooder = await join_board(server.url, code, "Flot")
        bystander_join = await join_board(server.url, code, "Calme")
        a = await Participant(server.ws_url, code, flooder["token"]).connect()
        b = await Participant(server.ws_url, code, flooder["token"]).connect()
        bystander = await Participant(server.ws_url, code, bystander_join["token"]).connect()
        # Pings and invalid frames spend the budget like commands do.
        for _ in range(4):
            await a.ws.send('{"type": "ping"}')
        await asyncio.sleep(0.5)  # the pongs are not awaited by this client: let them be answered
        for _ in range(2):
            assert (await b.send_raw("not json"))["code"] == "bad_request"
        answers = [await a.cmd("note.add", {"text": "un"}), await b.cmd("note.add", {"text": "deux"})]
        assert [x["code"] for x in answers] == ["rate_limited", "rate_limited"], answers
        # The bystander's budget is its own: its command is decided (not allowed in this phase).
        assert (await bystander.cmd("note.add", {"text": "trois"}))["code"] == "not_allowed_in_phase"
        for client in (a, b, bystander):
            await client.close()
    finally:
        server.stop()


async def test_a_tokens_oldest_socket_is_closed_past_the_cap(tmp_path) -> None:
    server = ServerProcess(tmp_path / "data", env={"ATELIER_MAX_SOCKETS_PER_TOKEN": "2"}).start()
    try:
        board = await create_board(server.url)
        code = board["code"]
        me = await join_board(server.url, code, "Multi")
        first = await Participant(server.ws_url, code, me["token"]).connect()
        second = await Participant(server.ws_url, code, me["token"]).connect()
        third = await Participant(server.ws_url, code, me["token"]).connect()
        await asyncio.wait_for(first.closed.wait(), 10)
        assert first.close_code == 4002
        assert not second.closed.is_set() and not third.closed.is_set()
        # The newer ones still hear the room.
        fac = await Participant(server.ws_url, code, board["facilitator_token"]).connect()
        seq = await fac.ok("question.set", {"text": "Quoi ?"})
        await second.wait_seq(seq)
        await third.wait_seq(seq)
        for client in (second, third, fac):
            await client.close()
    finally:
        server.stop()


async def test_three_hundred_reloads_leave_no_deaf_socket(server: ServerProcess) -> None:
    """Each board's only socket reloads: the old one leaves (the room empties and stops) while the new
    one is being welcomed. Every new socket must hear the events that follow."""
    boards = []
    for i in range(10):
        board = await create_board(server.url, title=f"Rechargement {i}")
        me = await join_board(server.url, board["code"], f"P{i}")
        fac = await Participant(server.ws_url, board["code"], board["facilitator_token"]).connect()
        await fac.ok("phase.set", {"phase": "inspiration"})
        await fac.close()
        p = await Participant(server.ws_url, board["code"], me["token"]).connect()
        await p.ok("note.add", {"text": "La mienne"})
        boards.append(p)

    deaf = 0
    rng = random.Random(14)

    async def reload_loop(p: Participant, rounds: int) -> None:
        nonlocal deaf
        note_id = next(iter(p.state["notes"]))
        for k in range(rounds):
            new = Participant(p.ws_url, p.code, p.token)
            new.state, new.seq = p.state, p.seq
            opening = asyncio.create_task(new.connect(last_seq=p.seq))
            # The old page goes while the new one is being welcomed (at some point of it).
            await asyncio.sleep(rng.uniform(0, 0.03))
            await p.close()
            await opening
            seq = await new.ok("note.move", {"id": note_id, "x": k, "y": k})
            try:
                await new.wait_seq(seq, timeout=5)
            except TimeoutError:
                deaf += 1
            p = new
        await p.close()

    await asyncio.gather(*(reload_loop(p, 30) for p in boards))
    assert deaf == 0, f"{deaf} of 300 reloaded sockets heard nothing"


def _raw(port: int, source: str = "127.0.0.1") -> socket.socket:
    sock = socket.socket()
    sock.bind((source, 0))
    sock.settimeout(15)
    sock.connect(("127.0.0.1", port))
    return sock


def _closed_by_peer(sock: socket.socket) -> bool:
    try:
        return sock.recv(4096) == b"" or True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def test_connections_that_never_finish_their_headers_are_closed(tmp_path) -> None:
    server = ServerProcess(tmp_path / "data", env={"ATELIER_HEADER_TIMEOUT": "1"}).start()
    try:
        silent = [_raw(server.port) for _ in range(20)]
        trickling = [_raw(server.port) for _ in range(20)]
        for sock in trickling:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        # Trickle a header byte every 0.3 s: each byte arrives before any per-read timeout would fire.
        gone: set[int] = set()
        while time.monotonic() - started < 8 and len(gone) < len(trickling):
            for i, sock in enumerate(trickling):
                if i in gone:
                    continue
                try:
                    sock.sendall(b"X")
                except OSError:
                    gone.add(i)
            time.sleep(0.3)
        assert len(gone) == len(trickling), f"{len(trickling) - len(gone)} trickling connections still open after 8 s"
        for sock in silent:
            assert _closed_by_peer(sock)
        # A normal request, and a kept-alive connection between requests, are unaffected.
        with httpx.Client(base_url=server.url) as http:
            assert http.get("/healthz").status_code == 200
            time.sleep(1.5)  # longer than the header timeout, shorter than keep-alive's 5 s
            assert http.get("/healthz").status_code == 200
        for sock in silent + trickling:
            sock.close()
    finally:
        server.stop()


def test_open_connections_per_address_are_capped(tmp_path) -> None:
    server = ServerProcess(tmp_path / "data", env={"ATELIER_MAX_CONNECTIONS_PER_ADDRESS": "10"}).start()
    try:
        held = [_raw(server.port, "127.0.0.2") for _ in range(10)]
        extra = _raw(server.port, "127.0.0.2")
        extra.settimeout(5)
        assert _closed_by_peer(extra)
        extra.close()
        # Other addresses, and the trusted proxy (loopback), are not concerned.
        with httpx.Client(base_url=server.url, transport=httpx.HTTPTransport(local_address="127.0.0.3")) as http:
            assert http.get("/healthz").status_code == 200
        assert httpx.get(f"{server.url}/healthz").status_code == 200
        # A closed connection gives its place back.
        held.pop().close()
        time.sleep(0.3)
        with httpx.Client(base_url=server.url, transport=httpx.HTTPTransport(local_address="127.0.0.2")) as http:
            assert http.get("/healthz").status_code == 200
        for sock in held:
            sock.close()
    finally:
        server.stop()


async def test_a_large_welcome_goes_in_slices_and_events_follow_it_in_order(tmp_path) -> None:
    server = ServerProcess(
        tmp_path / "data",
        env={"ATELIER_SEND_BUFFER": "16384", "ATELIER_RATE_PER_SECOND": "1000000", "ATELIER_RATE_BURST": "1000000"},
    ).start()
    try:
        board = await create_board(server.url)
        code = board["code"]
        fac = await Participant(server.ws_url, code, board["facilitator_token"]).connect()
        await fac.ok("phase.set", {"phase": "inspiration"})
        await asyncio.gather(*(fac.ok("note.add", {"text": f"{i:03d} " + "é" * 480}) for i in range(300)))
        me = await join_board(server.url, code, "Lent")
        # A reader that takes its welcome slowly, while events keep coming.
        reader = await websockets.connect(f"{server.ws_url}/ws/{code}", max_size=2**24, max_queue=1)
        await reader.send(orjson.dumps({"type": "hello", "protocol": 1, "token": me["token"]}).decode())
        edits = asyncio.gather(*(fac.ok("question.set", {"text": f"Q{i}"}) for i in range(20)))
        welcome = orjson.loads(await asyncio.wait_for(reader.recv(), 30))
        last = max(await edits)
        assert welcome["type"] == "welcome" and len(welcome["state"]["notes"]) == 300
        seq = welcome["seq"]
        while seq < last:
            message = orjson.loads(await asyncio.wait_for(reader.recv(), 30))
            if message["type"] == "event":
                assert message["seq"] == seq + 1
                seq = message["seq"]
        await reader.close()
        await fac.close()
    finally:
        server.stop()


async def test_a_shared_welcome_never_shows_anyone_elses_own_things(server: ServerProcess) -> None:
    board = await create_board(server.url)
    code = board["code"]
    fac = await Participant(server.ws_url, code, board["facilitator_token"]).connect()
    await fac.ok("board.configure", {"settings": {"private_writing": True}})
    await fac.ok("phase.set", {"phase": "divergence"})
    people: list[dict[str, Any]] = [await join_board(server.url, code, f"P{i}") for i in range(4)]
    writer = await Participant(server.ws_url, code, people[0]["token"]).connect()
    await writer.ok("note.add", {"text": "Secret"})
    await writer.close()
    welcomes = [await Participant(server.ws_url, code, p["token"]).connect() for p in people]
    assert [len(p.state["notes"]) for p in welcomes] == [1, 0, 0, 0]
    assert welcomes[1].state == welcomes[2].state == welcomes[3].state
    again = await Participant(server.ws_url, code, people[0]["token"]).connect()
    assert again.state == welcomes[0].state and again.you["id"] == people[0]["participant_id"]
    for client in (fac, again, *welcomes):
        await client.close()


async def test_a_flooding_socket_is_parsed_a_slice_at_a_time_and_holds_little(tmp_path) -> None:
    """uvicorn parsed all one read brought (~7,000 small frames from 256 KiB: 67 ms of the loop) and
    queued every message until the app took them at the flooder's budget: a few MB per socket. Four
    sockets of one participant each write 1 MiB of small frames at once; the server's RSS grows by
    little, the flooder still gets its coded refusals, and a bystander is still served."""
    import psutil
    from websockets.frames import Frame, Opcode

    server = ServerProcess(tmp_path / "data").start()
    try:
        board = await create_board(server.url)
        code = board["code"]
        flooder = await join_board(server.url, code, "Flot")
        calm = await join_board(server.url, code, "Calme")
        sockets = [await Participant(server.ws_url, code, flooder["token"]).connect() for _ in range(4)]
        bystander = await Participant(server.ws_url, code, calm["token"]).connect()
        process = psutil.Process(server.proc.pid)  # type: ignore[union-attr]
        await asyncio.sleep(0.5)
        before = process.memory_info().rss
        ping = Frame(Opcode.TEXT, b'{"type": "ping"}').serialize(mask=True, extensions=[])
        flood = ping * (2**20 // len(ping))
        for client in sockets:
            client.ws.transport.write(flood)  # already masked frames, straight to the socket
        await asyncio.sleep(2.0)
        grew = process.memory_info().rss - before
        assert grew < 2 * 2**20, f"RSS grew by {grew} bytes for 4 MiB of frames in flight"
        # The flooder is answered at its budget's pace, with coded refusals once it is spent.
        async with asyncio.timeout(10):
            while not any(a.get("code") == "rate_limited" for c in sockets for a in c.answers.values()):
                await asyncio.sleep(0.1)
        # The bystander's budget is its own and the server still serves it.
        assert (await bystander.cmd("note.add", {"text": "calme"}))["code"] == "not_allowed_in_phase"
        for client in sockets:
            client.ws.transport.abort()  # its close frame would wait behind 1 MiB read at its budget's pace
        await bystander.close()
    finally:
        server.stop()


async def test_a_socket_that_keeps_sending_past_its_budget_is_read_ever_less_often(server: ServerProcess) -> None:
    """Each refusal in a row doubles how long the socket waits before it is read again (up to 1 s):
    two sockets of one flooder sending pings non-stop for 3 s get ~53 refusals, not one each per
    token (231 before); what the budget allows still gets through."""
    board = await create_board(server.url)
    me = await join_board(server.url, board["code"], "Flot")
    counts = {"pong": 0, "error": 0}

    async def flood_for(seconds: float) -> None:
        ws = await websockets.connect(f"{server.ws_url}/ws/{board['code']}")
        await ws.send(orjson.dumps({"type": "hello", "protocol": 1, "token": me["token"]}).decode())
        await ws.recv()

        async def send() -> None:
            while True:
                for _ in range(50):
                    await ws.send('{"type": "ping"}')
                await asyncio.sleep(0.001)

        sender = asyncio.create_task(send())
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                with contextlib.suppress(TimeoutError):
                    message = orjson.loads(await asyncio.wait_for(ws.recv(), max(0.01, end - time.monotonic())))
                    if message["type"] in counts:
                        counts[message["type"]] += 1
        finally:
            sender.cancel()
            ws.transport.abort()

    await asyncio.gather(flood_for(3.0), flood_for(3.0))
    assert counts["pong"] >= 60, counts  # the burst, then the budget's pace
    assert counts["error"] < 80, counts  # 231 when each socket was read at every token
