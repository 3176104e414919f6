"""Vendor scoring at scale: 10,000 vendors, 1,000,000 orders with their offers, one full scoring pass.

    .venv/bin/python bench/vendor_scoring.py [--vendors 10000] [--orders 1000000] [--runs 5]

Seeds its own database (`khaacho_bench_scoring`, made afresh) on the server of DATABASE_URL (or the
embedded one) with INSERT ... SELECT generate_series, then times `rescore_vendors` (metrics counted
in SQL, scores computed by `domain.scoring`, written back) and prints the median seconds of the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bench.databases import fresh_database  # noqa: E402
from services.scoring import rescore_vendors  # noqa: E402
from storage.db import connect, create_pool  # noqa: E402
from storage.embedded import ensure_services  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402

DB = "khaacho_bench_scoring"
NOW = datetime(2026, 11, 2, 4, 15, tzinfo=UTC)
SEED = [
    "INSERT INTO products (sku, name, unit, price) SELECT 'SKU-' || i, 'Product ' || i, 'kg', 50 + (i % 200)"
    " FROM generate_series(1, 500) i",
    "INSERT INTO users (id, phone, name, role) SELECT i, '+97798' || lpad(i::text, 8, '0'), 'Vendor ' || i,"
    " 'vendor' FROM generate_series(1, $1::int) i",
    "INSERT INTO vendors (user_id) SELECT i FROM generate_series(1, $1::int) i",
    "INSERT INTO users (id, phone, name, role) SELECT 100000000 + i, '+97797' || lpad(i::text, 8, '0'),"
    " 'Shop ' || i, 'retailer' FROM generate_series(1, 2000) i",
    "INSERT INTO retailers (user_id, credit_limit) SELECT 100000000 + i, 50000 FROM generate_series(1, 2000) i",
    # 20 products per vendor, every third with its own price around the catalogue's
    "INSERT INTO vendor_products (vendor_id, sku, price) SELECT v, 'SKU-' || (1 + (v * 7 + k * 13) % 500),"
    " CASE WHEN k % 3 = 0 THEN round((50 + ((v * 7 + k * 13) % 500) % 200) * (0.9 + (v % 21) / 100.0), 2) END"
    " FROM generate_series(1, $1::int) v, generate_series(1, 20) k ON CONFLICT DO NOTHING",
]
ORDERS = """
INSERT INTO orders (id, retailer_id, vendor_id, status, total, created_at, updated_at, confirmed_at,
                    accepted_at, delivered_at)
SELECT i, 100000001 + i % 2000, 1 + (i::bigint * 7919) % $2::int, s.status, 1000 + i % 5000, t, t, t,
       CASE WHEN s.status IN ('DELIVERED', 'CANCELLED', 'FAILED') THEN t + interval '5 minutes' END,
       CASE WHEN s.status = 'DELIVERED' THEN t + (i % 72) * interval '1 hour' END
FROM generate_series(1, $1::int) i,
     LATERAL (SELECT $3::timestamptz - (i % 90) * interval '1 day' AS t) tt,
     LATERAL (SELECT (ARRAY['DELIVERED','DELIVERED','DELIVERED','DELIVERED','DELIVERED','DELIVERED','CANCELLED',
                            'FAILED','REJECTED','EXPIRED'])[1 + i % 10] AS status) s
"""
OFFERS = """
INSERT INTO order_offers (order_id, vendor_id, status, offered_at, expires_at, responded_at)
SELECT o.id, o.vendor_id,
       CASE o.status WHEN 'REJECTED' THEN 'REJECTED' WHEN 'EXPIRED' THEN 'EXPIRED'
                     ELSE CASE WHEN o.id % 17 = 0 THEN 'WITHDRAWN' ELSE 'ACCEPTED' END END,
       o.created_at, o.created_at + interval '15 minutes',
       CASE WHEN o.status <> 'EXPIRED' THEN o.created_at + (o.id % 1500) * interval '1 second' END
FROM orders o
"""


async def seed(admin_url: str, vendors: int, orders: int) -> str:
    url = await fresh_database(admin_url, DB)
    conn = await connect(url)
    try:
        for statement in SEED:
            await (conn.execute(statement, vendors) if "$1" in statement else conn.execute(statement))
        await conn.execute(ORDERS, orders, vendors, NOW)
        await conn.execute(OFFERS)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return url


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    admin_url = os.environ.get("DATABASE_URL") or ensure_services(ROOT / "var" / "test").database_url
    started = time.perf_counter()
    url = await seed(admin_url, args.vendors, args.orders)
    seeded_in = time.perf_counter() - started
    print(f"seeded {args.vendors:,} vendors, {args.orders:,} orders and offers in {seeded_in:.1f} s")
    pool = await create_pool(url, min_size=1, max_size=1)
    try:
        async with UnitOfWork(pool) as uow:
            await rescore_vendors(uow, NOW)  # warm the cache
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            async with UnitOfWork(pool) as uow:
                scored = await rescore_vendors(uow, NOW)
            timings.append(time.perf_counter() - started)
        async with pool.acquire() as conn:
            tiers = await conn.fetch("SELECT tier, count(*) FROM vendors GROUP BY tier ORDER BY tier")
    finally:
        await pool.close()
    print(f"scored {scored:,} vendors; tiers: {', '.join(f'{r[0]} {r[1]}' for r in tiers)}")
    print(f"machine: {platform.machine()} {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"runs: {', '.join(f'{t:.2f}' for t in timings)} s")
    print(f"median scoring pass: {statistics.median(timings):.2f} s")


if __name__ == "__main__":
    asyncio.run(main())
