"""The operators' dashboard, computed in SQL: one module shared by /stats and GET /api/v1/admin/dashboard.

An order counts in a period when it was placed (confirmed_at set: drafts never count) and created
within [start, end). Six metrics:

    summary        orders, GMV (value of placed orders not ended unfulfilled), delivered, failed, open,
                   success rate = delivered / (delivered + failed), GMV and orders of the previous period
    failures       failed orders (CANCELLED, REJECTED, EXPIRED, FAILED) grouped by status and root cause
                   (the failure reason up to its first colon: "vendor rejected: no stock" → "vendor rejected")
    fulfilment     confirmed → delivered: average, p50, p90 (percentile_cont), in seconds
    top_products   best sellers by value, with the previous period's value and `domain.metrics.trend`
                   (whole days from the daily roll-up when it is final: see storage.product_sales)
    reliable       vendors by reliability = smooth(delivered, delivered + failed after accepting + backed out),
                   graded A+ … F by `domain.metrics.grade_for`
    responsive     vendors by response time to offers (offered_at → responded_at of accepts and rejects)

Every query is bounded by the period on an indexed timestamp (see migration 0003_ops.sql). `dashboard`
given a pool runs the queries side by side, one connection each.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import asyncpg

from domain.metrics import Trend, grade_for, success_rate, trend
from domain.scoring import smooth
from storage import product_sales
from storage.product_sales import ProductSales

FAILED_STATUSES = ("CANCELLED", "REJECTED", "EXPIRED", "FAILED")
OPEN_STATUSES = ("HELD", "QUEUED", "PENDING_VENDOR", "ACCEPTED", "DISPATCHED")
TOP = 5


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime
    end: datetime
    zone: timezone = UTC  # the operators' local time, whose midnights bound days

    @property
    def previous(self) -> Period:
        """The span of the same length just before this one."""
        return Period(f"before {self.label}", self.start - (self.end - self.start), self.start, self.zone)


def period_ending(now: datetime, label: str, span: timedelta | None, tz_offset_minutes: int = 0) -> Period:
    """`span` up to `now`; None means 'today', from local midnight (the offset is the local zone)."""
    zone = timezone(timedelta(minutes=tz_offset_minutes))
    if span is not None:
        return Period(label, now - span, now, zone)
    local = now.astimezone(zone)
    return Period(label, local.replace(hour=0, minute=0, second=0, microsecond=0), now, zone)


@dataclass(frozen=True)
class Summary:
    orders: int
    gmv: Decimal
    delivered: int
    failed: int
    open: int
    success_rate: float | None
    previous_orders: int
    previous_gmv: Decimal
    gmv_trend: Trend


@dataclass(frozen=True)
class FailureCause:
    status: str
    cause: str
    orders: int
    value: Decimal


@dataclass(frozen=True)
class Fulfilment:
    delivered: int
    average_s: float | None
    p50_s: float | None
    p90_s: float | None


@dataclass(frozen=True)
class VendorStanding:
    vendor_id: int
    name: str
    phone: str
    delivered: int = 0
    failed: int = 0
    backed_out: int = 0
    offers: int = 0
    answered: int = 0
    expired: int = 0
    response_avg_s: float | None = None
    response_p50_s: float | None = None

    @property
    def reliability(self) -> float:
        """0..100, shrunk toward neutral for vendors with few finished orders."""
        return round(100 * smooth(self.delivered, self.delivered + self.failed + self.backed_out), 1)

    @property
    def grade(self) -> str:
        return grade_for(self.reliability).value


@dataclass(frozen=True)
class Dashboard:
    period: Period
    summary: Summary
    failures: list[FailureCause]
    fulfilment: Fulfilment
    top_products: list[ProductSales]
    reliable: list[VendorStanding] = field(default_factory=list)
    responsive: list[VendorStanding] = field(default_factory=list)


_PLACED = "o.confirmed_at IS NOT NULL AND o.created_at >= $1 AND o.created_at < $2"


async def summary(conn: asyncpg.Connection, period: Period) -> Summary:
    prev = period.previous
    row = await conn.fetchrow(
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
        """, prev.start, period.end, period.start, list(OPEN_STATUSES), list(FAILED_STATUSES))
    done = row["delivered"] + row["failed"]
    return Summary(row["orders"], row["gmv"], row["delivered"], row["failed"], row["open"],
                   success_rate(row["delivered"], done), row["previous_orders"], row["previous_gmv"],
                   trend(float(row["gmv"]), float(row["previous_gmv"])))


async def failures(conn: asyncpg.Connection, period: Period, limit: int = 8) -> list[FailureCause]:
    rows = await conn.fetch(
        f"""
        SELECT o.status, COALESCE(NULLIF(lower(trim(split_part(o.failure_reason, ':', 1))), ''), 'unspecified')
                 AS cause, count(*) AS orders, sum(o.total) AS value
        FROM orders o WHERE {_PLACED} AND o.status = ANY($3)
        GROUP BY 1, 2 ORDER BY orders DESC, value DESC, 1, 2 LIMIT $4
        """, period.start, period.end, list(FAILED_STATUSES), limit)
    return [FailureCause(r["status"], r["cause"], r["orders"], r["value"]) for r in rows]


async def fulfilment(conn: asyncpg.Connection, period: Period) -> Fulfilment:
    row = await conn.fetchrow(
        f"""
        SELECT count(*) AS delivered, avg(s) AS average, percentile_cont(0.5) WITHIN GROUP (ORDER BY s) AS p50,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY s) AS p90
        FROM orders o, LATERAL (SELECT extract(epoch FROM o.delivered_at - o.confirmed_at)::float8 AS s) d
        WHERE {_PLACED} AND o.status = 'DELIVERED' AND o.delivered_at IS NOT NULL
        """, period.start, period.end)
    return Fulfilment(row["delivered"], row["average"], row["p50"], row["p90"])


async def top_products(conn: asyncpg.Connection, period: Period, limit: int = TOP) -> list[ProductSales]:
    return await product_sales.top_products(conn, period.previous.start, period.start, period.end,
                                            list(FAILED_STATUSES), period.zone, limit)


async def vendor_standings(conn: asyncpg.Connection, period: Period) -> list[VendorStanding]:
    """Every vendor with orders or offers in the period: outcomes and response times."""
    rows = await conn.fetch(
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


def most_reliable(standings: list[VendorStanding], limit: int = TOP) -> list[VendorStanding]:
    finished = [s for s in standings if s.delivered + s.failed + s.backed_out > 0]
    return sorted(finished, key=lambda s: (-s.reliability, -s.delivered, s.name))[:limit]


def fastest(standings: list[VendorStanding], limit: int = TOP) -> list[VendorStanding]:
    answered = [s for s in standings if s.response_p50_s is not None]
    return sorted(answered, key=lambda s: (s.response_p50_s, s.response_avg_s, s.name))[:limit]


async def dashboard(db: asyncpg.Connection | asyncpg.Pool, period: Period) -> Dashboard:
    """The six metrics for `period`: one query after another on a connection, side by side from a pool."""
    queries = (summary, failures, fulfilment, top_products, vendor_standings)
    if isinstance(db, asyncpg.Pool):
        pool = db

        async def run(query: Any) -> Any:
            async with pool.acquire() as conn:
                return await query(conn, period)
        results = await asyncio.gather(*(run(q) for q in queries))
    else:
        results = [await q(db, period) for q in queries]
    totals, failed, fulfilled, products, standings = results
    return Dashboard(period, totals, failed, fulfilled, products, most_reliable(standings), fastest(standings))


def jsonable(value: Any) -> Any:
    """Dataclasses, Decimals and datetimes as JSON values (money stays exact as a string)."""
    if isinstance(value, VendorStanding):
        return {**jsonable(vars(value)), "reliability": value.reliability, "grade": value.grade}
    if hasattr(value, "__dataclass_fields__"):
        return {name: jsonable(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timezone):
        return str(value)
    return value
