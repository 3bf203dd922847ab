"""One broker contract suite run against both adapters (memory and Redis), plus what only Redis does:
one connection for every channel, and RESYNC after it resubscribes by itself."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest
import redis.asyncio as redis

from atelier.broker import RESYNC, Broker, make_broker
from tests.conftest import need_service
from tests.scale.helpers import eventually


@pytest.fixture(params=["memory", "redis"])
async def broker(request: pytest.FixtureRequest) -> AsyncIterator[Broker]:
    if request.param == "memory":
        made = make_broker(None)
    else:
        need_service("Redis", "127.0.0.1", 6379)
        made = make_broker(request.getfixturevalue("redis_url"))
    await made.start()
    yield made
    await made.close()


def new_channel() -> str:
    # Pub/sub ignores the Redis database number: a random name keeps parallel runs apart.
    return f"atelier:test:{secrets.token_hex(8)}"


async def receive(messages: AsyncIterator[bytes], timeout: float = 10) -> bytes:
    return await asyncio.wait_for(messages.__anext__(), timeout)


async def test_a_message_reaches_every_subscriber_of_its_channel_and_no_other(broker):
    one, two = new_channel(), new_channel()
    async with broker.subscribe(one) as first, broker.subscribe(one) as second, broker.subscribe(two) as other:
        await broker.publish(one, b"un")
        await broker.publish(two, b"deux")
        assert await receive(first) == b"un"
        assert await receive(second) == b"un"
        assert await receive(other) == b"deux"  # and not "un": order holds per channel
        await broker.publish(one, b"trois")
        assert await receive(first) == b"trois"


async def test_leaving_a_channel_and_coming_back(broker):
    channel = new_channel()
    async with broker.subscribe(channel) as messages:
        await broker.publish(channel, b"avant")
        assert await receive(messages) == b"avant"
    await broker.publish(channel, b"personne")  # nobody listens: dropped, at most once
    async with broker.subscribe(channel) as messages:
        await broker.publish(channel, b"apres")
        assert await receive(messages) == b"apres"


async def test_ping_when_reachable(broker):
    await broker.ping()


async def test_redis_uses_one_connection_for_every_channel(own_redis):
    broker = make_broker(own_redis.url)
    await broker.start()
    channels = [new_channel() for _ in range(50)]
    admin = redis.Redis.from_url(own_redis.url)
    try:
        async with AsyncExitStack() as stack:
            streams = [await stack.enter_async_context(broker.subscribe(c)) for c in channels]
            await broker.publish(channels[-1], b"dernier")
            assert await receive(streams[-1]) == b"dernier"
            assert len(await admin.client_list(_type="pubsub")) == 1
            assert (await admin.pubsub_numsub(channels[0]))[0][1] == 1
        # Rooms closed: their channels are unsubscribed, the connection stays for the next ones.
        await eventually(_no_subscriber(admin, channels[0]), what="channel unsubscribed")
    finally:
        await admin.aclose()
        await broker.close()


def _no_subscriber(admin: redis.Redis, channel: str):  # type: ignore[no-untyped-def]
    async def check() -> bool:
        return (await admin.pubsub_numsub(channel))[0][1] == 0

    return check


async def test_redis_restart_resubscribes_by_itself_and_says_resync(own_redis):
    mine, theirs = make_broker(own_redis.url), make_broker(own_redis.url)
    await mine.start()
    await theirs.start()
    channel = new_channel()
    try:
        async with mine.subscribe(channel) as messages:
            await theirs.publish(channel, b"avant")
            assert await receive(messages) == b"avant"

            own_redis.kill()
            with pytest.raises(Exception):  # noqa: B017  (whatever redis-py raises: not reachable)
                await mine.ping()
            # While Redis is away this process's own subscribers still hear this process's messages.
            await mine.publish(channel, b"pendant")
            assert await receive(messages) == b"pendant"

            own_redis.start()  # same port, empty: every subscription is gone on the server side
            # Whatever was published meanwhile is lost: the subscriber is told to catch up, unasked.
            assert await receive(messages, timeout=30) == RESYNC
            await eventually(_pings(mine), what="mine reconnected")
            await eventually(_pings(theirs), what="theirs reconnected")
            await theirs.publish(channel, b"apres")
            assert await receive(messages) == b"apres"
    finally:
        await mine.close()
        await theirs.close()


def _pings(broker: Broker):  # type: ignore[no-untyped-def]
    async def check() -> bool:
        try:
            await broker.ping()
        except Exception:
            return False
        return True

    return check


async def test_hundreds_of_simultaneous_publishes_all_reach_another_process(request):
    """A hundred boards committing at once publish concurrently: each message must reach the other
    process's subscribers (redis-py's default pool refused past 100 connections, and those events
    waited for a heartbeat on the other process)."""
    need_service("Redis", "127.0.0.1", 6379)
    url = request.getfixturevalue("redis_url")
    sender, receiver = make_broker(url), make_broker(url)
    await sender.start()
    await receiver.start()
    try:
        channels = [new_channel() for _ in range(300)]
        async with AsyncExitStack() as stack:
            subs = [await stack.enter_async_context(receiver.subscribe(c)) for c in channels]
            await asyncio.gather(*(sender.publish(c, c.encode()) for c in channels))
            got = [await receive(s) for s in subs]
        assert got == [c.encode() for c in channels]
        assert sender.connected and receiver.connected
    finally:
        await sender.close()
        await receiver.close()
