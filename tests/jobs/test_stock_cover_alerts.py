"""Low-stock alerts by days of cover on a burst worker: two runs at once alert once; nothing again
while cover stays low; re-armed once cover recovers."""

from __future__ import annotations

from datetime import timedelta

from jobs.stock_cover import alert_low_stock_cover
from tests.jobs import seed
from tests.jobs.conftest import run_burst

D = timedelta(days=1)
VENDOR = "+9779800000101"


async def _world(runtime) -> int:  # type: ignore[no-untyped-def]
    now = runtime.clock.now()
    async with runtime.pool.acquire() as conn:
        await seed.product(conn, "RICE", "100")
        shop = await seed.retailer(conn, "+9779800000001", "Ram Kirana")
        vendor = await seed.vendor(conn, VENDOR, "Lumbini Traders", {"RICE": None})
        await conn.execute("UPDATE vendor_products SET stock = 20, reorder_pack = 25 WHERE vendor_id = $1", vendor)
        for days_ago in (10, 3):  # 140 kg sold in 14 days: 10 kg a day, 2 days of cover
            at = now - days_ago * D
            await seed.order(conn, shop, vendor, "DELIVERED", at, items=[("RICE", "70", "100")], accepted_at=at)
    return vendor


async def _alerts(runtime) -> list[str]:  # type: ignore[no-untyped-def]
    async with runtime.pool.acquire() as conn:
        return [r["body"] for r in await conn.fetch(
            "SELECT body FROM outbound_messages WHERE recipient = $1 ORDER BY id", VENDOR)]


async def test_once_per_crossing_and_rearmed_when_cover_recovers(runtime) -> None:
    vendor = await _world(runtime)
    both = await run_burst(runtime, [alert_low_stock_cover], "alert_low_stock_cover", "alert_low_stock_cover")
    assert sorted(both, key=len) == [{}, {vendor: ["RICE"]}], "two runs at once: one alert"
    (body,) = await _alerts(runtime)
    assert "20 kg, 10 kg/day, 2.0 days of cover · reorder 125 kg (5 × 25 kg)" in body  # 140 - 20 = 120 → 5 packs
    runtime.clock.advance(timedelta(hours=1))
    assert await run_burst(runtime, [alert_low_stock_cover], "alert_low_stock_cover") == [{}]

    async with runtime.pool.acquire() as conn:
        await conn.execute("UPDATE vendor_products SET stock = 500 WHERE vendor_id = $1", vendor)
    assert await run_burst(runtime, [alert_low_stock_cover], "alert_low_stock_cover") == [{}]  # re-armed
    async with runtime.pool.acquire() as conn:
        assert await conn.fetchval("SELECT cover_alerted_at FROM vendor_products WHERE vendor_id = $1", vendor) is None
        await conn.execute("UPDATE vendor_products SET stock = 5 WHERE vendor_id = $1", vendor)
    assert await run_burst(runtime, [alert_low_stock_cover], "alert_low_stock_cover") == [{vendor: ["RICE"]}]
    assert len(await _alerts(runtime)) == 2
