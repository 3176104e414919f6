"""Vendors' own prices per SKU and the history of every change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import asyncpg

from domain.market import PricePoint


@dataclass(frozen=True)
class PriceChange:
    vendor_id: int
    sku: str
    old_price: Decimal | None
    new_price: Decimal
    valid_from: datetime
    changed_at: datetime
    changed_by: str


class PriceRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def set_price(self, vendor_id: int, sku: str, price: Decimal, valid_from: datetime, at: datetime,
                        by: str) -> Decimal | None:
        """Set the vendor's price (listing the SKU if needed) and keep the change; returns the old price.
        Setting the price it already has writes nothing."""
        old = await self.conn.fetchrow(
            "SELECT price FROM vendor_products WHERE vendor_id = $1 AND sku = $2 FOR UPDATE", vendor_id, sku)
        previous = old["price"] if old else None
        if previous == price:
            return previous
        await self.conn.execute(
            "INSERT INTO vendor_products (vendor_id, sku, price) VALUES ($1, $2, $3)"
            " ON CONFLICT (vendor_id, sku) DO UPDATE SET price = EXCLUDED.price", vendor_id, sku, price)
        await self.conn.execute(
            "INSERT INTO vendor_price_history (vendor_id, sku, old_price, new_price, valid_from, changed_at,"
            " changed_by) VALUES ($1, $2, $3, $4, $5, $6, $7)", vendor_id, sku, previous, price, valid_from, at, by)
        return previous

    async def changes(self, sku: str) -> list[PriceChange]:
        rows = await self.conn.fetch(
            "SELECT vendor_id, sku, old_price, new_price, valid_from, changed_at, changed_by"
            " FROM vendor_price_history WHERE sku = $1 ORDER BY valid_from, id", sku)
        return [PriceChange(**dict(r)) for r in rows]

    async def points(self, sku: str) -> list[PricePoint]:
        """Every price the SKU has had from each vendor of an active account, for trends."""
        rows = await self.conn.fetch(
            "SELECT h.vendor_id, h.new_price, h.valid_from FROM vendor_price_history h"
            " JOIN users u ON u.id = h.vendor_id AND u.active WHERE h.sku = $1 ORDER BY h.valid_from, h.id", sku)
        return [PricePoint(r["vendor_id"], r["new_price"], r["valid_from"]) for r in rows]

    async def current(self, sku: str) -> dict[int, Decimal]:
        """Each active vendor's own price for the SKU (vendors without one use the catalogue's)."""
        rows = await self.conn.fetch(
            "SELECT vp.vendor_id, vp.price FROM vendor_products vp JOIN users u ON u.id = vp.vendor_id AND u.active"
            " WHERE vp.sku = $1 AND vp.price IS NOT NULL", sku)
        return {r["vendor_id"]: r["price"] for r in rows}

    async def priced_skus(self) -> list[str]:
        """SKUs that at least one active vendor prices itself."""
        rows = await self.conn.fetch(
            "SELECT DISTINCT vp.sku FROM vendor_products vp JOIN users u ON u.id = vp.vendor_id AND u.active"
            " WHERE vp.price IS NOT NULL ORDER BY vp.sku")
        return [r["sku"] for r in rows]

    async def record_alert(self, vendor_id: int, sku: str, median: Decimal, at: datetime) -> bool:
        """Keep that the vendor's latest change of the SKU's price is off the market; False when that
        change was already recorded (the admins were told)."""
        row = await self.conn.fetchval(
            "INSERT INTO vendor_price_alerts (history_id, vendor_id, sku, price, median, alerted_at)"
            " SELECT h.id, h.vendor_id, h.sku, h.new_price, $3, $4 FROM vendor_price_history h"
            " WHERE h.vendor_id = $1 AND h.sku = $2 ORDER BY h.id DESC LIMIT 1"
            " ON CONFLICT (history_id) DO NOTHING RETURNING history_id", vendor_id, sku, median, at)
        return row is not None
