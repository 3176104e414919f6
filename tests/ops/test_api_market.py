"""GET /api/v1/products/{sku}/prices and /api/v1/finance."""

from __future__ import annotations

from typing import Any


async def test_product_prices(api: Any) -> None:
    response = await api.get("/api/v1/products/SUGAR-LOOSE/prices", headers=api.auth)
    assert response.status == 200
    body = await response.json()
    assert body["sku"] == "SUGAR-LOOSE"
    assert set(body) >= {"spread", "trend_7d", "trend_30d", "suggested_retail", "alerts"}
    missing = await api.get("/api/v1/products/NOPE/prices", headers=api.auth)
    assert missing.status == 404 and "NOPE" in (await missing.json())["error"]


async def test_finance(api: Any) -> None:
    response = await api.get("/api/v1/finance?period=7d", headers=api.auth)
    assert response.status == 200
    body = await response.json()
    assert list(body["outstanding_by_age_days"]) == ["0-7", "8-30", "31-60", "60+"]
    assert body["period"] == "7d" and "gmv" in body and "payments_by_method" in body
    bad = await api.get("/api/v1/finance?period=forever", headers=api.auth)
    assert bad.status == 400
