"""The catalogue: products and their aliases, loaded in bulk with COPY."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

import asyncpg

from domain.catalog import Product


class ProductRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def names_in_script(self, skus: Sequence[str], language: str) -> dict[str, str]:
        """sku -> the catalogue alias written in the reader's script, for readers of Devanagari (the
        shortest such alias, so the common word rather than a phrase)."""
        if not language.endswith("-deva") or not skus:
            return {}
        rows = await self.conn.fetch(
            "SELECT DISTINCT ON (sku) sku, alias FROM product_aliases WHERE sku = ANY($1::text[])"
            " AND alias ~ '[\u0900-\u097F]' ORDER BY sku, length(alias), alias", list(skus))
        return {r["sku"]: r["alias"] for r in rows}

    async def upsert_many(self, products: Sequence[Product], at: datetime) -> None:
        """Insert or update by SKU; a product's aliases become exactly the ones given."""
        await self.conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS product_load (sku text, name text, brand text,"
            " category text, unit text, price numeric, aliases text[], weight_kg numeric, sales numeric)"
            " ON COMMIT DROP"
        )
        await self.conn.execute("TRUNCATE product_load")
        await self.conn.copy_records_to_table(
            "product_load",
            records=[(p.sku, p.name, p.brand, p.category, p.unit, p.price, list(p.aliases), p.weight_kg,
                      Decimal(str(p.sales))) for p in products],
        )
        await self.conn.execute(
            "INSERT INTO products (sku, name, brand, category, unit, price, weight_kg, sales, updated_at)"
            " SELECT DISTINCT ON (sku) sku, name, brand, category, unit, price, weight_kg, COALESCE(sales, 0), $1"
            " FROM product_load"
            " ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, brand = EXCLUDED.brand,"
            " category = EXCLUDED.category, unit = EXCLUDED.unit, price = EXCLUDED.price,"
            " weight_kg = EXCLUDED.weight_kg, sales = EXCLUDED.sales, active = true, updated_at = EXCLUDED.updated_at"
            " WHERE (products.name, products.brand, products.category, products.unit, products.price,"
            " products.weight_kg, products.sales) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.brand, EXCLUDED.category,"
            " EXCLUDED.unit, EXCLUDED.price, EXCLUDED.weight_kg, EXCLUDED.sales)",
            at,
        )
        await self.conn.execute(
            "DELETE FROM product_aliases a USING product_load l WHERE a.sku = l.sku"
            " AND NOT a.alias = ANY(l.aliases)"
        )
        await self.conn.execute(
            "INSERT INTO product_aliases (sku, alias) SELECT DISTINCT sku, unnest(aliases) FROM product_load"
            " ON CONFLICT DO NOTHING"
        )

    async def all(self) -> list[Product]:
        rows = await self.conn.fetch(
            "SELECT p.sku, p.name, p.unit, p.price, p.brand, p.category, p.sales,"
            " COALESCE(array_agg(a.alias ORDER BY a.alias) FILTER (WHERE a.alias IS NOT NULL), '{}') AS aliases"
            " FROM products p LEFT JOIN product_aliases a USING (sku) WHERE p.active"
            " GROUP BY p.sku ORDER BY p.sku"
        )
        return [_product(r) for r in rows]

    async def by_skus(self, skus: Iterable[str], *, aliases: bool = False) -> dict[str, Product]:
        """Products by SKU (inactive ones too: an order may hold them); with their aliases if asked."""
        alias_list = ("COALESCE((SELECT array_agg(a.alias ORDER BY a.alias) FROM product_aliases a"
                      " WHERE a.sku = p.sku), '{}')" if aliases else "'{}'::text[]")
        rows = await self.conn.fetch(
            f"SELECT sku, name, unit, price, brand, category, {alias_list} AS aliases FROM products p"
            " WHERE sku = ANY($1)",
            list(skus),
        )
        return {r["sku"]: _product(r) for r in rows}

    async def version(self) -> str:
        """Changes whenever the catalogue does; the NLU index rebuilds when it moves."""
        row = await self.conn.fetchrow(
            "SELECT count(*) AS n, max(updated_at) AS at,"
            " (SELECT count(*) FROM product_aliases) AS aliases FROM products"
        )
        return f"{row['n']}:{row['at']}:{row['aliases']}"

    async def skus(self) -> set[str]:
        """Every SKU in the catalogue, inactive ones too (stock imports)."""
        return {r["sku"] for r in await self.conn.fetch("SELECT sku FROM products")}


def _product(row: asyncpg.Record) -> Product:
    return Product(sku=row["sku"], name=row["name"], unit=row["unit"], price=Decimal(row["price"]),
                   aliases=tuple(row["aliases"]), brand=row["brand"], category=row["category"],
                   sales=float(row.get("sales") or 0))
