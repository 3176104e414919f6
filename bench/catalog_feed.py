"""How long a catalogue change takes to reach every process's product index (the change feed).

    DATABASE_URL=postgresql://... .venv/bin/python bench/catalog_feed.py [--skus 100000] [--rounds 5] [--database NAME]

In its own database (`khaacho_bench_feed` unless --database names another, made again each run) it
imports --skus synthetic SKUs (bench/catalog_scale.py's generator), starts two NluService instances
with a pool and a LISTEN connection each (as two `serve` processes have), then --rounds times
commits 1,000 changes in one transaction (400 new SKUs, 400 renamed, 200 deleted) and prints, per
round, the time from COMMIT until both indexes answer with every change, and the median. Also the
time a full rebuild of the same catalogue takes in this process, the baseline the feed replaces.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalog_scale import _word, synthetic
from databases import fresh_database

from bot.config import load_config
from bot.nlu_service import NluService
from domain.catalog import Product
from nlu.catalog_index import CatalogIndex
from storage.db import connect
from storage.repos.products import ProductRepository

DB = "khaacho_bench_feed"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _top(nlu: NluService, text: str) -> str | None:
    index = nlu.pipeline.index
    found = index.search(index.query_words(text), limit=1)
    return index.products[found[0].product].sku if found else None


def _shows(nlu: NluService, added: list[Product], renamed: list[Product], removed: list[Product]) -> bool:
    """The last product of each kind of change is as committed (they are applied all at once)."""
    if not all(_top(nlu, p.name) == p.sku for p in (added[-1], renamed[-1])):
        return False
    index = nlu.pipeline.index
    found = index.search(index.query_words(removed[-1].name), limit=10)
    return removed[-1].sku not in {index.products[m.product].sku for m in found}


async def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skus", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--database", default=DB, help=f"the database made afresh for the run (default {DB})")
    args = ap.parse_args()
    base = os.environ.get("DATABASE_URL")
    if not base:
        print("DATABASE_URL must be set")
        return 2
    url = await fresh_database(base, args.database)
    products, _ = synthetic(args.skus)
    conn = await connect(url)
    try:
        async with conn.transaction():
            await ProductRepository(conn).upsert_many(products, NOW)
    finally:
        await conn.close()
    started = time.perf_counter()
    CatalogIndex(products)
    rebuild = time.perf_counter() - started
    print(f"{len(products):,} SKUs; a full rebuild of the index takes {rebuild:.1f} s here")
    config = load_config(env={**os.environ, "DATABASE_URL": url})
    pools = [await asyncpg.create_pool(url, min_size=1, max_size=2) for _ in range(2)]
    services = [await NluService.load(pool, config, check_every=3600) for pool in pools]
    for pool, nlu in zip(pools, services, strict=True):
        await nlu.follow(pool, url)
    took: list[float] = []
    writer = await connect(url)
    try:
        live = list(products)
        for r in range(args.rounds):
            added = [Product(sku=f"R{r}-{i}", name=f"Quortle {_word(r * 1000 + i)} Special 500 g", unit="packet",
                             price=Decimal(50)) for i in range(400)]
            renamed = [dataclasses.replace(p, name=f"Plimbo {_word(r * 1000 + i)} 1 kg")
                       for i, p in enumerate(live[:400])]
            removed = live[400:600]
            live = live[600:]
            async with writer.transaction():
                await ProductRepository(writer).upsert_many([*added, *renamed], NOW)
                await writer.execute("DELETE FROM products WHERE sku = ANY($1)", [p.sku for p in removed])
            committed = time.perf_counter()
            while not all(_shows(nlu, added, renamed, removed) for nlu in services):
                await asyncio.sleep(0.005)
                if time.perf_counter() - committed > 30:
                    print("changes did not arrive within 30 s")
                    return 1
            took.append(time.perf_counter() - committed)
            print(f"round {r + 1}: 1,000 changes in both indexes {took[-1] * 1000:.0f} ms after COMMIT", flush=True)
    finally:
        await writer.close()
        for pool, nlu in zip(pools, services, strict=True):
            await nlu.close()
            await pool.close()
    print(f"median {statistics.median(took) * 1000:.0f} ms, max {max(took) * 1000:.0f} ms "
          f"(full rebuild {rebuild:.1f} s); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
