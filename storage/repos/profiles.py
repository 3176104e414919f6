"""Vendors and retailers as operators see them: a vendor's standing and scoring inputs, the ranking
by score, a retailer's order habits; and the credit limit an operator sets."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from domain.orders import HOLDS_STOCK, LIVE, UNFULFILLED
from domain.profiles import VendorRank
from domain.scoring import VendorMetrics

# A vendor's load: the orders in its hands (accepted or dispatched, not yet delivered).
_HELD = sorted(HOLDS_STOCK)


class ProfileViews:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def vendor(self, vendor_id: int) -> dict[str, Any] | None:
        """The vendor's stored score, tier, grade, penalties, capacity, load and offers waiting."""
        row = await self.conn.fetchrow(
            """
            SELECT u.id, u.phone, u.name, v.score, v.tier, v.grade, v.penalties, v.capacity, v.scored_at,
                   (SELECT count(*) FROM orders o WHERE o.vendor_id = v.user_id AND o.status = ANY($2)) AS load,
                   (SELECT count(*) FROM order_offers f WHERE f.vendor_id = v.user_id AND f.status = 'OFFERED')
                     AS offered
            FROM vendors v JOIN users u ON u.id = v.user_id WHERE v.user_id = $1
            """, vendor_id, _HELD)
        return dict(row) if row else None

    async def vendor_metrics(self, vendor_id: int, since: datetime,
                             on_time_within: timedelta) -> tuple[VendorMetrics, float | None]:
        """The vendor's scoring inputs from `since` on, and its median response time in seconds.

        Counted as services.scoring counts them for the stored score (which looks at all time):
        offers are those decided (accepted, backed out, rejected, expired), cancellations are backed-out
        offers plus accepted orders that ended CANCELLED or FAILED."""
        row = await self.conn.fetchrow(
            """
            WITH offers AS (
                SELECT status, extract(epoch FROM responded_at - offered_at)::float8 AS s FROM order_offers
                WHERE vendor_id = $1 AND offered_at >= $2
            ), done AS (
                SELECT status, delivered_at - accepted_at AS took FROM orders
                WHERE vendor_id = $1 AND accepted_at >= $2
            ), prices AS (
                SELECT c.cost / NULLIF(m.median, 0) AS ratio
                FROM vendor_costs c
                JOIN LATERAL (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x.cost) AS median
                              FROM vendor_costs x WHERE x.sku = c.sku) m ON true
                WHERE c.vendor_id = $1
            )
            SELECT (SELECT count(*) FROM offers WHERE status IN ('ACCEPTED', 'WITHDRAWN', 'REJECTED', 'EXPIRED'))
                     AS offers,
                   (SELECT count(*) FROM offers WHERE status IN ('ACCEPTED', 'WITHDRAWN')) AS accepted,
                   (SELECT count(*) FROM offers WHERE status = 'REJECTED') AS rejected,
                   (SELECT count(*) FROM offers WHERE status = 'EXPIRED') AS expired,
                   (SELECT count(*) FROM offers WHERE status = 'WITHDRAWN') AS withdrawn,
                   (SELECT avg(s) FROM offers WHERE status IN ('ACCEPTED', 'REJECTED', 'WITHDRAWN')) AS response_avg,
                   (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s) FROM offers
                     WHERE status IN ('ACCEPTED', 'REJECTED', 'WITHDRAWN')) AS response_p50,
                   (SELECT count(*) FROM done WHERE status = 'DELIVERED') AS deliveries,
                   (SELECT count(*) FROM done WHERE status = 'DELIVERED' AND took <= $3) AS on_time,
                   (SELECT count(*) FROM done WHERE status IN ('CANCELLED', 'FAILED')) AS cancelled,
                   (SELECT avg(ratio)::float8 FROM prices) AS price_index
            """, vendor_id, since, on_time_within)
        metrics = VendorMetrics(
            offers=row["offers"], accepted=row["accepted"], rejected=row["rejected"], expired=row["expired"],
            avg_response_seconds=row["response_avg"], on_time_deliveries=row["on_time"],
            deliveries=row["deliveries"], cancellations=row["cancelled"] + row["withdrawn"],
            price_index=row["price_index"])
        return metrics, row["response_p50"]

    async def vendor_ranking(self, limit: int) -> list[VendorRank]:
        """Active vendors by their current score, best first."""
        rows = await self.conn.fetch(
            """
            SELECT u.id, u.phone, u.name, v.score, v.tier, v.grade, v.capacity, v.penalties, v.scored_at,
                   (SELECT count(*) FROM orders o WHERE o.vendor_id = v.user_id AND o.status = ANY($2)) AS load
            FROM vendors v JOIN users u ON u.id = v.user_id AND u.active
            ORDER BY v.score DESC, u.name LIMIT $1
            """, limit, _HELD)
        return [VendorRank(**r) for r in rows]

    async def retailer(self, retailer_id: int, now: datetime) -> dict[str, Any] | None:
        """The retailer's limit, score, risk and order habits (30 and 90 days up to `now`); None if unknown."""
        row = await self.conn.fetchrow(
            """
            WITH placed AS (
                SELECT o.created_at, o.total, o.status FROM orders o
                WHERE o.retailer_id = $1 AND o.confirmed_at IS NOT NULL AND o.parent_id IS NULL
            ), recent AS (SELECT created_at FROM placed WHERE created_at >= $2::timestamptz - interval '90 days')
            SELECT u.id, u.phone, u.name, r.credit_limit, r.credit_score, r.risk,
                   (SELECT count(*) FROM placed WHERE created_at >= $2::timestamptz - interval '30 days')
                     AS orders_30d,
                   (SELECT COALESCE(sum(total), 0) FROM placed
                     WHERE created_at >= $2::timestamptz - interval '30 days' AND status <> ALL($3)) AS value_30d,
                   (SELECT count(*) FROM placed) AS orders_total,
                   (SELECT count(*) FROM placed WHERE status = ANY($4)) AS open_orders,
                   (SELECT max(created_at) FROM placed) AS last_order_at,
                   (SELECT extract(epoch FROM max(created_at) - min(created_at)) / 86400 / NULLIF(count(*) - 1, 0)
                      FROM recent)::float8 AS days_between_orders
            FROM retailers r JOIN users u ON u.id = r.user_id WHERE r.user_id = $1
            """, retailer_id, now, list(UNFULFILLED), list(LIVE))
        return dict(row) if row else None

    async def set_credit_limit(self, retailer_id: int, limit: Decimal, at: datetime | None) -> Decimal | None:
        """Set the limit under the retailer's row lock (`at`, when given, counts as a review); the
        previous limit, or None if there is no such retailer."""
        old = await self.conn.fetchval("SELECT credit_limit FROM retailers WHERE user_id = $1 FOR UPDATE",
                                       retailer_id)
        if old is None:
            return None
        await self.conn.execute(
            "UPDATE retailers SET credit_limit = $2, limit_reviewed_at = COALESCE($3, limit_reviewed_at)"
            " WHERE user_id = $1", retailer_id, limit, at)
        return old
