"""`prices import VENDOR_PHONE FILE.csv`: set one vendor's own prices from `sku,price[,valid_from]`.

Each change is kept in the price history (who: `cli`); a price equal to the current one writes
nothing. `valid_from` is an ISO date or date-time (no zone: the platform's), now when empty; a
future one is refused, as a price takes effect when it is set.
"""

from __future__ import annotations

import argparse
import csv
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from bot.commands.stock import _decimal
from bot.config import Config
from domain.formatting import platform_zone
from services.bootstrap import unit_of_work
from services.prices import REFUSALS, refused_price, set_vendor_prices
from services.texts import default_texts
from storage.clock import SystemClock
from storage.db import create_pool, migrate

HEADER = ("sku", "price")


def register(sub: argparse._SubParsersAction) -> None:
    prices = sub.add_parser("prices", help="manage vendor prices").add_subparsers(dest="action", required=True)
    imp = prices.add_parser("import", help="set a vendor's prices from CSV (sku,price[,valid_from])")
    imp.add_argument("vendor_phone")
    imp.add_argument("file", type=Path)
    imp.set_defaults(run=run_import)


def valid_from(text: str | None, now: datetime, config: Config) -> datetime | None:
    value = (text or "").strip()
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"valid_from {value!r} is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None
    at = at if at.tzinfo else at.replace(tzinfo=platform_zone(config))
    if at > now:
        raise ValueError(f"valid_from {value!r} is in the future")
    return at


async def import_prices(vendor_phone: str, path: Path, config: Config) -> tuple[int, int, list[tuple[int, str]]]:
    """Apply every good row in one transaction; returns (changed, unchanged, [(line, error)])."""
    clock = SystemClock()
    now = clock.now()
    pool = await create_pool(config.secrets.database_url or "", min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
        async with unit_of_work(pool, default_texts(), clock, config) as uow:
            vendors = await uow.users.vendor_ids_by_phone()
            vendor = vendors.get(vendor_phone.strip())
            if vendor is None:
                raise ValueError(f"no vendor with phone {vendor_phone!r}")
            skus = await uow.products.skus()
            rows: list[tuple[str, Decimal, datetime | None]] = []
            errors: list[tuple[int, str]] = []
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                missing = [c for c in HEADER if c not in (reader.fieldnames or [])]
                if missing:
                    raise ValueError(f"{path}: header lacks {', '.join(missing)}; expected sku,price[,valid_from]")
                for row in reader:
                    try:
                        sku = (row.get("sku") or "").strip()
                        if sku not in skus:
                            raise ValueError(f"no product {sku!r}")
                        price = _decimal(row.get("price"), "price")
                        refused = await refused_price(uow, sku, price) if price is not None else "not_positive"
                        if refused:
                            raise ValueError(f"price {price}: {REFUSALS[refused]}")
                        rows.append((sku, price, valid_from(row.get("valid_from"), now, config)))
                    except ValueError as exc:
                        errors.append((reader.line_num, str(exc)))
            done = await set_vendor_prices(uow, vendor, rows, "cli", now, config)
    finally:
        await pool.close()
    changed = sum(d.changed for d in done)
    return changed, len(done) - changed, errors


async def run_import(args: argparse.Namespace, config: Config) -> int:
    try:
        changed, unchanged, errors = await import_prices(args.vendor_phone, args.file, config)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"error: {exc}")
        return 2
    for line, error in errors[:50]:
        print(f"line {line}: {error}")
    print(f"{changed} prices changed, {unchanged} unchanged from {args.file}; {len(errors)} bad rows skipped")
    return 0 if not errors else 1
