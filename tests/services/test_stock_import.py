"""`khaacho stock import`: good rows applied, bad ones reported with their line numbers."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

from bot.commands.stock import import_stock
from tests.services.conftest import World


async def test_import_sets_stock_and_price(world: World, tmp_path: Path) -> None:
    csv = tmp_path / "stock.csv"
    csv.write_text("vendor_phone,sku,quantity,price\n"
                   "+9779800000101,SUGAR-LOOSE,500,101.5\n"
                   "+9779800000102,COKE-500-BTL,48,\n"
                   "+9779800000999,SUGAR-LOOSE,1,\n"
                   "+9779800000101,NOPE,1,\n"
                   "+9779800000101,SUGAR-LOOSE,lots,\n", encoding="utf-8")
    applied, errors = await import_stock(csv, os.environ["DATABASE_URL"])
    assert applied == 2
    assert [line for line, _ in errors] == [4, 5, 6]
    async with world.pool.acquire() as conn:
        rows = {(r["vendor_id"], r["sku"]): (r["stock"], r["price"]) for r in await conn.fetch(
            "SELECT vendor_id, sku, stock, price FROM vendor_products WHERE stock IS NOT NULL")}
    assert rows == {(world.sita, "SUGAR-LOOSE"): (Decimal("500"), Decimal("101.50")),
                    (world.gita, "COKE-500-BTL"): (Decimal("48"), None)}
