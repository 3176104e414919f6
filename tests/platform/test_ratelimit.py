"""The shared send limit on real Redis: per-number and total windows granted together, refunds."""

from __future__ import annotations

import time

import pytest
import redis.asyncio as aioredis

from storage.ratelimit import RateLimiter


@pytest.fixture
async def redis_client(config):  # type: ignore[no-untyped-def]
    client = aioredis.from_url(config.secrets.redis_url)
    async for key in client.scan_iter(match="khaacho:rate:*"):
        await client.delete(key)
    yield client
    await client.aclose()


async def _same_second() -> None:
    """Start at the beginning of a wall-clock second so one test stays inside one window."""
    import asyncio

    await asyncio.sleep(1.0 - time.time() % 1.0 + 0.01)


async def test_grants_stop_at_the_tightest_limit_and_refunds_come_back(redis_client) -> None:
    limiter = RateLimiter(redis_client, {"+14155238886": 5, "total": 8})
    other = RateLimiter(redis_client, {"+14155230000": 5, "total": 8})
    await _same_second()
    assert await limiter.grant(3) == 3
    assert await limiter.grant(10) == 2, "the number's own 5/s is the limit"
    assert await limiter.grant(1) == 0
    await limiter.refund(2)
    assert await limiter.grant(10) == 2
    assert await other.grant(10) == 3, "the shared total (8) leaves 3 for the other number"
