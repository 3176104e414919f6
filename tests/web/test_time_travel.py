"""Demo time travel: the simulator moves the shared clock on and the jobs that fall due run."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.appkeys import RUNTIME
from storage.clock import ShiftedClock
from storage.clock_offset import KEY, follow
from tests.support.console_site import console_client, console_config


async def test_travel_moves_every_clock_and_runs_due_jobs(aiohttp_client, config) -> None:
    async with console_client(aiohttp_client, console_config(config, time_travel=True)) as client:
        runtime = client.app[RUNTIME]
        assert isinstance(runtime.clock, ShiftedClock)
        other = ShiftedClock()                       # another process's clock, following the shared offset
        follower = asyncio.create_task(follow(runtime.redis, other))
        try:
            small = await client.post("/sim/travel", json={"minutes": 10})
            assert small.status == 200
            moved = await small.json()
            now = datetime.fromisoformat(moved["now"])
            assert abs(now - (datetime.now(UTC) + timedelta(minutes=10))) < timedelta(seconds=30)
            assert "order_timeouts" in moved["ran"] and "score_vendors" not in moved["ran"]
            big = await (await client.post("/sim/travel", json={"minutes": 60})).json()
            assert big["offset_minutes"] == 70 and "score_vendors" in big["ran"]
            for _ in range(40):
                if other.offset == timedelta(minutes=70):
                    break
                await asyncio.sleep(0.1)
            assert other.offset == timedelta(minutes=70)
            for bad in ({"minutes": 0}, {"minutes": -5}, {"minutes": "10"}, {"minutes": 10**9}, {"x": 1}, [1]):
                assert (await client.post("/sim/travel", json=bad)).status == 400, bad
        finally:
            follower.cancel()
            await runtime.redis.delete(KEY)
