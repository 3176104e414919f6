"""Dashboard latency at a million orders: GET /api/v1/admin/dashboard over HTTP, median and p95.

Seeds its own database (`khaacho_bench_dashboard` unless --database names another, kept between runs;
--reseed to make it again) in
SQL with generate_series: retailers, vendors, the demo catalogue, N orders spread over --days up to a
fixed "now" (those older than two days have ended, as self-healing ends them), their lines (1-5 each)
and vendor offers (one each, a fifth with a refused one before), then VACUUM ANALYZE, and backfills
the daily roll-up (storage.rollup) as the daily job keeps it.
The app runs in this process on a local port with a clock fixed at that "now"; each period is called
--calls times after one warm-up call.

    .venv/bin/python bench/dashboard.py [--orders 1000000] [--days 365] [--calls 20] [--reseed] [--no-rollup]
                                        [--database NAME]

Without DATABASE_URL / REDIS_URL it uses the embedded services.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import asyncpg
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import create_app
from bot.appkeys import RUNTIME
from bot.commands.catalog import import_catalog
from bot.commands.seed import DEMO_CATALOG
from bot.config import load_config
from domain.formatting import platform_zone
from services import UnitOfWork
from services.ops.apikeys import create_key
from storage.clock import FakeClock
from storage.db import connect, migrate
from storage.embedded import ensure_services
from storage.rollup import local_day, roll_up_day

NOW = datetime(2026, 11, 30, 6, 15, tzinfo=UTC)  # noon in Kathmandu
ZONE = platform_zone(load_config(env={}))  # config.yml platform.timezone
RETAILERS, VENDORS = 5000, 300

# u(g, k): a repeatable pseudo-random number in [0, 1) for row g and stream k.
FUNCTIONS = """
CREATE FUNCTION pg_temp.u(g bigint, k bigint) RETURNS float8 IMMUTABLE LANGUAGE sql
    AS $$ SELECT (hashint8extended(g, k) & 2147483647)::float8 / 2147483648 $$;
CREATE FUNCTION pg_temp.pick(g bigint, k bigint, n bigint) RETURNS bigint IMMUTABLE LANGUAGE sql
    AS $$ SELECT (hashint8extended(g, k) & 2147483647) % n $$;
CREATE TEMP TABLE cat AS SELECT (row_number() OVER (ORDER BY sku) - 1)::bigint AS i, sku, name, unit, price
    FROM products WHERE active;
CREATE UNIQUE INDEX ON cat (i);
"""
PEOPLE = f"""
INSERT INTO users (id, phone, name, role, created_at)
SELECT g, '+97798' || lpad(g::text, 8, '0'), CASE WHEN g <= {RETAILERS} THEN 'Shop ' ELSE 'Wholesaler ' END || g,
       CASE WHEN g <= {RETAILERS} THEN 'retailer' ELSE 'vendor' END, $1::timestamptz - interval '400 days'
FROM generate_series(1, {RETAILERS + VENDORS}) g;
SELECT setval('users_id_seq', {RETAILERS + VENDORS});
INSERT INTO retailers (user_id, credit_limit) SELECT g, 50000 FROM generate_series(1, {RETAILERS}) g;
INSERT INTO vendors (user_id, score, capacity) SELECT g, 40 + pg_temp.u(g, 1) * 60, 50
FROM generate_series({RETAILERS + 1}, {RETAILERS + VENDORS}) g;
INSERT INTO vendor_products (vendor_id, sku) SELECT v.user_id, c.sku FROM vendors v CROSS JOIN cat c;
"""
# Line l of order g: product pick(g*8+l, 10), quantity 1..20. The order's total is the sum of its lines.
LINES = "generate_series(1, 1 + pg_temp.pick(g, 8, 5)) l, LATERAL (SELECT 1 + pg_temp.pick(g * 8 + l, 9, 20) AS q," \
        " pg_temp.pick(g * 8 + l, 10, (SELECT count(*) FROM cat)) AS pi) x JOIN cat c ON c.i = x.pi"
ORDERS = f"""
INSERT INTO orders (id, retailer_id, vendor_id, status, total, failure_reason, created_at, updated_at,
                    confirmed_at, accepted_at, dispatched_at, delivered_at)
SELECT 1000 + g, 1 + pg_temp.pick(g, 1, {RETAILERS}),
       CASE WHEN s.status IN ('CANCELLED', 'REJECTED', 'EXPIRED') AND pg_temp.u(g, 4) < 0.5 THEN NULL
            ELSE {RETAILERS + 1} + pg_temp.pick(g, 2, {VENDORS}) END,
       s.status, (SELECT sum(x.q * c.price) FROM {LINES}), s.reason, t.at, t.at, t.at,
       CASE WHEN s.accepted THEN t.at + (60 + pg_temp.u(g, 5) * 1500) * interval '1 second' END,
       CASE WHEN s.status IN ('DISPATCHED', 'DELIVERED') THEN t.at + (1 + pg_temp.u(g, 6) * 5) * interval '1 hour' END,
       CASE WHEN s.status = 'DELIVERED' THEN t.at + (2 + pg_temp.u(g, 6) * 40) * interval '1 hour' END
FROM generate_series(1, $1::bigint) g
CROSS JOIN LATERAL (SELECT $2::timestamptz - (1 - (g - pg_temp.u(g, 3)) / $1::float8) * $3::float8 * interval '1 day'
                    AS at) t  -- ids grow with time, as the sequence makes them
CROSS JOIN LATERAL (SELECT st.status, st.reason,
                           st.status IN ('DELIVERED', 'ACCEPTED', 'DISPATCHED')
                           OR (st.status IN ('FAILED', 'CANCELLED') AND pg_temp.u(g, 4) < 0.5) AS accepted
    FROM (SELECT CASE WHEN r < 0.78 THEN 'DELIVERED' WHEN r < 0.83 THEN 'FAILED' WHEN r < 0.88 THEN 'CANCELLED'
                      WHEN r < 0.91 THEN 'REJECTED' WHEN r < 0.93 THEN 'EXPIRED'
                      WHEN t.at < $2::timestamptz - interval '2 days' THEN 'DELIVERED'  -- old orders have ended
                      WHEN r < 0.95 THEN 'PENDING_VENDOR'
                      WHEN r < 0.97 THEN 'ACCEPTED' WHEN r < 0.99 THEN 'DISPATCHED' ELSE 'HELD' END AS status,
                 (ARRAY['no vendor can supply this order', 'delivery failed: shop closed',
                        'vendor rejected: out of stock', 'retailer cancelled'])[1 + pg_temp.pick(g, 7, 4)] AS reason
          FROM (SELECT pg_temp.u(g, 0) AS r) r) st) s0
CROSS JOIN LATERAL (SELECT s0.status, s0.accepted,
                           CASE WHEN s0.status IN ('FAILED', 'CANCELLED', 'REJECTED', 'EXPIRED') THEN s0.reason END
                             AS reason) s;
SELECT setval('order_numbers', 1000 + $1::bigint);
"""
ITEMS = f"""
INSERT INTO order_items (order_id, sku, name, quantity, unit, unit_price, line_total)
SELECT 1000 + g, c.sku, c.name, x.q, c.unit, c.price, x.q * c.price FROM generate_series(1, $1::bigint) g, {LINES}
"""
OFFERS = """
INSERT INTO order_offers (order_id, vendor_id, status, offered_at, expires_at, responded_at)
SELECT o.id, o.vendor_id, f.status, o.created_at, o.created_at + interval '15 minutes',
       CASE WHEN f.status = 'ACCEPTED' THEN o.accepted_at
            WHEN f.status = 'REJECTED' THEN o.created_at + (30 + pg_temp.u(o.id, 11) * 600) * interval '1 second' END
FROM orders o CROSS JOIN LATERAL (SELECT CASE WHEN o.accepted_at IS NOT NULL THEN 'ACCEPTED'
    WHEN o.status = 'PENDING_VENDOR' THEN 'OFFERED' WHEN o.status = 'EXPIRED' THEN 'EXPIRED' ELSE 'REJECTED' END
    AS status) f
WHERE o.vendor_id IS NOT NULL;
INSERT INTO order_offers (order_id, vendor_id, status, offered_at, expires_at, responded_at)
SELECT o.id, {first} + (o.vendor_id - {first} + 1) % {count}, r.status, o.created_at - interval '15 minutes',
       o.created_at, CASE WHEN r.status = 'REJECTED' THEN o.created_at - interval '10 minutes' END
FROM orders o CROSS JOIN LATERAL (SELECT CASE WHEN pg_temp.u(o.id, 12) < 0.5 THEN 'REJECTED' ELSE 'EXPIRED' END
    AS status) r
WHERE o.vendor_id IS NOT NULL AND pg_temp.u(o.id, 13) < 0.2;
""".format(first=RETAILERS + 1, count=VENDORS)


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


async def roll_up(url: str, days: float, wanted: bool) -> None:
    """Backfill the daily roll-up as the daily job leaves it (every past day final), or empty it."""
    conn = await connect(url)
    try:
        if not wanted:
            await conn.execute("TRUNCATE analytics_daily CASCADE")
            print("  roll-up emptied: every metric is computed from the order tables")
            return
        last = local_day(NOW, ZONE)
        have = await conn.fetchval("SELECT count(*) FROM analytics_daily WHERE updated_at = $1"
                                   " AND open_ids IS NOT NULL", NOW)  # migration 0107
        if have >= int(days):
            return
        started = time.monotonic()
        for back in range(int(days) + 2):
            async with conn.transaction():
                await roll_up_day(conn, last - timedelta(days=back), NOW, ZONE)
        await conn.execute("VACUUM ANALYZE analytics_daily, analytics_daily_products, analytics_daily_failures,"
                           " analytics_daily_vendors")
        print(f"  daily roll-up of {int(days) + 2} days: {time.monotonic() - started:.1f} s", flush=True)
    finally:
        await conn.close()


async def seed(url: str, name: str, orders: int, days: float) -> None:
    conn = await connect(url)
    try:
        await migrate(conn)
        if await conn.fetchval("SELECT count(*) FROM orders") == orders:
            print(f"database {name} already holds {orders:,} orders (--reseed to make it again)")
            return
    finally:
        await conn.close()
    await import_catalog(DEMO_CATALOG, url, progress=False)
    conn = await connect(url)
    try:
        await conn.execute("SET synchronous_commit = off; SET maintenance_work_mem = '512MB'")
        await conn.execute(FUNCTIONS)
        for label, sql, args in (("people", PEOPLE, (NOW,)), ("orders", ORDERS, (orders, NOW, days)),
                                 ("order lines", ITEMS, (orders,)), ("offers", OFFERS, ())):
            started = time.monotonic()
            for statement in sql.strip().split(";\n"):
                await conn.execute(statement, *[a for i, a in enumerate(args) if f"${i + 1}" in statement])
            print(f"  {label}: {time.monotonic() - started:.1f} s", flush=True)
        started = time.monotonic()
        await conn.execute("VACUUM ANALYZE")
        print(f"  vacuum analyze: {time.monotonic() - started:.1f} s", flush=True)
        counts = await conn.fetchrow("SELECT (SELECT count(*) FROM orders) AS orders,"
                                     " (SELECT count(*) FROM order_items) AS items,"
                                     " (SELECT count(*) FROM order_offers) AS offers")
        print("  seeded " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    finally:
        await conn.close()


async def prepare(base_url: str, name: str, orders: int, days: float, reseed: bool, rollup: bool) -> str:
    admin = await asyncpg.connect(base_url)
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if reseed or not exists:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = with_database(base_url, name)
    started = time.monotonic()
    await seed(url, name, orders, days)
    await roll_up(url, days, rollup)
    print(f"ready in {time.monotonic() - started:.1f} s", flush=True)
    return url


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def backends_cpu(pool: asyncpg.Pool) -> float | None:
    """CPU seconds so far of the backends serving this database (None unless PostgreSQL runs here)."""
    async with pool.acquire() as conn:
        pids = [r["pid"] for r in await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()")]
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


async def measure(url: str, calls: int) -> None:
    config = load_config(env={**os.environ, "DATABASE_URL": url})
    app = create_app(config, clock=FakeClock(NOW))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with UnitOfWork(app[RUNTIME].pool) as uow:
            _, key = await create_key(uow, "bench", NOW)
        headers = {"Authorization": f"Bearer {key}"}
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}", headers=headers) as http:
            print(f"\nGET /api/v1/admin/dashboard, {calls} calls per period after one warm-up; CPU per call of this"
                  " process (app and client) and of the database's backends (a shared machine slows it less)")
            print(f"{'period':>7} {'orders in it':>13} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}"
                  f" {'app cpu ms':>11} {'db cpu ms':>10}")
            for period in ("today", "7d", "30d"):
                times, body = [], {}
                for i in range(calls + 1):
                    if i == 1:
                        cpu = time.process_time(), await backends_cpu(app[RUNTIME].pool)
                    started = time.perf_counter()
                    async with http.get("/api/v1/admin/dashboard", params={"period": period}) as response:
                        assert response.status == 200, await response.text()
                        body = await response.json()
                    if i:
                        times.append((time.perf_counter() - started) * 1000)
                db_cpu = await backends_cpu(app[RUNTIME].pool)
                app_ms = (time.process_time() - cpu[0]) * 1000 / calls
                db_ms = f"{(db_cpu - cpu[1]) * 1000 / calls:.1f}" if db_cpu is not None and cpu[1] is not None else "-"
                print(f"{period:>7} {body['summary']['orders']:>13,} {statistics.median(times):>10.1f}"
                      f" {p95(times):>8.1f} {max(times):>8.1f} {app_ms:>11.1f} {db_ms:>10}")
    finally:
        await runner.cleanup()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--days", type=float, default=365, help="orders are spread over this many days")
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--reseed", action="store_true", help="drop and seed the bench database again")
    parser.add_argument("--no-rollup", action="store_true",
                        help="empty the daily roll-up: top products from the order lines alone")
    parser.add_argument("--database", default="khaacho_bench_dashboard", help="the bench's own database, kept")
    args = parser.parse_args()
    services = ensure_services()
    print(f"{platform.machine()} {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}")
    url = await prepare(services.database_url, args.database, args.orders, args.days, args.reseed, not args.no_rollup)
    await measure(url, args.calls)


if __name__ == "__main__":
    asyncio.run(main())
