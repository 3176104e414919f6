"""`khaacho catalog import` at a million rows: a first import into a fresh database, then a re-import
with 10 % of the rows changed.

    DATABASE_URL=postgresql://... .venv/bin/python bench/catalog_import.py [--rows 1000000] [--seed 7]
        [--changed 0.1] [--progress]

The file is bench/make_catalog.py's real-style catalogue (names, brands, pack sizes, units, prices;
same seed, same file), written once to var/bench/ and kept. The re-import file is the same rows with
every tenth (by a fixed seed) changed: a new price, a renamed pack or a new alias. Each import runs
into database `khaacho_bench_catalog_import` (made afresh, migrated, before the first import); the
bench prints seconds and rows/s of each, and how many products got a new version and how many
notifications the importing connection's listener saw (the change feed: changed rows only, one
batch). Without DATABASE_URL it uses the embedded services.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from databases import ROOT, bench_database
from make_catalog import HEADER, rows

from bot.commands.catalog import import_catalog
from storage.db import connect

DB = "khaacho_bench_catalog_import"


def write_files(count: int, seed: int, changed: float) -> tuple[Path, Path, int]:
    """The first file and the re-import file (kept between runs); returns them and the rows changed."""
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    first = folder / f"catalog_{count}_{seed}.csv"
    again = folder / f"catalog_{count}_{seed}_changed_{changed:g}.csv"
    rng = random.Random(seed + 1)
    picks = set(rng.sample(range(count), int(count * changed)))
    if not first.exists() or not again.exists():
        started = time.monotonic()
        with first.open("w", newline="", encoding="utf-8") as a, again.open("w", newline="", encoding="utf-8") as b:
            out_a, out_b = csv.writer(a), csv.writer(b)
            out_a.writerow(HEADER)
            out_b.writerow(HEADER)
            for i, row in enumerate(rows(count, seed)):
                out_a.writerow(row)
                out_b.writerow(_changed(row, rng) if i in picks else row)
        print(f"wrote {first.name} and {again.name} in {time.monotonic() - started:.1f} s", flush=True)
    return first, again, len(picks)


def _changed(row: tuple[str, ...], rng: random.Random) -> tuple[str, ...]:
    sku, name, aliases, brand, category, unit, price = row
    kind = rng.random()
    if kind < 0.6:
        price = f"{float(price) * rng.uniform(1.02, 1.3):.2f}"
    elif kind < 0.85:
        name = f"{name} (new pack)"
    else:
        aliases = "|".join(filter(None, (aliases, f"{sku.lower()} alias")))
    return sku, name, aliases, brand, category, unit, price


async def import_once(label: str, path: Path, url: str, progress: bool) -> None:
    conn = await connect(url)
    notified: list[str] = []
    await conn.add_listener("product_changes", lambda *args: notified.append(args[3]))
    try:
        before = await conn.fetchval("SELECT COALESCE(max(version), 0) FROM products")
        started = time.perf_counter()
        imported, errors = await import_catalog(path, url, progress=progress)
        seconds = time.perf_counter() - started
        await asyncio.sleep(0.2)  # the notification travels after the commit
        versioned = await conn.fetchval("SELECT count(*) FROM products WHERE version > $1", before)
    finally:
        await conn.close()
    print(f"{label:>10} {imported:>10,} {seconds:>9.1f} {imported / seconds:>10,.0f} {versioned:>10,}"
          f" {len(notified):>9} {len(errors):>5}", flush=True)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--changed", type=float, default=0.1, help="share of rows changed for the re-import")
    parser.add_argument("--progress", action="store_true", help="show the import's progress bar")
    args = parser.parse_args()
    first, again, changed = write_files(args.rows, args.seed, args.changed)
    url = await bench_database(DB)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {changed:,} rows changed for the re-import")
    print(f"{'import':>10} {'rows':>10} {'seconds':>9} {'rows/s':>10} {'versioned':>10} {'notifies':>9} {'bad':>5}")
    await import_once("first", first, url, args.progress)
    await import_once("re-import", again, url, args.progress)
    await import_once("same again", again, url, args.progress)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
