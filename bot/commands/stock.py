"""`stock import FILE.csv`: set vendors' stock from `vendor_phone,sku,quantity[,price][,reorder_pack]`.

A price goes through the same rules and history as `prices import` (checked, kept with who: `cli`,
told to the admins when it is off the market); `reorder_pack` is what the vendor restocks the SKU in
(a 50 kg sack, a carton of 30), which rounds the stock-cover advice up to whole packs.
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bot.config import Config
from services.bootstrap import unit_of_work
from services.prices import REFUSALS, refused_price, set_vendor_prices
from services.texts import default_texts
from storage.clock import SystemClock
from storage.db import create_pool, migrate

HEADER = ("vendor_phone", "sku", "quantity")


def register(sub: argparse._SubParsersAction) -> None:
    stock = sub.add_parser("stock", help="manage vendor stock").add_subparsers(dest="action", required=True)
    imp = stock.add_parser("import",
                           help="set vendor stock from CSV (vendor_phone,sku,quantity[,price][,reorder_pack])")
    imp.add_argument("file", type=Path)
    imp.set_defaults(run=run_import)


def _decimal(value: str | None, field: str, allow_empty: bool = False) -> Decimal | None:
    text = (value or "").strip()
    if not text and allow_empty:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{field} {text!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"{field} {text!r} must be zero or more")
    return number


def _reorder_pack(value: str | None) -> Decimal | None:
    pack = _decimal(value, "reorder_pack", allow_empty=True)
    if pack is not None and not 0 < pack < 10**11:  # vendor_products.reorder_pack is numeric(14, 3)
        raise ValueError(f"reorder_pack {pack} must be more than zero and under 10^11")
    return pack


async def import_stock(path: Path, config: Config) -> tuple[int, list[tuple[int, str]]]:
    """Apply every good row in one transaction; returns (rows applied, [(line, error)])."""
    errors: list[tuple[int, str]] = []
    applied = 0
    clock = SystemClock()
    now = clock.now()
    prices: defaultdict[int, list[tuple[str, Decimal, datetime | None]]] = defaultdict(list)
    pool = await create_pool(config.secrets.database_url or "", min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
        async with unit_of_work(pool, default_texts(), clock, config) as uow:
            vendors = await uow.users.vendor_ids_by_phone()
            skus = await uow.products.skus()
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                missing = [c for c in HEADER if c not in (reader.fieldnames or [])]
                if missing:
                    raise ValueError(f"{path}: header lacks {', '.join(missing)};"
                                     f" expected {','.join(HEADER)}[,price][,reorder_pack]")
                for row in reader:
                    try:
                        vendor = vendors.get((row.get("vendor_phone") or "").strip())
                        sku = (row.get("sku") or "").strip()
                        if vendor is None:
                            raise ValueError(f"no vendor with phone {row.get('vendor_phone')!r}")
                        if sku not in skus:
                            raise ValueError(f"no product {sku!r}")
                        quantity = _decimal(row.get("quantity"), "quantity")
                        price = _decimal(row.get("price"), "price", allow_empty=True)
                        refused = await refused_price(uow, sku, price) if price is not None else None
                        if refused:
                            raise ValueError(f"price {price}: {REFUSALS[refused]}")
                        pack = _reorder_pack(row.get("reorder_pack"))
                    except ValueError as exc:
                        errors.append((reader.line_num, str(exc)))
                        continue
                    assert quantity is not None
                    await uow.stock.set_level(vendor, sku, quantity, reorder_pack=pack)
                    if price is not None:
                        prices[vendor].append((sku, price, None))
                    applied += 1
            for vendor, changes in prices.items():
                await set_vendor_prices(uow, vendor, changes, "cli", now, config)
    finally:
        await pool.close()
    return applied, errors


async def run_import(args: argparse.Namespace, config: Config) -> int:
    try:
        applied, errors = await import_stock(args.file, config)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"error: {exc}")
        return 2
    for line, error in errors[:50]:
        print(f"line {line}: {error}")
    print(f"updated {applied} stock rows from {args.file}; {len(errors)} bad rows skipped")
    return 0 if not errors else 1
