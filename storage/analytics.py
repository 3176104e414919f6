"""The operators' dashboard figures, computed in SQL: shared by /stats and GET /api/v1/admin/dashboard
(through services.ops.stats).

An order counts in a period when it was placed (confirmed_at set: drafts never count) and created
within [start, end). Five reads:

    summary        orders, GMV (value of placed orders not ended unfulfilled), delivered, failed, open,
                   success rate = delivered / (delivered + failed), GMV and orders of the previous period
    failures       failed orders (domain.orders.UNFULFILLED) grouped by status and root cause
                   (the failure reason up to its first colon: "vendor rejected: no stock" → "vendor rejected")
    fulfilment     confirmed → delivered: average, p50, p90, in seconds (domain.dashboard.fulfilment_of)
    top_products   best sellers by value, with the previous period's value and `domain.metrics.trend`
                   (whole days from the daily roll-up when it is final: see storage.product_sales)
    standings      every vendor's outcomes and response times (offered_at → responded_at of accepts and
                   rejects; average and median by domain.dashboard.response_times), from which
                   domain.dashboard ranks the most reliable and the fastest

Whole local days whose roll-up is final (storage.rollup, storage.product_sales.final_days) are read
from the roll-up tables and only the rest of the period (today, the partial days at its edges, days
not rolled up, and the orders a roll-up left out as they were still open) from the order tables, on
an indexed timestamp or by id (see migration 0003_ops.sql); both parts are counted by the same SQL
(storage.dashboard_sql).
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from decimal import Decimal

import asyncpg

from domain.dashboard import (
    TOP,
    FailureCause,
    Fulfilment,
    Period,
    ProductSales,
    Summary,
    VendorStanding,
    fulfilment_of,
    response_times,
)
from domain.metrics import success_rate, trend
from domain.orders import LIVE, UNFULFILLED
from storage import product_sales
from storage.dashboard_sql import FAILURE_CAUSE, LIVE_OFFERS, LIVE_ORDERS, SMALL_READ, VENDOR_ROWS

_PLACED = "o.confirmed_at IS NOT NULL AND o.created_at >= $1 AND o.created_at < $2"
_LIVE_PLACED = f"{LIVE_ORDERS} WHERE o.confirmed_at IS NOT NULL"

# $1 rolled days, $2..$7 the live rows (storage.dashboard_sql.LIVE_ORDERS), then each read's own. The
# rolled-up days hold no open orders (storage.rollup leaves them out), so `open` is counted live alone.
SUMMARY_SQL = f"""
SELECT COALESCE(sum(orders) FILTER (WHERE cur), 0)::bigint AS orders, COALESCE(sum(gmv) FILTER (WHERE cur), 0) AS gmv,
       COALESCE(sum(delivered) FILTER (WHERE cur), 0)::bigint AS delivered,
       COALESCE(sum(failed) FILTER (WHERE cur), 0)::bigint AS failed,
       COALESCE(sum(open) FILTER (WHERE cur), 0)::bigint AS open,
       COALESCE(sum(orders) FILTER (WHERE NOT cur), 0)::bigint AS previous_orders,
       COALESCE(sum(gmv) FILTER (WHERE NOT cur), 0) AS previous_gmv
FROM (SELECT d.day >= $8::date AS cur, d.orders, d.gmv, d.delivered, d.failed, 0 AS open
      FROM analytics_daily d WHERE d.day = ANY($1::date[])
      UNION ALL
      SELECT o.created_at >= $9 AS cur, count(*), sum(o.total) FILTER (WHERE o.status <> ALL($11)),
             count(*) FILTER (WHERE o.status = 'DELIVERED'), count(*) FILTER (WHERE o.status = ANY($11)),
             count(*) FILTER (WHERE o.status = ANY($10))
      FROM {_LIVE_PLACED} GROUP BY 1) parts
"""
FAILURES_SQL = f"""
SELECT status, cause, sum(orders)::bigint AS orders, sum(value) AS value
FROM (SELECT d.status, d.cause, d.orders, d.value FROM analytics_daily_failures d WHERE d.day = ANY($1::date[])
      UNION ALL
      SELECT o.status, {FAILURE_CAUSE}, count(*), sum(o.total)
      FROM {_LIVE_PLACED} AND o.status = ANY($8) GROUP BY 1, 2) parts
GROUP BY 1, 2 ORDER BY orders DESC, value DESC, 1, 2 LIMIT $9
"""
# The seconds of each rolled day and of the live rows; domain.dashboard.fulfilment_of does the rest.
FULFILMENT_SQL = f"""
SELECT d.fulfilment AS seconds FROM analytics_daily d WHERE d.day = ANY($1::date[])
UNION ALL
SELECT array_agg(extract(epoch FROM o.delivered_at - o.confirmed_at)::float8)
FROM {_LIVE_PLACED} AND o.status = 'DELIVERED' AND o.delivered_at IS NOT NULL
"""
_LIVE_VENDORS = VENDOR_ROWS.format(orders=LIVE_ORDERS, offers=LIVE_OFFERS)
# Per vendor: the sums of its days and of the live rows, and all its response seconds in one array
# (float8_concat, migration 0106) for domain.dashboard.response_times.
STANDINGS_SQL = f"""
SELECT u.id, u.name, u.phone, t.delivered, t.failed, t.backed_out, t.offers, t.answered, t.expired, t.responses
FROM (SELECT vendor_id, sum(delivered)::bigint AS delivered, sum(failed)::bigint AS failed,
             sum(offers)::bigint AS offers, sum(backed_out)::bigint AS backed_out, sum(expired)::bigint AS expired,
             sum(answered)::bigint AS answered, float8_concat(responses) AS responses
      FROM (SELECT d.vendor_id, d.delivered, d.failed, d.offers, d.backed_out, d.expired, d.answered, d.responses
            FROM analytics_daily_vendors d WHERE d.day = ANY($1::date[])
            UNION ALL ({_LIVE_VENDORS})) parts
      GROUP BY vendor_id) t
JOIN users u ON u.id = t.vendor_id
ORDER BY u.id
"""
Split = tuple[list[date], list[datetime], list[datetime], list[int], list[int], list[datetime], list[datetime]]


class Analytics:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def _split(self, start: datetime, end: datetime, split: datetime, zone: tzinfo) -> Split:
        """[start, end) as $1..$7 of a read: the rolled-up days, and the live rows (the ranges between
        those days, the orders those days left out)."""
        await self.conn.execute(SMALL_READ)
        days = await product_sales.final_days(self.conn, start, end, split, zone)
        ranges = product_sales.live_ranges(start, end, days, zone)
        return list(days), *product_sales.live_args(ranges, product_sales.left_out(days, zone))

    async def summary(self, period: Period) -> Summary:
        prev = period.previous
        parts = await self._split(prev.start, period.end, period.start, period.zone)
        row = await self.conn.fetchrow(SUMMARY_SQL, *parts, period.start.astimezone(period.zone).date(),
                                       period.start, list(LIVE), list(UNFULFILLED))
        done = row["delivered"] + row["failed"]
        return Summary(row["orders"], row["gmv"], row["delivered"], row["failed"], row["open"],
                       success_rate(row["delivered"], done), row["previous_orders"], row["previous_gmv"],
                       trend(float(row["gmv"]), float(row["previous_gmv"])))

    async def failures(self, period: Period, limit: int = 8) -> list[FailureCause]:
        parts = await self._split(period.start, period.end, period.start, period.zone)
        rows = await self.conn.fetch(FAILURES_SQL, *parts, list(UNFULFILLED), limit)
        return [FailureCause(r["status"], r["cause"], r["orders"], r["value"]) for r in rows]

    async def fulfilment(self, period: Period) -> Fulfilment:
        parts = await self._split(period.start, period.end, period.start, period.zone)
        seconds: list[float] = []
        for row in await self.conn.fetch(FULFILMENT_SQL, *parts):
            seconds.extend(row["seconds"] or ())
        return fulfilment_of(seconds)

    async def top_products(self, period: Period, limit: int = TOP) -> list[ProductSales]:
        return await product_sales.top_products(self.conn, period.previous.start, period.start, period.end,
                                                list(UNFULFILLED), period.zone, limit)

    # the same ranking in steps, so that its parts can be read side by side (services.ops.stats, which
    # ranks the parts' totals with storage.product_sales.ranked)

    async def product_parts(self, period: Period) -> list[product_sales.Part]:
        return await product_sales.parts(self.conn, period.previous.start, period.start, period.end, period.zone)

    async def product_totals(self, period: Period, part: product_sales.Part) -> product_sales.Totals:
        return await product_sales.part_totals(self.conn, part, period.start, list(UNFULFILLED), period.zone)


    async def vendor_standings(self, period: Period) -> list[VendorStanding]:
        """Every vendor with orders or offers in the period: outcomes and response times."""
        parts = await self._split(period.start, period.end, period.start, period.zone)
        rows = await self.conn.fetch(STANDINGS_SQL, *parts)
        return [VendorStanding(r["id"], r["name"], r["phone"], r["delivered"], r["failed"], r["backed_out"],
                               r["offers"], r["answered"], r["expired"], *response_times(r["responses"]))
                for r in rows]

    # the web console's charts: the same placed orders, by local day and by status

    async def per_day(self, period: Period) -> list[tuple[date, int, Decimal]]:
        """(local day, orders, GMV) for each day of the period that had placed orders."""
        rows = await self.conn.fetch(
            f"""
            SELECT (o.created_at AT TIME ZONE $3)::date AS day, count(*) AS orders,
                   COALESCE(sum(o.total) FILTER (WHERE o.status <> ALL($4)), 0) AS gmv
            FROM orders o WHERE {_PLACED} GROUP BY 1 ORDER BY 1
            """, period.start, period.end, zone_name(period.zone), list(UNFULFILLED))
        return [(r["day"], r["orders"], r["gmv"]) for r in rows]

    async def by_status(self, period: Period) -> dict[str, int]:
        rows = await self.conn.fetch(
            f"SELECT o.status, count(*) AS n FROM orders o WHERE {_PLACED} GROUP BY 1 ORDER BY 2 DESC, 1",
            period.start, period.end)
        return {r["status"]: r["n"] for r in rows}

    async def fulfilment_hours(self, period: Period) -> list[float]:
        """Confirmed → delivered of each delivered order, in hours (the distribution behind p50/p90)."""
        rows = await self.conn.fetch(
            f"""
            SELECT extract(epoch FROM o.delivered_at - o.confirmed_at)::float8 / 3600 AS h FROM orders o
            WHERE {_PLACED} AND o.status = 'DELIVERED' AND o.delivered_at IS NOT NULL ORDER BY 1 LIMIT 100000
            """, period.start, period.end)
        return [r["h"] for r in rows]


def zone_name(zone: tzinfo) -> str:
    """An IANA name PostgreSQL knows for `zone` (UTC for a fixed zone without one)."""
    return str(getattr(zone, "key", "UTC"))
