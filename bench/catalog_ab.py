"""Top-5 latency of two catalogue index implementations queried in turn, in one process.

    .venv/bin/python bench/catalog_ab.py [--skus 100000] [--queries 1000] [--baseline f66009c]

Builds the index of git revision --baseline and the current one over the same synthetic catalogue
(bench/catalog_scale.py) and times each query on both one after the other (cpu time), so a noisy
shared machine slows both alike. Prints p50 and p99 of each.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalog_scale import _old_index, query_for, synthetic

from nlu.catalog_index import CatalogIndex


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skus", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--baseline", default="f66009c")
    args = ap.parse_args()
    products, words = synthetic(args.skus)
    old, new = _old_index(args.baseline)(products), CatalogIndex(products)
    rng = random.Random(5)
    queries = [new.query_words(query_for(words[t], rng)) for t in rng.sample(range(len(products)), args.queries)]
    times: dict[str, list[float]] = {"baseline": [], "current": []}
    for q in queries:
        for label, index in (("baseline", old), ("current", new)):
            start = time.process_time()
            index.search(q, limit=5)
            times[label].append((time.process_time() - start) * 1000)
    for label, values in times.items():
        values.sort()
        print(f"{label}: top-5 cpu time p50 {statistics.median(values):.2f} ms, "
              f"p99 {values[int(0.99 * (len(values) - 1))]:.2f} ms over {len(values)} queries, {len(products):,} SKUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
