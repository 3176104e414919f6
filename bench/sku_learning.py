"""Learning from use, measured: the development orders replayed twice through the real matcher and
the learned-alias service (services.learned_aliases, domain rule included), in memory.

    .venv/bin/python bench/sku_learning.py [--retailers 20] [--agree 3]

Each order is sent by one of N retailers (order number mod N). An unclear item is a question; the
retailer answers it with the gold SKU's number when it is among the options shown (handlers.drafting
shows MAX_OPTIONS), which is remembered; a line matched to the wrong SKU is switched by the retailer to
the gold one (services.learned_aliases.remember_switch). The second pass asks fewer questions and
gets fewer lines wrong when learning works.
Only the dev orders are used (bench/data/sku_orders_dev.jsonl); the test part stays untouched.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.catalog import Product
from domain.learned_aliases import Learned
from handlers.drafting import MAX_OPTIONS
from nlu.catalog_csv import read_catalog_csv
from nlu.catalog_index import CatalogIndex
from nlu.normalize import prepare
from nlu.pipeline import NluPipeline
from services.learned_aliases import apply_learned, remember_choice, remember_switch

DATA = Path(__file__).resolve().parent / "data"


class _Aliases:
    """The repository's interface (storage.repos.learned_aliases), kept in a dict."""

    def __init__(self) -> None:
        self.rows: dict[tuple[int, str], str] = {}

    async def remember(self, retailer_id: int, phrase: str, sku: str, at: datetime) -> None:
        self.rows[(retailer_id, phrase)] = sku

    async def for_phrases(self, phrases: Iterable[str]) -> list[Learned]:
        wanted = set(phrases)
        return [Learned(r, p, s) for (r, p), s in self.rows.items() if p in wanted]


class _Products:
    def __init__(self, products: list[Product]) -> None:
        self.by_sku = {p.sku: p for p in products}

    async def by_skus(self, skus: Iterable[str], *, aliases: bool = False) -> dict[str, Product]:
        return {s: self.by_sku[s] for s in skus if s in self.by_sku}


class _Uow:
    def __init__(self, products: list[Product]) -> None:
        self.learned_aliases = _Aliases()
        self.products = _Products(products)


async def _pass(pipeline: NluPipeline, uow: _Uow, rows: list[dict], retailers: int, agree: int) -> dict[str, int]:
    now = datetime.now(UTC)
    asked = answered = right = switched = lines = 0
    for n, row in enumerate(rows):
        retailer = n % retailers
        items = await apply_learned(uow, retailer, pipeline.items(prepare(row["text"])), agree)  # type: ignore[arg-type]
        golds = row["items"] if len(row["items"]) == len(items) else [None] * len(items)
        for item, gold in zip(items, golds, strict=True):
            lines += 1
            if item.ambiguous and item.sku is None:
                asked += 1
                options = [c.sku for c in item.candidates[:MAX_OPTIONS]]
                if gold is not None and gold["sku"] in options:
                    answered += 1
                    await remember_choice(uow, retailer, item.text, item.quantity, gold["sku"], now)  # type: ignore[arg-type]
            elif gold is not None and item.sku == gold["sku"]:
                right += 1
            elif gold is not None and item.sku is not None:  # the retailer switches the line
                switched += 1
                await remember_switch(uow, retailer, {item.sku: [item.text, item.quantity]},  # type: ignore[arg-type]
                                      [item.sku], [gold["sku"]], now)
    return {"asked": asked, "answered": answered, "right": right, "switched": switched, "lines": lines}


async def main_async(retailers: int, agree: int) -> int:
    products = read_catalog_csv(DATA / "sku_catalog.csv")[0]
    pipeline = NluPipeline(None, CatalogIndex(products))
    rows = [json.loads(x) for x in (DATA / "sku_orders_dev.jsonl").read_text("utf-8").splitlines()]
    uow = _Uow(products)
    first = await _pass(pipeline, uow, rows, retailers, agree)
    second = await _pass(pipeline, uow, rows, retailers, agree)
    print(f"dev orders {len(rows)}, {retailers} retailers, alias for everyone at {agree} agreeing")
    print(f"{'pass':6} {'asked':>6} {'answered':>9} {'right w/o asking':>17} {'switched':>9} lines")
    for name, res in (("first", first), ("second", second)):
        print(f"{name:6} {res['asked']:6d} {res['answered']:9d} {res['right']:17d} {res['switched']:9d} {res['lines']}")
    print(f"questions second/first: {second['asked'] / max(first['asked'], 1):.2f}, "
          f"lines switched second/first: {second['switched'] / max(first['switched'], 1):.2f}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--retailers", type=int, default=20)
    ap.add_argument("--agree", type=int, default=3)
    args = ap.parse_args()
    return asyncio.run(main_async(args.retailers, args.agree))


if __name__ == "__main__":
    raise SystemExit(main())
