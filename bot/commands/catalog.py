"""`catalog import FILE.csv`: upsert by SKU in one transaction, bad rows reported with their line numbers.
`catalog export --format meta FILE.csv`: the active products as a Meta Commerce Manager feed."""

from __future__ import annotations

import argparse
import csv
from collections.abc import AsyncIterator
from pathlib import Path

from tqdm import tqdm

from bot.config import Config
from domain.catalog_feed import FEED_HEADER, feed_row
from nlu.catalog_csv import CatalogFileError, iter_catalog_csv
from storage.clock import SystemClock
from storage.db import connect, migrate
from storage.repos.products import ProductRepository, StagedRecord, staged_record
from storage.repos.retailer_views import RetailerViews

PROGRESS_EVERY = 10_000  # rows between updates of the progress bar


def register(sub: argparse._SubParsersAction) -> None:
    catalog = sub.add_parser("catalog", help="manage the product catalogue").add_subparsers(
        dest="action", required=True)
    imp = catalog.add_parser("import", help="import products from CSV (upsert by sku)")
    imp.add_argument("file", type=Path, help="CSV with header sku,name,aliases,brand,category,unit,price")
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.set_defaults(run=run_import)
    exp = catalog.add_parser("export", help="write the catalogue as a product feed")
    exp.add_argument("--format", choices=("meta",), default="meta",
                     help="meta: a Commerce Manager CSV feed for the WhatsApp catalogue")
    exp.add_argument("file", type=Path, help="the CSV file to write")
    exp.set_defaults(run=run_export)


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


async def import_catalog(path: Path, database_url: str, *, progress: bool = True) -> tuple[int, list]:
    """Import a catalogue file in one transaction; returns (products read, [(line, error)]).

    One streaming pass validates the rows (bad ones go to the errors with their line numbers) and
    COPYs the good ones into a staging table while PostgreSQL takes them in; then one set-based
    upsert writes only the products that changed (ProductRepository.merge_staged)."""
    errors: list[tuple[int, str]] = []
    skus: set[str] = set()
    conn = await connect(database_url)
    try:
        await migrate(conn)
        repo = ProductRepository(conn)
        bar = tqdm(total=_count_lines(path) - 1, unit="rows", unit_scale=True, disable=not progress,
                   desc="importing")

        async def records() -> AsyncIterator[StagedRecord]:
            last_line = 1
            for line, product in iter_catalog_csv(path, errors):
                skus.add(product.sku)
                yield staged_record(line, product)
                if line - last_line >= PROGRESS_EVERY:
                    bar.update(line - last_line)
                    last_line = line

        async with conn.transaction():
            await repo.stage(records())
            bar.update(bar.total - bar.n)
            bar.set_description("writing changes")
            await repo.merge_staged(SystemClock().now())
        bar.close()
    finally:
        await conn.close()
    return len(skus), errors


async def run_import(args: argparse.Namespace, config: Config) -> int:
    try:
        imported, errors = await import_catalog(args.file, config.secrets.database_url or "",
                                                progress=not args.quiet)
    except (CatalogFileError, OSError, UnicodeDecodeError) as exc:
        print(f"error: {exc}")
        return 2
    for line, error in errors[:50]:
        print(f"line {line}: {error}")
    if len(errors) > 50:
        print(f"... and {len(errors) - 50} more bad rows")
    print(f"imported {imported} products from {args.file}; {len(errors)} bad rows skipped")
    return 0 if not errors else 1


async def export_meta_feed(path: Path, config: Config) -> int:
    """Write every active product as a feed row (in stock when any active vendor can supply it);
    returns the number of rows written."""
    meta = config.channels.meta
    conn = await connect(config.secrets.database_url or "")
    try:
        await migrate(conn)
        found = await ProductRepository(conn).all()
        stocked = await RetailerViews(conn).in_stock([p.sku for p in found])
    finally:
        await conn.close()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FEED_HEADER)
        writer.writeheader()
        for product in found:
            writer.writerow(feed_row(product, in_stock=stocked[product.sku] > 0, currency=meta.currency,
                                     link=meta.feed_link, image_link=meta.feed_image_link))
    return len(found)


async def run_export(args: argparse.Namespace, config: Config) -> int:
    try:
        written = await export_meta_feed(args.file, config)
    except OSError as exc:
        print(f"error: {exc}")
        return 2
    print(f"wrote {written} products to {args.file} ({config.channels.meta.currency})")
    return 0
