"""`stock import FILE.csv`: set vendors' stock (and optionally their price) from `vendor_phone,sku,quantity[,price]`."""

from __future__ import annotations

import argparse
import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bot.config import Config
from storage.db import connect, migrate
from storage.repos.products import ProductRepository
from storage.repos.stock import StockRepository
from storage.repos.users import UserRepository

HEADER = ("vendor_phone", "sku", "quantity")


def register(sub: argparse._SubParsersAction) -> None:
    stock = sub.add_parser("stock", help="manage vendor stock").add_subparsers(dest="action", required=True)
    imp = stock.add_parser("import", help="set vendor stock from CSV (vendor_phone,sku,quantity[,price])")
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


async def import_stock(path: Path, database_url: str) -> tuple[int, list[tuple[int, str]]]:
    """Apply every good row in one transaction; returns (rows applied, [(line, error)])."""
    errors: list[tuple[int, str]] = []
    applied = 0
    conn = await connect(database_url)
    try:
        await migrate(conn)
        vendors = await UserRepository(conn).vendor_ids_by_phone()
        skus = await ProductRepository(conn).skus()
        repo = StockRepository(conn)
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in HEADER if c not in (reader.fieldnames or [])]
            if missing:
                raise ValueError(f"{path}: header lacks {', '.join(missing)}; expected {','.join(HEADER)}[,price]")
            async with conn.transaction():
                for row in reader:
                    line = reader.line_num
                    try:
                        vendor = vendors.get((row.get("vendor_phone") or "").strip())
                        sku = (row.get("sku") or "").strip()
                        if vendor is None:
                            raise ValueError(f"no vendor with phone {row.get('vendor_phone')!r}")
                        if sku not in skus:
                            raise ValueError(f"no product {sku!r}")
                        quantity = _decimal(row.get("quantity"), "quantity")
                        price = _decimal(row.get("price"), "price", allow_empty=True)
                    except ValueError as exc:
                        errors.append((line, str(exc)))
                        continue
                    assert quantity is not None
                    await repo.set_level(vendor, sku, quantity, price)
                    applied += 1
    finally:
        await conn.close()
    return applied, errors


async def run_import(args: argparse.Namespace, config: Config) -> int:
    try:
        applied, errors = await import_stock(args.file, config.secrets.database_url or "")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"error: {exc}")
        return 2
    for line, error in errors[:50]:
        print(f"line {line}: {error}")
    print(f"updated {applied} stock rows from {args.file}; {len(errors)} bad rows skipped")
    return 0 if not errors else 1
