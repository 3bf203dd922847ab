"""The count-only reader: exact event counts and one pong per ping, however the stream is cut."""

from __future__ import annotations

import asyncio

import orjson

from .wsraw import OP_PONG, RawClient, Sink


class Transport:
    def __init__(self) -> None:
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return False


def server_frame(payload: bytes, opcode: int = 0x1) -> bytes:
    n = len(payload)
    head = bytes((0x80 | opcode, n)) if n < 126 else bytes((0x80 | opcode, 126)) + n.to_bytes(2, "big")
    return head + payload


async def test_count_only_is_exact_at_every_cut() -> None:
    texts = ["t=" + "x" * (k * 7 % 300) for k in range(40)]
    events = [orjson.dumps({"type": "event", "seq": k, "data": {"text": t}}) for k, t in enumerate(texts)]
    stream = b"".join(server_frame(e) for e in events[:20])
    stream += server_frame(b"\x01\x02\x89\x04", 0x9)  # a ping whose payload holds the ping's own bytes
    stream += server_frame(orjson.dumps({"type": "heartbeat", "seq": 20}))
    stream += b"".join(server_frame(e) for e in events[20:])
    for cut in range(1, len(stream), 37):
        client = RawClient(Sink(), "127.0.0.1", 1, "/", {})
        transport = Transport()
        client.transport = transport  # type: ignore[assignment]
        client.count_only()
        client.data_received(stream[:cut])
        client.data_received(stream[cut:])
        assert client.events == 40, cut
        pongs = [w for w in transport.written if w[0] & 0x0F == OP_PONG]
        assert len(pongs) == 1, cut
    await asyncio.sleep(0)
