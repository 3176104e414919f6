"""`order` (status, total, vendor, lines, history, parent, count) and `offers` (who was offered an
order and how each answered)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import asyncpg

from testing.checks.registry import Actors, Comparison, actor_problem, check, same


def _key(actors: Actors, phone: str | None) -> str | None:
    """The actor with this phone, by key (the phone itself for someone who is no actor)."""
    return next((a.key for a in actors.values() if a.phone == phone), phone)


def _qty(quantity: Decimal) -> str:
    text = f"{quantity:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _lines_problem(spec: dict[str, Any], actors: Actors) -> str | None:
    lines = spec.get("lines")
    if lines is not None and not (isinstance(lines, dict) and lines):
        return "lines must map each SKU to its quantity (2) or quantity and unit (\"2 kg\")"
    return None


@check("order", selects=("id", "actor"),
       compares=("count", "status", "total", "vendor", "lines", "history", "parent"),
       roles={"actor": "retailer", "vendor": "vendor"}, validate=_lines_problem)
async def order(conn: asyncpg.Connection, actors: Actors, spec: dict[str, Any]) -> list[str]:
    """The order `id`, or else the latest order of `actor` (or of anyone); `count` counts them all."""
    rows = await conn.fetch(
        "SELECT o.id, o.status, o.total, o.parent_id, v.phone AS vendor FROM orders o"
        " JOIN users r ON r.id = o.retailer_id LEFT JOIN users v ON v.id = o.vendor_id"
        " WHERE ($1::bigint IS NULL OR o.id = $1) AND ($2::text IS NULL OR r.phone = $2) ORDER BY o.id DESC",
        spec.get("id"), actors[spec["actor"]].phone if "actor" in spec else None)
    which = f"order #{spec['id']}" if "id" in spec else f"orders of {spec['actor']}" if "actor" in spec else "orders"
    problems = []
    if "count" in spec and len(rows) != spec["count"]:
        problems.append(f"{which}: count expected {spec['count']}, got {len(rows)}")
    if not set(spec) - {"id", "actor", "count"}:
        return problems
    if not rows:
        return [*problems, f"{which}: no such order"]
    row = rows[0]
    comparison = Comparison(f"order #{row['id']}", problems)
    comparison.expect(spec, "status", row["status"])
    comparison.expect(spec, "total", row["total"])
    comparison.expect(spec, "parent", row["parent_id"])
    if "vendor" in spec and _key(actors, row["vendor"]) != spec["vendor"]:
        comparison.add(f"vendor expected {spec['vendor']}, got {_key(actors, row['vendor'])}")
    if "lines" in spec:
        items = await conn.fetch("SELECT sku, quantity, unit FROM order_items WHERE order_id = $1 ORDER BY id",
                                 row["id"])
        got = {r["sku"]: f"{_qty(r['quantity'])} {r['unit']}" for r in items}
        want = spec["lines"]
        if set(got) != set(want) or not all(
                same(got[sku].split(" ")[0], want[sku]) if isinstance(want[sku], int | float)
                else got[sku] == str(want[sku]) for sku in want):
            comparison.add(f"lines expected {want}, got {got}")
    if "history" in spec:
        got_history = [r["to_status"] for r in await conn.fetch(
            "SELECT to_status FROM order_status_history WHERE order_id = $1 ORDER BY id", row["id"])]
        want_history = spec["history"] if isinstance(spec["history"], list) else str(spec["history"]).split(" > ")
        if got_history != want_history:
            comparison.add(f"history expected {' > '.join(want_history)}, got {' > '.join(got_history) or '(none)'}")
    return comparison.problems


def _offers_problem(spec: dict[str, Any], actors: Actors) -> str | None:
    vendors = spec.get("vendors")
    if not isinstance(vendors, dict):
        return "vendors must map each vendor offered the order to its offer's status (or {status, reason})"
    for key, want in vendors.items():
        if problem := actor_problem(key, "vendor", actors):
            return f"vendors: {problem}"
        if not isinstance(want, str) and not (isinstance(want, dict) and want.keys() <= {"status", "reason"}
                                              and "status" in want):
            return f"vendors: {key}: give a status, or {{status, reason}}"
    return None


@check("offers", selects=("order",), compares=("vendors",), required=("order",), validate=_offers_problem)
async def offers(conn: asyncpg.Connection, actors: Actors, spec: dict[str, Any]) -> list[str]:
    """Every offer of the order, exactly: the vendors named and no others, each with its status."""
    rows = await conn.fetch("SELECT u.phone, f.status, f.reason FROM order_offers f JOIN users u ON u.id = f.vendor_id"
                            " WHERE f.order_id = $1 ORDER BY f.offered_at, f.vendor_id", spec["order"])
    got = {_key(actors, r["phone"]): r for r in rows}
    comparison = Comparison(f"offers of order #{spec['order']}")
    for key, want in spec["vendors"].items():
        want = want if isinstance(want, dict) else {"status": want}
        if key not in got:
            comparison.add(f"expected an offer to {key}, there is none")
            continue
        for field_name in ("status", "reason"):
            if field_name in want and not same(got[key][field_name], want[field_name]):
                comparison.add(f"{key}: {field_name} expected {want[field_name]!r}, got {got[key][field_name]!r}")
    for key in got.keys() - spec["vendors"].keys():
        comparison.add(f"an offer to {key} ({got[key]['status']}) the check does not name")
    return comparison.problems
