"""Product matching against a synthetic 1,000,000-SKU catalogue.

    .venv/bin/python bench/catalog_scale.py [--skus 1000000] [--queries 2000] [--baseline REV]

Prints the index build time, its memory (RSS growth while building), p50/p99 latency of one
item's top-5 lookup for queries with typos, transliteration variants and joined/split words,
and recall@5 (the SKU asked for is among the five returned; "same words" also accepts a sibling
whose words are identical, i.e. one that differs only in pack size); then the time of
CatalogIndex.apply for 1,000 changes (400 new SKUs, 400 renamed, 200 removed) and that the
changes are found. With --baseline REV the same is first measured for nlu/catalog_index.py as it
was at git revision REV, in the same run (e.g. --baseline f66009c, the index before segments).
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
import dataclasses
import importlib.util
import subprocess
import tempfile

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


def _old_index(rev: str) -> type:
    """CatalogIndex as nlu/catalog_index.py was at git revision rev."""
    root = Path(__file__).resolve().parent.parent
    source = subprocess.run(["git", "show", f"{rev}:nlu/catalog_index.py"], cwd=root, check=True,
                            capture_output=True, text=True).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(source)
    spec = importlib.util.spec_from_file_location("baseline_catalog_index", handle.name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.CatalogIndex


def _measure(label: str, cls: type, products: list[Product], words: list[str], n_queries: int) -> object:
    _trim()
    rss0 = _rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    index = cls(products)
    build, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    _trim()
    print(f"[{label}] index build {build:.1f} s wall, {build_cpu:.1f} s cpu, memory +{_rss_mb() - rss0:,.0f} MB RSS")
    rng = random.Random(5)
    targets = rng.sample(range(len(products)), n_queries)
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
    for kind, values in (("wall", latencies), ("cpu", cpu)):
        values.sort()
        p99 = values[int(0.99 * (len(values) - 1))]
        print(f"[{label}] top-5 latency ({kind} time) over {len(queries)} queries: p50 "
              f"{statistics.median(values):.2f} ms, p99 {p99:.2f} ms, max {values[-1]:.2f} ms")
    print(f"[{label}] recall@5: {strict / len(queries):.3f} (exact SKU), {loose / len(queries):.3f} (same words)")
    return index


def _word(i: int) -> str:
    """A made-up word of its own for each number: "bak", "bek", ..."""
    out = ""
    while True:
        i, r = divmod(i, 20)
        out += "bdfghjklmnprstvz"[r % 16] + "aeiou"[r % 5]
        if not i:
            return out + "x"


def _changes(index: CatalogIndex, products: list[Product]) -> None:
    """1,000 changes through apply(): 400 new SKUs, 400 renamed, 200 removed; all must show."""
    rng = random.Random(9)
    picked = rng.sample(range(len(products)), 600)
    added = [Product(sku=f"NEW{i:05d}", name=f"Zyxwa Quortle {_word(i)} Special 500 g", unit="packet",
                     price=Decimal(50)) for i in range(400)]
    renamed = [dataclasses.replace(products[i], name=f"Plimbo Vantrex {_word(i)} 1 kg") for i in picked[:400]]
    removed = [products[i].sku for i in picked[400:]]
    _trim()
    rss0 = _rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    changed = index.apply([*added, *renamed], removed)
    took, took_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"apply 1,000 changes: {took * 1000:.0f} ms wall, {took_cpu * 1000:.0f} ms cpu, "
          f"memory +{_rss_mb() - rss0:,.0f} MB RSS, {len(changed):,} products live")
    def top(query: str) -> str:
        found = changed.search(changed.query_words(query), limit=1)
        return changed.products[found[0].product].sku if found else ""
    new_ok = sum(top(p.name) == p.sku for p in added[:50])
    renamed_ok = sum(top(p.name) == p.sku for p in renamed[:50])
    gone_ok = sum(all(changed.products[m.product].sku != products[i].sku
                      for m in changed.search(changed.query_words(products[i].name), limit=5))
                  for i in picked[400:450])
    print(f"after apply: new found {new_ok}/50, renamed found {renamed_ok}/50, removed absent {gone_ok}/50")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skus", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--baseline", metavar="REV", help="also measure nlu/catalog_index.py of this git revision")
    ap.add_argument("--only", metavar="REV", help=argparse.SUPPRESS)  # the baseline's own process
    args = ap.parse_args()
    if args.baseline:  # in a process of its own, so neither build's memory hides in the other's
        subprocess.run([sys.executable, __file__, "--skus", str(args.skus), "--queries", str(args.queries),
                        "--only", args.baseline], check=True)
    t0 = time.perf_counter()
    products, words = synthetic(args.skus)
    print(f"generated {len(products):,} SKUs in {time.perf_counter() - t0:.1f} s")
    if args.only:
        _measure(f"baseline {args.only}", _old_index(args.only), products, words, args.queries)
        return 0
    index = _measure("segments", CatalogIndex, products, words, args.queries)
    assert isinstance(index, CatalogIndex)
    print(f"{index.key_count:,} keys")
    _changes(index, products)
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(cpu time is what one query costs; wall time adds waiting for a shared core)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
