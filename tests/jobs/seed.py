"""Rows for job tests, written directly so each test states exactly the history it needs."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import asyncpg

from storage.repos.users import UserRepository


async def product(conn: asyncpg.Connection, sku: str, price: str, name: str | None = None, unit: str = "kg") -> None:
    await conn.execute("INSERT INTO products (sku, name, unit, price) VALUES ($1, $2, $3, $4::numeric)"
                       " ON CONFLICT (sku) DO NOTHING", sku, name or sku.title(), unit, price)


async def retailer(conn: asyncpg.Connection, phone: str, name: str, limit: int = 50000) -> int:
    return await UserRepository(conn).add_retailer(phone, name, Decimal(limit))


async def vendor(conn: asyncpg.Connection, phone: str, name: str, prices: dict[str, str | None] | None = None) -> int:
    vendor_id = await UserRepository(conn).add_vendor(phone, name, products=[])
    for sku, price in (prices or {}).items():
        await conn.execute("INSERT INTO vendor_products (vendor_id, sku, price) VALUES ($1, $2, $3::numeric)",
                           vendor_id, sku, price)
    return vendor_id


async def admin(conn: asyncpg.Connection, phone: str = "+9779800000000", name: str = "Ops Desk") -> int:
    return await UserRepository(conn).upsert(phone, name, "admin")


async def order(conn: asyncpg.Connection, retailer_id: int, vendor_id: int | None, status: str, at: datetime, *,
                items: list[tuple[str, str, str]] = (), updated_at: datetime | None = None,
                accepted_at: datetime | None = None, dispatched_at: datetime | None = None,
                delivered_at: datetime | None = None, debit: bool = False) -> int:
    """An order confirmed at `at` with lines (sku, quantity, unit price); `debit` writes its ORDER_DEBIT."""
    total = sum((Decimal(q) * Decimal(p) for _, q, p in items), Decimal("0.00"))
    order_id = await conn.fetchval(
        "INSERT INTO orders (retailer_id, vendor_id, status, total, created_at, updated_at, confirmed_at,"
        " accepted_at, dispatched_at, delivered_at) VALUES ($1, $2, $3, $4, $5, $6, $5, $7, $8, $9) RETURNING id",
        retailer_id, vendor_id, status, total, at, updated_at or at, accepted_at, dispatched_at, delivered_at)
    for sku, quantity, price in items:
        await conn.execute(
            "INSERT INTO order_items (order_id, sku, name, quantity, unit, unit_price, line_total)"
            " VALUES ($1, $2, $2, $3::numeric, 'kg', $4::numeric, $3::numeric * $4::numeric)",
            order_id, sku, quantity, price)
    if debit:
        await ledger(conn, retailer_id, "ORDER_DEBIT", total, at, order_id)
    return order_id


async def ledger(conn: asyncpg.Connection, retailer_id: int, kind: str, amount: Decimal, at: datetime,
                 order_id: int | None = None) -> None:
    signed = -amount if kind in ("ORDER_RELEASE", "PAYMENT_CREDIT") else amount
    balance = await conn.fetchval("SELECT COALESCE(sum(amount), 0) FROM credit_ledger WHERE retailer_id = $1",
                                  retailer_id)
    await conn.execute(
        "INSERT INTO credit_ledger (retailer_id, kind, amount, balance_after, order_id, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6)", retailer_id, kind, signed, balance + signed, order_id, at)


async def offer(conn: asyncpg.Connection, order_id: int, vendor_id: int, status: str, offered_at: datetime,
                responded_at: datetime | None = None, expires_at: datetime | None = None) -> None:
    await conn.execute(
        "INSERT INTO order_offers (order_id, vendor_id, status, offered_at, expires_at, responded_at)"
        " VALUES ($1, $2, $3, $4, $5, $6)", order_id, vendor_id, status, offered_at, expires_at or offered_at,
        responded_at)
