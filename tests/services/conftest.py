"""A real database for the workflow tests: migrated, emptied, with a small catalogue and cast."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal

import asyncpg
import pytest

from bot.config import Config, load_config
from services.bootstrap import unit_of_work
from services.texts import default_texts
from storage.clock import FakeClock
from storage.db import create_pool, migrate
from storage.notifier import Notifier
from storage.repos.users import UserRepository
from storage.uow import UnitOfWork

PRODUCTS = [  # sku, name, category, unit, price
    ("SUGAR-LOOSE", "Sugar (loose)", "sugar", "kg", "105"),
    ("COKE-500-BTL", "Coca-Cola 500 ml bottle", "soft drinks", "bottle", "55"),
    ("WAIWAI-CHK-PKT", "Wai Wai Chicken Noodles 75 g packet", "noodles", "packet", "20"),
]


@dataclass
class World:
    pool: asyncpg.Pool
    config: Config
    clock: FakeClock
    ram: int
    hari: int
    sita: int
    gita: int

    def notifier(self, conn: asyncpg.Connection) -> Notifier:
        return Notifier(conn, default_texts(), self.clock.now())

    def unit_of_work(self) -> UnitOfWork:
        """A unit of work as a job makes it: its events become notices."""
        return unit_of_work(self.pool, default_texts(), self.clock, self.config)


async def _empty(conn: asyncpg.Connection) -> None:
    tables = [r["tablename"] for r in await conn.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'")]
    await conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    await conn.execute("ALTER SEQUENCE order_numbers RESTART WITH 1001")


@pytest.fixture
async def world() -> AsyncIterator[World]:
    pool = await create_pool(os.environ["DATABASE_URL"], min_size=1, max_size=4)
    async with pool.acquire() as conn:
        await migrate(conn)
        await _empty(conn)
        await conn.executemany(
            "INSERT INTO products (sku, name, category, unit, price) VALUES ($1, $2, $3, $4, $5::numeric)", PRODUCTS)
        users = UserRepository(conn)
        ram = await users.add_retailer("+9779800000001", "Ram Kirana", Decimal(50000), address="Butwal",
                                       lat=27.70, lon=83.45)
        hari = await users.add_retailer("+9779800000003", "Hari Pasal", Decimal(20000), address="Butwal")
        sita = await users.add_vendor("+9779800000101", "Sita Traders", lat=27.69, lon=83.45)
        gita = await users.add_vendor("+9779800000102", "Gita Wholesale", lat=27.80, lon=83.60)
        await users.upsert("+9779800000000", "Ops Desk", "admin")
    world = World(pool, load_config(), FakeClock(), ram, hari, sita, gita)
    try:
        yield world
    finally:
        await pool.close()
