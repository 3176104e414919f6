"""`catalog import`'s one-transaction path: bad rows reported by line, the later row of a SKU wins, only
changed products take a new version, one notification per import, and a re-import changes nothing."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

from bot.commands.catalog import import_catalog
from bot.runtime import Runtime
from storage.db import connect
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
        assert [line for line, _ in errors] == [3, 6, 9]
        assert "unit" in errors[0][1] and "name" in errors[1][1] and "price" in errors[2][1]
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
