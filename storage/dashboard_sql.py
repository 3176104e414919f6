"""SQL shared by the dashboard's live reads (storage.analytics) and the daily roll-up (storage.rollup),
so a figure is counted one way whether it comes from the order tables or from the roll-up.

The rows counted are those of a source aliased `o` (orders) or `f` (offers): for the roll-up, one local
day's orders and offers but those of its open ids (orders not ended when it was written, see
storage.rollup); for the live part of a period, the rows of a few time ranges and those left out of the
rolled-up days, each of these within its own day."""

from __future__ import annotations

# A failure's root cause: its reason up to the first colon ("vendor rejected: no stock" → "vendor rejected").
FAILURE_CAUSE = "COALESCE(NULLIF(lower(trim(split_part(o.failure_reason, ':', 1))), ''), 'unspecified')"


def _left_out(first: int, rows: str, key: str, at: str) -> str:
    # ids ${first}, the index of each one's day in the days' lows ${first + 2} and highs ${first + 3}
    return (f"unnest(${first}::bigint[], ${first + 1}::int[]) k(id, day) JOIN {rows} ON {key} = k.id"
            f" AND {at} >= (${first + 2}::timestamptz[])[k.day] AND {at} < (${first + 3}::timestamptz[])[k.day]")


def left_out_orders(first: int) -> str:
    """The orders the rolled-up days left out, each within its day, from the four parameters from
    ${first} on (storage.product_sales.LeftOut)."""
    return _left_out(first, "orders o", "o.id", "o.created_at")


# The live rows of a period: those created (orders) or offered (offers) within the ranges [$2, $3), and
# those of the orders the rolled-up days left out ($4..$7), within those days. Only the columns the
# dashboard counts, which the indexes of migration 0003_ops.sql carry.
_ORDER_COLUMNS = ", ".join(f"o.{c}" for c in ("id", "created_at", "status", "total", "vendor_id", "confirmed_at",
                                               "accepted_at", "delivered_at", "failure_reason"))
_OFFER_COLUMNS = "f.vendor_id, f.status, f.offered_at, f.responded_at"
LIVE_ORDERS = f"""(
    SELECT {_ORDER_COLUMNS} FROM unnest($2::timestamptz[], $3::timestamptz[]) g(lo, hi)
    JOIN orders o ON o.created_at >= g.lo AND o.created_at < g.hi
    UNION ALL
    SELECT {_ORDER_COLUMNS} FROM {left_out_orders(4)}) o"""
LIVE_OFFERS = f"""(
    SELECT {_OFFER_COLUMNS} FROM unnest($2::timestamptz[], $3::timestamptz[]) g(lo, hi)
    JOIN order_offers f ON f.offered_at >= g.lo AND f.offered_at < g.hi
    UNION ALL
    SELECT {_OFFER_COLUMNS} FROM {_left_out(4, 'order_offers f', 'f.order_id', 'f.offered_at')}) f"""

# Before a live read, in its transaction: the planner cannot see how few rows the ranges hold, and would
# start parallel workers for the two halves of a live source above, or compile it (JIT), for a read of a
# few thousand rows that takes milliseconds.
SMALL_READ = "SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off"

# The rows of one day [$2, $3) that its roll-up counts: all but those of its open ids ($4).
DAY_ORDERS = "(SELECT * FROM orders WHERE created_at >= $2 AND created_at < $3 AND id <> ALL($4::bigint[])) o"
DAY_OFFERS = ("(SELECT * FROM order_offers WHERE offered_at >= $2 AND offered_at < $3"
              " AND order_id <> ALL($4::bigint[])) f")

# Per vendor: outcomes of its placed orders, answers to its offers (response seconds of those answered).
VENDOR_ROWS = """
SELECT COALESCE(t.vendor_id, a.vendor_id) AS vendor_id, COALESCE(t.delivered, 0) AS delivered,
       COALESCE(t.failed, 0) AS failed, COALESCE(a.offers, 0) AS offers, COALESCE(a.backed_out, 0) AS backed_out,
       COALESCE(a.expired, 0) AS expired, COALESCE(a.answered, 0) AS answered,
       COALESCE(a.responses, '{{}}') AS responses
FROM (SELECT o.vendor_id, count(*) FILTER (WHERE o.status = 'DELIVERED') AS delivered,
             count(*) FILTER (WHERE o.status IN ('CANCELLED', 'FAILED') AND o.accepted_at IS NOT NULL) AS failed
      FROM {orders} WHERE o.confirmed_at IS NOT NULL AND o.vendor_id IS NOT NULL
      GROUP BY o.vendor_id) t
FULL JOIN (
      SELECT f.vendor_id, count(*) AS offers, count(*) FILTER (WHERE f.status = 'WITHDRAWN') AS backed_out,
             count(*) FILTER (WHERE f.status = 'EXPIRED') AS expired, count(r.s) AS answered,
             array_agg(r.s) FILTER (WHERE r.s IS NOT NULL) AS responses
      FROM {offers}
      CROSS JOIN LATERAL (SELECT CASE WHEN f.status IN ('ACCEPTED', 'REJECTED', 'WITHDRAWN')
                                      THEN extract(epoch FROM f.responded_at - f.offered_at)::float8 END AS s) r
      GROUP BY f.vendor_id) a
ON a.vendor_id = t.vendor_id
"""
