"""Parse every utterance of the public corpora against the demo and a large catalogue.

    .venv/bin/python bench/robustness.py [--limit N] [--catalog FILE.csv ...] [--no-classifier]

The corpora (Hinglish-TOP, code-mixed DSTC2 Hindi, BANKING77, HWU64, SNIPS, CLINC150; read from
../shared/data) hold no grocery orders, so every `order` is a false one. Prints, per catalogue and
corpus: texts parsed, exceptions (must be 0), messages/s and the share classified `order`; then the
first few exceptions with their text. Exit status 1 when any text raised.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.make_catalog import rows as generated_rows
from domain.catalog import CATALOG_HEADER, product_from_row
from nlu.catalog_csv import read_catalog_csv
from nlu.catalog_index import CatalogIndex
from nlu.pipeline import ORDER, NluPipeline
from tests.support.corpora import load_corpora, sample, shared_data

REPO = Path(__file__).resolve().parent.parent


def catalogues(paths: list[Path]) -> dict[str, list]:
    out = {"demo": read_catalog_csv(REPO / "data" / "catalog" / "demo.csv")[0]}
    for path in paths:
        out[path.stem] = read_catalog_csv(path)[0]
    if not paths:
        out["generated-8k"] = [product_from_row(dict(zip(CATALOG_HEADER, r, strict=True)))
                               for r in generated_rows(8000)]
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0, help="texts per corpus (0 = all)")
    ap.add_argument("--catalog", type=Path, action="append", default=[],
                    help="catalogue CSV (default: generated 8,000)")
    ap.add_argument("--no-classifier", action="store_true")
    args = ap.parse_args()
    root = shared_data()
    if not (root / "corpora").is_dir():
        print(f"no corpora at {root}", file=sys.stderr)
        return 2
    corpora = load_corpora(root)
    if args.limit:
        corpora = {k: sample(v, args.limit) for k, v in corpora.items()}
    classifier = None
    if not args.no_classifier:
        from nlu.intent import load_or_train
        classifier = load_or_train()
    failures: list[tuple[str, str]] = []
    total_errors = 0
    for cat_name, products in catalogues(args.catalog).items():
        t0 = time.perf_counter()
        index = CatalogIndex(products)
        build = time.perf_counter() - t0
        pipeline = NluPipeline(classifier, index)
        print(f"\ncatalogue {cat_name}: {len(index):,} products indexed in {build:.2f} s"
              f" ({len(index.skipped)} left out)")
        print(f"  {'corpus':<14}{'texts':>8}{'errors':>8}{'msg/s':>9}{'order share':>13}")
        all_n = all_err = all_orders = 0
        all_time = 0.0
        for name, texts in corpora.items():
            errors = orders = 0
            t0 = time.perf_counter()
            for text in texts:
                try:
                    orders += pipeline.parse(text).intent == ORDER
                except Exception:  # the figure this script exists for
                    errors += 1
                    if len(failures) < 10:
                        failures.append((text, traceback.format_exc(limit=3)))
            elapsed = time.perf_counter() - t0
            print(f"  {name:<14}{len(texts):>8,}{errors:>8}{len(texts) / elapsed:>9,.0f}{orders / len(texts):>12.2%}")
            all_n, all_err, all_orders = all_n + len(texts), all_err + errors, all_orders + orders
            all_time += elapsed
        print(f"  {'all':<14}{all_n:>8,}{all_err:>8}{all_n / all_time:>9,.0f}{all_orders / all_n:>12.2%}")
        total_errors += all_err
    for text, trace in failures:
        print(f"\n{text!r}\n{trace}")
    print(f"\nexceptions: {total_errors}")
    return 1 if total_errors else 0


if __name__ == "__main__":
    sys.exit(main())
