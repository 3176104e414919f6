"""Fairness: how long other retailers wait for a reply while one number floods the bot.

Twenty retailers each send a greeting every few hundred milliseconds, as webhooks would hand them to
the intake (store, then schedule the sender's conversation), first alone, then while one more
number sends 1,000 messages as fast as they arrive. It prints the median and p90 time from storing
a retailer's message to its reply being queued, in both rounds, and how the flood was handled.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/fairness.py [--flood 1000] [--others 20] [--no-limit]

--no-limit lifts the per-sender limit, so all 1,000 flood messages are handled (fairness of the
handling itself, one task per sender).

It works in a database of its own (`khaacho_bench_fair`), made afresh.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import bench_database  # noqa: E402
from bot.channels.base import InboundMessage  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.runtime import Runtime, start_runtime  # noqa: E402
from storage.repos.users import UserRepository  # noqa: E402

DATABASE = "khaacho_bench_fair"
FLOODER = "+9779810000000"


async def send(runtime: Runtime, phone: str, text: str) -> int | None:
    message = InboundMessage(provider="bench", provider_id=uuid.uuid4().hex, phone=phone, text=text)
    stored = await runtime.intake.receive(message)
    if stored is not None:
        runtime.intake.schedule(phone)
    return stored


async def others(runtime: Runtime, phones: list[str], rounds: int, gap: float, busy: asyncio.Event) -> list[int]:
    """Greetings from every phone every `gap` seconds: `rounds` times, and on while the flood lasts."""
    ids, done = [], 0
    while done < rounds or busy.is_set():
        for phone in phones:
            ids.append(await send(runtime, phone, "namaste"))
        await asyncio.sleep(gap)
        done += 1
    return [i for i in ids if i is not None]


async def flood(runtime: Runtime, count: int, busy: asyncio.Event) -> None:
    """`count` messages from one number as fast as they can be stored, until its handling is done."""
    busy.set()
    try:
        for n in range(count):
            await send(runtime, FLOODER, f"{n % 9 + 1} kg chini")
            if n % 50 == 0:
                await asyncio.sleep(0)
        await runtime.intake.drain()
    finally:
        busy.clear()


async def reply_delays(pool: asyncpg.Pool, ids: list[int]) -> list[float]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT extract(epoch FROM min(o.created_at) - m.received_at) AS delay FROM inbound_messages m"
            " JOIN outbound_messages o ON o.inbound_id = m.id WHERE m.id = ANY($1::bigint[]) GROUP BY m.id",
            ids)
    return [float(r["delay"]) for r in rows]


async def round_(runtime: Runtime, phones: list[str], flood_size: int) -> tuple[list[float], float]:
    started = time.perf_counter()
    busy = asyncio.Event()
    tasks = [others(runtime, phones, rounds=5, gap=0.3, busy=busy)]
    if flood_size:
        busy.set()
        tasks.append(flood(runtime, flood_size, busy))
    ids = (await asyncio.gather(*tasks))[0]
    await runtime.intake.drain()
    return await reply_delays(runtime.pool, ids), time.perf_counter() - started


def describe(delays: list[float]) -> str:
    if not delays:
        return "no replies"
    ordered = sorted(delays)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return f"median {statistics.median(ordered) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms over {len(ordered)} replies"


async def main(flood_size: int, count: int) -> None:
    url = await bench_database(DATABASE)
    env = {**os.environ, "DATABASE_URL": url, "TWILIO_ACCOUNT_SID": "AC" + "d4" * 16,
           "TWILIO_AUTH_TOKEN": "bench-token", "TWILIO_FROM_NUMBER": "+14155238886"}
    runtime = await start_runtime(load_config(env=env), pool_size=10, nlu_check_every=0)
    phones = [f"+97798200{i:05d}" for i in range(count)]
    try:
        async with runtime.pool.acquire() as conn:
            users = UserRepository(conn)
            for i, phone in enumerate([*phones, FLOODER]):
                await users.add_retailer(phone, f"Shop {i}", Decimal(50000))
        quiet, quiet_s = await round_(runtime, phones, 0)
        busy, busy_s = await round_(runtime, phones, flood_size)
        async with runtime.pool.acquire() as conn:
            statuses = dict(await conn.fetch("SELECT status, count(*) FROM inbound_messages WHERE phone = $1"
                                             " GROUP BY status", FLOODER))
            slow_down = await conn.fetchval(
                "SELECT count(*) FROM outbound_messages WHERE recipient = $1 AND body ILIKE '%slow down%'", FLOODER)
    finally:
        await runtime.close()
    print(f"others alone:           {describe(quiet)} ({quiet_s:.1f} s)")
    print(f"others during a flood:  {describe(busy)} ({busy_s:.1f} s)")
    print(f"extra median delay:     {(statistics.median(busy) - statistics.median(quiet)) * 1000:.0f} ms")
    print(f"flood of {flood_size}: {statistics_line(statuses)}; 'slow down' replies {slow_down}")


def statistics_line(statuses: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flood", type=int, default=1000)
    parser.add_argument("--others", type=int, default=20)
    parser.add_argument("--no-limit", action="store_true")
    options = parser.parse_args()
    if options.no_limit:
        import bot.intake
        bot.intake.SENDER_LIMIT = 10**9
    logging.basicConfig(level=logging.CRITICAL)
    asyncio.run(main(options.flood, options.others))
