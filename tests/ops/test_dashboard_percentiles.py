"""The dashboard's durations are ranked in Python (domain.metrics) from the seconds SQL collects: the
percentile there must be PostgreSQL's percentile_cont to the last bit, as it was when SQL ranked them."""

from __future__ import annotations

import random

from bot.runtime import Runtime
from domain.metrics import percentile

CONT = "SELECT percentile_cont($2::float8) WITHIN GROUP (ORDER BY x) FROM unnest($1::float8[]) x"


async def test_percentile_is_percentile_cont_to_the_last_bit(runtime: Runtime) -> None:
    rnd = random.Random(19)
    async with runtime.pool.acquire() as conn:
        for size in (1, 2, 3, 4, 7, 10, 11, 101, 1000, 4097):
            # seconds as the dashboard sees them: microsecond intervals, and a few wide-ranging ones
            values = [round(rnd.uniform(0, 200_000), 6) for _ in range(size)]
            values += [rnd.uniform(0, 1) * 10 ** rnd.randint(-3, 9) for _ in range(size // 3)]
            for pct in (0, 10, 25, 33, 50, 66.6, 90, 95, 99, 100):
                expected = await conn.fetchval(CONT, values, pct / 100)
                assert percentile(values, pct) == expected, (size, pct)
