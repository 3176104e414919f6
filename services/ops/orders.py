"""Orders as operators see them: filtered, newest first, paged by cursor; one order's whole history."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import asyncpg

PAGE_MAX = 200


@dataclass(frozen=True)
class OrderFilter:
    statuses: tuple[str, ...] = ()
    retailer_id: int | None = None
    vendor_id: int | None = None
    start: datetime | None = None      # created_at >= start
    end: datetime | None = None        # created_at < end
    placed_only: bool = True           # drafts left out unless asked for by status


@dataclass(frozen=True)
class OrderRow:
    id: int
    status: str
    total: Decimal
    items: int
    retailer: str
    retailer_phone: str
    vendor: str | None
    vendor_phone: str | None
    parent_id: int | None
    failure_reason: str | None
    created_at: datetime
    updated_at: datetime
    confirmed_at: datetime | None
    delivered_at: datetime | None


_ROW = """
    SELECT o.id, o.status, o.total, (SELECT count(*) FROM order_items i WHERE i.order_id = o.id)::int AS items,
           r.name AS retailer, r.phone AS retailer_phone, v.name AS vendor, v.phone AS vendor_phone,
           o.parent_id, o.failure_reason, o.created_at, o.updated_at, o.confirmed_at, o.delivered_at
    FROM orders o JOIN users r ON r.id = o.retailer_id LEFT JOIN users v ON v.id = o.vendor_id
"""


async def list_orders(conn: asyncpg.Connection, flt: OrderFilter, *, limit: int = 20,
                      before_id: int | None = None) -> tuple[list[OrderRow], int | None]:
    """A page of orders, newest first, and the cursor (an order id) for the next page or None."""
    limit = max(1, min(limit, PAGE_MAX))
    rows = await conn.fetch(
        _ROW + """
        WHERE (cardinality($1::text[]) = 0 OR o.status = ANY($1))
          AND (NOT $2 OR cardinality($1::text[]) > 0 OR o.status <> 'DRAFT')
          AND ($3::bigint IS NULL OR o.retailer_id = $3) AND ($4::bigint IS NULL OR o.vendor_id = $4)
          AND ($5::timestamptz IS NULL OR o.created_at >= $5) AND ($6::timestamptz IS NULL OR o.created_at < $6)
          AND ($7::bigint IS NULL OR o.id < $7)
        ORDER BY o.id DESC LIMIT $8
        """, list(flt.statuses), flt.placed_only, flt.retailer_id, flt.vendor_id, flt.start, flt.end,
        before_id, limit + 1)
    page = [OrderRow(**r) for r in rows[:limit]]
    return page, (page[-1].id if len(rows) > limit else None)


async def iter_orders(conn: asyncpg.Connection, flt: OrderFilter, batch: int = 5000
                      ) -> AsyncIterator[list[OrderRow]]:
    """Every matching order, oldest first, fetched `batch` rows at a time (for exports)."""
    after = 0
    while True:
        rows = await conn.fetch(
            _ROW + """
            WHERE o.id > $1 AND o.confirmed_at IS NOT NULL AND o.created_at >= $2 AND o.created_at < $3
              AND (cardinality($4::text[]) = 0 OR o.status = ANY($4))
            ORDER BY o.id LIMIT $5
            """, after, flt.start, flt.end, list(flt.statuses), batch)
        if not rows:
            return
        yield [OrderRow(**r) for r in rows]
        after = rows[-1]["id"]


@dataclass(frozen=True)
class OrderHistory:
    order: OrderRow
    lines: list[asyncpg.Record]
    offers: list[asyncpg.Record]
    history: list[asyncpg.Record]
    children: list[int] = field(default_factory=list)


async def order_history(conn: asyncpg.Connection, order_id: int) -> OrderHistory | None:
    """The order with its lines, every vendor offer, and every status change with actor and time."""
    row = await conn.fetchrow(_ROW + " WHERE o.id = $1", order_id)
    if row is None:
        return None
    lines = await conn.fetch(
        "SELECT sku, name, quantity, unit, unit_price, line_total FROM order_items WHERE order_id = $1 ORDER BY id",
        order_id)
    offers = await conn.fetch(
        "SELECT u.name AS vendor, u.phone, f.status, f.offered_at, f.responded_at, f.reason"
        " FROM order_offers f JOIN users u ON u.id = f.vendor_id WHERE f.order_id = $1"
        " ORDER BY f.offered_at, f.vendor_id", order_id)
    history = await conn.fetch(
        "SELECT from_status, to_status, actor, reason, at FROM order_status_history WHERE order_id = $1 ORDER BY id",
        order_id)
    children = [r["id"] for r in await conn.fetch("SELECT id FROM orders WHERE parent_id = $1 ORDER BY id", order_id)]
    return OrderHistory(OrderRow(**row), list(lines), list(offers), list(history), children)


async def actor_names(conn: asyncpg.Connection, actors: list[str]) -> dict[str, str]:
    """'vendor:12' → 'Lumbini Traders (vendor)' for the actors of a history; 'system' stays."""
    ids = {int(a.split(":", 1)[1]) for a in actors if ":" in a and a.split(":", 1)[1].isdigit()}
    rows = await conn.fetch("SELECT id, name FROM users WHERE id = ANY($1)", list(ids))
    names = {r["id"]: r["name"] for r in rows}
    out = {}
    for actor in actors:
        role, _, ident = actor.partition(":")
        out[actor] = f"{names[int(ident)]} ({role})" if ident.isdigit() and int(ident) in names else actor
    return out
