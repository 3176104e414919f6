"""Sums for /finance: delivered value and margin, payments by method, the debits behind what is owed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import asyncpg


@dataclass(frozen=True)
class Debt:
    retailer_id: int
    outstanding: Decimal
    debits: list[tuple[datetime, Decimal]]


class FinanceRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def gmv_and_margin(self, start: datetime, end: datetime) -> tuple[Decimal, Decimal, int]:
        """Value of the orders delivered in [start, end), the margin over their vendors' costs (today's
        price of the vendor, else the catalogue cost), and how many orders."""
        row = await self.conn.fetchrow(
            """
            SELECT COALESCE(sum(i.line_total), 0) AS gmv,
                   COALESCE(sum(i.line_total - COALESCE(c.cost, p.price) * i.quantity), 0) AS margin,
                   count(DISTINCT o.id) AS orders
            FROM orders o JOIN order_items i ON i.order_id = o.id JOIN products p ON p.sku = i.sku
            LEFT JOIN vendor_costs c ON c.vendor_id = o.vendor_id AND c.sku = i.sku
            WHERE o.status = 'DELIVERED' AND o.delivered_at >= $1 AND o.delivered_at < $2
            """, start, end)
        return row["gmv"], row["margin"].quantize(Decimal("0.01")), row["orders"]

    async def payments_by_method(self, start: datetime, end: datetime) -> dict[str, Decimal]:
        rows = await self.conn.fetch(
            "SELECT method, sum(amount) AS total FROM payments WHERE status = 'CONFIRMED'"
            " AND decided_at >= $1 AND decided_at < $2 GROUP BY method ORDER BY method", start, end)
        return {r["method"]: r["total"] for r in rows}

    async def debts(self) -> list[Debt]:
        """Every retailer that owes something, with its order debits (newest matter first)."""
        rows = await self.conn.fetch(
            """
            SELECT retailer_id, sum(amount) AS outstanding,
                   array_agg(created_at ORDER BY id) FILTER (WHERE kind = 'ORDER_DEBIT') AS ats,
                   array_agg(amount ORDER BY id) FILTER (WHERE kind = 'ORDER_DEBIT') AS amounts
            FROM credit_ledger GROUP BY retailer_id HAVING sum(amount) > 0 ORDER BY retailer_id
            """)
        return [Debt(r["retailer_id"], r["outstanding"], list(zip(r["ats"] or [], r["amounts"] or [], strict=True)))
                for r in rows]
