"""`catalog import`'s one-transaction path: bad rows reported by line, the later row of a SKU wins, only
changed products take a new version, one notification per import, and a re-import changes nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from bot.commands.catalog import import_catalog
from bot.runtime import Runtime
from domain.catalog import Product
from storage.db import connect
from storage.repos.products import ProductRepository
from testing.database import reset_database

HEADER = "sku,name,aliases,brand,category,unit,price\n"
ROWS = [
    "SUG,Sugar 1 kg,chini|चिनी,,sugar,kg,105",
    "BAD1,Thing,,,x,litre-ish,10",
    '"RICE","Rice, ""Sona""\nmasuri",,,rice,kg,80',  # a quoted field over two lines
    "BAD2,,,,x,kg,10",
    "DAL,Masoor Dal,,,dal,kg,140",
    "SUG,Sugar 1 kg,chini|cheeni,,sugar,kg,110",  # the later row of a SKU wins
    "BAD3,Thing,,,x,kg,ten",
    "BAD4,Thing,,,x,kg,123456789012",  # past what a price column holds: reported, not a failed import
]


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


async def _versions(conn: object) -> dict[str, int]:
    return {r["sku"]: r["version"] for r in await conn.fetch("SELECT sku, version FROM products")}  # type: ignore[attr-defined]


async def test_bad_rows_by_line_and_only_changed_products_versioned(runtime: Runtime, tmp_path: Path) -> None:
    await reset_database(runtime)
    url = runtime.config.secrets.database_url or ""
    notified: list[str] = []
    conn = await connect(url)
    await conn.add_listener("product_changes", lambda *args: notified.append(args[3]))
    try:
        imported, errors = await import_catalog(_write(tmp_path / "a.csv", ROWS), url, progress=False)
        assert imported == 3
        assert [line for line, _ in errors] == [3, 6, 9, 10]
        assert "unit" in errors[0][1] and "name" in errors[1][1] and "price" in errors[2][1]
        assert "more than" in errors[3][1]
        rows = {r["sku"]: r for r in await conn.fetch("SELECT sku, name, price FROM products")}
        assert rows["SUG"]["price"] == Decimal("110.00") and rows["RICE"]["name"] == 'Rice, "Sona"\nmasuri'
        aliases = [r["alias"] for r in await conn.fetch("SELECT alias FROM product_aliases WHERE sku = 'SUG'"
                                                       " ORDER BY alias")]
        assert aliases == ["cheeni", "chini"]
        first = await _versions(conn)

        # the same file again: nothing changes, no product takes a new version
        assert (await import_catalog(tmp_path / "a.csv", url, progress=False))[0] == 3
        assert await _versions(conn) == first

        # one price and one alias changed: those two products, and no other, take new versions
        changed = [r.replace("DAL,Masoor Dal,,,dal,kg,140", "DAL,Masoor Dal,,,dal,kg,150")
                   .replace("chini|cheeni", "chini") for r in ROWS]
        await import_catalog(_write(tmp_path / "b.csv", changed), url, progress=False)
        after = await _versions(conn)
        assert {sku for sku in after if after[sku] != first[sku]} == {"DAL", "SUG"}
        assert await conn.fetchval("SELECT price FROM products WHERE sku = 'DAL'") == Decimal("150.00")
        await asyncio.sleep(0.3)
        assert len(notified) == 3  # one per import: the change feed's batch, not one per row
    finally:
        await conn.close()


async def test_a_sku_added_meanwhile_by_another_import_is_updated_not_refused(runtime: Runtime) -> None:
    """New SKUs go in with a plain insert; when a concurrent transaction commits the same SKU first,
    the import falls back to an upsert and its values win, instead of failing on the unique key."""
    await reset_database(runtime)
    url = runtime.config.secrets.database_url or ""
    at = datetime(2026, 12, 3, tzinfo=UTC)
    first, second = await connect(url), await connect(url)
    try:
        early = first.transaction()
        await early.start()
        await ProductRepository(first).upsert_many([Product("NEW-1", "Ghee 1 l", "litre", Decimal("900"))], at)

        async def late() -> int:
            async with second.transaction():
                return await ProductRepository(second).upsert_many(
                    [Product("NEW-1", "Ghee 1 l", "litre", Decimal("950")),
                     Product("NEW-2", "Ghee 500 ml", "litre", Decimal("480"))], at)

        waiting = asyncio.create_task(late())
        await asyncio.sleep(0.3)  # the late import now waits on NEW-1's unique key
        assert not waiting.done()
        await early.commit()
        assert await waiting == 2
        prices = {r["sku"]: r["price"] for r in await first.fetch("SELECT sku, price FROM products")}
        assert prices == {"NEW-1": Decimal("950.00"), "NEW-2": Decimal("480.00")}
    finally:
        await first.close()
        await second.close()
