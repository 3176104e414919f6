"""Vendor scoring's records: each vendor's offers and orders aggregated into `domain.scoring.VendorMetrics`
(one query over every vendor, or over the ones named), and the scores written back in one statement.

Metrics per vendor:
    accepted      offers ACCEPTED, plus WITHDRAWN (accepted, then backed out)
    rejected      offers REJECTED;  expired: offers EXPIRED;  offers = accepted + rejected + expired
    response      mean seconds from offered_at to responded_at over answered offers
    deliveries    its DELIVERED orders; on time when delivered within `on_time_within` of acceptance
    cancellations WITHDRAWN offers, plus its accepted orders that ended CANCELLED or FAILED
    price_index   mean over its listed products of (its price / the median price of that product
                  across vendors); the catalogue price stands in where it set none
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

import asyncpg

from domain.scoring import VendorMetrics, VendorScore

_METRICS_SQL = """
WITH offer_stats AS (
    SELECT vendor_id,
           count(*) FILTER (WHERE status IN ('ACCEPTED', 'WITHDRAWN')) AS accepted,
           count(*) FILTER (WHERE status = 'REJECTED') AS rejected,
           count(*) FILTER (WHERE status = 'EXPIRED') AS expired,
           count(*) FILTER (WHERE status = 'WITHDRAWN') AS withdrawn,
           avg(extract(epoch FROM responded_at - offered_at)::float8)
               FILTER (WHERE status IN ('ACCEPTED', 'WITHDRAWN', 'REJECTED') AND responded_at IS NOT NULL)
               AS avg_response
    FROM order_offers
    WHERE $1::bigint[] IS NULL OR vendor_id = ANY($1)
    GROUP BY vendor_id
), order_stats AS (
    SELECT vendor_id,
           count(*) FILTER (WHERE status = 'DELIVERED') AS deliveries,
           count(*) FILTER (WHERE status = 'DELIVERED' AND delivered_at <= accepted_at + $2::interval) AS on_time,
           count(*) FILTER (WHERE status IN ('CANCELLED', 'FAILED') AND accepted_at IS NOT NULL) AS cancelled
    FROM orders
    WHERE vendor_id IS NOT NULL AND ($1::bigint[] IS NULL OR vendor_id = ANY($1))
    GROUP BY vendor_id
), listed AS (
    SELECT vendor_id, sku, cost::float8 AS price FROM vendor_costs
), market AS (
    SELECT sku, percentile_cont(0.5) WITHIN GROUP (ORDER BY price) AS median
    FROM listed GROUP BY sku
), price_stats AS (
    SELECT l.vendor_id, avg(l.price / m.median) AS price_index
    FROM listed l JOIN market m ON m.sku = l.sku
    WHERE m.median > 0 AND ($1::bigint[] IS NULL OR l.vendor_id = ANY($1))
    GROUP BY l.vendor_id
)
SELECT v.user_id AS vendor_id,
       COALESCE(o.accepted, 0) AS accepted, COALESCE(o.rejected, 0) AS rejected,
       COALESCE(o.expired, 0) AS expired, o.avg_response,
       COALESCE(d.deliveries, 0) AS deliveries, COALESCE(d.on_time, 0) AS on_time,
       COALESCE(o.withdrawn, 0) + COALESCE(d.cancelled, 0) AS cancellations,
       p.price_index
FROM vendors v
LEFT JOIN offer_stats o ON o.vendor_id = v.user_id
LEFT JOIN order_stats d ON d.vendor_id = v.user_id
LEFT JOIN price_stats p ON p.vendor_id = v.user_id
WHERE $1::bigint[] IS NULL OR v.user_id = ANY($1)
"""


class VendorScoreRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def metrics(self, vendor_ids: Sequence[int] | None, on_time_within: timedelta
                      ) -> list[tuple[int, VendorMetrics]]:
        """(vendor id, metrics) of the vendors given, every vendor when None."""
        rows = await self.conn.fetch(_METRICS_SQL, None if vendor_ids is None else list(vendor_ids), on_time_within)
        return [(r[0], VendorMetrics(offers=r[1] + r[2] + r[3], accepted=r[1], rejected=r[2], expired=r[3],
                                     avg_response_seconds=r[4], deliveries=r[5], on_time_deliveries=r[6],
                                     cancellations=r[7], price_index=r[8])) for r in rows]

    async def save(self, scores: Sequence[tuple[int, VendorScore]], at: datetime) -> int:
        """Write score, tier, grade and scored_at; returns how many vendors were written."""
        status = await self.conn.execute(
            "UPDATE vendors v SET score = s.score, tier = s.tier, grade = s.grade, scored_at = $5"
            " FROM unnest($1::bigint[], $2::numeric[], $3::text[], $4::text[]) AS s(vendor_id, score, tier, grade)"
            " WHERE v.user_id = s.vendor_id",
            [vendor_id for vendor_id, _ in scores], [Decimal(repr(s.score)) for _, s in scores],
            [s.tier.value for _, s in scores], [s.grade.value for _, s in scores], at)
        return int(status.split()[-1])
