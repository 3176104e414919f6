"""The daily roll-up (idempotent upsert per day) and the heartbeat a burst worker leaves for /health."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bot.app import create_app
from jobs.analytics import roll_up_analytics
from jobs.heartbeat import HEARTBEAT_KEY, heartbeat
from tests.jobs import seed
from tests.jobs.conftest import run_burst


async def test_daily_roll_up_is_an_idempotent_upsert(runtime) -> None:
    now = runtime.clock.now()  # 10:00 in Kathmandu on 2026-11-02
    async with runtime.pool.acquire() as conn:
        await seed.product(conn, "RICE", "100")
        await seed.product(conn, "DAL", "200")
        a = await seed.retailer(conn, "+9779800000001", "Ram Kirana")
        b = await seed.retailer(conn, "+9779800000002", "Hari Pasal")
        await seed.order(conn, a, None, "DELIVERED", now - timedelta(hours=1), items=[("RICE", "5", "100")])
        pending = await seed.order(conn, b, None, "PENDING_VENDOR", now,
                                   items=[("RICE", "2", "100"), ("DAL", "1", "200")])
        await seed.order(conn, b, None, "CANCELLED", now, items=[("DAL", "9", "200")])
        await seed.order(conn, a, None, "DELIVERED", now - timedelta(days=1), items=[("DAL", "3", "200")])
        await seed.order(conn, a, None, "DELIVERED", now - timedelta(hours=11), items=[("DAL", "1", "200")])
    first = await run_burst(runtime, [roll_up_analytics], "roll_up_analytics", "roll_up_analytics")
    assert first == [["2026-11-01", "2026-11-02"]] * 2
    async with runtime.pool.acquire() as conn:
        days = {r["day"]: r for r in await conn.fetch("SELECT * FROM analytics_daily")}
        products = {(r["day"], r["sku"]): (r["quantity"], r["gmv"])
                    for r in await conn.fetch("SELECT * FROM analytics_daily_products")}
    today, yesterday = date(2026, 11, 2), date(2026, 11, 1)
    # the open order is left out of every figure and kept by id (the dashboard reads it from the orders)
    assert [days[today][k] for k in ("orders", "gmv", "delivered", "failed", "cancelled", "retailers")] == [
        2, Decimal("500.00"), 1, 1, 1, 2]
    assert (days[today]["open_ids"], days[yesterday]["open_ids"]) == ([pending], [])
    assert (days[yesterday]["orders"], days[yesterday]["gmv"]) == (2, Decimal("800.00")), "local days, not UTC"
    assert products == {(today, "RICE"): (Decimal("5.000"), Decimal("500.00")),
                        (yesterday, "DAL"): (Decimal("4.000"), Decimal("800.00"))}


async def test_a_burst_worker_run_sets_the_heartbeat_and_health_reads_it(runtime, aiohttp_client) -> None:
    await runtime.redis.delete(HEARTBEAT_KEY)
    client = await aiohttp_client(create_app(runtime.config, clock=runtime.clock))
    before = await client.get("/health")
    assert before.status == 503 and (await before.json())["checks"]["worker"] == "down: no heartbeat"
    await run_burst(runtime, [heartbeat], "heartbeat")
    assert (await runtime.redis.get(HEARTBEAT_KEY)).decode() == runtime.clock.now().isoformat()
    after = await client.get("/health")
    assert after.status == 200 and (await after.json())["checks"]["worker"] == "ok"
