"""Every bad input gets its exact coded error in the connection's language, stores nothing, disturbs nobody."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import pytest
import websockets
from websockets.exceptions import InvalidStatus

from tests.support.client import Participant, create_board, fetch_state, join_board
from tests.support.server import ServerProcess
from tests.support.wire import expected_message, head_seq, hello, open_socket, refused

ALLOWED_ORIGIN = "https://atelier.example.org"
MISSING: Any = object()


@pytest.fixture(scope="module")
def tuned_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """Short hello timeout, a small rate budget and one extra allowed origin, so these limits are reachable."""
    env = {
        "ATELIER_HELLO_TIMEOUT": "1",
        "ATELIER_RATE_PER_SECOND": "2",
        "ATELIER_RATE_BURST": "10",
        "ATELIER_ALLOWED_ORIGINS": orjson.dumps([ALLOWED_ORIGIN]).decode(),
    }
    proc = ServerProcess(tmp_path_factory.mktemp("tuned") / "data", env=env).start()
    try:
        yield proc
    finally:
        proc.stop()


@dataclass
class Room:
    """A board in inspiration with a facilitator, the participant who misbehaves, and one who watches."""

    server: ServerProcess
    board: dict[str, Any]
    fac: Participant
    actor: Participant
    witness: Participant
    hello_lang: str | None
    lang: str  # the language the actor's errors must come in

    @property
    def code(self) -> str:
        return self.board["code"]

    async def head(self) -> int:
        return await head_seq(self.server.url, self.code, self.board["facilitator_token"])

    async def close(self) -> None:
        for client in (self.fac, self.actor, self.witness):
            await client.close()


async def open_room(server: ServerProcess, hello_lang: str | None, board_language: str = "fr") -> Room:
    board = await create_board(server.url, "Entrées invalides", language=board_language)
    code = board["code"]
    alice = await join_board(server.url, code, "Alice")
    bruno = await join_board(server.url, code, "Bruno")
    fac = await Participant(server.ws_url, code, board["facilitator_token"]).connect()
    actor = await Participant(server.ws_url, code, alice["token"], lang=hello_lang).connect()
    witness = await Participant(server.ws_url, code, bruno["token"]).connect()
    seq = await fac.ok("phase.set", {"phase": "inspiration"})
    await asyncio.gather(*(c.wait_seq(seq) for c in (fac, actor, witness)))
    # Presence is broadcast at most four times a second: wait until everyone has heard of everyone,
    # so that no frame caused by these arrivals lands during a test.
    everyone = {board["participant_id"], alice["participant_id"], bruno["participant_id"]}

    async def settled() -> None:
        while any(set(c.online) != everyone for c in (fac, actor, witness)):
            await asyncio.sleep(0.02)

    await asyncio.wait_for(settled(), 10)
    return Room(server, board, fac, actor, witness, hello_lang, hello_lang or board_language)


@pytest.fixture
def hello_lang() -> str | None:
    """The actor's hello `lang`: none by default (the board's French); tests parametrize it by name."""
    return None


# Every error path goes through the same per-connection language, so most inputs are checked in one
# language (alternating), and a representative few in both: the suite stays quick.
BOTH = pytest.mark.parametrize("hello_lang", [None, "en"], ids=["default-fr", "hello-en"])
EN = pytest.mark.parametrize("hello_lang", ["en"], ids=["hello-en"])


@pytest.fixture
async def room(shared_server: ServerProcess, hello_lang: str | None) -> AsyncIterator[Room]:
    opened = await open_room(shared_server, hello_lang)
    yield opened
    await opened.close()


@pytest.fixture
async def tuned_room(tuned_server: ServerProcess, hello_lang: str | None) -> AsyncIterator[Room]:
    opened = await open_room(tuned_server, hello_lang)
    yield opened
    await opened.close()


async def still_usable(room: Room, mark: int, head: int, follow_up: Callable[[], Awaitable[list[int]]] | None) -> None:
    """A valid command right after is acked with the next seq, and the witness got nothing but its event."""
    if follow_up is None:
        seqs = [await room.actor.ok("note.add", {"text": "Toujours là"})]
    else:
        seqs = await follow_up()
    assert seqs == list(range(head + 1, head + 1 + len(seqs)))
    await room.witness.wait_seq(seqs[-1])
    seen = [orjson.loads(frame) for frame in room.witness.raw_frames[mark:]]
    seen = [m for m in seen if m["type"] != "heartbeat"]  # periodic, unrelated to the input
    assert [(m["type"], m.get("seq")) for m in seen] == [("event", s) for s in seqs], "the witness was disturbed"


async def expect_rejected(
    room: Room,
    send: Callable[[], Awaitable[dict[str, Any]]],
    code: str,
    *,
    field: str | None = MISSING,
    cid: str | None = MISSING,
    params: dict[str, object] | None = None,
    follow_up: Callable[[], Awaitable[list[int]]] | None = None,
) -> dict[str, Any]:
    head = await room.head()
    mark = len(room.witness.raw_frames)
    answer = await send()
    assert answer["type"] == "error", answer
    assert answer["code"] == code, answer
    if field is not MISSING:
        assert answer["field"] == field, answer
    if cid is not MISSING:
        assert answer["cid"] == cid, answer
    assert answer["message"] == expected_message(room.lang, code, answer["field"], **(params or {}))
    assert await room.head() == head, "a refused input changed the log"
    await still_usable(room, mark, head, follow_up)
    return answer


def cmd_frame(name: str, args: dict[str, Any], cid: str = "c-1") -> str:
    return orjson.dumps({"type": "cmd", "cid": cid, "name": name, "args": args}).decode()


async def note_id_at(client: Participant, seq: int) -> str:
    await client.wait_seq(seq)
    event = next(e for e in client.events if e["seq"] == seq)
    return event["data"]["note"]["id"]


# --- frames that are not valid messages ---------------------------------------------------------


@BOTH
async def test_malformed_json(room: Room) -> None:
    await expect_rejected(room, lambda: room.actor.send_raw('{"type": "cmd", "cid": "c-1", "name": '),
                          "bad_request", cid=None)


@pytest.mark.parametrize("frame", ["[1, 2, 3]", "42", '"note.add"', "null"])
@EN
async def test_non_object_json(room: Room, frame: str) -> None:
    await expect_rejected(room, lambda: room.actor.send_raw(frame), "bad_request", cid=None)


@BOTH
async def test_unknown_command(room: Room) -> None:
    await expect_rejected(room, lambda: room.actor.cmd("note.explode", {}, cid="boom-1"),
                          "unknown_command", field="name", cid="boom-1")


async def test_frame_over_64_kib(room: Room) -> None:
    frame = cmd_frame("note.add", {"text": "a" * (65 * 1024)})
    await expect_rejected(room, lambda: room.actor.send_raw(frame), "too_large", cid=None)


@EN
async def test_nan_coordinate_is_malformed_json(room: Room) -> None:
    frame = '{"type": "cmd", "cid": "c-nan", "name": "note.add", "args": {"text": "a", "x": NaN}}'
    await expect_rejected(room, lambda: room.actor.send_raw(frame), "bad_request", cid=None)


# --- arguments out of their type or range ---------------------------------------------------------


@BOTH
async def test_note_text_over_500_characters(room: Room) -> None:
    answer = await expect_rejected(room, lambda: room.actor.cmd("note.add", {"text": "é" * 501}),
                                   "too_large", field="text")
    assert answer["message"] == expected_message(room.lang, "too_large", "text")  # the 500-character text


@EN
async def test_colour_not_in_the_list(room: Room) -> None:
    await expect_rejected(room, lambda: room.actor.cmd("note.add", {"text": "Rouge", "color": "red"}),
                          "bad_request", field="color")


@pytest.mark.parametrize(
    ("name", "field", "value", "hello_lang"),
    [
        ("note.add", "x", -1, None),
        ("note.add", "y", 4001, "en"),
        ("note.add", "x", "12", None),
        ("note.add", "y", True, "en"),
        ("note.move", "x", -0.5, None),
        ("note.move", "y", 1e9, "en"),
    ],
)
async def test_coordinate_out_of_range_or_type(room: Room, name: str, field: str, value: object) -> None:
    args: dict[str, Any] = {"x": 10, "y": 10}
    if name == "note.add":
        args["text"] = "Une note bien placée"
    else:
        args["id"] = await note_id_at(room.actor, await room.actor.ok("note.add", {"text": "À déplacer"}))
    args[field] = value
    await expect_rejected(room, lambda: room.actor.cmd(name, args), "bad_request", field=field)


# --- rules of the workshop ----------------------------------------------------------------------


@BOTH
async def test_vote_over_budget(room: Room) -> None:
    note = await note_id_at(room.fac, await room.fac.ok("note.add", {"text": "Un tiers-lieu numérique"}))
    await room.fac.ok("votes.configure", {"budget": 2})
    await room.fac.ok("phase.set", {"phase": "convergence"})
    for _ in range(2):
        await room.actor.ok("vote.add", {"note_id": note})

    async def take_one_back() -> list[int]:
        return [await room.actor.ok("vote.remove", {"note_id": note})]

    await expect_rejected(room, lambda: room.actor.cmd("vote.add", {"note_id": note}), "vote_budget_exhausted",
                          params={"budget": 2}, follow_up=take_one_back)


async def test_vote_outside_convergence(room: Room) -> None:
    note = await note_id_at(room.fac, await room.fac.ok("note.add", {"text": "Trop tôt pour voter"}))
    await expect_rejected(room, lambda: room.actor.cmd("vote.add", {"note_id": note}), "not_allowed_in_phase")


@EN
async def test_participant_sends_a_facilitator_command(room: Room) -> None:
    await expect_rejected(room, lambda: room.actor.cmd("phase.set", {"phase": "convergence"}), "forbidden")
    assert (await fetch_state(room.server.url, room.code, room.board["facilitator_token"]))["state"]["board"][
        "phase"
    ] == "inspiration"


async def test_unknown_note_id(room: Room) -> None:
    await expect_rejected(room, lambda: room.actor.cmd("note.edit", {"id": "n_0123456789abcdef", "text": "?"}),
                          "not_found", field="id")


@EN
async def test_editing_someone_elses_note(room: Room) -> None:
    theirs = await note_id_at(room.witness, await room.witness.ok("note.add", {"text": "La note de Bruno"}))
    await expect_rejected(room, lambda: room.actor.cmd("note.edit", {"id": theirs, "text": "Réécrite"}),
                          "forbidden", field="id")
    state = (await fetch_state(room.server.url, room.code, room.board["facilitator_token"]))["state"]
    assert state["notes"][theirs]["text"] == "La note de Bruno"


async def test_locked_board(room: Room) -> None:
    await room.fac.ok("board.lock", {"locked": True})

    async def unlock_then_write() -> list[int]:
        return [
            await room.fac.ok("board.lock", {"locked": False}),
            await room.actor.ok("note.add", {"text": "Après le verrou"}),
        ]

    await expect_rejected(room, lambda: room.actor.cmd("note.add", {"text": "Pendant le verrou"}), "board_locked",
                          follow_up=unlock_then_write)


# --- the handshake ------------------------------------------------------------------------------


async def refused_handshake(room: Room, frame: str | None) -> dict[str, Any]:
    """A second socket to the room that the server must refuse: an error frame, then close 1008."""
    ws = await open_socket(room.server.ws_url, room.code)
    answer, close_code = await refused(ws, frame)
    assert close_code == 1008
    assert answer["cid"] is None
    return answer


def lang_of(room: Room) -> dict[str, str]:
    return {"lang": room.hello_lang} if room.hello_lang else {}


@BOTH
async def test_token_for_another_board(room: Room) -> None:
    other = await create_board(room.server.url, "Un autre atelier")
    frame = hello(other["facilitator_token"], **lang_of(room))
    await expect_rejected(room, lambda: refused_handshake(room, frame), "unauthorized")


@EN
async def test_bad_token(room: Room) -> None:
    frame = hello(secrets.token_urlsafe(32), **lang_of(room))
    await expect_rejected(room, lambda: refused_handshake(room, frame), "unauthorized")


@BOTH
async def test_wrong_protocol_version(room: Room) -> None:
    frame = orjson.dumps(
        {"type": "hello", "protocol": 2, "token": room.board["facilitator_token"], "last_seq": None, **lang_of(room)}
    ).decode()
    await expect_rejected(room, lambda: refused_handshake(room, frame), "bad_request")


async def test_no_hello_within_the_timeout(tuned_server: ServerProcess) -> None:
    # No hello, hence no language: the refusal is in French, the default.
    room = await open_room(tuned_server, None)
    try:
        await expect_rejected(room, lambda: refused_handshake(room, None), "bad_request")
    finally:
        await room.close()


# --- flooding -----------------------------------------------------------------------------------


@BOTH
async def test_flood_beyond_the_rate_limit(tuned_room: Room) -> None:
    room = tuned_room
    head = await room.head()
    mark = len(room.witness.raw_frames)
    texts = [f"Inondation {k}" for k in range(40)]
    answers = await asyncio.gather(*(room.actor.cmd("note.add", {"text": t}) for t in texts))
    acked = [(t, a["seq"]) for t, a in zip(texts, answers, strict=True) if a["type"] == "ack"]
    limited = [a for a in answers if a["type"] == "error"]
    assert limited, "40 commands at once must exceed a burst of 10"
    for answer in limited:
        assert answer["code"] == "rate_limited"
        assert answer["message"] == expected_message(room.lang, "rate_limited", answer["field"])
    # Only the accepted commands were stored, and the witness saw exactly their events.
    acked_seqs = sorted(s for _, s in acked)
    assert acked_seqs == list(range(head + 1, head + 1 + len(acked)))
    assert await room.head() == head + len(acked)
    state = (await fetch_state(room.server.url, room.code, room.board["facilitator_token"]))["state"]
    assert sorted(n["text"] for n in state["notes"].values()) == sorted(t for t, _ in acked)
    await room.witness.wait_seq(acked_seqs[-1])
    seen = [orjson.loads(f) for f in room.witness.raw_frames[mark:]]
    assert [(m["type"], m.get("seq")) for m in seen if m["type"] != "heartbeat"] == [
        ("event", s) for s in acked_seqs
    ]
    # The bucket refills (2 per second here): after a pause the connection is usable again.
    await asyncio.sleep(1.5)
    await still_usable(room, len(room.witness.raw_frames), head + len(acked), None)


# --- the browser's Origin -----------------------------------------------------------------------


async def test_foreign_origin_is_refused_at_the_handshake(shared_server: ServerProcess) -> None:
    board = await create_board(shared_server.url, "Origine")
    url = f"{shared_server.ws_url}/ws/{board['code']}"
    with pytest.raises(InvalidStatus) as refused_with:
        await websockets.connect(url, origin="https://evil.example")
    assert refused_with.value.response.status_code == 403
    # The board's own site is welcome.
    ws = await websockets.connect(url, origin=shared_server.url)
    try:
        await ws.send(hello(board["facilitator_token"]))
        assert orjson.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "welcome"
    finally:
        await ws.close()


async def test_allowed_origins_setting(tuned_server: ServerProcess) -> None:
    board = await create_board(tuned_server.url, "Origine autorisée")
    url = f"{tuned_server.ws_url}/ws/{board['code']}"
    for origin in (ALLOWED_ORIGIN, tuned_server.url):
        ws = await websockets.connect(url, origin=origin)
        try:
            await ws.send(hello(board["facilitator_token"]))
            assert orjson.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "welcome"
        finally:
            await ws.close()
    for origin in ("https://evil.example", "https://atelier.example.org.evil.example", "http://atelier.example.org"):
        with pytest.raises(InvalidStatus) as refused_with:
            await websockets.connect(url, origin=origin)
        assert refused_with.value.response.status_code == 403, origin


async def test_board_language_is_the_default_and_hello_overrides_it(shared_server: ServerProcess) -> None:
    for board_language, hello_lang, expected in (("en", None, "en"), ("en", "fr", "fr")):
        room = await open_room(shared_server, hello_lang, board_language=board_language)
        try:
            assert room.lang == expected
            await expect_rejected(room, lambda room=room: room.actor.cmd("phase.set", {"phase": "sharing"}),
                                  "forbidden")
        finally:
            await room.close()


# --- HTTP ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["", "   ", "\x00\x01"])
async def test_create_with_an_empty_title(shared_server: ServerProcess, title: str) -> None:
    async with httpx.AsyncClient(base_url=shared_server.url) as http:
        for header, lang in (({}, "fr"), ({"Accept-Language": "en-GB,en;q=0.8"}, "en")):
            response = await http.post("/api/boards", json={"title": title}, headers=header)
            assert response.status_code == 400
            error = response.json()["error"]
            assert error["code"] == "bad_request"
            assert error["field"] == "title"
            assert error["message"] == expected_message(lang, "bad_request", "title")


async def test_join_an_unknown_code(shared_server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=shared_server.url) as http:
        for header, lang in (({}, "fr"), ({"Accept-Language": "en"}, "en")):
            response = await http.post("/api/boards/zzz-zzz/join", json={"name": "Alice"}, headers=header)
            assert response.status_code == 404
            error = response.json()["error"]
            assert error["code"] == "not_found"
            assert error["message"] == expected_message(lang, "not_found", error["field"])
    assert expected_message("fr", "not_found", "board") != expected_message("en", "not_found", "board")


async def test_read_state_without_a_valid_token(shared_server: ServerProcess) -> None:
    board = await create_board(shared_server.url, "Lecture")
    other = await create_board(shared_server.url, "Autre")
    path = f"/api/boards/{board['code']}"
    async with httpx.AsyncClient(base_url=shared_server.url) as http:
        for headers in (
            {},
            {"Authorization": f"Bearer {other['facilitator_token']}"},
            {"Authorization": f"Bearer {secrets.token_urlsafe(32)}"},
            {"Authorization": f"Basic {board['facilitator_token']}"},
        ):
            response = await http.get(path, headers=headers)
            assert response.status_code == 401, headers.keys()
            assert response.json()["error"]["code"] == "unauthorized"
            assert "state" not in response.json()
        own = {"Authorization": f"Bearer {board['facilitator_token']}"}
        assert (await http.get(path, headers=own)).status_code == 200  # the same request can succeed


# --- pages --------------------------------------------------------------------------------------

CSP_KEYWORDS = {"'self'", "'none'", "data:"}


@pytest.mark.parametrize("path", ["/", "/b/ABCDEF"])
async def test_pages_carry_a_strict_content_security_policy(shared_server: ServerProcess, path: str) -> None:
    async with httpx.AsyncClient(base_url=shared_server.url) as http:
        response = await http.get(path)
    assert response.status_code == 200
    csp = response.headers.get("content-security-policy")
    assert csp, "no Content-Security-Policy header"
    directives = {}
    for part in csp.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    # Only the site itself: no third-party origin, scheme or wildcard anywhere. A style's hash (the
    # printable report carries its stylesheet inside) names one exact stylesheet, nothing else.
    for name, sources in directives.items():
        hashed = {s for s in sources if name == "style-src" and re.fullmatch(r"'sha256-[A-Za-z0-9+/=]{44}'", s)}
        assert set(sources) - hashed <= CSP_KEYWORDS, (name, sources)
    for needed in ("default-src", "script-src", "object-src", "frame-ancestors"):
        assert needed in directives


async def test_api_docs_are_not_served(shared_server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=shared_server.url) as http:
        for path in ("/docs", "/redoc"):
            assert (await http.get(path)).status_code == 404, path
