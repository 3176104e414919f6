"""Complaint tickets: opened by retailers, listed and resolved by operators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg


@dataclass(frozen=True)
class Ticket:
    id: int
    retailer_id: int
    retailer: str
    phone: str
    order_id: int | None
    category: str
    body: str
    status: str
    created_at: datetime
    resolution: str | None = None


_TICKET = ("t.id, t.retailer_id, u.name AS retailer, u.phone, t.order_id, t.category, t.body, t.status,"
           " t.created_at, t.resolution FROM tickets t JOIN users u ON u.id = t.retailer_id")


class TicketRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def open(self, retailer_id: int, order_id: int | None, category: str, body: str, at: datetime) -> int:
        return await self.conn.fetchval(
            "INSERT INTO tickets (retailer_id, order_id, category, body, created_at)"
            " VALUES ($1, $2, $3, $4, $5) RETURNING id", retailer_id, order_id, category, body, at)

    async def get(self, ticket_id: int, *, lock: bool = False) -> Ticket | None:
        row = await self.conn.fetchrow(f"SELECT {_TICKET} WHERE t.id = $1" + (" FOR UPDATE OF t" if lock else ""),
                                       ticket_id)
        return Ticket(**row) if row else None

    async def unresolved(self, limit: int = 20) -> list[Ticket]:
        rows = await self.conn.fetch(f"SELECT {_TICKET} WHERE t.status = 'OPEN' ORDER BY t.id LIMIT $1", limit)
        return [Ticket(**r) for r in rows]

    async def resolve(self, ticket_id: int, note: str, by: str, at: datetime) -> None:
        await self.conn.execute(
            "UPDATE tickets SET status = 'RESOLVED', resolution = $2, resolved_by = $3, resolved_at = $4"
            " WHERE id = $1", ticket_id, note, by, at)
