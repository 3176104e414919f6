"""Retailer credit scoring's records: each retailer's payment history and activity aggregated in one
query, and the score, risk and limit written back.

Payment history is read first-in first-out: a delivered order counts as paid when the retailer's
confirmed payments (PAYMENT_CREDIT ledger rows), added up in time order, first cover every delivered
order up to and including it. Paid within the payment terms of delivery is on time; paid later, or
unpaid and past the terms, is late. Orders in the last 30 days and in the 30 before give the activity;
the latest confirmations the regularity, complaint tickets about an order the disputes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import asyncpg

_HISTORY_SQL = """
WITH debts AS (
    SELECT o.retailer_id, o.delivered_at,
           sum(o.total) OVER (PARTITION BY o.retailer_id ORDER BY o.delivered_at, o.id) AS owed_through
    FROM orders o
    WHERE o.status = 'DELIVERED' AND o.delivered_at <= $2 AND ($1::bigint[] IS NULL OR o.retailer_id = ANY($1))
), payments AS (
    SELECT retailer_id, created_at,
           sum(-amount) OVER (PARTITION BY retailer_id ORDER BY created_at, id) AS paid_through
    FROM credit_ledger
    WHERE kind = 'PAYMENT_CREDIT' AND created_at <= $2 AND ($1::bigint[] IS NULL OR retailer_id = ANY($1))
), settled AS (
    SELECT d.retailer_id, d.delivered_at,
           (SELECT min(p.created_at) FROM payments p
            WHERE p.retailer_id = d.retailer_id AND p.paid_through >= d.owed_through) AS paid_at
    FROM debts d
), history AS (
    SELECT retailer_id,
           count(*) FILTER (WHERE paid_at <= delivered_at + $3::interval) AS on_time,
           count(*) FILTER (WHERE paid_at > delivered_at + $3::interval
                            OR (paid_at IS NULL AND $2 > delivered_at + $3::interval)) AS late,
           avg(GREATEST(extract(epoch FROM paid_at - delivered_at)::float8, 0) / 86400.0)
               FILTER (WHERE paid_at IS NOT NULL) AS avg_days
    FROM settled GROUP BY retailer_id
), activity AS (
    SELECT retailer_id,
           count(*) FILTER (WHERE confirmed_at >= $2 - interval '30 days') AS last_30d,
           count(*) FILTER (WHERE confirmed_at < $2 - interval '30 days') AS prev_30d
    FROM orders
    WHERE parent_id IS NULL AND confirmed_at >= $2 - interval '60 days' AND confirmed_at < $2
      AND ($1::bigint[] IS NULL OR retailer_id = ANY($1))
    GROUP BY retailer_id
), owed AS (
    SELECT retailer_id, sum(amount) AS outstanding FROM credit_ledger
    WHERE $1::bigint[] IS NULL OR retailer_id = ANY($1) GROUP BY retailer_id
)
SELECT r.user_id, u.phone, u.created_at, r.credit_limit, r.risk, r.limit_reviewed_at,
       COALESCE(h.on_time, 0) AS on_time, COALESCE(h.late, 0) AS late, h.avg_days,
       COALESCE(a.last_30d, 0) AS last_30d, COALESCE(a.prev_30d, 0) AS prev_30d,
       COALESCE(w.outstanding, 0) AS outstanding,
       COALESCE((SELECT array_agg(t.confirmed_at ORDER BY t.confirmed_at) FROM (
            SELECT confirmed_at FROM orders WHERE retailer_id = r.user_id AND parent_id IS NULL
              AND confirmed_at IS NOT NULL AND confirmed_at <= $2 AND status <> 'CANCELLED'
            ORDER BY confirmed_at DESC LIMIT 13) t), '{}') AS order_times,
       (SELECT count(*) FROM orders WHERE retailer_id = r.user_id AND parent_id IS NULL
          AND confirmed_at IS NOT NULL AND confirmed_at <= $2) AS orders,
       (SELECT count(*) FROM tickets t WHERE t.retailer_id = r.user_id AND t.order_id IS NOT NULL
          AND t.created_at <= $2) AS disputes
FROM retailers r JOIN users u ON u.id = r.user_id
LEFT JOIN history h ON h.retailer_id = r.user_id
LEFT JOIN activity a ON a.retailer_id = r.user_id
LEFT JOIN owed w ON w.retailer_id = r.user_id
WHERE u.active AND ($1::bigint[] IS NULL OR r.user_id = ANY($1))
ORDER BY r.user_id
"""


@dataclass(frozen=True)
class CreditHistory:
    """One active retailer's credit as it stands, and what its score is computed from."""

    user_id: int
    phone: str
    created_at: datetime
    credit_limit: Decimal
    risk: str
    limit_reviewed_at: datetime | None
    on_time: int            # delivered orders paid within the terms
    late: int               # paid after the terms, or unpaid and past them
    avg_days: float | None  # mean days from delivery to payment over the paid ones
    last_30d: int           # orders confirmed in the last 30 days
    prev_30d: int           # and in the 30 before
    outstanding: Decimal
    order_times: list[datetime]  # its latest 13 confirmations, oldest first (order regularity)
    orders: int             # placed orders
    disputes: int           # complaint tickets it raised about an order


class CreditRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def active_retailers(self) -> list[int]:
        return [r["user_id"] for r in await self.conn.fetch(
            "SELECT r.user_id FROM retailers r JOIN users u ON u.id = r.user_id WHERE u.active ORDER BY r.user_id")]

    async def history(self, retailer_id: int, now: datetime, payment_terms: timedelta) -> CreditHistory | None:
        """The retailer's history up to `now`; None when it is not an active retailer."""
        row = await self.conn.fetchrow(_HISTORY_SQL, [retailer_id], now, payment_terms)
        return CreditHistory(**row) if row else None

    async def save_score(self, retailer_id: int, score: float, risk: str, at: datetime) -> None:
        await self.conn.execute(
            "UPDATE retailers SET credit_score = $2, risk = $3, credit_scored_at = $4 WHERE user_id = $1",
            retailer_id, score, risk, at)

    async def move_limit(self, retailer_id: int, limit: Decimal, at: datetime, *, was: Decimal,
                         reviewed_at: datetime | None) -> bool:
        """Set the limit unless it changed since it was read (`was`, `reviewed_at`); whether it was set."""
        return bool(await self.conn.fetchval(
            "UPDATE retailers SET credit_limit = $2, limit_reviewed_at = $3 WHERE user_id = $1"
            " AND credit_limit = $4 AND limit_reviewed_at IS NOT DISTINCT FROM $5 RETURNING true",
            retailer_id, limit, at, was, reviewed_at))

    async def risk(self, retailer_id: int) -> str | None:
        return await self.conn.fetchval("SELECT risk FROM retailers WHERE user_id = $1", retailer_id)
