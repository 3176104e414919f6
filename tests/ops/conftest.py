"""The app with a hand-moved clock on a fresh database holding the ops fixtures' orders, and an API key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.app import create_app
from bot.appkeys import RUNTIME
from bot.commands.catalog import import_catalog
from bot.commands.seed import DEMO_CATALOG
from bot.runtime import Runtime
from services import UnitOfWork
from services.ops.apikeys import create_key
from storage.clock import FakeClock
from storage.repos.users import UserRepository
from testing.database import reset_database
from tests.conftest import make_config

ORDERS_SQL = Path(__file__).resolve().parent.parent / "conversations" / "data" / "ops_orders.sql"
PEOPLE = [("retailer", "+9779800000001", "Ram Kirana"), ("retailer", "+9779800000002", "Sita Stores"),
          ("vendor", "+9779800000101", "Lumbini Traders"), ("vendor", "+9779800000102", "Everest Wholesale")]


async def seed_ops_data(runtime: Runtime) -> None:
    """The demo catalogue, two retailers, two vendors and the orders of the ops fixtures."""
    await reset_database(runtime)
    await import_catalog(DEMO_CATALOG, runtime.config.secrets.database_url or "", progress=False)
    async with runtime.pool.acquire() as conn:
        users = UserRepository(conn)
        for role, phone, name in PEOPLE:
            if role == "retailer":
                await users.add_retailer(phone, name, Decimal(50000))
            else:
                await users.add_vendor(phone, name)
        await conn.execute(ORDERS_SQL.read_text(encoding="utf-8"))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def api(aiohttp_client: Any, clock: FakeClock) -> AsyncIterator[Any]:
    """A test client with `.key` (a live API key), `.auth` (its headers) and `.clock`."""
    config = make_config(PUBLIC_BASE_URL="https://ops.example.com", KHAACHO_SECRET_KEY="test-link-secret")
    client = await aiohttp_client(create_app(config, clock=clock))
    runtime = client.app[RUNTIME]
    await seed_ops_data(runtime)
    async with UnitOfWork(runtime.pool) as uow:
        _, client.key = await create_key(uow, "tests", clock.now())
    client.auth = {"Authorization": f"Bearer {client.key}"}
    client.clock = clock
    yield client
