"""Input bounds on a real server: text is valid Unicode, one bad request never reaches another board,
request bodies are bounded before they are read, and nothing answers a 500."""

from __future__ import annotations

import asyncio
import io
import socket
import time
from pathlib import Path

import httpx
import orjson
import psutil
import pytest
import segno
import websockets
from websockets.exceptions import InvalidStatus

from tests.support.client import Participant, create_board, fetch_state, join_board
from tests.support.server import ServerProcess, free_port
from tests.support.wire import expected_message, head_seq


async def test_a_lone_surrogate_join_on_one_board_drops_no_socket_of_another(shared_server: ServerProcess) -> None:
    """The finding: `{"name": "x\\ud800"}` passed validation, then failed the whole group commit it was in,
    and every socket whose command was in that commit was dropped. Now it is a 400 on `name`, and the
    room next door, busy meanwhile, loses nothing."""
    url, ws_url = shared_server.url, shared_server.ws_url
    busy = await create_board(url, "Atelier voisin")
    target = await create_board(url, "Atelier visé")
    joined = [await join_board(url, busy["code"], f"P{k}") for k in range(20)]
    people = [await Participant(ws_url, busy["code"], j["token"]).connect() for j in joined]
    fac = await Participant(ws_url, busy["code"], busy["facilitator_token"]).connect()
    await fac.ok("phase.set", {"phase": "inspiration"})
    bad_bodies = [b'{"name": "x\\ud800"}', b'{"name": "\\udfff"}', '{"name": "a\ufffe"}'.encode(),
                  '{"name": "\U0010ffff"}'.encode()]

    async def bad_joins(http: httpx.AsyncClient) -> list[httpx.Response]:
        return [
            await http.post(f"/api/boards/{target['code']}/join", content=bad_bodies[k % len(bad_bodies)],
                            headers={"content-type": "application/json", "accept-language": "en"})
            for k in range(100)
        ]

    async def notes(person: Participant, k: int) -> list[dict]:
        return [await person.cmd("note.add", {"text": f"Idée {k}.{i}"}) for i in range(5)]

    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        results = await asyncio.gather(bad_joins(http), *(notes(p, k) for k, p in enumerate(people)))
        good = await http.post(f"/api/boards/{target['code']}/join", json={"name": "Réelle"})
    refused, *answers = results
    assert {r.status_code for r in refused} == {400}
    for response in refused:
        error = response.json()["error"]
        assert (error["code"], error["field"]) == ("bad_request", "name"), error
        assert error["message"] == expected_message("en", "bad_request", "name")
    assert good.status_code == 201
    assert all(a["type"] == "ack" for per in answers for a in per), answers
    dropped = [p for p in people if p.closed.is_set()]
    assert dropped == [], f"{len(dropped)} sockets dropped"
    # The neighbours' notes are all there; the target board holds only its facilitator and the real join.
    state = (await fetch_state(url, busy["code"], busy["facilitator_token"]))["state"]
    assert len(state["notes"]) == 5 * len(people)
    names = sorted(p["name"] for p in (await fetch_state(url, target["code"], target["facilitator_token"]))
                   ["state"]["participants"].values())
    assert names == ["Animation", "Réelle"]
    for client in (*people, fac):
        await client.close()
    assert "Traceback" not in shared_server.log()


async def test_every_free_text_is_valid_unicode_and_cleaned(shared_server: ServerProcess) -> None:
    url, ws_url = shared_server.url, shared_server.ws_url
    board = await create_board(url, "Textes")
    fac = await Participant(ws_url, board["code"], board["facilitator_token"], lang="en").connect()
    for name, args, field in [
        ("note.add", {"text": "a\ufdd0b"}, "text"),
        ("note.add", {"text": "ok", "for": "\U0001fffe"}, "for"),
        ("note.add", {"text": "ok", "for": " \x00\t "}, "for"),  # blank once cleaned
        ("question.set", {"text": "\uffff"}, "text"),
        ("board.configure", {"links": [{"url": "https://a.example/\ufffe", "title": "x"}]}, "url"),
        ("board.configure", {"questions": ["bien", "\ufdef"]}, "questions"),
    ]:
        answer = await fac.cmd(name, args)
        assert (answer["type"], answer["code"], answer["field"]) == ("error", "bad_request", field), answer
        assert answer["message"] == expected_message("en", "bad_request", field)
    # `for` is cleaned like every text: a control character is dropped, so "\r+1" meets the CSV guard.
    seq = await fac.ok("note.add", {"text": "Pour Mme Dupont", "for": "\r+1"})
    await fac.wait_seq(seq)
    [note] = [n for n in fac.state["notes"].values() if n["text"] == "Pour Mme Dupont"]
    assert note["for"] == "+1"
    async with httpx.AsyncClient(base_url=url) as http:
        csv = await http.get(f"/api/boards/{board['code']}/export/notes.csv",
                             headers={"Authorization": f"Bearer {board['facilitator_token']}"})
        assert csv.status_code == 200
        assert ";'+1;" in csv.content.decode("utf-8-sig")
        created = await http.post("/api/boards", content='{"title": "\ufffe"}'.encode(),
                                  headers={"content-type": "application/json"})
        assert created.status_code == 400 and created.json()["error"]["field"] == "title"
        # Not free text, but looked up: a token that is not Unicode is refused on its field, not a 500.
        programme = await http.post(
            "/api/programmes",
            content=b'{"title": "P", "boards": [{"code": "ABCDEF", "token": "\\ud800"}, '
                    b'{"code": "\\udfff", "token": "t"}]}',
            headers={"content-type": "application/json"},
        )
        assert programme.status_code == 400 and programme.json()["error"]["field"] == "token", programme.text
    await fac.close()


async def test_a_binary_frame_is_refused_as_a_command(shared_server: ServerProcess) -> None:
    board = await create_board(shared_server.url, "Binaire")
    fac = await Participant(shared_server.ws_url, board["code"], board["facilitator_token"], lang="en").connect()
    head = await head_seq(shared_server.url, board["code"], board["facilitator_token"])
    frame = orjson.dumps({"type": "cmd", "cid": "bin-1", "name": "note.add", "args": {"text": "binaire"}})
    answer = await fac.send_raw(frame)  # bytes: a binary frame, valid JSON inside
    assert (answer["code"], answer["field"], answer["cid"]) == ("bad_request", "frame", None), answer
    assert answer["message"] == expected_message("en", "bad_request", "frame")
    assert await head_seq(shared_server.url, board["code"], board["facilitator_token"]) == head
    await fac.ok("note.add", {"text": "en texte"})  # the connection is still usable
    await fac.close()


# --- request bodies ---------------------------------------------------------------------------------


def _rss(server: ServerProcess) -> int:
    assert server.proc is not None
    return psutil.Process(server.proc.pid).memory_info().rss


def _declared_only(port: int, path: str, length: int) -> tuple[int, bytes]:
    """Headers announcing a body of `length` bytes, and no body: the answer must come all the same."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\nAccept-Language: en\r\n\r\n".encode()
        )
        answer = b""
        while not answer.rstrip().endswith(b"}"):
            more = sock.recv(65536)
            if not more:
                break
            answer += more
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


def _chunked_flood(port: int, path: str, total: int) -> tuple[int, int, bytes]:
    """POST a chunked body of `total` bytes, as fast as the server takes it; stop when it answers.
    Returns (bytes sent, status, body of the answer)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\nAccept-Language: en\r\n\r\n".encode()
    )
    chunk = b"a" * 65536
    framed = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    sent = 0
    sock.setblocking(False)
    answer = b""
    deadline = time.monotonic() + 60
    try:
        while sent < total and time.monotonic() < deadline:
            try:
                answer += sock.recv(65536)
                if answer:
                    break
            except BlockingIOError:
                pass
            try:
                sent += sock.send(framed)
            except BlockingIOError:
                time.sleep(0.001)
    except (BrokenPipeError, ConnectionResetError):
        pass
    sock.setblocking(True)
    sock.settimeout(10)
    try:
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            more = sock.recv(65536)
            if not more:
                break
            answer += more
    except (ConnectionResetError, TimeoutError):
        pass
    sock.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1]) if head else 0
    return sent, status, body


async def test_an_oversized_body_is_refused_before_it_is_read(shared_server: ServerProcess) -> None:
    """A 150 MiB body used to be read whole (+448 MB of RSS). Now a declared length over the bound is
    refused before a byte is read, and an undeclared (chunked) one as soon as it passes the bound."""
    url = shared_server.url
    before = _rss(shared_server)
    size = 150 * 1024 * 1024
    # Content-Length over the bound: answered at once, without waiting for the body.
    status, body = await asyncio.to_thread(_declared_only, shared_server.port, "/api/boards", size)
    assert status == 413
    assert orjson.loads(body)["error"] == {
        "code": "too_large", "field": "body", "message": expected_message("en", "too_large", "body")}
    sent, status, body = await asyncio.to_thread(_chunked_flood, shared_server.port, "/api/boards", size)
    assert status == 413, body
    assert orjson.loads(body)["error"]["code"] == "too_large"
    assert sent < size // 4, f"the server kept reading: {sent} bytes taken"
    grew = _rss(shared_server) - before
    assert grew < size // 10, f"RSS grew by {grew} bytes for a {size}-byte body"
    # A body within the bound is served as before, on every route that takes one.
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        ok = await http.post("/api/boards", json={"title": "x" * 100})
        assert ok.status_code == 201
        joined = await http.post(f"/api/boards/{ok.json()['code']}/join", content=b" " * 70_000 + b'{"name": "A"}',
                                 headers={"content-type": "application/json"})
        assert joined.status_code == 413


async def test_routing_errors_are_coded_and_the_api_map_is_not_public(shared_server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=shared_server.url) as http:
        for path in ("/openapi.json", "/docs", "/redoc", "/api/nothing-here"):
            response = await http.get(path, headers={"accept-language": "en"})
            assert response.status_code == 404, path
            assert response.json()["error"]["code"] == "not_found", path
        wrong_method = await http.delete("/api/boards")
        assert wrong_method.status_code == 405
        assert wrong_method.json()["error"]["code"] == "bad_request"
        not_json = await http.post("/api/boards", content=b"{", headers={"content-type": "application/json"})
        assert not_json.status_code == 400 and not_json.json()["error"]["code"] == "bad_request"


# --- the smaller items: Origin, QR code, logs ---------------------------------------------------------


def _qr(link: str) -> bytes:
    """The SVG the server must answer for `link` (same maker, same options)."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="svg", scale=8, border=4, dark="#000", light="#fff", xmldecl=False,
                                     svgns=True)
    return out.getvalue()


async def test_the_origin_check_compares_the_scheme(shared_server: ServerProcess) -> None:
    board = await create_board(shared_server.url, "Origine et schéma")
    url = f"{shared_server.ws_url}/ws/{board['code']}"
    host = f"127.0.0.1:{shared_server.port}"
    with pytest.raises(InvalidStatus) as refused_with:
        await websockets.connect(url, origin=f"https://{host}")  # same host, another scheme
    assert refused_with.value.response.status_code == 403
    ws = await websockets.connect(url, origin=f"http://{host}")
    await ws.close()


async def test_the_qr_code_never_takes_an_arbitrary_host(tmp_path: Path) -> None:
    public = "https://atelier.example.org"
    with_public = ServerProcess(tmp_path / "public", env={"ATELIER_PUBLIC_URL": public}).start()
    port = free_port()
    listed = ServerProcess(tmp_path / "listed", port=port,
                           env={"ATELIER_ALLOWED_HOSTS": orjson.dumps([f"atelier.local:{port}"]).decode()}).start()
    try:
        for server, host, link, caching in [
            (with_public, "evil.example", f"{public}/b/{{code}}", "public, max-age=300"),
            (listed, "evil.example", "/b/{code}", "no-store"),
            (listed, f"atelier.local:{port}", f"http://atelier.local:{port}/b/{{code}}", "no-store"),
        ]:
            board = await create_board(server.url, "QR")
            async with httpx.AsyncClient(base_url=server.url) as http:
                response = await http.get(f"/api/boards/{board['code']}/qr.svg", headers={"host": host})
            assert response.status_code == 200
            assert response.content == _qr(link.format(code=board["code"])), (host, link)
            assert response.headers["cache-control"] == caching
        # With a public address, a page from it may open sockets (a proxy in front terminates TLS).
        board = await create_board(with_public.url, "Derrière un proxy")
        ws = await websockets.connect(f"{with_public.ws_url}/ws/{board['code']}", origin=public)
        await ws.close()
    finally:
        with_public.stop()
        listed.stop()


async def test_websocket_lines_log_neither_the_address_nor_the_room_code(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "logged", env={"ATELIER_LOG_LEVEL": "info"}).start()
    try:
        board = await create_board(server.url, "Journal")
        fac = await Participant(server.ws_url, board["code"], board["facilitator_token"]).connect()
        await fac.ok("note.add", {"text": "Une note qui ne doit pas paraître au journal"})
        await fac.close()
        with pytest.raises(InvalidStatus):
            await websockets.connect(f"{server.ws_url}/ws/{board['code']}", origin="https://evil.example")
        await asyncio.sleep(0.5)
    finally:
        server.stop()
    log = server.log()
    assert '"WebSocket /ws/…" [accepted]' in log and '"WebSocket /ws/…" 403' in log, log[-2000:]
    assert board["code"] not in log
    assert "127.0.0.1:" not in log.replace(f"127.0.0.1:{server.port}", "")  # only the server's own address
    assert "Une note" not in log
