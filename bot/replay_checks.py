"""Fixture checks on money and goods: `ledger: {actor, outstanding}` and `stock: {vendor, sku, quantity}`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


async def check_amount(conn: Any, actors: dict[str, Any], name: str, spec: dict[str, Any]) -> list[str]:
    """Problems with a ledger (sum of the retailer's credit ledger) or stock (vendor_products) check."""
    if name == "ledger":
        who, want = spec["actor"], spec["outstanding"]
        got = await conn.fetchval("SELECT COALESCE(sum(l.amount), 0) FROM credit_ledger l JOIN users u"
                                  " ON u.id = l.retailer_id WHERE u.phone = $1", actors[who].phone)
    else:
        who, want = f"{spec['vendor']} {spec['sku']}", spec["quantity"]
        got = await conn.fetchval("SELECT vp.stock FROM vendor_products vp JOIN users u ON u.id = vp.vendor_id"
                                  " WHERE u.phone = $1 AND vp.sku = $2", actors[spec["vendor"]].phone, spec["sku"])
    same = (got is None and want is None) or (got is not None and want is not None
                                              and Decimal(str(got)) == Decimal(str(want)))
    return [] if same else [f"{name} {who}: expected {want!r}, got {got!r}"]
