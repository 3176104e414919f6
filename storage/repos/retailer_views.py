"""Read-only views retailers ask about: their recent orders, the previous order to repeat,
who has a product in stock, a category's products, and the last ledger entries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import asyncpg

from domain.catalog import Listing
from domain.orders import OrderSummary, PastOrder


@dataclass(frozen=True)
class Entry:
    kind: str
    amount: Decimal           # signed: + owes more, − owes less
    balance_after: Decimal
    order_id: int | None
    at: datetime


class RetailerViews:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def recent_orders(self, retailer_id: int, limit: int = 3, order_id: int | None = None
                            ) -> list[OrderSummary]:
        """The newest confirmed orders (drafts left out), newest first, with their last status change;
        just `order_id` when given (and the retailer's)."""
        rows = await self.conn.fetch(
            "SELECT o.id, o.status, o.total, v.name AS vendor, o.created_at,"
            " COALESCE((SELECT max(h.at) FROM order_status_history h WHERE h.order_id = o.id), o.created_at)"
            "   AS changed_at,"
            " (SELECT count(*) FROM order_items i WHERE i.order_id = o.id)::int AS items"
            " FROM orders o LEFT JOIN users v ON v.id = o.vendor_id"
            " WHERE o.retailer_id = $1 AND o.status <> 'DRAFT' AND ($3::bigint IS NULL OR o.id = $3)"
            " ORDER BY o.id DESC LIMIT $2", retailer_id, limit, order_id)
        return [OrderSummary(**r) for r in rows]

    async def owns_order(self, retailer_id: int, order_id: int) -> bool:
        return bool(await self.conn.fetchval(
            "SELECT 1 FROM orders WHERE id = $1 AND retailer_id = $2 AND status <> 'DRAFT'", order_id, retailer_id))

    async def previous_order(self, retailer_id: int) -> PastOrder | None:
        """The retailer's last placed order (not a draft, not cancelled) with every line it had."""
        row = await self.conn.fetchrow(
            "SELECT id, created_at FROM orders WHERE retailer_id = $1 AND parent_id IS NULL"
            " AND status NOT IN ('DRAFT', 'CANCELLED') ORDER BY created_at DESC, id DESC LIMIT 1", retailer_id)
        if row is None:
            return None
        lines = await self.conn.fetch(
            "SELECT i.sku, sum(i.quantity) AS quantity, min(i.id) AS first FROM order_items i"
            " JOIN orders o ON o.id = i.order_id WHERE o.id = $1 OR o.parent_id = $1"
            " GROUP BY i.sku ORDER BY first", row["id"])
        if not lines:
            return None
        return PastOrder(row["id"], row["created_at"], [(r["sku"], r["quantity"]) for r in lines])

    async def in_stock(self, skus: Sequence[str]) -> dict[str, int]:
        """How many active vendors can supply each SKU now (untracked stock counts as available)."""
        rows = await self.conn.fetch(
            "SELECT vp.sku, count(*)::int AS vendors FROM vendor_products vp"
            " JOIN users u ON u.id = vp.vendor_id AND u.active JOIN products p ON p.sku = vp.sku AND p.active"
            " WHERE vp.sku = ANY($1) AND (vp.stock IS NULL OR vp.stock > 0) GROUP BY vp.sku", list(skus))
        found = {r["sku"]: r["vendors"] for r in rows}
        return {sku: found.get(sku, 0) for sku in skus}

    async def in_category(self, category: str, limit: int = 15) -> list[Listing]:
        """Active products of a category (exact name first, else categories starting with it)."""
        rows = await self.conn.fetch(
            "SELECT sku, name, unit, category FROM products WHERE active AND"
            " (lower(category) = lower($1) OR (NOT EXISTS (SELECT 1 FROM products WHERE lower(category) = lower($1))"
            "  AND lower(category) LIKE lower($1) || '%')) ORDER BY name LIMIT $2", category, limit)
        return [Listing(**r) for r in rows]

    async def of_brand(self, brand: str, limit: int = 15) -> list[Listing]:
        """Active products of a brand ("Rara": its packets and cartons), by name."""
        rows = await self.conn.fetch(
            "SELECT sku, name, unit, category FROM products WHERE active AND brand <> '' AND lower(brand) = lower($1)"
            " ORDER BY name LIMIT $2", brand, limit)
        return [Listing(**r) for r in rows]

    async def brands(self) -> list[str]:
        rows = await self.conn.fetch("SELECT DISTINCT brand FROM products WHERE active AND brand <> '' ORDER BY brand")
        return [r["brand"] for r in rows]

    async def categories(self) -> list[str]:
        rows = await self.conn.fetch(
            "SELECT DISTINCT category FROM products WHERE active AND category <> '' ORDER BY category")
        return [r["category"] for r in rows]

    async def ledger_tail(self, retailer_id: int, limit: int = 5) -> list[Entry]:
        rows = await self.conn.fetch(
            "SELECT kind, amount, balance_after, order_id, created_at AS at FROM credit_ledger"
            " WHERE retailer_id = $1 ORDER BY id DESC LIMIT $2", retailer_id, limit)
        return [Entry(**r) for r in rows]
