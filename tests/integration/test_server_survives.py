"""A seeded barrage of garbage frames: every one is answered or refused, and the server stays healthy."""

from __future__ import annotations

import asyncio
import contextlib
import random
from typing import Any

import httpx
import orjson
import websockets

from tests.support.client import Participant, create_board, fetch_state, join_board
from tests.support.server import ServerProcess
from tests.support.wire import hello, open_socket

SEED = 20_251_128
COMMANDS = [
    "note.add", "note.edit", "note.move", "note.recolor", "note.delete", "vote.add", "vote.remove",
    "votes.configure", "votes.reveal", "phase.set", "question.set", "timer.start", "timer.pause",
    "timer.resume", "timer.add", "timer.reset", "board.lock", "participant.role",
]
KEYS = ["type", "cid", "name", "args", "text", "x", "y", "id", "note_id", "color", "phase", "seconds",
        "budget", "locked", "revealed", "role", "for", "protocol", "token", "last_seq", "lang", "view", "__proto__"]
DEEP = 10_000


def random_text(rng: random.Random, longest: int = 80) -> str:
    """Any Unicode scalar value (no lone surrogates: those cannot be encoded, they are sent apart)."""
    chars = []
    for _ in range(rng.randint(0, longest)):
        code = rng.choice((rng.randint(0, 0x7F), rng.randint(0x80, 0xD7FF), rng.randint(0xE000, 0x10FFFF)))
        chars.append(chr(code))
    return "".join(chars)


def random_json(rng: random.Random, depth: int = 0) -> Any:
    kinds = ["int", "float", "str", "bool", "null"] + (["list", "dict", "dict"] if depth < 4 else [])
    match rng.choice(kinds):
        case "int":
            return rng.choice((0, -1, 1, 4001, rng.randint(-(2**63), 2**63 - 1), 2**53 + 1))
        case "float":
            return rng.choice((rng.uniform(-1e308, 1e308), -0.0, 1e-320, 4000.0000001, rng.random()))
        case "str":
            return rng.choice((random_text(rng), rng.choice(COMMANDS), "cmd", "hello", "ping", "n_" + "0" * 16))
        case "bool":
            return rng.random() < 0.5
        case "null":
            return None
        case "list":
            return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 5))]
        case _:
            return {
                rng.choice((*KEYS, random_text(rng, 10))): random_json(rng, depth + 1) for _ in range(rng.randint(0, 6))
            }


def random_command(rng: random.Random, k: int) -> str:
    args = {rng.choice(KEYS): random_json(rng, 2) for _ in range(rng.randint(0, 4))}
    frame = {"type": "cmd", "cid": rng.choice((f"fz-{k}", random_text(rng, 70), k, None)),
             "name": rng.choice((*COMMANDS, random_text(rng, 20), "")), "args": args}
    if rng.random() < 0.2:
        frame[rng.choice(KEYS)] = random_json(rng, 2)  # an extra or a clobbered field
    return orjson.dumps(frame).decode()


def nested(opening: str, closing: str, depth: int, core: str = "1") -> str:
    return opening * depth + core + closing * depth


def in_session_frames(rng: random.Random) -> list[str | bytes]:
    """Frames sent on an open session; each must get exactly one answer without closing it."""
    frames: list[str | bytes] = []
    frames += [rng.randbytes(rng.randint(0, 4096)) for _ in range(60)]  # binary frames
    frames += [random_text(rng, 300) for _ in range(60)]  # text that is not JSON
    frames += [orjson.dumps(random_json(rng)).decode() for _ in range(150)]
    frames += [random_command(rng, k) for k in range(200)]
    frames += [
        # Numbers beyond what doubles and 64-bit integers hold.
        '{"type": "cmd", "cid": "big-1", "name": "note.add", "args": {"text": "a", "x": 1e400}}',
        '{"type": "cmd", "cid": "big-2", "name": "note.add", "args": {"text": "a", "y": -1e400}}',
        '{"type": "cmd", "cid": "big-3", "name": "votes.configure", "args": {"budget": 12345678901234567890123}}',
        '{"type": "cmd", "cid": "big-4", "name": "timer.add", "args": {"seconds": -9223372036854775809}}',
        '{"type": "cmd", "cid": "big-5", "name": "timer.start", "args": {"seconds": 1' + "0" * 400 + "}}",
        '{"type": "cmd", "cid": "big-6", "name": "note.move", "args": {"id": "n_x", "x": 1e-400, "y": 4e3}}',
        '{"type": "ping", "seq": 18446744073709551616}',
        # Ten thousand levels deep, alone and inside a command's arguments.
        nested("[", "]", DEEP),
        nested('{"a": ', "}", DEEP),
        '{"type": "cmd", "cid": "deep-1", "name": "note.add", "args": {"text": ' + nested("[", "]", DEEP) + "}}",
        '{"type": "cmd", "cid": "deep-2", "name": "note.add", "args": ' + nested('{"text": ', "}", DEEP, '"x"') + "}",
        # Deep, but within what the JSON parser accepts: validation must cope with it too.
        '{"type": "cmd", "cid": "deep-3", "name": "note.add", "args": {"text": ' + nested("[", "]", 900) + "}}",
        # Unpaired surrogates written as JSON escapes, and a proper pair.
        '{"type": "cmd", "cid": "sur-1", "name": "note.add", "args": {"text": "\\ud800"}}',
        '{"type": "cmd", "cid": "sur-2", "name": "note.add", "args": {"text": "a\\udfff\\ud800b"}}',
        '{"type": "cmd", "cid": "sur-3", "name": "question.set", "args": {"text": "\\ud83d\\ude00"}}',
        '{"type": "cmd", "cid": "\\ud800", "name": "note.add", "args": {"text": "x"}}',
        # A second hello, and messages of no known type.
        hello("not-a-token"),
        '{"type": "welcome"}',
        '{"type": "event", "seq": 1, "name": "note.added", "data": {}}',
        "",
        " ",
        "\x00",
    ]
    rng.shuffle(frames)
    return frames


async def test_garbage_does_not_hurt_the_server(shared_server: ServerProcess) -> None:
    rng = random.Random(SEED)
    url, ws_url = shared_server.url, shared_server.ws_url
    board = await create_board(url, "Résistance")
    code = board["code"]
    fuzzer_join, witness_join = await join_board(url, code, "Fuzz"), await join_board(url, code, "Témoin")
    fac = await Participant(ws_url, code, board["facilitator_token"]).connect()
    witness = await Participant(ws_url, code, witness_join["token"]).connect()
    await fac.ok("phase.set", {"phase": "inspiration"})

    # 1. On one open session: every frame gets exactly one answer, and the session survives.
    frames = in_session_frames(rng)
    ws = await open_socket(ws_url, code)
    await ws.send(hello(fuzzer_join["token"]))
    assert orjson.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "welcome"
    answers: list[dict[str, Any]] = []
    pongs: list[dict[str, Any]] = []

    async def read() -> None:
        async for raw in ws:
            message = orjson.loads(raw)
            if message["type"] in ("ack", "error"):
                answers.append(message)
            elif message["type"] == "pong":
                pongs.append(message)
                if message.get("final"):
                    return

    reader = asyncio.create_task(read())
    expected_pongs = 0
    for frame in frames:
        await ws.send(frame)
        with contextlib.suppress(orjson.JSONDecodeError):
            expected_pongs += orjson.loads(frame) == {"type": "ping"}
    await ws.send('{"type": "ping"}')

    async def settled() -> None:
        while len(answers) + len(pongs) < len(frames) + 1:
            await asyncio.sleep(0.02)

    await asyncio.wait_for(settled(), 120)
    # Every frame spends the budget, pings included: a ping past it is answered rate_limited, not pong.
    limited = sum(1 for a in answers if a.get("code") == "rate_limited")
    assert len(pongs) + len(answers) == len(frames) + 1
    assert expected_pongs + 1 - limited <= len(pongs) <= expected_pongs + 1
    assert ws.close_code is None, "the garbage closed the session"
    codes = {a["code"] for a in answers if a["type"] == "error"}
    assert codes <= {"bad_request", "unknown_command", "too_large", "forbidden", "not_found",
                     "not_allowed_in_phase", "rate_limited", "conflict", "board_locked", "unauthorized",
                     "vote_budget_exhausted"}, codes
    assert all(a["message"] for a in answers if a["type"] == "error")
    reader.cancel()
    await ws.close()

    # 2. Garbage as the first frame, and frames the transport itself refuses, each on a fresh socket.
    openers: list[str | bytes] = [rng.randbytes(64), random_text(rng), nested("[", "]", DEEP), "{}", "null",
                                  orjson.dumps(random_json(rng)).decode(), random_command(rng, 0)]
    for opener in openers:
        sock = await open_socket(ws_url, code)
        await sock.send(opener)
        first = orjson.loads(await asyncio.wait_for(sock.recv(), 10))
        assert first["type"] == "error" and first["code"] == "bad_request", first
        await asyncio.wait_for(sock.wait_closed(), 10)
        assert sock.close_code == 1008
    transport_garbage: list[bytes] = [
        "\ud800 lone surrogate".encode("utf-8", "surrogatepass"),  # not UTF-8: a text frame must be
        b"\xff\xfe\xfd",
        rng.randbytes(512),
    ]
    for raw in transport_garbage:
        sock = await open_socket(ws_url, code)
        await sock.send(hello(fuzzer_join["token"]))
        await asyncio.wait_for(sock.recv(), 10)
        await sock.send(raw, text=True)
        await asyncio.wait_for(sock.wait_closed(), 10)
        assert sock.close_code not in (None, 1011), sock.close_code  # closed, but not by an internal error
    huge = await open_socket(ws_url, code)
    await huge.send(hello(fuzzer_join["token"]))
    await asyncio.wait_for(huge.recv(), 10)
    try:
        await huge.send("x" * (2 * 1024 * 1024))  # past the transport's 1 MiB limit
        await asyncio.wait_for(huge.wait_closed(), 10)
    except websockets.ConnectionClosed:
        pass
    assert huge.close_code == 1009

    # 3. The server is still healthy: liveness, a normal command, a consistent board, a clean log.
    async with httpx.AsyncClient(base_url=url) as http:
        assert (await http.get("/healthz")).status_code == 200
    assert shared_server.proc is not None and shared_server.proc.poll() is None
    seq = await fac.ok("note.add", {"text": "Toujours debout"})
    fresh = await Participant(ws_url, code, fuzzer_join["token"]).connect()
    seq = await fresh.ok("note.add", {"text": "Moi aussi"})
    for client, token in ((fac, board["facilitator_token"]), (witness, witness_join["token"]),
                          (fresh, fuzzer_join["token"])):
        await client.wait_seq(seq)
        fetched = await fetch_state(url, code, token)
        assert fetched["seq"] == client.seq == seq
        assert fetched["state"] == client.state
    log = shared_server.log()
    assert "Traceback" not in log, log[-4000:]
    assert "socket handler failed" not in log
    for client in (fac, witness, fresh):
        await client.close()
