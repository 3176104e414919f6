"""SQL shared by the dashboard's live reads (storage.analytics) and the daily roll-up (storage.rollup),
so a figure is counted one way whether it comes from the order tables or from the roll-up.

`{join}` adds a source of time ranges to the FROM clause and `{orders_in}` / `{offers_in}` bound the
rows: one local day for the roll-up, a few ranges `g(lo, hi)` for the live part of a period."""

from __future__ import annotations

# A failure's root cause: its reason up to the first colon ("vendor rejected: no stock" → "vendor rejected").
FAILURE_CAUSE = "COALESCE(NULLIF(lower(trim(split_part(o.failure_reason, ':', 1))), ''), 'unspecified')"

# Live rows of the period: created (orders) or offered (offers) within one of the ranges $2, $3.
RANGES = " JOIN unnest($2::timestamptz[], $3::timestamptz[]) g(lo, hi) ON true"
ORDERS_IN_RANGES = "o.created_at >= g.lo AND o.created_at < g.hi"
OFFERS_IN_RANGES = "f.offered_at >= g.lo AND f.offered_at < g.hi"

# Per vendor: outcomes of its placed orders, answers to its offers (response seconds of those answered).
VENDOR_ROWS = """
SELECT COALESCE(t.vendor_id, a.vendor_id) AS vendor_id, COALESCE(t.delivered, 0) AS delivered,
       COALESCE(t.failed, 0) AS failed, COALESCE(a.offers, 0) AS offers, COALESCE(a.backed_out, 0) AS backed_out,
       COALESCE(a.expired, 0) AS expired, COALESCE(a.answered, 0) AS answered,
       COALESCE(a.responses, '{{}}') AS responses
FROM (SELECT o.vendor_id, count(*) FILTER (WHERE o.status = 'DELIVERED') AS delivered,
             count(*) FILTER (WHERE o.status IN ('CANCELLED', 'FAILED') AND o.accepted_at IS NOT NULL) AS failed
      FROM orders o{join} WHERE o.confirmed_at IS NOT NULL AND {orders_in} AND o.vendor_id IS NOT NULL
      GROUP BY o.vendor_id) t
FULL JOIN (
      SELECT f.vendor_id, count(*) AS offers, count(*) FILTER (WHERE f.status = 'WITHDRAWN') AS backed_out,
             count(*) FILTER (WHERE f.status = 'EXPIRED') AS expired, count(r.s) AS answered,
             array_agg(r.s) FILTER (WHERE r.s IS NOT NULL) AS responses
      FROM order_offers f{join}
      CROSS JOIN LATERAL (SELECT CASE WHEN f.status IN ('ACCEPTED', 'REJECTED', 'WITHDRAWN')
                                      THEN extract(epoch FROM f.responded_at - f.offered_at)::float8 END AS s) r
      WHERE {offers_in} GROUP BY f.vendor_id) a
ON a.vendor_id = t.vendor_id
"""
