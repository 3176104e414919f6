"""Orders as operators read them: filtered pages newest first, batches for exports, one order's history."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg

from domain.order_views import MessageReceipt, OfferRecord, OrderFilter, OrderHistory, OrderRow, StatusChange
from domain.orders import OrderLine

_ROW = """
    SELECT o.id, o.status, o.total, (SELECT count(*) FROM order_items i WHERE i.order_id = o.id)::int AS items,
           r.name AS retailer, r.phone AS retailer_phone, v.name AS vendor, v.phone AS vendor_phone,
           o.parent_id, o.failure_reason, o.created_at, o.updated_at, o.confirmed_at, o.delivered_at
    FROM orders o JOIN users r ON r.id = o.retailer_id LEFT JOIN users v ON v.id = o.vendor_id
"""


class OrderViews:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def page(self, flt: OrderFilter, limit: int, before_id: int | None) -> list[OrderRow]:
        """Up to `limit` matching orders older than `before_id`, newest first."""
        rows = await self.conn.fetch(
            _ROW + """
            WHERE (cardinality($1::text[]) = 0 OR o.status = ANY($1))
              AND (NOT $2 OR cardinality($1::text[]) > 0 OR o.status <> 'DRAFT')
              AND ($3::bigint IS NULL OR o.retailer_id = $3) AND ($4::bigint IS NULL OR o.vendor_id = $4)
              AND ($5::timestamptz IS NULL OR o.created_at >= $5) AND ($6::timestamptz IS NULL OR o.created_at < $6)
              AND ($7::bigint IS NULL OR o.id < $7)
            ORDER BY o.id DESC LIMIT $8
            """, list(flt.statuses), flt.placed_only, flt.retailer_id, flt.vendor_id, flt.start, flt.end,
            before_id, limit)
        return [OrderRow(**r) for r in rows]

    async def batches(self, flt: OrderFilter, batch: int) -> AsyncIterator[list[OrderRow]]:
        """Every placed order created in [flt.start, flt.end), oldest first, `batch` rows at a time."""
        after = 0
        while True:
            rows = await self.conn.fetch(
                _ROW + """
                WHERE o.id > $1 AND o.confirmed_at IS NOT NULL AND o.created_at >= $2 AND o.created_at < $3
                  AND (cardinality($4::text[]) = 0 OR o.status = ANY($4))
                ORDER BY o.id LIMIT $5
                """, after, flt.start, flt.end, list(flt.statuses), batch)
            if not rows:
                return
            yield [OrderRow(**r) for r in rows]
            after = rows[-1]["id"]

    async def history(self, order_id: int) -> OrderHistory | None:
        """The order with its lines, every vendor offer, and every status change with actor and time."""
        row = await self.conn.fetchrow(_ROW + " WHERE o.id = $1", order_id)
        if row is None:
            return None
        lines = await self.conn.fetch(
            "SELECT sku, name, quantity, unit, unit_price, line_total FROM order_items WHERE order_id = $1"
            " ORDER BY id", order_id)
        offers = await self.conn.fetch(
            "SELECT u.name AS vendor, u.phone, f.status, f.offered_at, f.responded_at, f.reason"
            " FROM order_offers f JOIN users u ON u.id = f.vendor_id WHERE f.order_id = $1"
            " ORDER BY f.offered_at, f.vendor_id", order_id)
        history = await self.conn.fetch(
            "SELECT from_status, to_status, actor, reason, at FROM order_status_history WHERE order_id = $1"
            " ORDER BY id", order_id)
        children = await self.conn.fetch("SELECT id FROM orders WHERE parent_id = $1 ORDER BY id", order_id)
        messages = await self.conn.fetch(
            "SELECT COALESCE(u.name, m.recipient) AS recipient, m.body, m.status, m.sent_as, m.sent_at,"
            " m.delivered_at, m.read_at FROM outbound_messages m LEFT JOIN users u ON u.phone = m.recipient"
            " WHERE m.order_id = $1 ORDER BY m.id", order_id)
        return OrderHistory(OrderRow(**row), [OrderLine(**r) for r in lines], [OfferRecord(**r) for r in offers],
                            [StatusChange(**r) for r in history], [r["id"] for r in children],
                            [MessageReceipt(**r) for r in messages])

    async def names(self, user_ids: list[int]) -> dict[int, str]:
        rows = await self.conn.fetch("SELECT id, name FROM users WHERE id = ANY($1)", user_ids)
        return {r["id"]: r["name"] for r in rows}
