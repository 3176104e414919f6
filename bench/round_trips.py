"""SQL statements and CPU per handled message, by kind: what one message costs, statement by statement.

Stores and handles messages in-process (the webhook's store, then Intake's handling, on uvloop as
`serve` runs) against a database of its own with the demo catalogue, counting every statement the
pool's connections send (asyncpg's query logger). `--show` prints the statements of one message of
each kind; then, for each kind in turn, `--burst` messages from as many shops arrive at once:
greetings, orders of three demo items, the YES that confirms each order, balance inquiries. For each
kind it prints statements per message and the CPU this process spent per message (store and
handling, no HTTP), `--rounds` times, and the median CPU of each kind: figures that a loaded machine
slows less than a rate. `--profile` writes a
pyinstrument profile of the bursts.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/round_trips.py [--show] [--burst 400] [--profile var/round_trips.html]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import uvloop

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import bench_database  # noqa: E402
from bot.channels.base import InboundMessage  # noqa: E402
from bot.commands.catalog import import_catalog  # noqa: E402
from bot.commands.seed import DEMO_CATALOG  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.intake import Intake  # noqa: E402
from bot.logs import setup_logging  # noqa: E402
from bot.runtime import start_runtime  # noqa: E402
from storage.repos.users import UserRepository  # noqa: E402

# kind -> the text each shop sends, in this order: the YES confirms the order just before it
KINDS = {"greeting": "namaste", "order": "2 kg chini, 3 packet wai wai, 5 kg sona mansuli", "confirm": "yes",
         "inquiry": "balance"}
VENDORS = 5


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


async def burst(intake: Intake, phones: list[str], text: str, tag: str) -> None:
    """`phones` each send `text` at once; returns when every one is handled."""
    messages = [InboundMessage(provider="twilio", provider_id=f"S{tag}{i:031d}", phone=phone, text=text)
                for i, phone in enumerate(phones)]
    await asyncio.gather(*(intake.receive(m) for m in messages))
    for m in messages:
        intake.schedule(m.phone)
    await intake.drain()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", action="store_true", help="print the statements of one message of each kind")
    parser.add_argument("--burst", type=int, default=400, help="messages of each kind arriving at once")
    parser.add_argument("--database", default="khaacho_bench_round_trips",
                        help="the bench's own database, made afresh (a name of its own beside other runs)")
    parser.add_argument("--rounds", type=int, default=3, help="bursts of each kind, for the median")
    parser.add_argument("--kinds", default=",".join(KINDS), help="the kinds to measure, of " + ", ".join(KINDS))
    parser.add_argument("--profile", type=Path, help="write a pyinstrument HTML profile of the bursts here")
    args = parser.parse_args()
    setup_logging("INFO")  # as `serve` logs (to stderr): the JSON lines are part of the cost
    url = await bench_database(args.database)
    await import_catalog(DEMO_CATALOG, url, progress=False)
    config = load_config(env={**os.environ, "DATABASE_URL": url})
    runtime = await start_runtime(config, pool_size=20, nlu_check_every=3600)  # catalogue checks: not per message
    shops = [f"+97797{i:08d}" for i in range(1, args.burst + 1)]
    try:
        async with runtime.pool.acquire() as conn, conn.transaction():
            users = UserRepository(conn)
            await users.add_retailer("+9779800000001", "Shop", Decimal(10_000_000))
            for i, phone in enumerate(shops):
                await users.add_retailer(phone, f"Shop {i}", Decimal(10_000_000), address="Butwal",
                                         lat=27.70 + i % 50 / 1000, lon=83.45)
            for i in range(VENDORS):
                await users.add_vendor(f"+97796{i:08d}", f"Traders {i}", lat=27.69 + i / 1000, lon=83.45)
        conns = [await runtime.pool.acquire() for _ in range(runtime.pool.get_max_size())]  # all opened: watched
        for conn in conns:
            await runtime.pool.release(conn)
        counted = Statements()
        counted.watch(runtime.pool)
        intake = runtime.intake
        for n, (kind, text) in enumerate([("greeting", "namaste"), *KINDS.items()]):  # the first: warm-up
            counted.seen.clear()
            await burst(intake, ["+9779800000001"], text, f"W{n}")
            if args.show and n > 0:
                print(f"{kind} ({text!r}): {len(counted.seen)} statements")
                for statement, times in Counter(counted.seen).items():
                    print(f"   {times} x {statement[:160]}")
        profiler = None
        if args.profile:
            from pyinstrument import Profiler
            profiler = Profiler(async_mode="disabled")
            profiler.start()
        kinds = [k for k in KINDS if k in args.kinds.split(",")]
        cpu_of: dict[str, list[float]] = {k: [] for k in kinds}
        for n in range(args.rounds):  # the same shops again: each round orders and confirms anew
            print(f"round {n + 1}: {'kind':>9} {'messages':>8} {'handled':>7} {'SQL/msg':>7} {'CPU ms/msg':>10}"
                  f" {'wall s':>6} {'load':>5}")
            for kind in kinds:
                counted.seen.clear()
                tag = f"B{n}{kind[0]}"
                cpu, wall = time.process_time(), time.perf_counter()
                await burst(intake, shops, KINDS[kind], tag)
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                cpu_of[kind].append(1000 * cpu / args.burst)
                async with runtime.pool.acquire() as conn:
                    done = await conn.fetchval("SELECT count(*) FROM inbound_messages WHERE provider_id LIKE $1"
                                               " AND status = 'done'", f"S{tag}%")
                statements = sum(1 for s in counted.seen if "inbound_messages WHERE provider_id LIKE" not in s)
                print(f"{'':>9}{kind:>9} {args.burst:>8} {done:>7} {statements / args.burst:>7.2f}"
                      f" {cpu_of[kind][-1]:>10.2f} {wall:>6.1f} {os.getloadavg()[0]:>5.1f}", flush=True)
        medians = {k: statistics.median(v) for k, v in cpu_of.items()}
        print("median CPU ms per message: " + ", ".join(f"{k} {v:.2f}" for k, v in medians.items())
              + f"; mean of the kinds {statistics.fmean(medians.values()):.2f}"
              f" ({1000 / statistics.fmean(medians.values()):.0f}/s per core)")
        if profiler is not None:
            profiler.stop()
            args.profile.parent.mkdir(parents=True, exist_ok=True)
            args.profile.write_text(profiler.output_html(), encoding="utf-8")
            print(profiler.output_text(unicode=False, color=False, show_all=False)[:6000])
    finally:
        await runtime.close()


if __name__ == "__main__":
    uvloop.run(main())
