"""1,000 confirmations of one retailer's drafts from two processes at once, with credit for some of
them; then the confirmed orders' acceptances race for the vendor's last stock. Prints what went
through against what fits: credit never over the limit, stock never below zero, exactly the orders
that fit go through.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/confirm_race.py \
        [--orders 1000] [--credit-for 137] [--stock-for 59]

It works in its own database (`khaacho_bench_race`, made afresh).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import fresh_database  # noqa: E402
from storage.embedded import ensure_services  # noqa: E402
from tests.support.confirm_race import race, seed, standing  # noqa: E402

DATABASE = "khaacho_bench_race"


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--credit-for", type=int, default=137)
    parser.add_argument("--stock-for", type=int, default=59)
    args = parser.parse_args()
    base = ensure_services().database_url
    url = await fresh_database(base, DATABASE)
    r = await seed(url, args.orders, args.credit_for, args.stock_for)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; 2 processes x 8 connections")
    started = time.monotonic()
    await asyncio.to_thread(race, "confirm", url, r.order_ids)
    confirmed = await standing(url, r)
    print(f"{args.orders} confirmations in {time.monotonic() - started:.1f} s: {confirmed.confirmed} went through "
          f"(credit fits {args.credit_for}); outstanding {confirmed.outstanding} of limit {r.credit_limit}")
    started = time.monotonic()
    await asyncio.to_thread(race, "accept", url, r.order_ids)
    accepted = await standing(url, r)
    print(f"{confirmed.confirmed} acceptances in {time.monotonic() - started:.1f} s: {accepted.accepted} went "
          f"through (stock fits {args.stock_for}); stock left {accepted.stock}")
    admin = await asyncpg.connect(base)
    await admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    await admin.close()
    ok = (confirmed.confirmed == args.credit_for and confirmed.outstanding <= r.credit_limit
          and accepted.accepted == args.stock_for and accepted.stock >= 0)
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
