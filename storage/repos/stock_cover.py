"""What stock cover is computed from: a vendor's tracked stock and what it sold of each SKU since a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import asyncpg

SOLD = ("ACCEPTED", "DISPATCHED", "DELIVERED")  # orders the vendor took from its stock


@dataclass(frozen=True)
class StockSales:
    sku: str
    name: str
    unit: str
    stock: Decimal
    sold: Decimal


class StockCoverRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def stock_and_sales(self, vendor_id: int, since: datetime) -> list[StockSales]:
        """Each SKU whose stock the vendor tracks, with the quantity it sold in orders accepted since `since`."""
        rows = await self.conn.fetch(
            """
            SELECT vp.sku, p.name, p.unit, vp.stock,
                   COALESCE((SELECT sum(i.quantity) FROM order_items i JOIN orders o ON o.id = i.order_id
                             WHERE o.vendor_id = vp.vendor_id AND i.sku = vp.sku AND o.status = ANY($3)
                               AND o.accepted_at >= $2), 0) AS sold
            FROM vendor_products vp JOIN products p ON p.sku = vp.sku
            WHERE vp.vendor_id = $1 AND vp.stock IS NOT NULL ORDER BY vp.sku
            """, vendor_id, since, list(SOLD))
        return [StockSales(r["sku"], r["name"], r["unit"], r["stock"], r["sold"]) for r in rows]
