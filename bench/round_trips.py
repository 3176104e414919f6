"""SQL round trips and CPU per handled message: what one message costs, statement by statement.

Stores and handles one message of each kind in-process (the webhook's store, then Intake's handling)
against a database of its own, counting every statement the pool's connections send (asyncpg's query
logger), and prints the count per phase with the statements of the greeting. Then `--burst` greetings
from as many shops arrive at once: the CPU this process spent per message (store and handling, no
HTTP) is a figure that a loaded machine slows less than a rate.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/round_trips.py [--show]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import bench_database  # noqa: E402
from bot.channels.base import InboundMessage  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.logs import setup_logging  # noqa: E402
from bot.runtime import start_runtime  # noqa: E402


class Statements:
    """Every statement run on the pool's connections while counting."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, record: object) -> None:
        self.seen.append(" ".join(str(getattr(record, "query", "")).split()))

    def watch(self, pool: object) -> None:
        for holder in pool._holders:  # type: ignore[attr-defined]
            if holder._con is not None:
                holder._con.add_query_logger(self)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", action="store_true", help="print each statement")
    parser.add_argument("--burst", type=int, default=400, help="greetings arriving at once for the CPU figure")
    args = parser.parse_args()
    setup_logging("INFO")  # as `serve` logs (to stderr): the JSON lines are part of the cost
    url = await bench_database("khaacho_bench_round_trips")
    config = load_config(env={**os.environ, "DATABASE_URL": url})
    runtime = await start_runtime(config, pool_size=3, nlu_check_every=3600)  # catalogue checks: not per message
    try:
        async with runtime.pool.acquire() as conn:
            await conn.execute("INSERT INTO users (phone, name, role) VALUES ('+9779800000001', 'Shop', 'retailer')")
            await conn.execute("INSERT INTO users (phone, name, role) SELECT '+97797' || lpad(i::text, 8, '0'),"
                               " 'Shop ' || i, 'retailer' FROM generate_series(1, $1) AS i", args.burst)
            await conn.execute("INSERT INTO retailers (user_id, credit_limit) SELECT id, 50000 FROM users")
        conns = [await runtime.pool.acquire() for _ in range(3)]  # all opened, so all are watched
        for conn in conns:
            await runtime.pool.release(conn)
        counted = Statements()
        counted.watch(runtime.pool)
        intake = runtime.intake
        for n, text in enumerate(["namaste", "namaste", "hello", "balance"]):
            counted.seen.clear()
            message = InboundMessage(provider="twilio", provider_id=f"SM{n:032d}", phone="+9779800000001",
                                     text=text, media=(), profile_name=None, button_payload=None, extra={})
            await intake.receive(message)
            stored = len(counted.seen)
            await intake.process(message.phone)
            print(f"{text!r:>12}: {stored} to store, {len(counted.seen) - stored} to handle")
            if args.show and n == 1:
                for statement, times in Counter(counted.seen).items():
                    print(f"   {times} x {statement[:160]}")
        burst = [InboundMessage(provider="twilio", provider_id=f"SB{i:032d}", phone=f"+97797{i:08d}", text="namaste")
                 for i in range(1, args.burst + 1)]
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.gather(*(intake.receive(m) for m in burst))
        for m in burst:
            intake.schedule(m.phone)
        await intake.drain()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        async with runtime.pool.acquire() as conn:
            done = await conn.fetchval("SELECT count(*) FROM inbound_messages WHERE provider_id LIKE 'SB%'"
                                       " AND status = 'done'")
        print(f"{args.burst} greetings at once: {done} handled, {1000 * cpu / args.burst:.2f} ms CPU each"
              f" ({args.burst / cpu:.0f}/s per core of this process), {wall:.1f} s wall;"
              f" load average {os.getloadavg()[0]:.1f}")
    finally:
        await runtime.close()


if __name__ == "__main__":
    asyncio.run(main())
