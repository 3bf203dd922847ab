"""Frames written straight to uvicorn's transport (wire.py) arrive intact, the direct path is really the
one taken under `atelier serve`'s server settings, and per-message deflate falls back to ASGI sends.

If an uvicorn upgrade moves what wire.py relies on, `test_the_direct_path_is_taken` fails instead of
the hub silently going back to the slower path."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
import uvicorn
import websockets
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from atelier.domain import Viewer
from atelier.hub import Client
from atelier.wire import Outgoing, direct_socket, text_frame
from tests.support.server import free_port

# Sizes on each side of the 7-bit, 16-bit and 64-bit length encodings, with multi-byte characters.
TEXTS = ["", "a", "é" * 62, "x" * 125, "y" * 126, "z" * 65535, "ü" * 40000, "w" * 70000]


async def endpoint(websocket: WebSocket) -> None:
    await websocket.accept()
    client = Client(websocket, Viewer("p", "participant"), "fr", 1 << 20)
    client.send("direct" if direct_socket(websocket) is not None else "asgi")
    shared = [Outgoing(text) for text in TEXTS]
    for out in shared:
        client.send(out)
    with contextlib.suppress(Exception):
        await websocket.receive_text()  # the test says when it has read everything
    await client.stop()


@contextlib.asynccontextmanager
async def serve(deflate: bool):
    app = Starlette(routes=[WebSocketRoute("/ws", endpoint)])
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, ws="websockets-sansio", ws_per_message_deflate=deflate,
        log_level="warning", lifespan="off",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield f"ws://127.0.0.1:{port}/ws"
    finally:
        server.should_exit = True
        await task


@pytest.mark.parametrize("deflate", [False, True])
async def test_frames_arrive_intact_on_either_path(deflate):
    async with serve(deflate) as url, websockets.connect(url, max_size=None) as sock:
        path = await sock.recv()
        assert path == ("asgi" if deflate else "direct")
        received = [await asyncio.wait_for(sock.recv(), 10) for _ in TEXTS]
        assert received == TEXTS
        await sock.send("done")


async def test_the_direct_path_is_taken():
    """The plain server (no deflate, as `atelier serve` runs by default) takes the direct path."""
    async with serve(False) as url, websockets.connect(url, compression=None) as sock:
        assert await sock.recv() == "direct"
        await sock.send("done")


def test_text_frame_headers_follow_rfc6455():
    assert text_frame(b"") == b"\x81\x00"
    assert text_frame(b"a" * 125)[:2] == b"\x81\x7d"
    assert text_frame(b"a" * 126)[:4] == b"\x81\x7e\x00\x7e"
    assert text_frame(b"a" * 65536)[:10] == b"\x81\x7f" + (65536).to_bytes(8, "big")
