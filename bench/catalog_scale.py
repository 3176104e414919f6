"""Product matching against a synthetic 1,000,000-SKU catalogue.

    .venv/bin/python bench/catalog_scale.py [--skus 1000000] [--queries 2000]

Prints the index build time, its memory (RSS growth while building), p50/p99 latency of one
item's top-5 lookup for queries with typos, transliteration variants and joined/split words,
and recall@5 (the SKU asked for is among the five returned; "same words" also accepts a sibling
whose words are identical, i.e. one that differs only in pack size).
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

from domain.catalog import Product
from nlu.catalog_csv import read_catalog_csv
from nlu.catalog_index import CatalogIndex

_SYLLABLES = ["ka", "ki", "ma", "na", "ra", "sa", "ta", "la", "pa", "ja", "ha", "go", "ri", "shi", "lu",
              "de", "vi", "ba", "su", "ne", "to", "mi", "ya", "dra", "kha", "cha", "ru", "po", "gi", "an"]
_VARIANTS = ["classic", "gold", "premium", "special", "super", "fresh", "royal", "family", "lite",
             "extra", "deluxe", "masala", "spicy", "plain", "tasty", "original", "select", "choice",
             "natural", "pure", "organic", "instant", "crispy", "rich", "mild", "strong", "sweet",
             "red", "green", "blue", "silver", "star", "value", "daily", "home", "mega", "mini",
             "smart", "active", "prime"]
_SIZES = ["50 g", "75 g", "100 g", "200 g", "250 g", "500 g", "1 kg", "2 kg", "5 kg", "200 ml",
          "250 ml", "500 ml", "1 l", "1.5 l", "2 l", "5 l"]


def _trim() -> None:
    """Hand freed heap pages back to the OS so RSS shows what the index really holds."""
    gc.collect()
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def synthetic(n: int, seed: int = 11) -> tuple[list[Product], list[str]]:
    """n products: random brand x demo product x variant x size; returns products and their words."""
    rng = random.Random(seed)
    demo, _ = read_catalog_csv(Path(__file__).resolve().parent.parent / "data/catalog/demo.csv")
    names = CatalogIndex(demo)  # the product words of each demo item, as the index sees them
    bases = []
    for p in demo:
        brand = set(names.query_words(p.brand).split())
        words = [w for w in names.query_words(p.name).split() if w not in brand]
        bases.append((" ".join(words) or names.query_words(p.aliases[0]), p.unit))
    brands = sorted({"".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
                     for _ in range(40_000)})
    products, words = [], []
    for i in range(n):
        brand = rng.choice(brands)
        base, unit = rng.choice(bases)
        variant = rng.choice(_VARIANTS)
        name = f"{brand} {base} {variant} {rng.choice(_SIZES)}"
        products.append(Product(sku=f"S{i:07d}", name=name, unit=unit, price=Decimal(100), brand=brand))
        words.append(f"{brand} {base} {variant}".lower())
    return products, words


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(["drop", "swap", "double", "replace"])
    if op == "drop":
        return word[:i] + word[i + 1:]
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeioukrstnm") + word[i + 1:]


_TRANSLIT = [("i", "ee"), ("u", "oo"), ("a", "aa"), ("k", "c"), ("sh", "s"), ("v", "w")]


def query_for(words: str, rng: random.Random) -> str:
    """How a shop owner might type these product words: a typo, a spelling variant, joined words."""
    ws = words.split()
    kind = rng.random()
    if kind < 0.5:
        j = rng.randrange(len(ws))
        ws[j] = _typo(ws[j], rng)
    elif kind < 0.75:
        j = rng.randrange(len(ws))
        a, b = rng.choice(_TRANSLIT)
        ws[j] = ws[j].replace(a, b, 1) if a in ws[j] else ws[j].replace(b, a, 1)
    elif len(ws) > 2:
        j = rng.randrange(len(ws) - 1)
        ws[j: j + 2] = [ws[j] + ws[j + 1]]
    if rng.random() < 0.2:
        rng.shuffle(ws)
    return " ".join(ws)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skus", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=2000)
    args = ap.parse_args()
    t0 = time.perf_counter()
    products, words = synthetic(args.skus)
    print(f"generated {len(products):,} SKUs in {time.perf_counter() - t0:.1f} s")
    _trim()
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    index = CatalogIndex(products)
    build = time.perf_counter() - t0
    _trim()
    print(f"index build {build:.1f} s, {len(index.key_text):,} keys, memory +{_rss_mb() - rss0:,.0f} MB RSS")

    rng = random.Random(5)
    targets = rng.sample(range(len(products)), args.queries)
    queries = [query_for(words[t], rng) for t in targets]
    for q in queries[:50]:  # warm up
        index.search(index.query_words(q), limit=5)
    latencies, cpu, strict, loose = [], [], 0, 0
    for t, q in zip(targets, queries, strict=True):
        start, start_cpu = time.perf_counter(), time.process_time()
        top = index.search(index.query_words(q), limit=5)
        latencies.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        found = [m.product for m in top]
        strict += t in found
        loose += any(words[f] == words[t] for f in found)
    for label, values in (("wall", latencies), ("cpu", cpu)):
        values.sort()
        p99 = values[int(0.99 * (len(values) - 1))]
        print(f"top-5 latency ({label} time) over {len(queries)} queries: p50 {statistics.median(values):.2f} ms, "
              f"p99 {p99:.2f} ms, max {values[-1]:.2f} ms")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(cpu time is what one query costs; wall time adds waiting for a shared core)")
    print(f"recall@5: {strict / len(queries):.3f} (exact SKU), {loose / len(queries):.3f} (same words)")
    print("examples:", "; ".join(f"{q!r} -> {words[t]!r}" for t, q in list(zip(targets, queries,
                                                                               strict=True))[:4]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
