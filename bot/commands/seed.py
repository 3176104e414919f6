"""`seed --demo`: the demo catalogue and demo people, so a new install has someone to talk to."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path

import yaml

from bot.commands.catalog import import_catalog
from bot.config import ROOT, Config
from storage.db import connect
from storage.repos.users import UserRepository

DEMO_CATALOG = ROOT / "data" / "catalog" / "demo.csv"
DEMO_PEOPLE = ROOT / "data" / "seed" / "demo.yml"


def register(sub: argparse._SubParsersAction) -> None:
    seed = sub.add_parser("seed", help="load demo data")
    seed.add_argument("--demo", action="store_true", required=True,
                      help="the demo catalogue, retailers, vendors and admin")
    seed.set_defaults(run=run_seed)


async def seed_demo(database_url: str, people: Path = DEMO_PEOPLE) -> dict[str, int]:
    imported, _ = await import_catalog(DEMO_CATALOG, database_url, progress=False)
    data = yaml.safe_load(people.read_text(encoding="utf-8"))
    conn = await connect(database_url)
    try:
        users = UserRepository(conn)
        async with conn.transaction():
            for r in data.get("retailers", []):
                uid = await users.add_retailer(r["phone"], r["name"], Decimal(str(r["credit_limit"])),
                                               address=r.get("address"), lat=r.get("lat"), lon=r.get("lon"))
                if r.get("language"):
                    await users.set_language(uid, r["language"])
            for v in data.get("vendors", []):
                products = None if v.get("products", "all") == "all" else list(v["products"])
                await users.add_vendor(v["phone"], v["name"], lat=v.get("lat"), lon=v.get("lon"),
                                       products=products)
            for a in data.get("admins", []):
                await users.upsert(a["phone"], a["name"], "admin")
    finally:
        await conn.close()
    return {"products": imported, "retailers": len(data.get("retailers", [])),
            "vendors": len(data.get("vendors", [])), "admins": len(data.get("admins", []))}


async def run_seed(args: argparse.Namespace, config: Config) -> int:
    counts = await seed_demo(config.secrets.database_url or "")
    print("demo data loaded: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    return 0
