"""Reorder reminders' records: each active retailer's recent order times and last order, and the
reminder claimed (one row per retailer) before it is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import asyncpg

_CANDIDATES_SQL = """
SELECT r.user_id, u.phone, rr.sent_at AS reminded_at,
       (SELECT array_agg(o.confirmed_at ORDER BY o.confirmed_at DESC) FROM (
            SELECT confirmed_at FROM orders WHERE retailer_id = r.user_id AND parent_id IS NULL
              AND confirmed_at IS NOT NULL AND confirmed_at <= $1 ORDER BY confirmed_at DESC LIMIT $2) o) AS times,
       (SELECT id FROM orders WHERE retailer_id = r.user_id AND parent_id IS NULL AND confirmed_at IS NOT NULL
          AND confirmed_at <= $1 ORDER BY confirmed_at DESC, id DESC LIMIT 1) AS last_order_id
FROM retailers r JOIN users u ON u.id = r.user_id
LEFT JOIN reorder_reminders rr ON rr.retailer_id = r.user_id
WHERE u.active
"""


@dataclass(frozen=True)
class Candidate:
    """An active retailer as a reminder sees it."""

    retailer_id: int
    phone: str
    reminded_at: datetime | None       # the last reminder, if any
    order_times: list[datetime]        # its latest confirmations, newest first
    last_order_id: int | None


class ReminderRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def candidates(self, now: datetime, history: int) -> list[Candidate]:
        """Every active retailer with up to `history` order times confirmed by `now`."""
        return [Candidate(r["user_id"], r["phone"], r["reminded_at"], list(r["times"] or []), r["last_order_id"])
                for r in await self.conn.fetch(_CANDIDATES_SQL, now, history)]

    async def baskets(self, retailer_id: int, now: datetime, history: int) -> list[tuple[datetime, dict[str, Decimal]]]:
        """The retailer's latest `history` placed orders (not cancelled) confirmed by `now`, each with every
        line it and its parts had: (confirmed_at, sku -> quantity), newest first."""
        rows = await self.conn.fetch(
            """
            SELECT o.confirmed_at, array_agg(i.sku) AS skus, array_agg(i.quantity) AS quantities
            FROM (SELECT id, confirmed_at FROM orders WHERE retailer_id = $1 AND parent_id IS NULL
                    AND confirmed_at IS NOT NULL AND confirmed_at <= $2 AND status <> 'CANCELLED'
                  ORDER BY confirmed_at DESC, id DESC LIMIT $3) o
            JOIN orders part ON part.id = o.id OR part.parent_id = o.id
            JOIN order_items i ON i.order_id = part.id
            GROUP BY o.id, o.confirmed_at ORDER BY o.confirmed_at DESC, o.id DESC
            """, retailer_id, now, history)
        out = []
        for r in rows:
            basket: dict[str, Decimal] = {}
            for sku, quantity in zip(r["skus"], r["quantities"], strict=True):
                basket[sku] = basket.get(sku, Decimal(0)) + quantity
            out.append((r["confirmed_at"], basket))
        return out

    async def claim(self, retailer_id: int, order_id: int, at: datetime) -> bool:
        """Record the reminder unless one was recorded since that order; False when another run did."""
        return await self.conn.fetchval(
            "INSERT INTO reorder_reminders (retailer_id, order_id, sent_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (retailer_id) DO UPDATE SET order_id = EXCLUDED.order_id, sent_at = EXCLUDED.sent_at,"
            " templated = NULL WHERE reorder_reminders.order_id IS DISTINCT FROM EXCLUDED.order_id"
            " RETURNING true", retailer_id, order_id, at) or False
