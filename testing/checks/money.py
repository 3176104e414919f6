"""Money and goods: `ledger` (what a shop owes, entry by entry), `payment` (a claim and its decision)
and `stock` (a vendor's stock of a SKU)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import asyncpg

from testing.checks.registry import Actors, Comparison, check, row_check, same, shown


def _entries_problem(spec: dict[str, Any], actors: Actors) -> str | None:
    entries = spec.get("entries")
    if entries is None or (isinstance(entries, int) and not isinstance(entries, bool)):
        return None
    if isinstance(entries, list) and all(_entry(e) for e in entries):
        return None
    return 'entries must be a count or a list of "KIND amount" in ledger order, e.g. "ORDER_DEBIT 226.80"'


def _entry(text: Any) -> tuple[str, Decimal] | None:
    kind, _, amount = str(text).partition(" ")
    try:
        return kind, Decimal(amount)
    except InvalidOperation:
        return None


@check("ledger", selects=("actor", "order"), compares=("outstanding", "balance", "entries"), required=("actor",),
       roles={"actor": "retailer"}, validate=_entries_problem)
async def ledger(conn: asyncpg.Connection, actors: Actors, spec: dict[str, Any]) -> list[str]:
    """The retailer's credit ledger (only the entries of `order`, when given): `outstanding` is the sum of
    the entries, `balance` what the last of them records as owed after it."""
    rows = await conn.fetch(
        "SELECT l.kind, l.amount, l.balance_after FROM credit_ledger l JOIN users u ON u.id = l.retailer_id"
        " WHERE u.phone = $1 AND ($2::bigint IS NULL OR l.order_id = $2) ORDER BY l.id",
        actors[spec["actor"]].phone, spec.get("order"))
    label = f"ledger of {spec['actor']}" + (f" for order #{spec['order']}" if "order" in spec else "")
    comparison = Comparison(label)
    comparison.expect(spec, "outstanding", sum((r["amount"] for r in rows), Decimal(0)))
    comparison.expect(spec, "balance", rows[-1]["balance_after"] if rows else Decimal(0))
    entries = spec.get("entries")
    got = [f"{r['kind']} {r['amount']}" for r in rows]
    if isinstance(entries, int) and len(rows) != entries:
        comparison.add(f"entries expected {entries}, got {len(rows)}: {got}")
    if isinstance(entries, list) and [_entry(e) for e in entries] != [(r["kind"], r["amount"]) for r in rows]:
        comparison.add(f"entries expected {entries}, got {got}")
    return comparison.problems


@check("stock", selects=("vendor", "sku"), compares=("quantity",), required=("vendor", "sku", "quantity"),
       roles={"vendor": "vendor"})
async def stock(conn: asyncpg.Connection, actors: Actors, spec: dict[str, Any]) -> list[str]:
    """A vendor's stock of one SKU; `quantity: null` is a listed product whose stock is not tracked."""
    row = await conn.fetchrow("SELECT vp.stock FROM vendor_products vp JOIN users u ON u.id = vp.vendor_id"
                              " WHERE u.phone = $1 AND vp.sku = $2", actors[spec["vendor"]].phone, spec["sku"])
    label = f"stock of {spec['vendor']} {spec['sku']}"
    if row is None:
        return [f"{label}: {spec['vendor']} does not list {spec['sku']}"]
    return [] if same(row["stock"], spec["quantity"]) else [
        f"{label}: expected {shown(spec['quantity'])}, got {shown(row['stock'])}"]


row_check("payment", "payments", {
    "status": "status", "amount": "amount", "method": "method", "reference": "reference",
    "confirmed_amount": "confirmed_amount", "vendor_amount": "vendor_amount", "decided_by": "decided_by",
    "reason": "reason",
})
