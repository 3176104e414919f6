"""What the web console reads that no other view does: people to speak as, and messages to a phone."""

from __future__ import annotations

from typing import Any

import asyncpg

from domain.people import User

MESSAGE_COLUMNS = ("id, body, media_url, kind, status, provider_status, last_error, created_at, sent_at,"
                   " to_jsonb(o) -> 'interactive' AS interactive")


class ConsoleViews:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def people(self, role: str, limit: int = 200) -> list[User]:
        rows = await self.conn.fetch(
            "SELECT id, phone, name, role, language FROM users WHERE role = $1 AND active ORDER BY name, id LIMIT $2",
            role, limit)
        return [User(**r) for r in rows]

    async def messages_to(self, phone: str, after_id: int, limit: int = 100) -> list[dict[str, Any]]:
        """Outbox rows for `phone` after `after_id`, oldest first (`interactive` where the column exists)."""
        rows = await self.conn.fetch(
            f"SELECT {MESSAGE_COLUMNS} FROM outbound_messages o WHERE recipient = $1 AND id > $2 ORDER BY id LIMIT $3",
            phone, after_id, limit)
        return [dict(r) for r in rows]

    async def statuses(self, ids: list[int]) -> dict[int, str]:
        """The delivery status of each row (queued, sending, sent, delivered, read, failed, dead)."""
        rows = await self.conn.fetch("SELECT id, status FROM outbound_messages WHERE id = ANY($1)", ids)
        return {r["id"]: r["status"] for r in rows}

    async def replies_to(self, inbound_id: int) -> list[str]:
        rows = await self.conn.fetch(
            "SELECT body FROM outbound_messages WHERE inbound_id = $1 ORDER BY id", inbound_id)
        return [r["body"] for r in rows]

    async def inbound_state(self, inbound_id: int) -> str | None:
        return await self.conn.fetchval("SELECT status FROM inbound_messages WHERE id = $1", inbound_id)

    async def phone_taken(self, phone: str) -> bool:
        return bool(await self.conn.fetchval("SELECT EXISTS (SELECT 1 FROM users WHERE phone = $1)", phone))

    async def is_dead(self, row_id: int) -> bool:
        return bool(await self.conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM outbound_messages WHERE id = $1 AND status = 'dead')", row_id))

    async def order_messages(self, order_id: int, limit: int = 100) -> list[dict[str, Any]]:
        """Messages that name the order (#1042), to anyone, with their delivery status; oldest first."""
        rows = await self.conn.fetch(
            "SELECT id, recipient, body, kind, status, last_error,"
            " created_at, sent_at FROM outbound_messages WHERE body ~ ('#' || $1::text || '([^0-9]|$)')"
            " ORDER BY id LIMIT $2", str(order_id), limit)
        return [dict(r) for r in rows]

    async def vendor_stock(self, vendor_id: int, limit: int = 100) -> list[dict[str, Any]]:
        rows = await self.conn.fetch(
            "SELECT vp.sku, p.name, p.unit, vp.stock, vp.low_stock_threshold AS threshold,"
            " c.cost AS price FROM vendor_products vp JOIN products p ON p.sku = vp.sku"
            " JOIN vendor_costs c ON c.vendor_id = vp.vendor_id AND c.sku = vp.sku"
            " WHERE vp.vendor_id = $1 ORDER BY vp.stock IS NULL, vp.stock, p.name LIMIT $2", vendor_id, limit)
        return [dict(r) for r in rows]

    async def tail_start(self, phone: str, last: int) -> int:
        """The id just before the `last` newest messages to `phone` (where a fresh page starts)."""
        return await self.conn.fetchval(
            "SELECT COALESCE(min(id) - 1, 0) FROM (SELECT id FROM outbound_messages WHERE recipient = $1"
            " ORDER BY id DESC LIMIT $2) t", phone, last)
