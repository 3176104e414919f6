"""`retailer add`, `vendor add`, `admin add`."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation

from bot.config import Config, is_e164
from storage.db import connect, migrate
from storage.repos.products import ProductRepository
from storage.repos.stock import StockRepository
from storage.repos.users import UserRepository


class UsageError(Exception):
    pass


def phone_arg(value: str) -> str:
    if not is_e164(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a phone in E.164 form, like +9779800000001")
    return value


def money_arg(value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not an amount") from exc
    if amount < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return amount


def register(sub: argparse._SubParsersAction) -> None:
    retailer = sub.add_parser("retailer", help="manage retailers (shop owners)").add_subparsers(
        dest="action", required=True)
    add = retailer.add_parser("add", help="add or update a retailer")
    add.add_argument("phone", type=phone_arg)
    add.add_argument("name")
    add.add_argument("--credit-limit", type=money_arg, help="default: credit.default_limit in config.yml")
    add.add_argument("--address")
    add.add_argument("--lat", type=float)
    add.add_argument("--lon", type=float)
    add.set_defaults(run=add_retailer)

    vendor = sub.add_parser("vendor", help="manage vendors (wholesalers)").add_subparsers(
        dest="action", required=True)
    add = vendor.add_parser("add", help="add or update a vendor")
    add.add_argument("phone", type=phone_arg)
    add.add_argument("name")
    add.add_argument("--lat", type=float)
    add.add_argument("--lon", type=float)
    add.add_argument("--products", default="all", help="all, or SKUs separated by commas")
    add.set_defaults(run=add_vendor)

    admin = sub.add_parser("admin", help="manage operators").add_subparsers(dest="action", required=True)
    add = admin.add_parser("add", help="add an admin who may use the ops chat commands")
    add.add_argument("phone", type=phone_arg)
    add.add_argument("name")
    add.set_defaults(run=add_admin)


async def _open(config: Config):  # type: ignore[no-untyped-def]
    conn = await connect(config.secrets.database_url or "")
    await migrate(conn)
    return conn


async def add_retailer(args: argparse.Namespace, config: Config) -> int:
    if (args.lat is None) != (args.lon is None):
        raise UsageError("give both --lat and --lon, or neither")
    conn = await _open(config)
    try:
        limit = args.credit_limit if args.credit_limit is not None else Decimal(str(config.credit.default_limit))
        async with conn.transaction():
            user_id = await UserRepository(conn).add_retailer(
                args.phone, args.name, limit, address=args.address, lat=args.lat, lon=args.lon)
    finally:
        await conn.close()
    print(f"retailer {args.name} ({args.phone}) saved as #{user_id}, credit limit {limit}")
    return 0


async def add_vendor(args: argparse.Namespace, config: Config) -> int:
    if (args.lat is None) != (args.lon is None):
        raise UsageError("give both --lat and --lon, or neither")
    skus = None if args.products.strip().lower() == "all" else [
        s.strip() for s in args.products.split(",") if s.strip()]
    conn = await _open(config)
    try:
        if skus:
            known = set(await ProductRepository(conn).by_skus(skus))
            unknown = [s for s in skus if s not in known]
            if unknown:
                raise UsageError(f"unknown SKUs: {', '.join(unknown)} (import the catalogue first)")
        async with conn.transaction():
            user_id = await UserRepository(conn).add_vendor(args.phone, args.name, lat=args.lat,
                                                            lon=args.lon, products=skus)
            count = await StockRepository(conn).listed_count(user_id)
    finally:
        await conn.close()
    print(f"vendor {args.name} ({args.phone}) saved as #{user_id}, selling {count} products")
    return 0


async def add_admin(args: argparse.Namespace, config: Config) -> int:
    conn = await _open(config)
    try:
        user_id = await UserRepository(conn).upsert(args.phone, args.name, "admin")
    finally:
        await conn.close()
    print(f"admin {args.name} ({args.phone}) saved as #{user_id}")
    return 0
