"""Vendor stock and the facts vendor selection needs (who lists what, how busy, how far).

`stock` NULL means listed but not tracked: always available, never decremented.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import asyncpg

from domain.geo import haversine_km
from domain.vendor_selection import VendorCandidate


@dataclass(frozen=True)
class LowStock:
    sku: str
    name: str
    stock: Decimal
    unit: str


class StockRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def candidates(self, skus: Sequence[str], retailer_id: int) -> list[VendorCandidate]:
        """Every active vendor listing at least one of `skus`, with stock, prices, load and distance."""
        rows = await self.conn.fetch(
            """
            SELECT v.user_id, v.score, v.capacity, v.lat, v.lon,
                   (SELECT count(*) FROM orders o WHERE o.vendor_id = v.user_id
                      AND o.status IN ('PENDING_VENDOR', 'ACCEPTED', 'DISPATCHED')) AS active,
                   array_agg(vp.sku) AS skus, array_agg(vp.stock) AS stock,
                   array_agg(c.cost) AS prices
            FROM vendors v JOIN users u ON u.id = v.user_id AND u.active
            JOIN vendor_products vp ON vp.vendor_id = v.user_id AND vp.sku = ANY($1)
            JOIN vendor_costs c ON c.vendor_id = vp.vendor_id AND c.sku = vp.sku
            GROUP BY v.user_id ORDER BY v.user_id
            """, list(skus))
        here = await self.conn.fetchrow("SELECT lat, lon FROM retailers WHERE user_id = $1", retailer_id)
        out = []
        for r in rows:
            distance = None
            if here and None not in (here["lat"], here["lon"], r["lat"], r["lon"]):
                distance = haversine_km(here["lat"], here["lon"], r["lat"], r["lon"])
            out.append(VendorCandidate(
                vendor_id=r["user_id"], score=float(r["score"]), active_orders=r["active"],
                capacity=r["capacity"], distance_km=distance, stock=dict(zip(r["skus"], r["stock"], strict=True)),
                prices=dict(zip(r["skus"], r["prices"], strict=True))))
        return out

    async def lock_levels(self, vendor_id: int, skus: Sequence[str]) -> dict[str, Decimal | None]:
        """The vendor's stock of `skus`, rows locked; a SKU it does not list is absent."""
        rows = await self.conn.fetch(
            "SELECT sku, stock FROM vendor_products WHERE vendor_id = $1 AND sku = ANY($2)"
            " ORDER BY sku FOR UPDATE", vendor_id, list(skus))
        return {r["sku"]: r["stock"] for r in rows}

    async def take(self, vendor_id: int, items: Sequence[tuple[str, Decimal]]) -> list[LowStock]:
        """Decrement tracked stock; returns the lines that just fell below their threshold."""
        low = []
        for sku, quantity in items:
            row = await self.conn.fetchrow(
                "SELECT vp.stock, vp.low_stock_threshold, vp.low_stock_alerted, p.name, p.unit"
                " FROM vendor_products vp JOIN products p USING (sku) WHERE vp.vendor_id = $1 AND vp.sku = $2"
                " FOR UPDATE OF vp", vendor_id, sku)
            if row is None or row["stock"] is None:
                continue
            left = row["stock"] - quantity
            below = left < row["low_stock_threshold"]
            await self.conn.execute(
                "UPDATE vendor_products SET stock = $3, low_stock_alerted = $4 WHERE vendor_id = $1 AND sku = $2",
                vendor_id, sku, left, below)
            if below and not row["low_stock_alerted"]:
                low.append(LowStock(sku, row["name"], left, row["unit"]))
        return low

    async def give_back(self, vendor_id: int, items: Sequence[tuple[str, Decimal]]) -> None:
        """Restore tracked stock taken for an order that will not be delivered."""
        await self.conn.executemany(
            "UPDATE vendor_products SET stock = stock + $3,"
            " low_stock_alerted = low_stock_alerted AND stock + $3 < low_stock_threshold"
            " WHERE vendor_id = $1 AND sku = $2 AND stock IS NOT NULL",
            [(vendor_id, sku, quantity) for sku, quantity in items])

    async def set_level(self, vendor_id: int, sku: str, quantity: Decimal, *,
                        reorder_pack: Decimal | None = None) -> None:
        """Set a vendor's stock of a SKU (listing it if needed); a reorder pack of None keeps the current one."""
        await self.conn.execute(
            "INSERT INTO vendor_products (vendor_id, sku, stock, reorder_pack) VALUES ($1, $2, $3, COALESCE($4, 1))"
            " ON CONFLICT (vendor_id, sku) DO UPDATE SET stock = EXCLUDED.stock,"
            " reorder_pack = COALESCE($4, vendor_products.reorder_pack),"
            " low_stock_alerted = EXCLUDED.stock < vendor_products.low_stock_threshold"
            "   AND vendor_products.low_stock_alerted",
            vendor_id, sku, quantity, reorder_pack)

    async def listed_count(self, vendor_id: int) -> int:
        """How many products the vendor lists."""
        return await self.conn.fetchval("SELECT count(*) FROM vendor_products WHERE vendor_id = $1", vendor_id)
