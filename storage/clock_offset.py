"""The demo's time travel: one clock offset in Redis that every process's ShiftedClock follows."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import redis.asyncio as aioredis

from storage.clock import ShiftedClock

log = logging.getLogger(__name__)
KEY = "khaacho:clock_offset_seconds"
FOLLOW_EVERY = 0.5


async def read_offset(redis: aioredis.Redis) -> timedelta:
    value = await redis.get(KEY)
    return timedelta(seconds=float(value)) if value else timedelta(0)


async def shift(redis: aioredis.Redis, clock: ShiftedClock, delta: timedelta) -> timedelta:
    """Move every process's clock on by `delta`; the new offset (this process's clock at once)."""
    clock.offset = timedelta(seconds=float(await redis.incrbyfloat(KEY, delta.total_seconds())))
    return clock.offset


async def follow(redis: aioredis.Redis, clock: ShiftedClock) -> None:
    """Keep `clock` on the shared offset (until cancelled); time only moves forward."""
    while True:
        try:
            offset = await read_offset(redis)
            if offset > clock.offset:
                clock.offset = offset
        except Exception:  # Redis away for a moment: keep the last offset
            log.debug("cannot read the clock offset", exc_info=True)
        await asyncio.sleep(FOLLOW_EVERY)
