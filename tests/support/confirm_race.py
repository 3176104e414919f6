"""Confirmations racing for one retailer's credit, then acceptances racing for one vendor's last stock,
from two OS processes at once (each with its own connection pool), straight through the workflows
the handlers call: `confirm_order` and `accept_order`.

    python -m tests.support.confirm_race confirm|accept DATABASE_URL ID ID ...

runs one process's share; `race` starts two of them on the halves of the ids and waits.
The conversation lock already serialises one sender's messages; this is the case it cannot cover
(the same credit or stock reached from several conversations and processes at once).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import asyncpg

from bot.config import load_config
from services.bootstrap import unit_of_work
from services.drafts import price_lines
from services.fulfilment import accept_order
from services.ordering import confirm_order
from services.texts import default_texts
from storage.clock import SystemClock
from storage.db import connect, create_pool, migrate
from storage.repos.orders import OrderRepository
from storage.repos.users import UserRepository
from storage.uow import UnitOfWork
from tests.support.processes import ROOT

SKU, PRICE, QUANTITY = "RACE-SUGAR", Decimal("100.00"), Decimal(1)
RETAILER, VENDOR = "+9779844000001", "+9779844000101"


@dataclass(frozen=True)
class Race:
    order_ids: list[int]
    retailer_id: int
    vendor_id: int
    credit_limit: Decimal
    stock: Decimal


async def seed(database_url: str, orders: int, credit_for: int, stock_for: int) -> Race:
    """`orders` drafts of one retailer, each one unit at PRICE; credit for `credit_for` of them, and
    the only vendor's stock for `stock_for`."""
    conn = await connect(database_url)
    try:
        await migrate(conn)
        await conn.execute("TRUNCATE orders, credit_ledger, inbound_messages, inbound_message_ids, outbound_messages"
                           " CASCADE")
        await conn.execute("DELETE FROM vendor_products WHERE sku = $1", SKU)
        await conn.execute("INSERT INTO products (sku, name, unit, price) VALUES ($1, 'Race sugar', 'kg', $2)"
                           " ON CONFLICT (sku) DO UPDATE SET price = EXCLUDED.price, active = true", SKU, PRICE)
        users = UserRepository(conn)
        stock = QUANTITY * stock_for
        retailer_id = await users.add_retailer(RETAILER, "Race Kirana", Decimal(0))
        vendor_id = await users.add_vendor(VENDOR, "Race Traders", products=[SKU])
        await conn.execute("UPDATE vendors SET capacity = $2 WHERE user_id = $1", vendor_id, orders)  # not raced here
        await conn.execute("UPDATE vendor_products SET stock = $2 WHERE vendor_id = $1 AND sku = $3",
                           vendor_id, stock, SKU)
        await conn.execute("DELETE FROM vendor_products WHERE sku = $1 AND vendor_id <> $2", SKU, vendor_id)
        config, now, repo = load_config(), datetime.now(UTC), OrderRepository(conn)
        pool = await create_pool(database_url, min_size=1, max_size=1)
        try:
            async with UnitOfWork(pool) as uow:
                lines = await price_lines(uow, config, [(SKU, QUANTITY)], retailer_id=retailer_id)
        finally:
            await pool.close()
        ids, total = [], Decimal(0)
        for _ in range(orders):
            order_id = await repo.create(retailer_id, now)
            total = await repo.set_lines(order_id, lines, now)  # the price with what the config adds
            ids.append(order_id)
        limit = total * credit_for
        await conn.execute("UPDATE retailers SET credit_limit = $2 WHERE user_id = $1", retailer_id, limit)
        return Race(ids, retailer_id, vendor_id, limit, stock)
    finally:
        await conn.close()


async def _share(action: str, database_url: str, ids: list[int]) -> None:
    config, texts, clock = load_config(), default_texts(), SystemClock()
    pool = await create_pool(database_url, max_size=8)
    vendor_id = None

    async def one(order_id: int) -> None:
        nonlocal vendor_id
        for _ in range(20):  # a deadlock or serialisation failure is tried again, as Intake does
            try:
                async with unit_of_work(pool, texts, clock, config) as uow:
                    if action == "confirm":
                        await confirm_order(uow, order_id, now=clock.now(), config=config, actor="retailer")
                    else:
                        vendor_id = vendor_id or (await uow.users.by_phone(VENDOR)).id  # type: ignore[union-attr]
                        await accept_order(uow, order_id, vendor_id, now=clock.now(), config=config)
                return
            except (asyncpg.DeadlockDetectedError, asyncpg.SerializationError):
                await asyncio.sleep(0.01)
        raise RuntimeError(f"order {order_id}: still racing after 20 tries")

    try:
        await asyncio.gather(*(one(i) for i in ids))
    finally:
        await pool.close()


def race(action: str, database_url: str, ids: list[int]) -> None:
    """Run `action` on the ids from two processes at once (alternate ids each)."""
    halves = [ids[0::2], ids[1::2]]
    procs = [subprocess.Popen([sys.executable, "-m", "tests.support.confirm_race", action, database_url,
                               *map(str, half)], cwd=ROOT) for half in halves]
    codes = [p.wait(timeout=600) for p in procs]
    if any(codes):
        raise RuntimeError(f"a racing process failed: {codes}")


@dataclass(frozen=True)
class Standing:
    confirmed: int
    outstanding: Decimal
    accepted: int
    stock: Decimal


async def standing(database_url: str, r: Race) -> Standing:
    conn = await asyncpg.connect(database_url)
    try:
        statuses = dict(await conn.fetch("SELECT status, count(*) FROM orders WHERE id = ANY($1) GROUP BY 1",
                                         r.order_ids))
        outstanding = await conn.fetchval(
            "SELECT COALESCE(sum(amount), 0) FROM credit_ledger WHERE retailer_id = $1", r.retailer_id)
        stock = await conn.fetchval("SELECT stock FROM vendor_products WHERE vendor_id = $1 AND sku = $2",
                                    r.vendor_id, SKU)
    finally:
        await conn.close()
    return Standing(sum(n for s, n in statuses.items() if s != "DRAFT"), outstanding,
                    statuses.get("ACCEPTED", 0), stock)


if __name__ == "__main__":
    asyncio.run(_share(sys.argv[1], sys.argv[2], [int(a) for a in sys.argv[3:]]))
