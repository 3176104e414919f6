"""PUT /api/v1/vendors/{id}/prices: bad bodies are 4xx with a JSON error and change nothing; a good
body sets the prices once (the same body again writes no history)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.appkeys import RUNTIME


async def _vendor_id(api: Any, phone: str = "+9779800000101") -> int:
    async with api.app[RUNTIME].pool.acquire() as conn:
        return await conn.fetchval("SELECT id FROM users WHERE phone = $1", phone)


async def _history(api: Any) -> list[tuple[str, Any, Any, str]]:
    async with api.app[RUNTIME].pool.acquire() as conn:
        rows = await conn.fetch("SELECT sku, old_price, new_price, changed_by FROM vendor_price_history ORDER BY id")
    return [tuple(r.values()) for r in rows]


async def test_prices_are_set_once_and_kept_in_history(api: Any) -> None:
    vendor = await _vendor_id(api)
    body = [{"sku": "SUGAR-LOOSE", "price": 102.5}, {"sku": "RARA-CTN", "price": 540, "valid_from": "2026-11-01"}]
    first = await api.put(f"/api/v1/vendors/{vendor}/prices", json=body, headers=api.auth)
    assert first.status == 200
    assert await first.json() == {"vendor_id": vendor, "unchanged": [], "changed": [
        {"sku": "SUGAR-LOOSE", "old": None, "new": "102.5"}, {"sku": "RARA-CTN", "old": None, "new": "540"}]}
    again = await api.put(f"/api/v1/vendors/{vendor}/prices", json=body, headers=api.auth)
    assert (await again.json())["unchanged"] == ["SUGAR-LOOSE", "RARA-CTN"]
    history = await _history(api)
    assert [(sku, new, by) for sku, _, new, by in history] == [("SUGAR-LOOSE", 102.5, "api:tests"),
                                                               ("RARA-CTN", 540, "api:tests")]
    moved = await api.put(f"/api/v1/vendors/{vendor}/prices", json=[{"sku": "SUGAR-LOOSE", "price": 104}],
                          headers=api.auth)
    assert (await moved.json())["changed"] == [{"sku": "SUGAR-LOOSE", "old": "102.50", "new": "104"}]
    assert len(await _history(api)) == 3


BAD_BODIES = [
    (b"not json", 400, "JSON"),
    (b'{"sku": "SUGAR-LOOSE", "price": 100}', 400, "list"),
    (b"[]", 400, "list"),
    (b'[{"sku": "SUGAR-LOOSE"}]', 400, "price: expected a number"),
    (b'[{"sku": "SUGAR-LOOSE", "price": "cheap"}]', 400, "price: expected a number"),
    (b'[{"sku": "SUGAR-LOOSE", "price": "102"}]', 400, "price: expected a number"),
    (b'[{"sku": "SUGAR-LOOSE", "price": true}]', 400, "price: expected a number"),
    (b'[{"sku": "SUGAR-LOOSE", "price": null}]', 400, "price: expected a number"),
    (b'[{"sku": "SUGAR-LOOSE", "price": 1e999}]', 400, "price: expected a number"),
    (b'[{"sku": 7, "price": 100}]', 400, "sku: expected a SKU"),
    (b'[{"sku": "SUGAR-LOOSE", "price": 100, "colour": "red"}]', 400, "unknown key"),
    (b'[{"sku": "SUGAR-LOOSE", "price": 100}, {"sku": "SUGAR-LOOSE", "price": 101}]', 400, "twice"),
    (b'["SUGAR-LOOSE"]', 400, "expected an object"),
    (b'[{"sku": "NOPE", "price": 100}]', 422, "no such product"),
    (b'[{"sku": "SUGAR-LOOSE", "price": 0}]', 422, "more than zero"),
    (b'[{"sku": "SUGAR-LOOSE", "price": -5}]', 422, "more than zero"),
    (b'[{"sku": "SUGAR-LOOSE", "price": 99999999}]', 422, "plausible"),
    (b'[{"sku": "SUGAR-LOOSE", "price": 2000}]', 422, "plausible"),          # 19x the catalogue cost
    (b'[{"sku": "SUGAR-LOOSE", "price": 100.123}]', 422, "plausible"),
    (b'[{"sku": "SUGAR-LOOSE", "price": 100, "valid_from": "3000-01-01"}]', 422, "future"),
    (b'[{"sku": "SUGAR-LOOSE", "price": 100, "valid_from": "soon"}]', 422, "not a date"),
    (b'[{"sku": "SUGAR-LOOSE", "price": 100}, {"sku": "NOPE", "price": 1}]', 422, "[1]: NOPE"),
]


@pytest.mark.parametrize(("body", "status", "says"), BAD_BODIES)
async def test_bad_bodies_are_refused_and_change_nothing(api: Any, body: bytes, status: int, says: str) -> None:
    vendor = await _vendor_id(api)
    response = await api.put(f"/api/v1/vendors/{vendor}/prices", data=body, headers=api.auth)
    assert response.status == status
    assert says in (await response.json())["error"]
    assert await _history(api) == []


@pytest.mark.parametrize("vendor", ["999999", "abc", "99999999999999999999999", "retailer"])
async def test_an_unknown_vendor_is_404(api: Any, vendor: str) -> None:
    if vendor == "retailer":
        vendor = str(await _vendor_id(api, "+9779800000001"))
    response = await api.put(f"/api/v1/vendors/{vendor}/prices", json=[{"sku": "SUGAR-LOOSE", "price": 100}],
                             headers=api.auth)
    assert response.status == 404
    assert "no vendor" in (await response.json())["error"]
