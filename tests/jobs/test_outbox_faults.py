"""The outbox sender under faults: a dropped connection to Twilio, Redis gone, credentials refused.

The pump must go on after any failure, /health must turn red while rows wait with nothing sent (and
green once sending resumes), and refused credentials must pause sending instead of dead-lettering.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta

import pytest
import redis.asyncio as aioredis

from bot.app import create_app
from bot.channels.twilio import TwilioSender
from bot.worker import outbox_pump
from jobs.heartbeat import HEARTBEAT_KEY
from jobs.outbox import PAUSED_KEY, OutboxSender
from storage.clock import SystemClock
from storage.ratelimit import RateLimiter
from storage.repos.outbox import OutboxRepository
from tests.conftest import TEST_ENV
from tests.jobs.seed import admin
from tests.support.tcp_proxy import proxy_for

A, B, ADMIN = "+9779800000021", "+9779800000022", "+9779800000000"


@pytest.fixture
async def sender(stub):  # type: ignore[no-untyped-def]
    s = TwilioSender(TEST_ENV["TWILIO_ACCOUNT_SID"], TEST_ENV["TWILIO_AUTH_TOKEN"], "+14155238886", stub.base_url)
    yield s
    await s.close()


async def queue(pool, clock, recipient: str, *bodies: str) -> list[int]:  # type: ignore[no-untyped-def]
    async with pool.acquire() as conn:
        repo = OutboxRepository(conn)
        return [await repo.add(recipient, body, at=clock.now()) for body in bodies]


async def statuses(pool) -> dict[str, str]:  # type: ignore[no-untyped-def]
    async with pool.acquire() as conn:
        return {r["body"]: r["status"] for r in await conn.fetch("SELECT body, status FROM outbound_messages")}


async def until(condition: Callable[[], Awaitable[bool]], timeout: float, what: str) -> float:
    """Wait for `condition`; returns the seconds it took."""
    start = time.monotonic()
    while not await condition():
        if time.monotonic() - start > timeout:
            raise TimeoutError(what)
        await asyncio.sleep(0.05)
    return time.monotonic() - start


@pytest.mark.timeout(60)
async def test_the_pump_survives_a_dropped_connection_and_redis_going_away(runtime, stub, sender,
                                                                            aiohttp_client) -> None:
    clock = SystemClock()
    config = replace(runtime.config, outbox=replace(runtime.config.outbox, stale_after=timedelta(seconds=1)))
    await runtime.redis.set(HEARTBEAT_KEY, "now", ex=60)  # the worker's heartbeat goes on: it is not the signal
    client = await aiohttp_client(create_app(config, clock=clock))
    proxy, proxied_redis_url = await proxy_for(config.secrets.redis_url)
    limiter_redis = aioredis.from_url(proxied_redis_url, socket_timeout=1, socket_connect_timeout=1)
    limiter = RateLimiter(limiter_redis, {"+14155238886": 80, "total": 400})
    outbox = OutboxSender(runtime.pool, sender, clock, limiter=limiter)
    pump = asyncio.create_task(outbox_pump({"config": config, "outbox": outbox}, max_backoff=0.5))

    async def health() -> tuple[int, str]:
        response = await client.get("/health")
        return response.status, (await response.json())["checks"]["sender"]

    try:
        # Twilio drops the connection without an answer (a stale keep-alive): the row is tried again
        stub.drop_next = 1
        await queue(runtime.pool, clock, A, "after a dropped connection")
        await until(lambda: _sent(stub, 1), 15, "nothing sent after Twilio dropped the connection")
        assert stub.attempts == 2 and [m.body for m in stub.messages] == ["after a dropped connection"]
        assert await health() == (200, "ok")

        # Redis (the rate limiter) goes away: nothing can be sent, /health says so, the pump waits it out
        await proxy.cut()
        await queue(runtime.pool, clock, B, "while redis is away")
        # red once the row is older than stale_after (1 s); a busy machine may take longer to see it
        await until(lambda: _red(health), 15, "/health stayed green while nothing could be sent")
        status, check = await health()
        assert status == 503 and check.startswith("down: no progress, 1 message(s) due since"), check
        assert not pump.done(), "the pump is still there"
        await proxy.restore()
        recovered = await until(lambda: _sent(stub, 2), 15, "nothing sent after Redis came back")
        assert recovered < 5
        assert await health() == (200, "ok")
        assert await statuses(runtime.pool) == {"after a dropped connection": "sent", "while redis is away": "sent"}
    finally:
        pump.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pump
        await proxy.cut()
        await limiter_redis.aclose()


async def _red(health: Callable[[], Awaitable[tuple[int, str]]]) -> bool:
    return (await health())[0] == 503


async def _sent(stub, count: int) -> bool:  # type: ignore[no-untyped-def]
    return len(stub.messages) >= count


@pytest.mark.parametrize("fault", ["rotated token", "403"])
async def test_refused_credentials_pause_sending_and_nothing_is_dead_lettered(runtime, stub, sender, fault,
                                                                               aiohttp_client) -> None:
    clock = runtime.clock
    async with runtime.pool.acquire() as conn:
        await admin(conn, ADMIN)
    await runtime.redis.delete(PAUSED_KEY)
    await runtime.redis.set(HEARTBEAT_KEY, "now", ex=60)
    outbox = OutboxSender(runtime.pool, sender, clock, limiter=None, texts=runtime.texts, redis=runtime.redis,
                          probe_every=timedelta(seconds=30))
    await queue(runtime.pool, clock, A, "a1", "a2")
    await queue(runtime.pool, clock, B, "b1")
    if fault == "403":
        stub.fail_next = [403, 403]
    else:
        stub.auth_token = "rotated"
    assert await outbox.drain() == 0
    assert outbox.paused and ("twilio 401" in outbox.paused or "twilio 403" in outbox.paused)
    state = await statuses(runtime.pool)
    assert set(state.values()) == {"queued"}, f"rows wait, none is dead: {state}"
    async with runtime.pool.acquire() as conn:
        tries = await conn.fetchval("SELECT max(tries) FROM outbound_messages")
        alerts = await conn.fetch("SELECT body FROM outbound_messages WHERE recipient = $1", ADMIN)
    assert tries == 0, "a refused login is not the message's try"
    assert len(alerts) == 1 and "paused" in alerts[0]["body"]
    client = await aiohttp_client(create_app(runtime.config, clock=clock))
    response = await client.get("/health")
    assert response.status == 503 and "refused the credentials" in (await response.json())["checks"]["sender"]

    attempts = stub.attempts
    assert await outbox.drain() == 0 and stub.attempts == attempts, "no hammering while paused"
    clock.advance(timedelta(seconds=31))
    if fault == "rotated token":
        assert await outbox.drain() == 0 and stub.attempts == attempts + 1, "one probe"
        clock.advance(timedelta(seconds=31))
        stub.auth_token = TEST_ENV["TWILIO_AUTH_TOKEN"]  # the operator fixed the token
    assert await outbox.drain() == 4
    assert outbox.paused is None and await runtime.redis.get(PAUSED_KEY) is None
    assert [m.body for m in stub.to(A)] == ["a1", "a2"] and [m.body for m in stub.to(B)] == ["b1"]
    async with runtime.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM outbound_messages WHERE recipient = $1", ADMIN) == 1
    assert set((await statuses(runtime.pool)).values()) == {"sent"}
    response = await client.get("/health")
    assert response.status == 200, await response.json()
