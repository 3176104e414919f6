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
    pack: Decimal = Decimal(1)      # the vendor restocks in whole packs of this
    alerted: bool = False           # a low-cover alert went out and cover has not recovered since


class StockCoverRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def stock_and_sales(self, vendor_id: int, since: datetime) -> list[StockSales]:
        """Each SKU whose stock the vendor tracks, with the quantity it sold in orders accepted since `since`."""
        rows = await self.conn.fetch(
            """
            SELECT vp.sku, p.name, p.unit, vp.stock, vp.reorder_pack, vp.cover_alerted_at IS NOT NULL AS alerted,
                   COALESCE((SELECT sum(i.quantity) FROM order_items i JOIN orders o ON o.id = i.order_id
                             WHERE o.vendor_id = vp.vendor_id AND i.sku = vp.sku AND o.status = ANY($3)
                               AND o.accepted_at >= $2), 0) AS sold
            FROM vendor_products vp JOIN products p ON p.sku = vp.sku
            WHERE vp.vendor_id = $1 AND vp.stock IS NOT NULL ORDER BY vp.sku
            """, vendor_id, since, list(SOLD))
        return [StockSales(r["sku"], r["name"], r["unit"], r["stock"], r["sold"], r["reorder_pack"], r["alerted"])
                for r in rows]

    async def tracking_vendors(self) -> list[int]:
        """Active vendors that track the stock of at least one SKU."""
        rows = await self.conn.fetch(
            "SELECT DISTINCT vp.vendor_id FROM vendor_products vp JOIN users u ON u.id = vp.vendor_id AND u.active"
            " WHERE vp.stock IS NOT NULL ORDER BY vp.vendor_id")
        return [r["vendor_id"] for r in rows]

    async def claim_alert(self, vendor_id: int, sku: str, at: datetime) -> bool:
        """Mark the SKU alerted unless it already is; False when an earlier run claimed it."""
        return await self.conn.fetchval(
            "UPDATE vendor_products SET cover_alerted_at = $3 WHERE vendor_id = $1 AND sku = $2"
            " AND cover_alerted_at IS NULL RETURNING true", vendor_id, sku, at) or False

    async def rearm(self, vendor_id: int, skus: list[str]) -> None:
        """Cover recovered: the next fall under the threshold alerts again."""
        await self.conn.execute(
            "UPDATE vendor_products SET cover_alerted_at = NULL WHERE vendor_id = $1 AND sku = ANY($2)"
            " AND cover_alerted_at IS NOT NULL", vendor_id, skus)
