"""The daily roll-up behind the dashboard: one row per local day (orders, GMV, delivered, failed,
cancelled, retailers) and one per day and product (quantity, GMV), rewritten whole on each run, so
running it twice for a day gives the same rows. Days are local days of the platform's zone (the
caller passes it). Counting follows storage.analytics: an order counts on
the day it was created if it was placed (confirmed); GMV leaves out orders that ended unfulfilled."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

import asyncpg

from domain.orders import UNFULFILLED

DAY_SQL = """
INSERT INTO analytics_daily (day, orders, gmv, delivered, failed, cancelled, retailers, updated_at)
SELECT $1::date, count(*), COALESCE(sum(total) FILTER (WHERE status <> ALL($4)), 0),
       count(*) FILTER (WHERE status = 'DELIVERED'), count(*) FILTER (WHERE status = ANY($4)),
       count(*) FILTER (WHERE status = 'CANCELLED'), count(DISTINCT retailer_id), $5
FROM orders WHERE confirmed_at IS NOT NULL AND created_at >= $2 AND created_at < $3
ON CONFLICT (day) DO UPDATE SET orders = EXCLUDED.orders, gmv = EXCLUDED.gmv, delivered = EXCLUDED.delivered,
    failed = EXCLUDED.failed, cancelled = EXCLUDED.cancelled, retailers = EXCLUDED.retailers,
    updated_at = EXCLUDED.updated_at
"""
PRODUCTS_SQL = """
INSERT INTO analytics_daily_products (day, sku, quantity, gmv)
SELECT $1::date, i.sku, sum(i.quantity), sum(i.line_total)
FROM orders o JOIN order_items i ON i.order_id = o.id
WHERE o.confirmed_at IS NOT NULL AND o.created_at >= $2 AND o.created_at < $3 AND o.status <> ALL($4)
GROUP BY i.sku
"""


def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """[local midnight, next local midnight) of `day` in `zone`, as aware datetimes."""
    start = datetime.combine(day, time(0), zone)
    return start, datetime.combine(day + timedelta(days=1), time(0), zone)


def local_day(now: datetime, zone: tzinfo) -> date:
    return now.astimezone(zone).date()


async def roll_up_day(conn: asyncpg.Connection, day: date, now: datetime, zone: tzinfo) -> None:
    """Rewrite the roll-up rows of one local day in `zone` (call in a transaction)."""
    start, end = day_bounds(day, zone)
    failed = list(UNFULFILLED)
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('khaacho:rollup'), $1)", day.toordinal())
    await conn.execute(DAY_SQL, day, start, end, failed, now)
    await conn.execute("DELETE FROM analytics_daily_products WHERE day = $1", day)
    await conn.execute(PRODUCTS_SQL, day, start, end, failed)
