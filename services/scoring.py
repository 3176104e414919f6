"""Vendor scores in one SQL statement: `domain.scoring.score_vendor`'s formula over every vendor at once.

The metrics come from the vendor's offers and orders (GROUP BY vendor), the components and the
weighted score are the same arithmetic as the domain function, with its constants spliced in from
Python so the two cannot drift apart; tier and grade are CASE expressions built from the domain's
threshold tables. One UPDATE ... FROM writes score, tier, grade and scored_at.

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

import asyncpg

from domain.metrics import GRADE_THRESHOLDS
from domain.scoring import (
    CHEAP_PRICE_INDEX,
    DEAR_PRICE_INDEX,
    FAST_RESPONSE_S,
    NEUTRAL,
    PRIOR_WEIGHT,
    SLOW_RESPONSE_S,
    VENDOR_TIERS,
    VENDOR_WEIGHTS,
    VendorTier,
)

ON_TIME_DELIVERY = timedelta(hours=48)


def _f(value: float) -> str:
    """A float literal computed as float8, like Python does (a bare 1.1 would be numeric in SQL)."""
    return f"{float(value)!r}::float8"


def _clamp(x: str) -> str:
    return f"LEAST({_f(1)}, GREATEST({_f(0)}, {x}))"


def _smooth(successes: str, trials: str) -> str:
    return _clamp(f"(({successes})::float8 + {_f(PRIOR_WEIGHT)} * {_f(NEUTRAL)})"
                  f" / (({trials})::float8 + {_f(PRIOR_WEIGHT)})")


def _blend(value: str, observations: str) -> str:
    return (f"(({value}) * ({observations})::float8 + {_f(NEUTRAL)} * {_f(PRIOR_WEIGHT)})"
            f" / (({observations})::float8 + {_f(PRIOR_WEIGHT)})")


def _falling(x: str, best: float, worst: float) -> str:
    return _clamp(f"({_f(worst)} - ({x})) / ({_f(worst)} - {_f(best)})")


def _or_neutral(x: str, expression: str) -> str:
    return f"CASE WHEN {x} IS NULL THEN {_f(NEUTRAL)} ELSE {expression} END"


def _case(value: str, thresholds: Sequence[tuple[float, str]], otherwise: str) -> str:
    whens = " ".join(f"WHEN {value} >= {minimum!r} THEN '{label}'" for minimum, label in thresholds)
    return f"CASE {whens} ELSE '{otherwise}' END"


COMPONENTS = {
    "response": _or_neutral("m.avg_response", _blend(_falling("m.avg_response", FAST_RESPONSE_S, SLOW_RESPONSE_S),
                                                     "m.accepted + m.rejected")),
    "acceptance": _smooth("m.accepted", "m.accepted + m.rejected + m.expired"),
    "price": _or_neutral("m.price_index", _falling("m.price_index", CHEAP_PRICE_INDEX, DEAR_PRICE_INDEX)),
    "on_time": _smooth("m.on_time", "m.deliveries"),
    "cancellation": _smooth("GREATEST(m.accepted - m.cancellations, 0)", "m.accepted"),
}
_WEIGHTED = " + ".join(f"{_f(weight)} * ({COMPONENTS[name]})" for name, weight in VENDOR_WEIGHTS.items())

RESCORE_SQL = f"""
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
    SELECT vp.vendor_id, vp.sku, COALESCE(vp.price, p.price)::float8 AS price
    FROM vendor_products vp JOIN products p ON p.sku = vp.sku
), market AS (
    SELECT sku, percentile_cont(0.5) WITHIN GROUP (ORDER BY price) AS median
    FROM listed GROUP BY sku
), price_stats AS (
    SELECT l.vendor_id, avg(l.price / m.median) AS price_index
    FROM listed l JOIN market m ON m.sku = l.sku
    WHERE m.median > 0 AND ($1::bigint[] IS NULL OR l.vendor_id = ANY($1))
    GROUP BY l.vendor_id
), m AS (
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
), scored AS (
    SELECT m.vendor_id, round(({_f(100)} * ({_WEIGHTED}))::numeric, 1) AS score FROM m
)
UPDATE vendors v
SET score = s.score,
    tier = {_case("s.score", [(t, tier.value) for t, tier in VENDOR_TIERS], VendorTier.POOR.value)},
    grade = {_case("s.score", [(g, grade.value) for g, grade in GRADE_THRESHOLDS[:-1]], GRADE_THRESHOLDS[-1][1].value)},
    scored_at = $3
FROM scored s
WHERE v.user_id = s.vendor_id
"""


async def rescore_vendors(conn: asyncpg.Connection, now: datetime, vendor_ids: Sequence[int] | None = None, *,
                          on_time_within: timedelta = ON_TIME_DELIVERY) -> int:
    """Recompute score, tier and grade of the vendors given (all when None); returns how many."""
    ids = list(vendor_ids) if vendor_ids is not None else None
    if ids == []:
        return 0
    status = await conn.execute(RESCORE_SQL, ids, on_time_within, now)
    return int(status.split()[-1])
