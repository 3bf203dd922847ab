"""A minimal WebSocket client as a raw asyncio Protocol: cheap enough to hold thousands of receivers.

The `websockets` library costs more CPU per client than the server under test spends per recipient,
so a thousand of its clients in one process would measure the generator, not the server. This client
does the HTTP upgrade itself, parses unmasked server frames (FIN, opcode, 7/16/64-bit lengths, no
extensions: the server runs with per-message deflate off) and looks into a text frame only as far as
the benchmark needs: its `type`, a `"t=<monotonic_ns>` send stamp, and acks/errors of its own commands.
Large frames it does not need (welcome states, presence lists) are skipped without being buffered.
"""

from __future__ import annotations

import asyncio
import base64
import os
import random
import re
import socket
import time
from collections.abc import Callable
from typing import Any

import orjson

# Sent stamps travel in note text as `t=<ns>`; CLOCK_MONOTONIC is system-wide on Linux, so a stamp
# taken in one process of this host can be compared with a clock read in another.
STAMP = re.compile(rb'"t=(\d+)')
_NOTE_ID = re.compile(rb'"id":"([^"]+)"')

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
SKIP_OVER = 2048  # frames larger than this that we do not need are skipped, not buffered
EVENT_HEAD = b'{"type":"event"'  # how every event frame's payload starts (the protocol's key order)
# uvicorn's keepalive ping as it reaches a client: FIN + ping, unmasked, a 4-byte payload. These two
# bytes never occur in a stream of text frames of JSON otherwise: 0x04 is escaped in JSON, and a length
# byte of 0x89 is followed by a payload's `{`, never by 0x04.
PING_HEAD = b"\x89\x04"


class Sink:
    """Where every client of one generator process records what it saw (shared, to stay cheap)."""

    def __init__(self) -> None:
        self.latencies: list[int] = []  # ns, send stamp to receipt, one per delivered stamped event
        self.ack_latencies: dict[str, list[int]] = {}
        self.events = 0  # event frames received (any name, hidden included)
        self.frames = 0
        self.skipped_bytes = 0
        self.errors: dict[str, int] = {}
        self.closes: dict[int, int] = {}
        self.expected_stamped = 0  # deliveries the senders expect (room size per accepted stamp)

    def error(self, code: str) -> None:
        self.errors[code] = self.errors.get(code, 0) + 1


def _mask(payload: bytes) -> bytes:
    """Client frames must be masked; XOR through one big integer is C-speed for post-it frames."""
    key = random.randbytes(4)
    n = len(payload)
    if n == 0:
        return key
    stream = (key * (n // 4 + 1))[:n]
    return key + (int.from_bytes(payload, "big") ^ int.from_bytes(stream, "big")).to_bytes(n, "big")


def encode_frame(payload: bytes, opcode: int = OP_TEXT) -> bytes:
    n = len(payload)
    if n < 126:
        head = bytes((0x80 | opcode, 0x80 | n))
    elif n < 65536:
        head = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
    return head + _mask(payload)


class RawClient(asyncio.Protocol):
    """One connection. `on_event`/`on_answer` hooks let the generator drive commands without
    parsing every frame as JSON."""

    def __init__(self, sink: Sink, host: str, port: int, path: str, hello: dict[str, Any]) -> None:
        self.sink = sink
        self.host, self.port, self.path = host, port, path
        self.hello = hello
        self.transport: asyncio.Transport | None = None
        self._buf = bytearray()
        self._skip = 0
        self._frag: bytearray | None = None
        self._handshaken = False
        loop = asyncio.get_running_loop()
        self.welcomed: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[int] = loop.create_future()
        self.close_code: int | None = None
        self.closing = False  # set when we close on purpose: not an error
        self.events = 0
        self.stamped = 0
        self.welcome_seq: int | None = None
        self.key = base64.b64encode(os.urandom(16)).decode()
        self._cid = 0
        self.pending: dict[str, tuple[int, str, asyncio.Future[int] | None]] = {}
        self.note_waiters: dict[int, asyncio.Future[str]] = {}  # stamp -> future of the note id
        self.on_event: Callable[[RawClient, bytes], None] | None = None
        # An untimed reader counts the events it receives but records no latency (saturation runs
        # time a sample of readers per room, so that the generator stays far below the server).
        self.timed = True
        # A blind reader (count_only) keeps no frame alignment: it counts event payloads in whole chunks.
        self._blind = False
        self._tail = b""
        self._ping_from = 0

    # --- connection --------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's transports are not subclasses
        request = (
            f"GET {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {self.key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        transport.write(request.encode())

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.welcomed.done():
            self.welcomed.set_exception(ConnectionError("closed before welcome"))
        code = self.close_code if self.close_code is not None else 1006
        if not self.closing:
            self.sink.closes[code] = self.sink.closes.get(code, 0) + 1
        if not self.closed.done():
            self.closed.set_result(code)
        for _, _, fut in self.pending.values():
            if fut is not None and not fut.done():
                fut.set_exception(ConnectionError("closed"))
        for fut in self.note_waiters.values():
            if not fut.done():
                fut.set_exception(ConnectionError("closed"))

    def send_json(self, message: dict[str, Any]) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(encode_frame(orjson.dumps(message)))

    def close(self) -> None:
        self.closing = True
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(encode_frame((1000).to_bytes(2, "big"), OP_CLOSE))
            self.transport.close()

    def pause_reading(self) -> None:
        if self.transport is not None:
            self.transport.pause_reading()

    # --- commands ----------------------------------------------------------------------------

    def cmd(self, name: str, args: dict[str, Any], kind: str, *, want: bool = False) -> asyncio.Future[int] | None:
        """Send a command; its ack latency goes to `kind`. With `want`, a future of the ack's seq."""
        self._cid += 1
        cid = f"c{self._cid}"
        fut: asyncio.Future[int] | None = asyncio.get_running_loop().create_future() if want else None
        self.pending[cid] = (time.monotonic_ns(), kind, fut)
        self.send_json({"type": "cmd", "cid": cid, "name": name, "args": args})
        return fut

    def expect_note(self, stamp: int) -> asyncio.Future[str]:
        """A future of the id of the note this client adds with text stamped `stamp`."""
        fut: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.note_waiters[stamp] = fut
        return fut

    # --- frames ------------------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self._blind:
            self._count_blind(data)
            return
        if self._skip:
            if len(data) <= self._skip:
                self._skip -= len(data)
                self.sink.skipped_bytes += len(data)
                return
            self.sink.skipped_bytes += self._skip
            data = data[self._skip :]
            self._skip = 0
        if self._buf:
            self._buf += data
            data = bytes(self._buf)
            self._buf.clear()
        if not self._handshaken:
            end = data.find(b"\r\n\r\n")
            if end < 0:
                self._buf += data
                return
            status = data[: data.find(b"\r\n")]
            if b" 101 " not in status + b" ":
                self.sink.error(f"handshake:{status.decode(errors='replace')[:40]}")
                self.closing = True
                assert self.transport is not None
                self.transport.close()
                return
            self._handshaken = True
            assert self.transport is not None
            self.transport.write(encode_frame(orjson.dumps(self.hello)))
            data = data[end + 4 :]
        now = time.monotonic_ns()
        n = len(data)
        if self.on_event is None and not self.note_waiters:
            pos = self._events_only(data, now)
            if pos:
                if pos < n:
                    self._buf += data[pos:]
                return
        pos = 0
        while n - pos >= 2:
            b0, b1 = data[pos], data[pos + 1]
            length, head = b1 & 0x7F, 2
            if length == 126:
                if n - pos < 4:
                    break
                length, head = int.from_bytes(data[pos + 2 : pos + 4], "big"), 4
            elif length == 127:
                if n - pos < 10:
                    break
                length, head = int.from_bytes(data[pos + 2 : pos + 10], "big"), 10
            start = pos + head
            end = start + length
            if end > n:
                # A big frame we do not need: count it and skip the rest of it as it streams in.
                if length > SKIP_OVER and n - start >= 16 and b0 & 0x0F == OP_TEXT and b0 & 0x80:
                    kind = bytes(data[start + 9 : start + 14])
                    if kind in (b"prese", b"welco", b"heart"):
                        self._frame_seen(kind, data[start : min(n, start + 256)], now, partial=True)
                        self.sink.skipped_bytes += n - start
                        self._skip = end - n
                        pos = n
                break
            self._frame(b0, data[start:end], now)
            pos = end
        if pos < n:
            self._buf += data[pos:]

    def _events_only(self, data: bytes, now: int) -> int:
        """The fast path for what a reader mostly gets, runs of event frames: walk the headers, then
        count the events and read every send stamp of the chunk in C (an untimed reader only counts).
        Returns where the complete frames end, or 0 when the chunk holds anything else (the
        frame-by-frame path takes it then)."""
        pos, n, count = 0, len(data), 0
        while True:
            if n - pos < 4:
                if n - pos >= 2 and data[pos] != 0x81:
                    return 0
                break
            size = data[pos + 1]
            if data[pos] != 0x81 or size > 126:  # FIN + text, no 64-bit length: else the careful way
                return 0
            end = pos + 4 + (data[pos + 2] << 8 | data[pos + 3]) if size == 126 else pos + 2 + size
            if end > n:
                break
            count += 1
            pos = end
        if not count or data.count(EVENT_HEAD, 0, pos) != count:
            return 0
        sink = self.sink
        sink.frames += count
        sink.events += count
        self.events += count
        if self.timed:
            stamps = STAMP.findall(data, 0, pos)
            if stamps:
                sink.latencies.extend([now - int(s) for s in stamps])
                self.stamped += len(stamps)
        return pos

    def count_only(self) -> None:
        """From now until it is closed, only count the event frames this reader receives, by finding
        their payload's opening bytes in C over each whole chunk, and answer keepalive pings; no frame
        header is read. Walking the headers of a million frames a second in Python is what made the
        generator, not the servers, the limit of the scale-out saturation runs on two shared cores.
        Exact as long as EVENT_HEAD opens every event payload and nothing else (true of the saturation
        runs' frames: note texts are stamps); a reader that sends commands must not use it (acks and
        errors are not read)."""
        self._blind = True
        self._tail = bytes(self._buf)  # an incomplete frame: its event is counted once the rest arrives
        self._buf.clear()
        self._skip = 0
        self._ping_from = 0

    def _count_blind(self, data: bytes) -> None:
        buf = self._tail + data if self._tail else data
        count = buf.count(EVENT_HEAD)
        if count:
            sink = self.sink
            sink.frames += count
            sink.events += count
            self.events += count
        # A one-byte find is a memchr (about 30 times faster than a two-byte find here); 0x89 itself
        # occurs only in a frame length's low byte, and rarely.
        done = self._ping_from
        at = buf.find(PING_HEAD[:1], done)
        while at >= 0 and at + 6 <= len(buf):
            if buf[at + 1] == PING_HEAD[1]:
                if self.transport is not None and not self.transport.is_closing():
                    self.transport.write(encode_frame(buf[at + 2 : at + 6], OP_PONG))
                done = at + 6
                at = buf.find(PING_HEAD[:1], done)
            else:
                at = buf.find(PING_HEAD[:1], at + 1)
        # Keep fewer bytes than EVENT_HEAD holds (so no complete one is counted twice), which is also
        # more than a ping frame: one cut in two is found whole next time; one answered is not again.
        keep = max(0, len(buf) - (len(EVENT_HEAD) - 1))
        self._tail = buf[keep:]
        self._ping_from = max(0, done - keep)

    def batch_reads(self, low_water: int) -> None:
        """Let the kernel wake this reader only once `low_water` bytes wait (SO_RCVLOWAT; 1 is the
        default): an untimed reader under load then takes many runs per read instead of one."""
        if self.transport is None or self.transport.is_closing():
            return
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, low_water)

    def _frame(self, b0: int, payload: bytes, now: int) -> None:
        opcode, fin = b0 & 0x0F, b0 & 0x80
        if opcode == OP_CONT or (not fin and opcode in (OP_TEXT, OP_BINARY)):
            if opcode != OP_CONT:
                self._frag = bytearray()
            if self._frag is None:
                return
            self._frag += payload
            if not fin:
                return
            payload, self._frag, opcode = bytes(self._frag), None, OP_TEXT
        if opcode == OP_TEXT:
            self._frame_seen(payload[9:14], payload, now)
        elif opcode == OP_PING:
            if self.transport is not None and not self.transport.is_closing():
                self.transport.write(encode_frame(payload, OP_PONG))
        elif opcode == OP_CLOSE:
            self.close_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
            if self.transport is not None and not self.transport.is_closing():
                self.transport.write(encode_frame(payload[:2], OP_CLOSE))
                self.transport.close()

    def _frame_seen(self, kind: bytes, payload: bytes, now: int, *, partial: bool = False) -> None:
        sink = self.sink
        sink.frames += 1
        if kind == b"event":
            sink.events += 1
            self.events += 1
            match = STAMP.search(payload)
            if match is not None:
                stamp = int(match.group(1))
                if self.timed:
                    sink.latencies.append(now - stamp)
                    self.stamped += 1
                if self.note_waiters:
                    fut = self.note_waiters.pop(stamp, None)
                    if fut is not None and not fut.done():
                        found = _NOTE_ID.search(payload)
                        if found:
                            fut.set_result(found.group(1).decode())
            if self.on_event is not None:
                self.on_event(self, payload)
        elif kind == b'ack",':
            message = orjson.loads(payload)
            entry = self.pending.pop(message["cid"], None)
            if entry is not None:
                sent, label, fut = entry
                sink.ack_latencies.setdefault(label, []).append(now - sent)
                if fut is not None and not fut.done():
                    fut.set_result(message["seq"])
        elif kind == b"error":
            message = orjson.loads(payload)
            sink.error(message.get("code", "error"))
            entry = self.pending.pop(message.get("cid") or "", None)
            if entry is not None and entry[2] is not None and not entry[2].done():
                entry[2].set_exception(RuntimeError(message.get("code")))
            if not self.welcomed.done():
                self.welcomed.set_exception(RuntimeError(message.get("code")))
        elif kind == b"welco":
            if not partial:
                found = re.search(rb'"seq":(\d+)', payload)
                self.welcome_seq = int(found.group(1)) if found else None
            if not self.welcomed.done():
                self.welcomed.set_result(None)


async def connect(
    sink: Sink,
    host: str,
    port: int,
    path: str,
    hello: dict[str, Any],
    *,
    rcvbuf: int | None = None,
    timeout: float = 30.0,
) -> RawClient:
    """Open, upgrade, say hello and wait for the welcome. `rcvbuf` shrinks the socket's receive
    buffer (a slow reader's buffers fill in seconds rather than minutes)."""
    loop = asyncio.get_running_loop()
    sock = None
    if rcvbuf is not None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        sock.setblocking(False)
        await loop.sock_connect(sock, (host, port))
        _, client = await loop.create_connection(lambda: RawClient(sink, host, port, path, hello), sock=sock)
    else:
        _, client = await loop.create_connection(lambda: RawClient(sink, host, port, path, hello), host, port)
    try:
        await asyncio.wait_for(asyncio.shield(client.welcomed), timeout)
    except BaseException:
        client.close()
        raise
    return client
