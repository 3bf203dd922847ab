"""The ceiling: a bare `websockets` broadcast server speaking just enough of Atelier's protocol.

No persistence, no validation, no presence, no per-viewer projection: hello → welcome, cmd → one
event (with a per-room seq) broadcast to the room, then an ack. The same load generator drives it
and Atelier, so each Atelier figure can be read as a fraction of what Python + `websockets` can do
on this machine. Frames keep Atelier's key order and roughly its sizes, so clients parse both alike.

Run: python -m tests.bench.ceiling --port 8765
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import time
from typing import Any

import orjson
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed


class Room:
    __slots__ = ("clients", "seq")

    def __init__(self) -> None:
        self.clients: set[ServerConnection] = set()
        self.seq = 0


ROOMS: dict[str, Room] = {}


def _event_data(name: str, args: dict[str, Any], actor: str, seq: int) -> tuple[str, dict[str, Any]]:
    """The event a command would produce in Atelier, shaped alike (similar bytes on the wire)."""
    if name == "note.add":
        note = {
            "id": f"n_{seq:016x}",
            "text": args.get("text", ""),
            "color": args.get("color") or "yellow",
            "x": float(args.get("x") or 40.0),
            "y": float(args.get("y") or 40.0),
            "author": actor,
            "for": None,
            "phase": "divergence",
            "created_ms": int(time.time() * 1000),
        }
        return "note.added", {"note": note}
    if name == "note.edit":
        return "note.edited", {"id": args.get("id"), "text": args.get("text", "")}
    if name == "note.move":
        return "note.moved", {"id": args.get("id"), "x": float(args["x"]), "y": float(args["y"])}
    if name == "vote.add":
        return "vote.added", {"note_id": args.get("note_id"), "participant_id": actor}
    return name.replace(".", "_") + "d", dict(args)


async def handler(ws: ServerConnection) -> None:
    path = ws.request.path if ws.request is not None else "/"
    room = ROOMS.setdefault(path.rsplit("/", 1)[-1], Room())
    try:
        hello = orjson.loads(await asyncio.wait_for(ws.recv(), 300))  # a storm opens its sockets first
    except (TimeoutError, ConnectionClosed, orjson.JSONDecodeError):
        return
    actor = str(hello.get("token", ""))
    welcome = {
        "type": "welcome",
        "protocol": 1,
        "seq": room.seq,
        "server_time_ms": int(time.time() * 1000),
        "you": {"id": actor, "role": "participant", "view": "board"},
        # A load generator may ask for a welcome as large as Atelier's (the storm scenario): a bare
        # server then encodes and sends that many bytes per socket.
        "state": {"pad": "x" * min(int(hello.get("pad_bytes") or 0), 1 << 24)},
    }
    await ws.send(orjson.dumps(welcome).decode())
    room.clients.add(ws)
    try:
        async for raw in ws:
            message = orjson.loads(raw)
            if message.get("type") != "cmd":
                continue
            room.seq += 1
            name, data = _event_data(message["name"], message.get("args") or {}, actor, room.seq)
            event = orjson.dumps({"type": "event", "seq": room.seq, "name": name, "data": data}).decode()
            # websockets.broadcast writes to every transport without awaiting, and skips a
            # connection whose buffer is full: the fastest fan-out this library offers.
            broadcast(room.clients, event)
            await ws.send(orjson.dumps({"type": "ack", "cid": message["cid"], "seq": room.seq}).decode())
    except ConnectionClosed:
        pass
    finally:
        room.clients.discard(ws)


async def main(host: str, port: int) -> None:
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    async with serve(handler, host, port, compression=None, max_size=2**20, max_queue=64, ping_interval=20):
        print(f"ceiling listening on {host}:{port}", flush=True)
        await stop


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    try:
        import uvloop  # uvicorn runs Atelier on uvloop: the ceiling gets the same event loop

        with contextlib.suppress(KeyboardInterrupt):
            uvloop.run(main(args.host, args.port))
    except ImportError:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(main(args.host, args.port))


if __name__ == "__main__":
    run()
