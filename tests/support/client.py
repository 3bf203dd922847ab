"""A real WebSocket participant for tests: joins, sends commands, folds events like the web app."""

from __future__ import annotations

import asyncio
import copy
import itertools
from typing import Any

import httpx
import orjson
import websockets

from .fold import apply_event

_cids = itertools.count(1)


async def create_board(base_url: str, title: str = "Atelier test", language: str = "fr") -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base_url) as http:
        response = await http.post("/api/boards", json={"title": title, "language": language})
        response.raise_for_status()
        return response.json()


async def join_board(base_url: str, code: str, name: str, organisation: str | None = None) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base_url) as http:
        body: dict[str, Any] = {"name": name}
        if organisation:
            body["organisation"] = organisation
        response = await http.post(f"/api/boards/{code}/join", json=body)
        response.raise_for_status()
        return response.json()


async def fetch_state(base_url: str, code: str, token: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base_url) as http:
        response = await http.get(f"/api/boards/{code}", headers={"Authorization": f"Bearer {token}"})
        response.raise_for_status()
        return response.json()


class Participant:
    """Keeps the folded state and every event frame received, in order."""

    def __init__(self, ws_url: str, code: str, token: str, *, lang: str | None = None, view: str = "board"):
        self.ws_url, self.code, self.token, self.lang, self.view = ws_url, code, token, lang, view
        self.ws: Any = None
        self.state: dict[str, Any] | None = None
        self.you: dict[str, Any] = {}
        self.seq = 0
        self.events: list[dict[str, Any]] = []
        self.raw_frames: list[str] = []
        self.answers: dict[str, dict[str, Any]] = {}
        self.online: list[str] = []
        self.welcome: dict[str, Any] = {}
        self._waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._reader: asyncio.Task[None] | None = None
        self.closed = asyncio.Event()
        self.close_code: int | None = None

    async def connect(self, last_seq: int | None = None) -> Participant:
        self.closed.clear()
        self.ws = await websockets.connect(f"{self.ws_url}/ws/{self.code}", max_size=2**22)
        hello: dict[str, Any] = {"type": "hello", "protocol": 1, "token": self.token, "last_seq": last_seq}
        if self.lang:
            hello["lang"] = self.lang
        if self.view != "board":
            hello["view"] = self.view
        await self.ws.send(orjson.dumps(hello).decode())
        raw = await asyncio.wait_for(self.ws.recv(), 10)
        self.raw_frames.append(raw)
        welcome = orjson.loads(raw)
        assert welcome["type"] == "welcome", welcome
        self.welcome = welcome
        self.you = welcome["you"]
        if "replay" in welcome:
            for event in welcome["replay"]:
                self._apply(event)
        else:
            self.state = welcome["state"]
            self.seq = welcome["seq"]
        assert self.seq == welcome["seq"]
        self._reader = asyncio.create_task(self._read())
        return self

    async def resume(self) -> Participant:
        return await self.connect(last_seq=self.seq)

    def _apply(self, event: dict[str, Any]) -> None:
        assert event["seq"] == self.seq + 1, f"gap: got {event['seq']} after {self.seq}"
        self.events.append(event)
        assert self.state is not None
        self.state = apply_event(self.state, self.you, event)
        self.seq = event["seq"]

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                self.raw_frames.append(raw)
                message = orjson.loads(raw)
                kind = message["type"]
                if kind == "event":
                    self._apply(message)
                elif kind in ("ack", "error"):
                    cid = message.get("cid")
                    if cid is not None:
                        self.answers[cid] = message
                        waiter = self._waiters.pop(cid, None)
                        if waiter and not waiter.done():
                            waiter.set_result(message)
                    else:
                        self.answers[f"_{len(self.answers)}"] = message
                        waiter = self._waiters.pop("_frame", None)
                        if waiter and not waiter.done():
                            waiter.set_result(message)
                elif kind == "presence":
                    self.online = message["online"]
        except websockets.ConnectionClosed:
            pass
        finally:
            self.close_code = self.ws.close_code
            self.closed.set()
            for waiter in self._waiters.values():
                if not waiter.done():
                    waiter.set_exception(ConnectionError("closed"))
            self._waiters.clear()

    async def send_raw(self, frame: str | bytes, timeout: float = 10) -> dict[str, Any]:
        """Send any frame; return the next cid-less error (for frames with no readable cid)."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiters["_frame"] = future
        await self.ws.send(frame)
        return await asyncio.wait_for(future, timeout)

    async def cmd(self, name: str, args: dict[str, Any] | None = None, *, cid: str | None = None,
                  timeout: float = 10) -> dict[str, Any]:
        cid = cid or f"t{next(_cids)}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiters[cid] = future
        await self.ws.send(orjson.dumps({"type": "cmd", "cid": cid, "name": name, "args": args or {}}).decode())
        return await asyncio.wait_for(future, timeout)

    async def ok(self, name: str, args: dict[str, Any] | None = None, **kw: Any) -> int:
        answer = await self.cmd(name, args, **kw)
        assert answer["type"] == "ack", answer
        return answer["seq"]

    async def wait_seq(self, seq: int, timeout: float = 10) -> None:
        async def until() -> None:
            while self.seq < seq:
                await asyncio.sleep(0.01)

        await asyncio.wait_for(until(), timeout)

    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy(self.state or {})

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader:
            await asyncio.wait([self._reader], timeout=5)
