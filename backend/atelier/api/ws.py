"""The socket endpoint: handshake, commands in, acks and events out (docs/protocol.md)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from .. import domain, protocol
from ..domain import Command, DomainError, Viewer
from ..hub import CLOSE_POLICY, Client, Room
from ..messages import message
from ..service import normalise_code
from ..store import Unavailable
from .deps import Services

log = logging.getLogger("atelier.ws")
router = APIRouter()


def origin_allowed(websocket: WebSocket, allowed: list[str]) -> bool:
    """HTTP middleware does not run on sockets: the Origin check lives here. Non-browser clients
    send no Origin; a browser page from another site always does."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    if origin in allowed:
        return True
    return urlsplit(origin).netloc.lower() == websocket.headers.get("host", "").lower()


class RateLimit:
    """A token bucket per connection: bursts are fine, a flood is refused with a coded error."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, float(burst)
        self.tokens, self.at = float(burst), time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


async def _receive_text(websocket: WebSocket) -> str | bytes:
    msg = await websocket.receive()
    if msg["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(msg.get("code", 1000))
    return msg.get("text") if msg.get("text") is not None else msg.get("bytes", b"")


async def _refuse(websocket: WebSocket, code: str, lang: str | None) -> None:
    with contextlib.suppress(Exception):
        await websocket.send_text(protocol.encode(protocol.error(code, message(code, lang))))
        await websocket.close(code=CLOSE_POLICY)


@router.websocket("/ws/{code}")
async def socket(websocket: WebSocket, code: str) -> None:
    svc: Services = websocket.app.state.services
    settings = svc.settings
    if not origin_allowed(websocket, settings.allowed_origins):
        await websocket.close(code=CLOSE_POLICY)  # before accept: the handshake gets HTTP 403
        return
    await websocket.accept()
    try:
        raw = await asyncio.wait_for(_receive_text(websocket), timeout=settings.hello_timeout)
    except (TimeoutError, WebSocketDisconnect):
        await _refuse(websocket, "bad_request", None)
        return
    try:
        hello = protocol.parse_client_frame(raw)
    except protocol.ProtocolError:
        await _refuse(websocket, "bad_request", None)
        return
    if not isinstance(hello, protocol.Hello) or hello.protocol != protocol.PROTOCOL_VERSION:
        await _refuse(websocket, "bad_request", getattr(hello, "lang", None))
        return
    try:
        board_id = await svc.boards.store.board_id(code=normalise_code(code))
        found = await svc.boards.store.credential(token=hello.token) if board_id else None
    except Unavailable:
        await _refuse(websocket, "unavailable", hello.lang)
        return
    if board_id is None or found is None or found[0] != board_id:
        await _refuse(websocket, "unauthorized", hello.lang)
        return
    credential_id = found[1]
    try:
        rt = await svc.boards.current(board_id)
    except Unavailable:
        await _refuse(websocket, "unavailable", hello.lang)
        return
    granted = domain.viewer_for(rt.state, credential_id)
    if granted is None:
        await _refuse(websocket, "unauthorized", hello.lang)
        return
    # A projector link always watches as the public does; a member asks for the projector view.
    projector = granted.projector or hello.view == "projector"
    if projector and not granted.projector and granted.role not in domain.model.FACILITATORS:
        await _refuse(websocket, "forbidden", hello.lang)
        return
    participant_id, view = granted.id, ("projector" if projector else hello.view)
    lang = hello.lang or rt.state.language
    viewer = Viewer(participant_id, granted.role, projector=projector)
    client = Client(websocket, viewer, lang, settings.send_buffer, credential=credential_id)

    async def welcome(room: Room) -> tuple[dict, int]:
        current = await svc.boards.current(board_id)
        if domain.viewer_for(current.state, credential_id) is None:
            # Revoked while this socket was being let in: the room would never close it again.
            raise DomainError("unauthorized")
        role = None if granted.projector else current.state.role_of(participant_id or "")
        you = {"id": participant_id, "role": role, "view": view}
        now = svc.boards.clock.now_ms()
        last = hello.last_seq
        if last is not None and 0 <= current.seq - last <= settings.replay_limit:
            stored = await svc.boards.store.events_between(board_id=board_id, after=last, upto=current.seq)
            replay = [protocol.event_message(s.seq, *domain.event_for(s.event, viewer)) for s in stored]
            return protocol.welcome(seq=current.seq, server_time_ms=now, you=you, replay=replay), current.seq
        state = domain.view_state(current.state, viewer)
        msg = protocol.welcome(
            seq=current.seq, server_time_ms=now, you=you, state=state, reset=last is not None
        )
        return msg, current.seq

    try:
        await svc.hub.register(board_id, client, welcome)
    except (Unavailable, DomainError) as exc:
        await client.stop()
        await _refuse(websocket, "unauthorized" if isinstance(exc, DomainError) else "unavailable", hello.lang)
        return
    limiter = RateLimit(settings.rate_per_second, settings.rate_burst)
    try:
        while not client.closed:
            raw = await _receive_text(websocket)
            await _handle(svc, client, board_id, raw, limiter, projector)
    except WebSocketDisconnect:
        pass
    except Exception:
        log.exception("socket handler failed")  # logged without content; the client will resume
    finally:
        await svc.hub.unregister(board_id, client)


async def _handle(
    svc: Services, client: Client, board_id: str, raw: str | bytes, limiter: RateLimit, projector: bool
) -> None:
    cid: str | None = None
    try:
        frame = protocol.parse_client_frame(raw)
        if isinstance(frame, protocol.Ping):
            rt = await svc.boards.runtime(board_id)
            client.send(protocol.encode(protocol.pong(rt.seq)))
            return
        if isinstance(frame, protocol.Hello):
            raise protocol.ProtocolError("bad_request", "type")
        cid = frame.cid
        if not limiter.take():
            raise protocol.ProtocolError("rate_limited", None, cid)
        args = protocol.parse_args(frame)
        if projector:
            raise DomainError("forbidden")
        seq = await svc.boards.execute(
            board_id, client.viewer.id or "", Command(frame.name, args), cid=frame.cid
        )
        client.send(protocol.encode(protocol.ack(frame.cid, seq)))
    except protocol.ProtocolError as exc:
        _error(client, exc.code, exc.field, exc.cid or cid)
    except DomainError as exc:
        _error(client, exc.code, exc.field, cid, **exc.params)
    except Unavailable:
        _error(client, "unavailable", None, cid)


def _error(client: Client, code: str, field: str | None, cid: str | None, **params: object) -> None:
    text = message(code, client.lang, field, **params)
    client.send(protocol.encode(protocol.error(code, text, cid=cid, field=field)))
