"""The socket endpoint: handshake, commands in, acks and events out (docs/protocol.md)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from urllib.parse import urlsplit

import orjson
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from .. import domain, protocol
from ..domain import Command, DomainError, Viewer
from ..domain.views import audience
from ..hub import CLOSE_POLICY, CLOSE_TOO_SLOW, Client, Room
from ..messages import message
from ..service import normalise_code
from ..store import Invalid, Unavailable
from ..wire import Welcome
from .deps import Services

log = logging.getLogger("atelier.ws")
router = APIRouter()


# The page's scheme for the socket's: a page served over http has no business on a wss socket.
_PAGE_SCHEME = {"ws": "http", "wss": "https"}


def origin_allowed(websocket: WebSocket, allowed: list[str], public_url: str | None = None) -> bool:
    """HTTP middleware does not run on sockets: the Origin check lives here. Non-browser clients
    send no Origin; a browser page from another site always does. The board's own site is the public
    address when one is set, and otherwise (or too) the scheme and host this socket came in on; behind
    a proxy that terminates TLS, set ATELIER_PUBLIC_URL (or let uvicorn trust the proxy's headers)."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    if origin in allowed:
        return True
    page = urlsplit(origin)
    if public_url:
        public = urlsplit(public_url)
        if (page.scheme, page.netloc.lower()) == (public.scheme, public.netloc.lower()):
            return True
    scheme = _PAGE_SCHEME.get(websocket.url.scheme, websocket.url.scheme)
    return page.scheme == scheme and page.netloc.lower() == websocket.headers.get("host", "").lower()


REFUSED_BACKOFF_MAX_S = 1.0


class RateLimit:
    """A token bucket per credential (shared by its sockets on this process, hub.py): bursts are
    fine; past the budget a frame is refused with a coded error and its socket is not read again
    until a token is earned, so a flood's cost stays the flooder's (TCP pushes back on it)."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, float(burst)
        self.tokens, self.at = float(burst), time.monotonic()
        self.refused = 0  # refusals since the credential last had a token to spare

    def charge(self) -> float:
        """Take a token and return 0, or return how long until there is one (taking nothing)."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return (1 - self.tokens) / self.rate
        self.tokens -= 1
        if self.tokens >= 1:
            self.refused = 0  # it has a token to spare again: its next refusal waits the least
        return 0.0

    def take(self) -> bool:
        return self.charge() == 0.0

    def pause(self, wait: float) -> float:
        """How long a socket whose frame was just refused waits before it is read again: until the
        next token, twice as long at each refusal since the credential last had a token to spare
        (up to a second). A credential that keeps sending past its budget is then read a few times
        a second instead of at every token, by each of its sockets; one that paused is forgiven."""
        self.refused += 1
        return max(wait, min(REFUSED_BACKOFF_MAX_S, wait * 2 ** min(self.refused - 1, 16)))


def credential_key(token: str) -> str:
    """What groups a credential's sockets, without keeping the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


async def _receive_text(websocket: WebSocket) -> str | bytes:
    msg = await websocket.receive()
    if msg["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(msg.get("code", 1000))
    return msg.get("text") if msg.get("text") is not None else msg.get("bytes", b"")


async def _refuse(
    websocket: WebSocket, code: str, lang: str | None, field: str | None = None, *, close: int = CLOSE_POLICY
) -> None:
    with contextlib.suppress(Exception):
        await websocket.send_text(protocol.encode(protocol.error(code, message(code, lang, field), field=field)))
        await websocket.close(code=close)


# code -> board id: a board's code never changes, nor is it given again once its board is erased (a
# remembered code of an erased board finds no credential, so its sockets are refused all the same).
_CODES: dict[str, str] = {}
_MAX_CODES = 10_000


async def _board_id(svc: Services, code: str) -> str | None:
    """The board of a code, remembered (a reconnect storm asks for the same one a thousand times;
    unknown codes are not remembered, so guessing still costs a lookup, and a failure token)."""
    found = _CODES.get(code)
    if found is None:
        found = await svc.boards.store.board_id(code=code)
        if found is not None:
            if len(_CODES) >= _MAX_CODES:
                _CODES.pop(next(iter(_CODES)))
            _CODES[code] = found
    return found


@router.websocket("/ws/{code}")
async def socket(websocket: WebSocket, code: str) -> None:
    svc: Services = websocket.app.state.services
    settings = svc.settings
    if not origin_allowed(websocket, settings.allowed_origins, settings.public_url):
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
    # A hello looks a code (and a token) up like the HTTP routes do: it spends the same failures.
    throttle = getattr(websocket.app.state, "throttle", None)
    address = throttle.address(websocket.scope) if throttle is not None else None
    if address is not None and throttle.lookup_wait(address):
        await _refuse(websocket, "rate_limited", hello.lang, close=CLOSE_TOO_SLOW)  # 1013: try again later
        return
    alone = settings.alone()
    try:
        board_id = await _board_id(svc, normalise_code(code))
        found = await svc.boards.store.credential(token=hello.token, board_id=board_id) if board_id else None
    except Unavailable:
        await _refuse(websocket, "unavailable", hello.lang)
        return
    if board_id is None or found is None or found[0] != board_id:
        if throttle is not None:
            throttle.failed(address)
        await _refuse(websocket, "unauthorized", hello.lang)
        return
    credential_id = found[1]
    try:
        # A process alone with its database (no shared broker: nobody else writes) holds the board as
        # committed, so a reconnect storm need not queue a database read per socket on the board's
        # lock. With several processes the copy may lag another's commit (a role just changed
        # there): it is read at the head, as before.
        rt = await svc.boards.runtime(board_id)
        if not alone or rt.stale or domain.viewer_for(rt.state, credential_id) is None:
            rt = await svc.boards.current(board_id)
    except Unavailable:
        await _refuse(websocket, "unavailable", hello.lang)
        return
    granted = domain.viewer_for(rt.state, credential_id)
    if granted is None:
        removed = "removed" if credential_id in rt.state.removed else None  # their token ended with them
        await _refuse(websocket, "unauthorized", hello.lang, removed)
        return
    # A projector link always watches as the public does; a member asks for the projector view.
    projector = granted.projector or hello.view == "projector"
    if projector and not granted.projector and granted.role not in domain.model.FACILITATORS:
        await _refuse(websocket, "forbidden", hello.lang)
        return
    participant_id, view = granted.id, ("projector" if projector else hello.view)
    lang = hello.lang or rt.state.language
    viewer = Viewer(participant_id, granted.role, projector=projector)
    client = Client(
        websocket, viewer, lang, settings.send_buffer, credential=credential_id, key=credential_key(hello.token)
    )

    async def welcome(room: Room) -> tuple[Welcome, int]:
        # Built under the room's lock, so it must not wait on the database when it need not: the
        # board's copy in this process is current enough when nothing is folded ahead of its commit
        # and it is not behind what the room delivered (what is newer reaches this socket from the
        # room, after the welcome). A storm of reloads then costs no database read per socket.
        current = await svc.boards.runtime(board_id)
        behind = current.seq < room.delivered_seq or domain.viewer_for(current.state, credential_id) is None
        if not alone or current.stale or current.observed or behind:
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
            msg = protocol.welcome(seq=current.seq, server_time_ms=now, you=you, replay=replay)
            return Welcome.whole(protocol.encode(msg)), current.seq
        # The state is the same for everyone of an audience at one seq: a reconnect storm encodes it
        # once per audience (hub.Room.state_body) and each socket adds only its own head.
        stand_in = audience(current.state, viewer)
        if stand_in is None:
            body = orjson.dumps(domain.view_state(current.state, viewer))
        else:
            body = room.state_body(current.seq, stand_in, lambda: domain.view_state(current.state, stand_in))
        head = protocol.welcome(seq=current.seq, server_time_ms=now, you=you, state=None, reset=last is not None)
        del head["state"]
        reset = head.pop("reset", False)
        prefix = orjson.dumps(head)[:-1] + b',"state":'
        return Welcome(prefix, body, b',"reset":true}' if reset else b"}"), current.seq

    try:
        await svc.hub.register(board_id, client, welcome)
    except (Unavailable, DomainError) as exc:
        await client.stop()
        await _refuse(websocket, "unauthorized" if isinstance(exc, DomainError) else "unavailable", hello.lang)
        return
    budget: RateLimit = client.budget or RateLimit(settings.rate_per_second, settings.rate_burst)
    try:
        while not client.closed:
            raw = await _receive_text(websocket)
            # Every frame counts, pings and invalid ones too; past the budget the frame is refused
            # and this socket waits before it is read again (RateLimit.pause).
            wait = budget.charge()
            await _handle(svc, client, board_id, raw, wait == 0.0, projector)
            if wait:
                await asyncio.sleep(budget.pause(wait))
    except WebSocketDisconnect:
        pass
    except Exception:
        log.exception("socket handler failed")  # logged without content; the client will resume
    finally:
        await svc.hub.unregister(board_id, client)


async def _handle(
    svc: Services, client: Client, board_id: str, raw: str | bytes, allowed: bool, projector: bool
) -> None:
    cid: str | None = None
    try:
        frame = protocol.parse_client_frame(raw)
        if not allowed:
            raise protocol.ProtocolError("rate_limited", None, getattr(frame, "cid", None))
        if isinstance(frame, protocol.Ping):
            rt = await svc.boards.runtime(board_id)
            client.send(protocol.encode(protocol.pong(rt.seq)))
            return
        if isinstance(frame, protocol.Hello):
            raise protocol.ProtocolError("bad_request", "type")
        cid = frame.cid
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
    except Invalid:
        _error(client, "bad_request", None, cid)  # a value the database would not store; nothing was written
    except Exception:
        # A bug, not the client's fault, but the client still gets its answer and keeps its connection.
        log.exception("command failed")
        _error(client, "bad_request", None, cid)


def _error(client: Client, code: str, field: str | None, cid: str | None, **params: object) -> None:
    text = message(code, client.lang, field, **params)
    client.send(protocol.encode(protocol.error(code, text, cid=cid, field=field)))
