"""GET /api/v1/delivery/runs and /runs/{id} with a planned run in the database."""

from __future__ import annotations

from typing import Any

from bot.appkeys import RUNTIME
from services import bootstrap
from services.delivery import plan_vendor


async def planned_run(api: Any) -> int:
    runtime = api.app[RUNTIME]
    async with runtime.pool.acquire() as conn:
        vendor = await conn.fetchval("SELECT id FROM users WHERE phone = '+9779800000101'")
        retailer = await conn.fetchval("SELECT id FROM users WHERE phone = '+9779800000001'")
        await conn.execute("UPDATE vendors SET lat = 27.6984, lon = 85.2995 WHERE user_id = $1", vendor)
        await conn.execute("UPDATE retailers SET lat = 27.7154, lon = 85.3123, address = 'Thamel'"
                           " WHERE user_id = $1", retailer)
        await conn.execute("INSERT INTO vehicles (vendor_id, name, capacity_kg) VALUES ($1, 'Tempo', 500)", vendor)
        order_id = await conn.fetchval(
            "INSERT INTO orders (retailer_id, vendor_id, status, total, created_at, updated_at)"
            " VALUES ($1, $2, 'ACCEPTED', 1050, $3, $3) RETURNING id", retailer, vendor, api.clock.now())
        await conn.execute("INSERT INTO order_items (order_id, sku, name, quantity, unit, unit_price, line_total)"
                           " VALUES ($1, 'SUGAR-LOOSE', 'Sugar (loose)', 10, 'kg', 105, 1050)", order_id)
    async with bootstrap.unit_of_work(runtime.pool, runtime.texts, api.clock, runtime.config) as uow:
        result = await plan_vendor(uow, vendor, now=api.clock.now(), config=runtime.config)
    (run,) = result.runs
    return run.id


async def test_runs_list_and_one_run_with_its_stops(api: Any) -> None:
    run_id = await planned_run(api)
    listing = await api.get("/api/v1/delivery/runs", params={"vendor": "+9779800000101"}, headers=api.auth)
    assert listing.status == 200
    (run,) = (await listing.json())["runs"]
    assert (run["id"], run["vehicle"], run["status"]) == (run_id, "Tempo", "PLANNED")
    (stop,) = run["stops"]
    assert (stop["shop"], stop["address"], stop["to_collect"], stop["items"]) == (
        "Ram Kirana", "Thamel", "1050.00", "Sugar (loose) 10 kg")
    assert stop["maps"] == "https://maps.google.com/?q=27.715400,85.312300"
    one = await api.get(f"/api/v1/delivery/runs/{run_id}", headers=api.auth)
    assert one.status == 200 and (await one.json())["stops"] == run["stops"]
    other_day = await api.get("/api/v1/delivery/runs", params={"date": "2020-01-01"}, headers=api.auth)
    assert (await other_day.json())["runs"] == []


async def test_bad_parameters_and_unknown_runs(api: Any) -> None:
    assert (await api.get("/api/v1/delivery/runs", params={"date": "yesterday"}, headers=api.auth)).status == 400
    assert (await api.get("/api/v1/delivery/runs", params={"vendor": "nobody"}, headers=api.auth)).status == 400
    for path in ("/api/v1/delivery/runs/999", "/api/v1/delivery/runs/abc", "/api/v1/delivery/runs/١٢"):
        assert (await api.get(path, headers=api.auth)).status == 404
