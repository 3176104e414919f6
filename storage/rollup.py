"""The daily roll-up behind the dashboard: one row per local day (orders, GMV, delivered, failed,
cancelled, retailers, the fulfilment times), one per day and product (quantity, GMV), one per
day, status and root cause of failure, and one per day and vendor (outcomes, answers to offers made
that day and their response times), rewritten whole on each run, so
running it twice for a day gives the same rows. Days are local days of the platform's zone (the
caller passes it). Counting follows storage.analytics: an order counts on
the day it was created if it was placed (confirmed); GMV leaves out orders that ended unfulfilled.

Only what has ended is rolled up: the orders created that day, or offered to a vendor that day, that
were not ended then (drafts too) are left out of every row and their ids kept (`open_ids`), so the
dashboard reads just those from the order tables (storage.analytics)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

import asyncpg

from domain.orders import TERMINAL, UNFULFILLED
from storage.dashboard_sql import DAY_OFFERS, DAY_ORDERS, FAILURE_CAUSE, VENDOR_ROWS

# The orders of a day [$1, $2), created or offered then, not ended ($3: domain.orders.TERMINAL).
OPEN_SQL = """
SELECT COALESCE(array_agg(id ORDER BY id), '{}') FROM (
    SELECT o.id FROM orders o WHERE o.created_at >= $1 AND o.created_at < $2 AND o.status <> ALL($3)
    UNION
    SELECT o.id FROM order_offers f JOIN orders o ON o.id = f.order_id
    WHERE f.offered_at >= $1 AND f.offered_at < $2 AND o.status <> ALL($3)) open
"""
# The rows of the day: $1 the day, [$2, $3) its bounds, $4 its open ids, then each statement's own.
DAY_SQL = f"""
INSERT INTO analytics_daily (day, orders, gmv, delivered, failed, cancelled, retailers, fulfilment, open_ids,
                             updated_at)
SELECT $1::date, count(*), COALESCE(sum(o.total) FILTER (WHERE o.status <> ALL($5)), 0),
       count(*) FILTER (WHERE o.status = 'DELIVERED'), count(*) FILTER (WHERE o.status = ANY($5)),
       count(*) FILTER (WHERE o.status = 'CANCELLED'), count(DISTINCT o.retailer_id),
       COALESCE(array_agg(f.s ORDER BY f.s) FILTER (WHERE f.s IS NOT NULL), '{{}}'), $4, $6
FROM {DAY_ORDERS} LEFT JOIN LATERAL (SELECT extract(epoch FROM o.delivered_at - o.confirmed_at)::float8 AS s
                                     WHERE o.status = 'DELIVERED') f ON true
WHERE o.confirmed_at IS NOT NULL
ON CONFLICT (day) DO UPDATE SET orders = EXCLUDED.orders, gmv = EXCLUDED.gmv, delivered = EXCLUDED.delivered,
    failed = EXCLUDED.failed, cancelled = EXCLUDED.cancelled, retailers = EXCLUDED.retailers,
    fulfilment = EXCLUDED.fulfilment, open_ids = EXCLUDED.open_ids, updated_at = EXCLUDED.updated_at
"""
PRODUCTS_SQL = f"""
INSERT INTO analytics_daily_products (day, sku, quantity, gmv)
SELECT $1::date, i.sku, sum(i.quantity), sum(i.line_total)
FROM {DAY_ORDERS} JOIN order_items i ON i.order_id = o.id
WHERE o.confirmed_at IS NOT NULL AND o.status <> ALL($5)
GROUP BY i.sku
"""
FAILURES_SQL = f"""
INSERT INTO analytics_daily_failures (day, status, cause, orders, value)
SELECT $1::date, o.status, {FAILURE_CAUSE} AS cause, count(*), sum(o.total)
FROM {DAY_ORDERS} WHERE o.confirmed_at IS NOT NULL AND o.status = ANY($5)
GROUP BY 2, 3
"""
VENDORS_SQL = f"""
INSERT INTO analytics_daily_vendors (day, vendor_id, delivered, failed, offers, backed_out, expired, answered,
                                     responses)
SELECT $1::date, v.* FROM ({VENDOR_ROWS.format(orders=DAY_ORDERS, offers=DAY_OFFERS)}) v
"""


def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """[local midnight, next local midnight) of `day` in `zone`, as aware datetimes."""
    start = datetime.combine(day, time(0), zone)
    return start, datetime.combine(day + timedelta(days=1), time(0), zone)


def local_day(now: datetime, zone: tzinfo) -> date:
    return now.astimezone(zone).date()


UNSETTLED_SQL = """
SELECT d::date AS day FROM generate_series($1::date, $2::date, interval '1 day') d
LEFT JOIN analytics_daily a ON a.day = d::date
WHERE a.day IS NULL OR a.open_ids IS NULL OR a.open_ids <> '{}' ORDER BY 1
"""


async def unsettled_days(conn: asyncpg.Connection, before: date, zone: tzinfo) -> list[date]:
    """Local days before `before`, from the first order's on, whose roll-up may still change: never
    written, written before it kept open ids (migration 0107), or with orders still open then."""
    first = await conn.fetchval("SELECT min(created_at) FROM orders WHERE confirmed_at IS NOT NULL")
    if first is None or local_day(first, zone) >= before:
        return []
    rows = await conn.fetch(UNSETTLED_SQL, local_day(first, zone), before - timedelta(days=1))
    return [r["day"] for r in rows]


async def roll_up_day(conn: asyncpg.Connection, day: date, now: datetime, zone: tzinfo) -> None:
    """Rewrite the roll-up rows of one local day in `zone` (call in a transaction)."""
    start, end = day_bounds(day, zone)
    failed = list(UNFULFILLED)
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('khaacho:rollup'), $1)", day.toordinal())
    # every statement leaves out these ids, so an order ending meanwhile is counted once: live
    open_ids = await conn.fetchval(OPEN_SQL, start, end, list(TERMINAL))
    await conn.execute(DAY_SQL, day, start, end, open_ids, failed, now)
    for table in ("analytics_daily_products", "analytics_daily_failures", "analytics_daily_vendors"):
        await conn.execute(f"DELETE FROM {table} WHERE day = $1", day)
    await conn.execute(PRODUCTS_SQL, day, start, end, open_ids, failed)
    await conn.execute(FAILURES_SQL, day, start, end, open_ids, failed)
    await conn.execute(VENDORS_SQL, day, start, end, open_ids)
