"""Redis pub/sub broker for scale-out: one connection per process for every channel, resubscribed on its own."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from .base import RESYNC, Inbox

log = logging.getLogger("atelier.broker")

BACKOFF_FIRST = 0.1
BACKOFF_MAX = 5.0
SUBSCRIBE_WAIT = 5.0  # how long a new subscriber waits for Redis to confirm before going on anyway
IDLE_PING = 5.0  # a quiet connection is pinged after this long …
IDLE_DEAD = 15.0  # … and given up as dead (half-open TCP) after this long without any reply
TIMEOUT = 5.0
POOL_CONNECTIONS = 16  # the subscription holds one; publishers share the rest


class RedisBroker:
    """Pub/sub is at most once: a message published while this process is disconnected is lost. So
    every (re)subscription of a channel is followed by RESYNC on it, and its subscribers catch up from
    the database. A single PubSub connection carries every channel of this process and a single reader
    task dispatches to per-channel queues: many boards per process is the normal case."""

    def __init__(self, url: str) -> None:
        # No retry inside redis-py: a lost connection must surface here, where it is counted as an
        # outage (RESYNC after it) and retried with our own backoff instead of stalling a publisher.
        # A blocking pool: with a hundred boards publishing at once, redis-py's default pool raises
        # MaxConnectionsError past 100 connections, which dropped those events for the other
        # processes (they waited for a heartbeat) and looked like an outage. Publishers now wait
        # for one of a few connections instead; a publish is one short round trip.
        pool = redis.BlockingConnectionPool.from_url(
            url,
            max_connections=POOL_CONNECTIONS,
            timeout=TIMEOUT,
            socket_timeout=TIMEOUT,
            socket_connect_timeout=TIMEOUT,
            socket_keepalive=True,
            retry=Retry(NoBackoff(), 0),
        )
        self._client = redis.Redis.from_pool(pool)  # closing the client closes the pool too
        self._queues: dict[str, set[Inbox]] = defaultdict(set)
        self._confirm: dict[str, list[asyncio.Future[None]]] = {}
        self._pubsub: PubSub | None = None  # set while connected
        self._on_server: set[str] = set()  # channels SUBSCRIBEd on the current connection
        self._commands = asyncio.Lock()  # SUBSCRIBE/UNSUBSCRIBE reach Redis in the order decided
        # Keeps the connection subscribed (and so readable) even when this process has no room open.
        self._control = f"atelier:broker:{secrets.token_hex(8)}"
        self._task: asyncio.Task[None] | None = None
        self._down_since_logged = False
        self._publish_retry_at = 0.0
        self._first_connection = asyncio.Event()

    @property
    def connected(self) -> bool:
        return self._pubsub is not None

    async def start(self) -> None:
        """Connect before serving when Redis is there; when it is not, serve anyway (from the database,
        /readyz saying not ready) and keep trying in the background."""
        self._task = asyncio.create_task(self._run(), name="atelier-redis-reader")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._first_connection.wait(), SUBSCRIBE_WAIT)

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        self._queues.clear()
        with contextlib.suppress(Exception):
            await self._client.aclose()

    async def ping(self) -> None:
        """Readiness: Redis answers, and this process's subscription connection is up."""
        await self._client.ping()
        if not self.connected:
            raise ConnectionError("subscription connection is down")

    async def publish(self, channel: str, message: bytes) -> None:
        now = asyncio.get_running_loop().time()
        # While the reader is down, try Redis at most once a second: a black-holed Redis must not
        # cost every command a connect timeout, and a Redis that is back must be used again soon.
        if self._pubsub is not None or now >= self._publish_retry_at:
            try:
                try:
                    await self._client.publish(channel, message)
                except redis.ConnectionError:
                    # After Redis restarts, the pool may hand out a connection it closed: once more.
                    await self._client.publish(channel, message)
                return
            except (redis.RedisError, OSError):
                self._publish_retry_at = now + 1.0
                self._outage("publish failed")
        # Redis is unreachable: ring this process's own subscribers at least, so local clients do not
        # wait for a heartbeat. Other processes repair from the database once they resubscribe.
        self._dispatch(channel, message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Inbox]:
        inbox = Inbox()
        self._queues[channel].add(inbox)
        try:
            await self._ensure_subscribed(channel)
            yield inbox
        finally:
            subscribers = self._queues.get(channel)
            if subscribers is not None:
                subscribers.discard(inbox)
                if not subscribers:
                    del self._queues[channel]
            await self._drop_if_unused(channel)

    async def _ensure_subscribed(self, channel: str) -> None:
        """SUBSCRIBE if this connection is not subscribed yet, then wait for Redis to confirm, so that
        a caller who reads the database next cannot miss a message published in between. When
        disconnected, return at once: the reader subscribes every registered channel on reconnecting
        and sends RESYNC then, and the subscriber reads the database meanwhile."""
        async with self._commands:
            pubsub = self._pubsub
            if pubsub is None:
                return
            waiting = self._confirm.get(channel)
            if channel not in self._on_server:
                pending: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                self._confirm.setdefault(channel, []).append(pending)
                self._on_server.add(channel)
                try:
                    await pubsub.subscribe(channel)
                except (redis.RedisError, OSError):
                    return  # the reader notices the outage; RESYNC follows the resubscription
            elif waiting:
                pending = waiting[0]  # someone else's SUBSCRIBE of this channel is on its way
            else:
                return  # confirmed already
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(pending), SUBSCRIBE_WAIT)

    async def _drop_if_unused(self, channel: str) -> None:
        # Under the same lock as SUBSCRIBE: an UNSUBSCRIBE overtaking a newer SUBSCRIBE would leave a
        # room deaf until the next outage.
        async with self._commands:
            pubsub = self._pubsub
            if channel in self._queues or channel not in self._on_server or pubsub is None:
                return
            self._on_server.discard(channel)
            with contextlib.suppress(Exception):
                await pubsub.unsubscribe(channel)

    def _dispatch(self, channel: str, message: bytes) -> None:
        for inbox in list(self._queues.get(channel, ())):
            inbox.put(message)  # never blocks the reader for one slow room (a full inbox resyncs)

    def _outage(self, what: str) -> None:
        if not self._down_since_logged:
            self._down_since_logged = True
            log.warning("redis unreachable (%s); reconnecting with backoff", what)

    async def _run(self) -> None:
        delay = BACKOFF_FIRST
        loop = asyncio.get_running_loop()
        while True:
            pubsub = self._client.pubsub()
            try:
                await pubsub.connect()
                async with self._commands:
                    # Published and listed together: a subscriber arriving after this sends its own
                    # SUBSCRIBE, one arriving before is in the list.
                    self._pubsub = pubsub
                    self._on_server = set(self._queues)
                    await pubsub.subscribe(self._control, *self._on_server)
                last_seen = loop.time()
                pinged = False
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    now = loop.time()
                    if message is None:
                        if now - last_seen > IDLE_DEAD:
                            raise ConnectionError("no reply from redis")
                        if now - last_seen > IDLE_PING and not pinged:
                            pinged = True
                            await pubsub.ping()
                        continue
                    last_seen, pinged = now, False
                    self._handle(message)
                    if message["type"] == "subscribe" and message["channel"] == self._control.encode():
                        if self._down_since_logged:
                            log.warning("redis reachable again; rooms catch up from the database")
                        self._down_since_logged = False
                        self._publish_retry_at = 0.0
                        self._first_connection.set()
                        delay = BACKOFF_FIRST
            except asyncio.CancelledError:
                self._pubsub = None
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                raise
            except Exception as exc:
                self._outage(type(exc).__name__)
            self._pubsub = None
            with contextlib.suppress(Exception):
                await pubsub.aclose()
            # Subscribers waiting for a confirmation go on; the next subscription brings their RESYNC.
            for waiting in self._confirm.values():
                for future in waiting:
                    if not future.done():
                        future.set_result(None)
            self._confirm.clear()
            await asyncio.sleep(delay)
            delay = min(delay * 2, BACKOFF_MAX)

    def _handle(self, message: dict) -> None:
        kind = message["type"]
        channel_raw = message.get("channel")
        if channel_raw is None:
            return  # a pong
        channel = channel_raw.decode() if isinstance(channel_raw, bytes) else str(channel_raw)
        if kind == "message":
            self._dispatch(channel, message["data"])
        elif kind == "subscribe":
            waiting = self._confirm.pop(channel, None)
            if waiting:
                for future in waiting:
                    if not future.done():
                        future.set_result(None)
            else:
                # A resubscription after an outage: whatever was published meanwhile is lost.
                self._dispatch(channel, RESYNC)
