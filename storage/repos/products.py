"""The catalogue: products and their aliases, loaded in bulk with COPY."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import asyncpg

from domain.catalog import Product


@dataclass(frozen=True)
class FeedPosition:
    """Where a reader of the catalogue's change feed stands: the highest version it has applied, and
    the oldest transaction still running when it read (its rows may carry a lower version)."""

    version: int
    xmin: int
    recent: frozenset[tuple[int, int]] = frozenset()  # (version, txid) read already, txid >= xmin


@dataclass(frozen=True)
class CatalogChanges:
    upserts: list[Product]  # active products added or changed since the position
    removed: list[str]  # SKUs deleted or deactivated since
    position: FeedPosition
    reset: bool = False  # the table was emptied meanwhile: load the whole catalogue again


_CHANGED = (
    "SELECT p.sku, p.name, p.unit, p.price, p.brand, p.category, p.active, p.version, p.txid::text AS txid,"
    " COALESCE((SELECT array_agg(a.alias ORDER BY a.alias) FROM product_aliases a WHERE a.sku = p.sku),"
    " '{}') AS aliases FROM products p WHERE (p.version > $1 OR p.txid >= $2::text::xid8)"
    " AND NOT p.version = ANY($3::bigint[]) ORDER BY p.version"
)
_TOMBSTONES = ("SELECT sku, version, txid::text AS txid FROM product_tombstones"
               " WHERE (version > $1 OR txid >= $2::text::xid8) AND NOT version = ANY($3::bigint[]) ORDER BY version")


# A staged product: its line in the file, then the columns of _STAGE_COLUMNS after it.
StagedRecord = tuple[int, str, str, str, str, str, Decimal, list[str], Decimal | None, Decimal]
_STAGE_COLUMNS = ("line", "sku", "name", "brand", "category", "unit", "price", "aliases", "weight_kg", "sales")
# typed as in products, so a staged price compares with a stored one as it would be stored
_STAGE = ("CREATE TEMP TABLE product_stage (line bigint, sku text, name text, brand text, category text, unit text,"
          " price numeric(12,2), aliases text[], weight_kg numeric(10,3), sales numeric) ON COMMIT DROP")
# The columns an import writes; a product whose values equal these is left alone (no new version).
_FIELDS = ("name", "brand", "category", "unit", "price", "weight_kg", "sales")


def _fields(prefix: str = "") -> str:
    return ", ".join(prefix + f for f in _FIELDS)


_LOADED = ", ".join(f"COALESCE(l.{f}, 0)" if f == "sales" else f"l.{f}" for f in _FIELDS)
_UPDATE_CHANGED = (
    f"UPDATE products p SET ({_fields()}, active, updated_at) = ({_LOADED}, true, $1)"
    f" FROM product_load l WHERE p.sku = l.sku AND ({_fields('p.')}) IS DISTINCT FROM ({_LOADED})"
)
_INSERT_NEW = (
    f"INSERT INTO products (sku, {_fields()}, updated_at) SELECT l.sku, {_LOADED}, $1"
    " FROM product_load l WHERE NOT EXISTS (SELECT FROM products p WHERE p.sku = l.sku) ORDER BY l.sku"
)
# For when a concurrent transaction added some of the same SKUs: one upsert of every row.
_UPSERT = (
    f"INSERT INTO products AS p (sku, {_fields()}, updated_at) SELECT l.sku, {_LOADED}, $1"
    f" FROM product_load l ON CONFLICT (sku) DO UPDATE SET ({_fields()}, active, updated_at) ="
    f" ({_fields('EXCLUDED.')}, true, EXCLUDED.updated_at)"
    f" WHERE ({_fields('p.')}) IS DISTINCT FROM ({_fields('EXCLUDED.')})"
)
_NO_SALES = Decimal(0)


def staged_record(line: int, p: Product) -> StagedRecord:
    return (line, p.sku, p.name, p.brand, p.category, p.unit, p.price, list(p.aliases), p.weight_kg,
            Decimal(str(p.sales)) if p.sales else _NO_SALES)


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

    async def upsert_many(self, products: Sequence[Product], at: datetime) -> int:
        """Insert or update by SKU (call in a transaction); a product's aliases become exactly the ones
        given. Returns how many products were added or changed."""
        await self.stage(staged_record(n, p) for n, p in enumerate(products))
        return await self.merge_staged(at)

    async def stage(self, records: Iterable[StagedRecord] | AsyncIterable[StagedRecord]) -> None:
        """COPY (line, product) records into this transaction's staging table, streamed."""
        await self.conn.execute(_STAGE)
        await self.conn.copy_records_to_table("product_stage", records=records, columns=_STAGE_COLUMNS)

    async def merge_staged(self, at: datetime) -> int:
        """Upsert the staged products (of a SKU staged twice, the later line) in one statement each
        for products and aliases: rows equal to the stored ones are left alone, so only products that
        changed take a new version (the change feed's one notification per transaction)."""
        await self.conn.execute(
            "CREATE TEMP TABLE product_load ON COMMIT DROP AS"
            " SELECT DISTINCT ON (sku) * FROM product_stage ORDER BY sku, line DESC;"
            " ANALYZE product_load")
        # Changed rows in place and new rows appended: a plain insert skips the speculative insertion
        # an upsert makes per row (about a third of a first import's time).
        changed = _count(await self.conn.execute(_UPDATE_CHANGED, at))
        try:
            async with self.conn.transaction():
                changed += _count(await self.conn.execute(_INSERT_NEW, at))
        except asyncpg.UniqueViolationError:
            changed += _count(await self.conn.execute(_UPSERT, at))
        await self.conn.execute(
            "DELETE FROM product_aliases a USING product_load l WHERE a.sku = l.sku"
            " AND NOT a.alias = ANY(l.aliases)"
        )
        await self.conn.execute(
            "INSERT INTO product_aliases (sku, alias) SELECT DISTINCT sku, unnest(aliases) FROM product_load"
            " ORDER BY 1, 2 ON CONFLICT DO NOTHING"
        )
        await self.conn.execute("DROP TABLE product_stage, product_load")
        return changed

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
        skus = list(skus)
        if not skus:
            return {}
        alias_list = ("COALESCE((SELECT array_agg(a.alias ORDER BY a.alias) FROM product_aliases a"
                      " WHERE a.sku = p.sku), '{}')" if aliases else "'{}'::text[]")
        rows = await self.conn.fetch(
            f"SELECT sku, name, unit, price, brand, category, {alias_list} AS aliases FROM products p"
            " WHERE sku = ANY($1)",
            skus,
        )
        return {r["sku"]: _product(r) for r in rows}

    async def version(self) -> str:
        """Changes whenever the catalogue does; the NLU index rebuilds when it moves."""
        row = await self.conn.fetchrow(
            "SELECT count(*) AS n, max(updated_at) AS at,"
            " (SELECT count(*) FROM product_aliases) AS aliases FROM products"
        )
        return f"{row['n']}:{row['at']}:{row['aliases']}"

    async def all_with_position(self) -> tuple[list[Product], FeedPosition]:
        """The active catalogue and the change-feed position it reflects (one snapshot)."""
        async with self.conn.transaction(isolation="repeatable_read", readonly=True):
            position = await self._position(0)
            recent = await self.conn.fetch(
                "SELECT version, txid::text AS txid FROM products WHERE txid >= $1::text::xid8 UNION ALL"
                " SELECT version, txid::text FROM product_tombstones WHERE txid >= $1::text::xid8", str(position.xmin))
            position = dataclasses.replace(position, recent=_recent(recent, position.xmin))
            return await self.all(), position

    async def changes_since(self, since: FeedPosition) -> CatalogChanges:
        """What changed after `since` (a product changed twice is given once, as it is now).

        Rows of transactions that were running at `since` are read again whatever their version:
        applying a product twice is harmless, missing one is not."""
        async with self.conn.transaction(isolation="repeatable_read", readonly=True):
            seen = [v for v, _ in since.recent]  # read already, not sent again
            every = await self.conn.fetch(_CHANGED, since.version, str(since.xmin), seen)
            gone = await self.conn.fetch(_TOMBSTONES, since.version, str(since.xmin), seen)
            top = max([since.version, *(r["version"] for r in every), *(r["version"] for r in gone)])
            position = await self._position(top)
        # rows this read may see again next time; rows seen last time are not applied twice
        position = dataclasses.replace(position, recent=_recent([*every, *gone], position.xmin)
                                       | {(v, t) for v, t in since.recent if t >= position.xmin})
        rows, dropped = every, gone
        if any(r["sku"] is None for r in dropped):
            return CatalogChanges([], [], position, reset=True)
        events = sorted([(r["version"], r["sku"], _product(r) if r["active"] else None) for r in rows]
                        + [(r["version"], r["sku"], None) for r in dropped], key=lambda e: e[0])
        latest: dict[str, Product | None] = {}
        for _, sku, product in events:
            latest[sku] = product
        return CatalogChanges([p for p in latest.values() if p is not None],
                              [sku for sku, p in latest.items() if p is None], position)

    async def _position(self, version: int) -> FeedPosition:
        row = await self.conn.fetchrow(
            "SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin,"
            " (SELECT COALESCE(max(version), 0) FROM products) AS p,"
            " (SELECT COALESCE(max(version), 0) FROM product_tombstones) AS t")
        top = version or max(row["p"], row["t"])
        return FeedPosition(top, int(row["xmin"]))

    async def skus(self) -> set[str]:
        """Every SKU in the catalogue, inactive ones too (stock imports)."""
        return {r["sku"] for r in await self.conn.fetch("SELECT sku FROM products")}


def _count(status: str) -> int:
    """Rows a command touched, from its status ("UPDATE 3", "INSERT 0 5")."""
    return int(status.split()[-1])


def _recent(rows: Iterable[asyncpg.Record], xmin: int) -> frozenset[tuple[int, int]]:
    """(version, txid) of the rows a reader at xmin may be sent again: their transaction is >= xmin."""
    return frozenset((r["version"], int(r["txid"])) for r in rows if int(r["txid"]) >= xmin)


def _product(row: asyncpg.Record) -> Product:
    return Product(sku=row["sku"], name=row["name"], unit=row["unit"], price=Decimal(row["price"]),
                   aliases=tuple(row["aliases"]), brand=row["brand"], category=row["category"],
                   sales=float(row.get("sales") or 0))
