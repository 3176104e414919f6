"""PUT /api/v1/vendors/{id}/prices: set a vendor's own prices from a JSON list of
{"sku": "SUGAR-LOOSE", "price": 102.5, "valid_from": "2026-11-01T09:00+05:45"} (valid_from optional).

All or nothing: a body with any bad entry changes nothing and the 4xx names every bad entry. The
same body sent twice writes one history row (a price equal to the current one writes nothing).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from aiohttp import web

from bot.appkeys import CONFIG, RUNTIME
from bot.commands.prices import valid_from
from bot.web.api.auth import authenticated, caller, error
from bot.web.api.context import unit_of_work
from bot.web.api.params import BadParam, bad_request, parse_json
from services.ops.audit import audit
from services.prices import REFUSALS, refused_price, set_vendor_prices

MAX_ENTRIES = 1000
KEYS = {"sku", "price", "valid_from"}


def _price(value: Any) -> Decimal | None:
    """A JSON number as a Decimal; None for anything else (a string, true, null, NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or len(str(value)) > 30:
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _entry_problem(index: int, entry: Any, seen: set[str]) -> str | None:
    if not isinstance(entry, dict):
        return f"[{index}]: expected an object {{sku, price, valid_from?}}"
    if unknown := set(entry) - KEYS:
        return f"[{index}]: unknown key(s) {', '.join(sorted(map(str, unknown)))}"
    sku = entry.get("sku")
    if not isinstance(sku, str) or not sku.strip() or len(sku) > 100:
        return f"[{index}].sku: expected a SKU"
    if sku in seen:
        return f"[{index}].sku: {sku} is given twice"
    seen.add(sku)
    if _price(entry.get("price")) is None:
        return f"[{index}].price: expected a number"
    if entry.get("valid_from") is not None and not isinstance(entry["valid_from"], str):
        return f"[{index}].valid_from: expected a date or date-time string"
    return None


@authenticated
async def put_prices(request: web.Request) -> web.Response:
    text = request.match_info["id"]
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return error(404, f"no vendor {text}")
    vendor_id, config, now = int(text), request.app[CONFIG], request.app[RUNTIME].clock.now()
    try:
        body = parse_json(await request.read())
    except BadParam as exc:
        return bad_request(exc)
    if not isinstance(body, list) or not body or len(body) > MAX_ENTRIES:
        return error(400, f"the body must be a JSON list of 1 to {MAX_ENTRIES} {{sku, price, valid_from?}}")
    seen: set[str] = set()
    problems = [p for i, entry in enumerate(body) if (p := _entry_problem(i, entry, seen))]
    if problems:
        return web.json_response({"error": "; ".join(problems[:20])}, status=400)
    async with unit_of_work(request) as uow:
        vendor = await uow.users.by_id(vendor_id)
        if vendor is None or vendor.role != "vendor":
            return error(404, f"no vendor {vendor_id}")
        rows: list[tuple[str, Decimal, datetime | None]] = []
        for i, entry in enumerate(body):
            price = _price(entry["price"])
            assert price is not None
            why = await refused_price(uow, entry["sku"], price)
            if why:
                problems.append(f"[{i}]: {entry['sku']} at {price}: {REFUSALS[why]}")
                continue
            try:
                rows.append((entry["sku"], price, valid_from(entry.get("valid_from"), now, config)))
            except ValueError as exc:
                problems.append(f"[{i}]: {exc}")
        if problems:
            return web.json_response({"error": "; ".join(problems[:20])}, status=422)
        done = await set_vendor_prices(uow, vendor_id, rows, caller(request), now, config)
        changed = [{"sku": d.sku, "old": None if d.old is None else str(d.old), "new": str(d.new)}
                   for d in done if d.changed]
        if changed:
            await audit(uow, caller(request), "api prices", now, subject=f"vendor #{vendor_id}",
                        after={"changed": len(changed)})
    return web.json_response({"vendor_id": vendor_id, "changed": changed,
                              "unchanged": [d.sku for d in done if not d.changed]})
