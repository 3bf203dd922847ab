"""Per-client HTTP throttling: token buckets by address (and by board for joins), 429 + Retry-After.

The room code is on the projector and a room often reaches the server from one public address (a
town hall's NAT), so the buckets are sized for a whole room arriving at once, and what they stop is
volume: a join flood, board creations in a loop, and above all guessing codes. A lookup that finds
no board (404) or refuses a token (401) costs a token of a much smaller bucket, shared by every
route that looks a code up and by the WebSocket hello; while it is empty, every lookup from that
address waits, hits included (otherwise a guesser would still learn its hits). The arithmetic behind
the numbers is in docs/protocol.md ("Rates and connections").
"""

from __future__ import annotations

import ipaddress
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from ..messages import language_from_header, message
from ..settings import Settings

MAX_KEYS = 100_000  # buckets kept per kind; full ones are forgotten first (a full bucket is no bucket)


@dataclass(frozen=True)
class Rule:
    burst: float
    per_second: float


class Buckets:
    """Token buckets by key, refilled lazily; a missing key is a full bucket."""

    def __init__(self, rule: Rule, clock: Callable[[], float] = time.monotonic) -> None:
        self.rule = rule
        self.clock = clock
        self._state: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)

    def _tokens(self, key: str, now: float) -> float:
        found = self._state.get(key)
        if found is None:
            return self.rule.burst
        tokens, at = found
        return min(self.rule.burst, tokens + (now - at) * self.rule.per_second)

    def wait(self, key: str, cost: float = 1.0) -> float:
        """Seconds until `cost` tokens are there (0: now), taking nothing."""
        missing = cost - self._tokens(key, self.clock())
        return 0.0 if missing <= 0 else missing / self.rule.per_second

    def take(self, key: str, cost: float = 1.0) -> float:
        """Take `cost` tokens and return 0, or take nothing and return the seconds to wait."""
        now = self.clock()
        tokens = self._tokens(key, now)
        if tokens < cost:
            return (cost - tokens) / self.rule.per_second
        self._put(key, tokens - cost, now)
        return 0.0

    def charge(self, key: str, cost: float = 1.0) -> None:
        """Take `cost` tokens even if they are not all there (down to nothing)."""
        now = self.clock()
        self._put(key, max(0.0, self._tokens(key, now) - cost), now)

    def _put(self, key: str, tokens: float, now: float) -> None:
        self._state.pop(key, None)
        self._state[key] = (tokens, now)  # most recently used last
        if len(self._state) > MAX_KEYS:
            self._prune(now)

    def _prune(self, now: float) -> None:
        full = [k for k in self._state if self._tokens(k, now) >= self.rule.burst]
        for key in full:
            del self._state[key]
        while len(self._state) > MAX_KEYS * 0.9:  # then the least recently used
            del self._state[next(iter(self._state))]


class Trusted:
    """Addresses and networks of the proxies whose X-Forwarded-For is believed (`*`: every peer)."""

    def __init__(self, entries: list[str]) -> None:
        self.everyone = "*" in entries
        self.networks = [ipaddress.ip_network(e, strict=False) for e in entries if e != "*"]

    def __call__(self, host: str) -> bool:
        if self.everyone:
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.networks)


def address_key(host: str) -> str:
    """The bucket of an address: IPv4 as is, IPv6 by its /64 (one subscriber's whole prefix)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


_CODE = r"(?P<code>[^/]{1,40})"
ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(r"/api/boards/import"), "import"),
    ("POST", re.compile(r"/api/boards"), "create"),
    ("POST", re.compile(rf"/api/boards/{_CODE}/copy"), "create"),
    ("POST", re.compile(r"/api/programmes"), "create"),
    ("POST", re.compile(rf"/api/boards/{_CODE}/join"), "join"),
    ("GET", re.compile(rf"/api/boards/{_CODE}"), "state"),
    ("GET", re.compile(rf"/api/boards/{_CODE}/qr\.svg"), "qr"),
    ("GET", re.compile(rf"/api/boards/{_CODE}/export/[^/]+"), "export"),
    ("GET", re.compile(r"/api/programmes/[^/]+/export/[^/]+"), "export"),
]
LOOKUPS = frozenset({"join", "state", "qr", "export"})  # routes that find a board by its code


def classify(method: str, path: str) -> tuple[str, str | None] | None:
    for want, pattern, kind in ROUTES:
        if method == want:
            found = pattern.fullmatch(path)
            if found:
                code = found.groupdict().get("code")
                return kind, (re.sub(r"[\s-]", "", code).upper() if code else None)
    return None


class Throttle:
    """Every bucket of this process (a process's own: behind several, each counts for itself)."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.enabled = settings.throttle
        self.trusted = Trusted(settings.trusted_proxies)
        join = Rule(settings.join_burst, settings.join_per_minute / 60)
        self.routes = {
            # A facilitator prepares a programme's few boards; a script making 170 a second is stopped.
            "create": Buckets(Rule(20, 60 / 3600), clock),
            "import": Buckets(Rule(10, 20 / 3600), clock),
            # Two rooms behind one address may arrive at once: twice one board's budget, all boards.
            "join": Buckets(Rule(join.burst * 2, join.per_second * 2), clock),
            "state": Buckets(Rule(300, 10), clock),
            "qr": Buckets(Rule(60, 1), clock),
            "export": Buckets(Rule(60, 120 / 3600), clock),
        }
        self.join_board = Buckets(join, clock)  # by (address, board)
        self.failures = Buckets(Rule(settings.lookup_failure_burst, settings.lookup_failures_per_hour / 3600), clock)

    def address(self, scope: dict[str, Any]) -> str | None:
        """The bucket key of the caller, or None for a trusted proxy's own requests (its health checks:
        what it forwards carries X-Forwarded-For, which uvicorn already resolved into `client`)."""
        client = scope.get("client")
        if not self.enabled or not client:
            return None
        host = client[0]
        if self.trusted(host) and not any(name == b"x-forwarded-for" for name, _ in scope.get("headers", ())):
            return None
        return address_key(host)

    def admit(self, kind: str, address: str, code: str | None) -> float:
        """0 if this request may go on (its tokens taken), else the seconds to wait."""
        if kind in LOOKUPS:
            wait = self.failures.wait(address)
            if wait:
                return wait
        wait = self.routes[kind].wait(address)
        if kind == "join" and code is not None:
            wait = max(wait, self.join_board.wait(f"{address} {code}"))
        if wait:
            return wait
        self.routes[kind].take(address)
        if kind == "join" and code is not None:
            self.join_board.take(f"{address} {code}")
        return 0.0

    def lookup_wait(self, address: str | None) -> float:
        """For the WebSocket hello: seconds before this address may look a code up again."""
        return 0.0 if address is None else self.failures.wait(address)

    def failed(self, address: str | None) -> None:
        """A lookup found no board, or refused a token: it costs a failure token."""
        if address is not None:
            self.failures.charge(address)


def rate_limited_body(lang: str, seconds: int) -> bytes:
    text = message("rate_limited", lang, "wait", seconds=seconds)
    return orjson.dumps({"error": {"code": "rate_limited", "field": None, "message": text}})


class ThrottleMiddleware:
    """Pure ASGI, so that a refused request is answered before its body is read."""

    def __init__(self, app: Any, throttle: Throttle) -> None:
        self.app = app
        self.throttle = throttle

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        found = classify(scope.get("method", ""), scope.get("path", "")) if scope["type"] == "http" else None
        address = self.throttle.address(scope) if found else None
        if found is None or address is None:
            await self.app(scope, receive, send)
            return
        kind, code = found
        wait = self.throttle.admit(kind, address, code)
        if wait:
            seconds = max(1, math.ceil(wait))
            headers = dict(scope.get("headers", ()))
            lang = language_from_header(headers.get(b"accept-language", b"").decode("latin-1"))
            body = rate_limited_body(lang, seconds)
            await send(
                {
                    "type": "http.response.start",
                    "status": 429,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"retry-after", str(seconds).encode()),
                        (b"cache-control", b"no-store"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        status = 0

        async def watch(event: dict[str, Any]) -> None:
            nonlocal status
            if event["type"] == "http.response.start":
                status = event["status"]
            await send(event)

        await self.app(scope, receive, watch)
        if kind in LOOKUPS and status in (401, 404):
            self.throttle.failed(address)


def install(app: Any, settings: Settings) -> Throttle:
    """Add the middleware and keep the throttle where the socket endpoint finds it (app.state)."""
    throttle = Throttle(settings)
    app.state.throttle = throttle
    app.add_middleware(ThrottleMiddleware, throttle=throttle)
    return throttle
