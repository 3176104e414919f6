"""The /api/v1 JSON API: bearer keys, dashboard, orders with filters and cursor, vendor scores, OpenAPI."""

from __future__ import annotations

from typing import Any

import pytest

from bot.appkeys import RUNTIME
from bot.web.api import ROUTES
from bot.web.api.openapi import DOCUMENT
from services import UnitOfWork
from services.ops.apikeys import hash_key, revoke_keys

PROTECTED = [(m, p.replace("{id}", "1").replace("{sku}", "SUGAR-LOOSE")) for m, p, _ in ROUTES
             if p.startswith("/api/v1/") and not p.endswith("openapi.json")]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
async def test_every_api_route_needs_a_live_key(api: Any, method: str, path: str) -> None:
    assert (await api.request(method, path)).status == 401
    assert (await api.request(method, path, headers={"Authorization": "Bearer khk_wrong"})).status == 401
    assert (await api.request(method, path, headers={"Authorization": f"Basic {api.key}"})).status == 401
    async with UnitOfWork(api.app[RUNTIME].pool) as uow:
        await revoke_keys(uow, "tests", api.clock.now())
    response = await api.request(method, path, headers=api.auth)
    assert response.status == 401
    assert (await response.json())["error"] == "invalid API key"


async def test_keys_are_stored_hashed_and_their_use_noted(api: Any) -> None:
    assert (await api.get("/api/v1/vendors/scores", headers=api.auth)).status == 200
    async with api.app[RUNTIME].pool.acquire() as conn:
        row = await conn.fetchrow("SELECT key_hash, last_used_at FROM api_keys WHERE name = 'tests'")
        stored = " ".join(str(v) for r in await conn.fetch("SELECT * FROM api_keys") for v in r.values())
    assert row["key_hash"] == hash_key(api.key)
    assert api.key not in stored
    assert row["last_used_at"] == api.clock.now()


async def test_dashboard_gives_the_six_metrics_of_stats(api: Any) -> None:
    response = await api.get("/api/v1/admin/dashboard", headers=api.auth)
    assert response.status == 200
    board = await response.json()
    assert set(board) == {"period", "summary", "failures", "fulfilment", "top_products", "reliable", "responsive"}
    assert board["period"]["start"] == "2026-11-02T00:00:00+05:45"
    summary = board["summary"]
    assert (summary["orders"], summary["gmv"], summary["delivered"], summary["failed"], summary["open"]) == (
        5, "2525.00", 2, 2, 1)
    assert summary["success_rate"] == 0.5
    assert summary["gmv_trend"]["direction"] == "UP"
    assert {(f["status"], f["cause"]) for f in board["failures"]} == {
        ("FAILED", "no vendor can supply this order"), ("CANCELLED", "customer changed mind")}
    assert board["fulfilment"] == {"delivered": 2, "average_s": 10800.0, "p50_s": 10800.0, "p90_s": 13680.0}
    assert [p["sku"] for p in board["top_products"]] == ["SUGAR-LOOSE", "RICE-SONA-LOOSE", "RICE-JEERA-LOOSE"]
    assert board["top_products"][0]["previous_sales"] == "840.00"
    assert [(v["name"], v["grade"]) for v in board["reliable"]] == [("Lumbini Traders", "B")]
    assert [(v["name"], v["response_p50_s"]) for v in board["responsive"]] == [
        ("Lumbini Traders", 210.0), ("Everest Wholesale", 1200.0)]


async def test_dashboard_periods(api: Any) -> None:
    week = await (await api.get("/api/v1/admin/dashboard?period=7d", headers=api.auth)).json()
    assert (week["summary"]["orders"], week["summary"]["gmv"]) == (6, "3365.00")
    bad = await api.get("/api/v1/admin/dashboard?period=fortnight", headers=api.auth)
    assert bad.status == 400
    assert "period" in (await bad.json())["error"]


async def _ids(api: Any, query: str) -> tuple[list[int], str | None]:
    response = await api.get(f"/api/v1/orders?{query}", headers=api.auth)
    assert response.status == 200, await response.text()
    body = await response.json()
    return [o["id"] for o in body["orders"]], body["next_cursor"]


async def test_orders_filters(api: Any) -> None:
    assert (await _ids(api, ""))[0] == [1006, 1005, 1004, 1003, 1002, 1001]  # the draft is left out
    assert (await _ids(api, "status=delivered,failed"))[0] == [1004, 1003, 1002, 1001]
    assert (await _ids(api, "retailer=%2B9779800000002"))[0] == [1005, 1003]
    assert (await _ids(api, "vendor=everest"))[0] == [1006, 1004]
    assert (await _ids(api, "from=2026-11-02&to=2026-11-02"))[0] == [1006, 1005, 1004, 1003, 1002]
    assert (await _ids(api, "to=2026-11-01"))[0] == [1001]
    assert (await _ids(api, "from=2026-11-01T21:00:00%2B00:00"))[0] == [1006, 1005, 1004]
    assert (await _ids(api, "status=DRAFT"))[0] == [1007]


async def test_orders_cursor_pages_through_everything_once(api: Any) -> None:
    seen, cursor = [], ""
    for _ in range(5):
        ids, cursor = await _ids(api, f"limit=4&cursor={cursor}" if cursor else "limit=4")
        seen += ids
        if cursor is None:
            break
    assert seen == [1006, 1005, 1004, 1003, 1002, 1001]


@pytest.mark.parametrize("query", ["status=SHIPPED", "limit=0", "limit=abc", "cursor=-1", "from=yesterday",
                                   "retailer=nobody", "vendor=Ram"])
async def test_orders_bad_parameters_are_400(api: Any, query: str) -> None:
    response = await api.get(f"/api/v1/orders?{query}", headers=api.auth)
    assert response.status == 400
    assert query.split("=")[0] in (await response.json())["error"]


async def test_vendor_scores(api: Any) -> None:
    async with api.app[RUNTIME].pool.acquire() as conn:
        await conn.execute("UPDATE vendors SET score = 91, tier = 'EXCELLENT', grade = 'A'"
                           " WHERE user_id = (SELECT id FROM users WHERE phone = '+9779800000102')")
    body = await (await api.get("/api/v1/vendors/scores", headers=api.auth)).json()
    assert [(v["name"], v["score"], v["grade"]) for v in body["vendors"]] == [
        ("Everest Wholesale", "91.00", "A"), ("Lumbini Traders", "60.00", "C")]


async def test_openapi_describes_every_route(api: Any) -> None:
    response = await api.get("/api/v1/openapi.json")
    assert response.status == 200
    document = await response.json()
    assert document == DOCUMENT and document["openapi"].startswith("3.")
    served = {(r.method.lower(), r.resource.canonical) for r in api.app.router.routes()
              if r.resource is not None and r.resource.canonical.startswith(("/api/", "/downloads/"))
              and r.method != "HEAD"}
    described = {(method, path) for path, ops in document["paths"].items() for method in ops}
    assert served == described
