"""Orders, their lines, status history and vendor offers.

Every status change goes through `domain.orders.transition` and leaves a row in
order_status_history. `lock` takes the retailer row first, then the order row, the one lock order
used everywhere, so two workflows touching one retailer's orders queue instead of deadlocking.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

import asyncpg

from domain.offers import Offer, OfferStatus
from domain.orders import Order, OrderLine, OrderStatus, transition

_ORDER = "id, retailer_id, vendor_id, parent_id, status, total, created_at, failure_reason"


def _order(row: asyncpg.Record) -> Order:
    return Order(row["id"], row["retailer_id"], row["vendor_id"], row["parent_id"], OrderStatus(row["status"]),
                 row["total"], row["created_at"], row["failure_reason"])


def _offer(row: asyncpg.Record) -> Offer:
    return Offer(row["order_id"], row["vendor_id"], OfferStatus(row["status"]), row["offered_at"],
                 row["expires_at"], row["responded_at"])


class OrderRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def create(self, retailer_id: int, at: datetime, *, parent_id: int | None = None,
                     status: OrderStatus = OrderStatus.DRAFT) -> int:
        return await self.conn.fetchval(
            "INSERT INTO orders (retailer_id, parent_id, status, created_at, updated_at)"
            " VALUES ($1, $2, $3, $4, $4) RETURNING id", retailer_id, parent_id, status.value, at)

    async def get(self, order_id: int) -> Order | None:
        row = await self.conn.fetchrow(f"SELECT {_ORDER} FROM orders WHERE id = $1", order_id)
        return await self._with_lines(row)

    async def lock(self, order_id: int) -> Order | None:
        """The order, its retailer row and its own row locked until the transaction ends."""
        retailer_id = await self.conn.fetchval("SELECT retailer_id FROM orders WHERE id = $1", order_id)
        if retailer_id is None:
            return None
        await self.conn.execute("SELECT 1 FROM retailers WHERE user_id = $1 FOR UPDATE", retailer_id)
        row = await self.conn.fetchrow(f"SELECT {_ORDER} FROM orders WHERE id = $1 FOR UPDATE", order_id)
        return await self._with_lines(row)

    async def _with_lines(self, row: asyncpg.Record | None) -> Order | None:
        if row is None:
            return None
        order = _order(row)
        order.lines = await self.lines(order.id)
        return order

    async def lines(self, order_id: int) -> list[OrderLine]:
        rows = await self.conn.fetch(
            "SELECT sku, name, quantity, unit, unit_price, line_total FROM order_items"
            " WHERE order_id = $1 ORDER BY id", order_id)
        return [OrderLine(**r) for r in rows]

    async def set_lines(self, order_id: int, lines: Sequence[OrderLine], at: datetime) -> Decimal:
        """Replace the order's lines; the total is the sum of the line totals. Returns the total."""
        await self.conn.execute("DELETE FROM order_items WHERE order_id = $1", order_id)
        await self.conn.executemany(
            "INSERT INTO order_items (order_id, sku, name, quantity, unit, unit_price, line_total)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [(order_id, li.sku, li.name, li.quantity, li.unit, li.unit_price, li.line_total) for li in lines])
        total = sum((li.line_total for li in lines), Decimal("0.00"))
        await self.conn.execute("UPDATE orders SET total = $2, updated_at = $3 WHERE id = $1", order_id, total, at)
        return total

    async def move(self, order: Order, target: OrderStatus, actor: str, at: datetime, reason: str = "") -> None:
        """Change status (checked by the domain state machine) and append to the history."""
        record = transition(order.id, order.status, target, actor, at, reason)
        stamp = {OrderStatus.ACCEPTED: "accepted_at", OrderStatus.DISPATCHED: "dispatched_at",
                 OrderStatus.DELIVERED: "delivered_at"}.get(target)
        confirmed = order.status is OrderStatus.DRAFT and target not in (OrderStatus.CANCELLED, OrderStatus.EXPIRED)
        await self.conn.execute(
            "UPDATE orders SET status = $2, updated_at = $3,"
            " failure_reason = CASE WHEN $4 THEN $5 ELSE failure_reason END,"
            " confirmed_at = CASE WHEN $6 THEN $3 ELSE confirmed_at END"
            + (f", {stamp} = $3" if stamp else "") + " WHERE id = $1",
            order.id, target.value, at, target in (OrderStatus.REJECTED, OrderStatus.FAILED,
                                                  OrderStatus.CANCELLED, OrderStatus.EXPIRED),
            reason or None, confirmed)
        await self.conn.execute(
            "INSERT INTO order_status_history (order_id, from_status, to_status, actor, reason, at)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            record.order_id, record.from_status.value, record.to_status.value, record.actor,
            record.reason or None, record.at)
        order.status = target

    async def set_vendor(self, order_id: int, vendor_id: int | None, at: datetime) -> None:
        await self.conn.execute("UPDATE orders SET vendor_id = $2, updated_at = $3 WHERE id = $1",
                                order_id, vendor_id, at)

    async def draft_of(self, retailer_id: int) -> Order | None:
        """The retailer's newest unconfirmed draft."""
        row = await self.conn.fetchrow(
            f"SELECT {_ORDER} FROM orders WHERE retailer_id = $1 AND status = 'DRAFT'"
            " ORDER BY id DESC LIMIT 1", retailer_id)
        return await self._with_lines(row)

    async def latest_of(self, retailer_id: int) -> Order | None:
        row = await self.conn.fetchrow(
            f"SELECT {_ORDER} FROM orders WHERE retailer_id = $1 AND status <> 'DRAFT'"
            " ORDER BY id DESC LIMIT 1", retailer_id)
        return await self._with_lines(row)

    async def children(self, order_id: int) -> list[int]:
        return [r["id"] for r in await self.conn.fetch(
            "SELECT id FROM orders WHERE parent_id = $1 ORDER BY id", order_id)]

    # offers -------------------------------------------------------------------------------------

    async def offers(self, order_id: int) -> list[Offer]:
        rows = await self.conn.fetch(
            "SELECT order_id, vendor_id, status, offered_at, expires_at, responded_at FROM order_offers"
            " WHERE order_id = $1 ORDER BY offered_at, vendor_id", order_id)
        return [_offer(r) for r in rows]

    async def save_offers(self, offers: Iterable[Offer], reason: str | None = None) -> None:
        """Insert new offers, or update the status of existing ones."""
        await self.conn.executemany(
            "INSERT INTO order_offers (order_id, vendor_id, status, offered_at, expires_at, responded_at, reason)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (order_id, vendor_id) DO UPDATE SET"
            " status = EXCLUDED.status, offered_at = EXCLUDED.offered_at, expires_at = EXCLUDED.expires_at,"
            " responded_at = EXCLUDED.responded_at, reason = COALESCE(EXCLUDED.reason, order_offers.reason)",
            [(o.order_id, o.vendor_id, o.status.value, o.offered_at, o.expires_at, o.responded_at, reason)
             for o in offers])

    async def open_for_vendor(self, vendor_id: int, statuses: Sequence[str]) -> list[int]:
        """Orders waiting on this vendor: offered to it (PENDING_VENDOR) or held by it (other statuses)."""
        rows = await self.conn.fetch(
            "SELECT o.id FROM orders o LEFT JOIN order_offers f ON f.order_id = o.id AND f.vendor_id = $1"
            " WHERE o.status = ANY($2) AND ((o.status = 'PENDING_VENDOR' AND f.status = 'OFFERED')"
            "   OR (o.status <> 'PENDING_VENDOR' AND o.vendor_id = $1)) ORDER BY o.id",
            vendor_id, list(statuses))
        return [r["id"] for r in rows]

    async def with_expired_offers(self, now: datetime, limit: int = 100) -> list[int]:
        rows = await self.conn.fetch(
            "SELECT DISTINCT order_id FROM order_offers WHERE status = 'OFFERED' AND expires_at <= $1"
            " ORDER BY order_id LIMIT $2", now, limit)
        return [r["order_id"] for r in rows]

    async def add_penalty(self, vendor_id: int) -> None:
        """One more offer the vendor let run out."""
        await self.conn.execute("UPDATE vendors SET penalties = penalties + 1 WHERE user_id = $1", vendor_id)
