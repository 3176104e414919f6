"""`khaacho stock import`: good rows applied, bad ones reported with their line numbers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from bot.commands.stock import import_stock
from tests.conftest import make_config
from tests.services.conftest import World


async def test_import_sets_stock_price_and_reorder_pack(world: World, tmp_path: Path) -> None:
    csv = tmp_path / "stock.csv"
    csv.write_text("vendor_phone,sku,quantity,price,reorder_pack\n"
                   "+9779800000101,SUGAR-LOOSE,500,101.5,50\n"
                   "+9779800000102,COKE-500-BTL,48,,\n"
                   "+9779800000999,SUGAR-LOOSE,1,,\n"
                   "+9779800000101,NOPE,1,,\n"
                   "+9779800000101,SUGAR-LOOSE,lots,,\n"
                   "+9779800000102,SUGAR-LOOSE,10,1200,\n"  # past ten times the catalogue cost: a typo
                   "+9779800000102,SUGAR-LOOSE,10,,0\n", encoding="utf-8")
    applied, errors = await import_stock(csv, make_config())
    assert applied == 2
    assert [line for line, _ in errors] == [4, 5, 6, 7, 8]
    assert "plausible" in errors[3][1] and "reorder_pack" in errors[4][1]
    async with world.pool.acquire() as conn:
        rows = {(r["vendor_id"], r["sku"]): (r["stock"], r["price"], r["reorder_pack"]) for r in await conn.fetch(
            "SELECT vendor_id, sku, stock, price, reorder_pack FROM vendor_products WHERE stock IS NOT NULL")}
        history = [tuple(r) for r in await conn.fetch(
            "SELECT vendor_id, sku, new_price, changed_by FROM vendor_price_history")]
    assert rows == {(world.sita, "SUGAR-LOOSE"): (Decimal("500"), Decimal("101.50"), Decimal("50")),
                    (world.gita, "COKE-500-BTL"): (Decimal("48"), None, Decimal("1"))}
    assert history == [(world.sita, "SUGAR-LOOSE", Decimal("101.50"), "cli")]  # kept as prices import keeps it
