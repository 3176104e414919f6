"""The operators' dashboard figures, computed in SQL: shared by /stats and GET /api/v1/admin/dashboard
(through services.ops.stats).

An order counts in a period when it was placed (confirmed_at set: drafts never count) and created
within [start, end). Five reads:

    summary        orders, GMV (value of placed orders not ended unfulfilled), delivered, failed, open,
                   success rate = delivered / (delivered + failed), GMV and orders of the previous period
    failures       failed orders (domain.orders.UNFULFILLED) grouped by status and root cause
                   (the failure reason up to its first colon: "vendor rejected: no stock" → "vendor rejected")
    fulfilment     confirmed → delivered: average, p50, p90 (percentile_cont), in seconds
    top_products   best sellers by value, with the previous period's value and `domain.metrics.trend`
                   (whole days from the daily roll-up when it is final: see storage.product_sales)
    standings      every vendor's outcomes and response times (offered_at → responded_at of accepts and
                   rejects), from which domain.dashboard ranks the most reliable and the fastest

Every query is bounded by the period on an indexed timestamp (see migration 0003_ops.sql).
"""

from __future__ import annotations

from datetime import date, tzinfo
from decimal import Decimal

import asyncpg

from domain.dashboard import TOP, FailureCause, Fulfilment, Period, ProductSales, Summary, VendorStanding
from domain.metrics import success_rate, trend
from domain.orders import LIVE, UNFULFILLED
from storage import product_sales

_PLACED = "o.confirmed_at IS NOT NULL AND o.created_at >= $1 AND o.created_at < $2"


class Analytics:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def summary(self, period: Period) -> Summary:
        prev = period.previous
        row = await self.conn.fetchrow(
            f"""
            SELECT count(*) FILTER (WHERE cur) AS orders,
                   COALESCE(sum(o.total) FILTER (WHERE cur AND NOT failed), 0) AS gmv,
                   count(*) FILTER (WHERE cur AND o.status = 'DELIVERED') AS delivered,
                   count(*) FILTER (WHERE cur AND failed) AS failed,
                   count(*) FILTER (WHERE cur AND o.status = ANY($4)) AS open,
                   count(*) FILTER (WHERE NOT cur) AS previous_orders,
                   COALESCE(sum(o.total) FILTER (WHERE NOT cur AND NOT failed), 0) AS previous_gmv
            FROM orders o,
                 LATERAL (SELECT o.created_at >= $3 AS cur, o.status = ANY($5) AS failed) f
            WHERE {_PLACED}
            """, prev.start, period.end, period.start, list(LIVE), list(UNFULFILLED))
        done = row["delivered"] + row["failed"]
        return Summary(row["orders"], row["gmv"], row["delivered"], row["failed"], row["open"],
                       success_rate(row["delivered"], done), row["previous_orders"], row["previous_gmv"],
                       trend(float(row["gmv"]), float(row["previous_gmv"])))

    async def failures(self, period: Period, limit: int = 8) -> list[FailureCause]:
        rows = await self.conn.fetch(
            f"""
            SELECT o.status, COALESCE(NULLIF(lower(trim(split_part(o.failure_reason, ':', 1))), ''), 'unspecified')
                     AS cause, count(*) AS orders, sum(o.total) AS value
            FROM orders o WHERE {_PLACED} AND o.status = ANY($3)
            GROUP BY 1, 2 ORDER BY orders DESC, value DESC, 1, 2 LIMIT $4
            """, period.start, period.end, list(UNFULFILLED), limit)
        return [FailureCause(r["status"], r["cause"], r["orders"], r["value"]) for r in rows]

    async def fulfilment(self, period: Period) -> Fulfilment:
        row = await self.conn.fetchrow(
            f"""
            SELECT count(*) AS delivered, avg(s) AS average,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY s) AS p50,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY s) AS p90
            FROM orders o, LATERAL (SELECT extract(epoch FROM o.delivered_at - o.confirmed_at)::float8 AS s) d
            WHERE {_PLACED} AND o.status = 'DELIVERED' AND o.delivered_at IS NOT NULL
            """, period.start, period.end)
        return Fulfilment(row["delivered"], row["average"], row["p50"], row["p90"])

    async def top_products(self, period: Period, limit: int = TOP) -> list[ProductSales]:
        return await product_sales.top_products(self.conn, period.previous.start, period.start, period.end,
                                                list(UNFULFILLED), period.zone, limit)

    async def vendor_standings(self, period: Period) -> list[VendorStanding]:
        """Every vendor with orders or offers in the period: outcomes and response times."""
        rows = await self.conn.fetch(
            f"""
            WITH outcomes AS (
                SELECT o.vendor_id, count(*) FILTER (WHERE o.status = 'DELIVERED') AS delivered,
                       count(*) FILTER (WHERE o.status IN ('CANCELLED', 'FAILED') AND o.accepted_at IS NOT NULL)
                         AS failed
                FROM orders o WHERE {_PLACED} AND o.vendor_id IS NOT NULL GROUP BY o.vendor_id
            ), answers AS (
                SELECT f.vendor_id, count(*) AS offers,
                       count(*) FILTER (WHERE f.status = 'WITHDRAWN') AS backed_out,
                       count(*) FILTER (WHERE f.status = 'EXPIRED') AS expired,
                       count(r.s) AS answered, avg(r.s) AS response_avg,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY r.s) AS response_p50
                FROM order_offers f
                LEFT JOIN LATERAL (SELECT extract(epoch FROM f.responded_at - f.offered_at)::float8 AS s
                                   WHERE f.status IN ('ACCEPTED', 'REJECTED', 'WITHDRAWN')) r ON true
                WHERE f.offered_at >= $1 AND f.offered_at < $2 GROUP BY f.vendor_id
            )
            SELECT u.id, u.name, u.phone, COALESCE(t.delivered, 0) AS delivered, COALESCE(t.failed, 0) AS failed,
                   COALESCE(a.backed_out, 0) AS backed_out, COALESCE(a.offers, 0) AS offers,
                   COALESCE(a.answered, 0) AS answered, COALESCE(a.expired, 0) AS expired,
                   a.response_avg, a.response_p50
            FROM outcomes t FULL JOIN answers a ON a.vendor_id = t.vendor_id
            JOIN users u ON u.id = COALESCE(t.vendor_id, a.vendor_id)
            ORDER BY u.id
            """, period.start, period.end)
        return [VendorStanding(r["id"], r["name"], r["phone"], r["delivered"], r["failed"], r["backed_out"],
                               r["offers"], r["answered"], r["expired"], r["response_avg"], r["response_p50"])
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
