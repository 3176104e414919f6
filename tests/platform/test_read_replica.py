"""DATABASE_READ_URL: the dashboard, /stats and exports read there; everything else, writes included,
stays on DATABASE_URL. The "replica" is a second database holding other orders, reached through a
role that may only SELECT: a read sent to the primary shows the primary's numbers, a write sent to
the replica fails."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from bot.local import LocalSession
from bot.runtime import Runtime, start_runtime
from services.ops.exports import EXPORT_DIR
from storage.clock import FakeClock
from storage.db import connect, migrate
from testing.database import reset_database
from tests.conftest import make_config
from tests.jobs import seed

ADMIN = "+9779800000000"


@pytest.fixture
async def replica_url() -> AsyncIterator[str]:
    admin = os.environ["KHAACHO_TEST_ADMIN_URL"]
    name, role = f"khaacho_test_{os.getpid()}_replica", f"khaacho_reader_{os.getpid()}"
    conn = await asyncpg.connect(admin)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{name}"')
    if not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", role):
        await conn.execute(f'CREATE ROLE "{role}" LOGIN')
    await conn.close()
    owner_url = urlunsplit(urlsplit(admin)._replace(path="/" + name))
    replica = await connect(owner_url)
    await migrate(replica)
    clock = FakeClock()
    shop = await seed.retailer(replica, "+9779800000001", "Replica Shop")
    vendor = await seed.vendor(replica, "+9779800000101", "Replica Traders")
    await seed.product(replica, "RICE-25", "1800", "Rice 25kg")
    for hours in (1, 2, 3):
        await seed.order(replica, shop, vendor, "DELIVERED", clock.now() - timedelta(hours=hours),
                         items=[("RICE-25", "2", "1800")], delivered_at=clock.now())
    await replica.execute(f'GRANT USAGE ON SCHEMA public TO "{role}";'
                          f' GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"')
    await replica.close()
    parts = urlsplit(owner_url)   # the same server as the owner (host and port, or a socket in the query)
    yield urlunsplit(parts._replace(netloc=f"{role}@{parts.netloc.rpartition('@')[2]}"))
    conn = await asyncpg.connect(admin)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.execute(f'DROP ROLE IF EXISTS "{role}"')
    await conn.close()


@pytest.fixture
async def routed(replica_url: str) -> AsyncIterator[Runtime]:
    rt = await start_runtime(make_config(DATABASE_READ_URL=replica_url, KHAACHO_SECRET_KEY="k" * 32),
                             clock=FakeClock(), pool_size=4, nlu_check_every=0)
    await reset_database(rt)
    async with rt.pool.acquire() as conn:
        await seed.admin(conn, ADMIN)
    before = set(EXPORT_DIR.glob("*")) if EXPORT_DIR.exists() else set()
    yield rt
    for path in set(EXPORT_DIR.glob("*")) - before:
        path.unlink()
    await rt.close()


async def test_the_read_role_cannot_write(routed: Runtime) -> None:
    assert routed.reads is not routed.pool
    async with routed.reads.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM orders") == 3
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("INSERT INTO flags (name, value, updated_at) VALUES ('x', '1', now())")


async def test_stats_and_exports_read_the_replica_and_write_the_primary(routed: Runtime) -> None:
    session = LocalSession(routed)
    (stats,) = await session.say(ADMIN, "/stats today")
    assert "Orders 3 " in stats.body and "delivered 3" in stats.body, stats.body
    day = routed.clock.now().date().isoformat()
    (export,) = await session.say(ADMIN, f"/export orders {day} csv")
    assert ": 3 rows, CSV." in export.body, export.body
    async with routed.pool.acquire() as conn:  # the primary holds no orders but the export's record
        assert await conn.fetchval("SELECT count(*) FROM orders") == 0
        assert await conn.fetchval("SELECT rows FROM exports") == 3
        assert await conn.fetchval("SELECT count(*) FROM audit_log WHERE action LIKE '%export%'") >= 1


async def test_the_dashboard_and_export_api_read_the_replica(replica_url: str, aiohttp_client: Any) -> None:
    from bot.app import create_app
    from bot.appkeys import RUNTIME
    from services import UnitOfWork
    from services.ops.apikeys import create_key

    clock = FakeClock()
    config = make_config(DATABASE_READ_URL=replica_url, KHAACHO_SECRET_KEY="k" * 32,
                         PUBLIC_BASE_URL="https://ops.example.com")
    client = await aiohttp_client(create_app(config, clock=clock))
    runtime = client.app[RUNTIME]
    await reset_database(runtime)
    async with UnitOfWork(runtime.pool) as uow:
        _, key = await create_key(uow, "tests", clock.now())
    auth = {"Authorization": f"Bearer {key}"}
    before = set(EXPORT_DIR.glob("*")) if EXPORT_DIR.exists() else set()
    try:
        response = await client.get("/api/v1/admin/dashboard?period=today", headers=auth)
        assert response.status == 200, await response.text()
        board = await response.json()
        assert board["summary"]["orders"] == 3 and board["summary"]["delivered"] == 3
        day = clock.now().date().isoformat()
        response = await client.post("/api/v1/exports", json={"kind": "orders", "from": day}, headers=auth)
        assert response.status == 201, await response.text()
        assert (await response.json())["rows"] == 3
    finally:
        for path in set(EXPORT_DIR.glob("*")) - before:
            path.unlink()
