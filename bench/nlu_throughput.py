"""Messages parsed per second on one core, with a 5,000-SKU catalogue grown from the demo one.

    .venv/bin/python bench/nlu_throughput.py [--skus 5000] [--runs 5] [--seconds 2]

Intent classification is left out (rules only) unless --with-intent is given, so the figure is
the cost of normalisation, splitting, quantities and product matching. With --with-intent the
product's model (TF-IDF heads + gated sentence-embedding head) runs too, and the share of messages
that needed the embedding is printed; --no-embed-cache turns off the embedder's memory of recent
messages, so every gated-through message runs the ONNX model each time. Prints the median.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.catalog import Product
from nlu.catalog_csv import read_catalog_csv
from nlu.catalog_index import CatalogIndex
from nlu.pipeline import NluPipeline

MESSAGES = [
    "2 kg chini ra 5 packet wai wai pathaidinu",
    "कोक एक क्रेट",
    "chini 10 kg, masoor 5 kg, tori tel 1 jar",
    "surf excel 1 kg ko 10 packet",
    "coke 1.5 l 12 ota ra sprite 1.5 l 6 ota",
    "1. chini 10 kg\n2. nun 10 packet\n3. rara 2 carton",
    "wai wai 2 carton",
    "anda 2 crate, parle g 1 box",
    "cheeni 5 kilo aur atta 10 kilo bhejo",
    "rara cha?",
    "dhara 15 litre jar 2 ota",
    "kurkure 20 pkt lays 20 pkt",
    "तोरीको तेल १ जार",
    "lux sabun 1 box ra colgate 12",
    "mayoss 20 pkt",
    "ok",
]

_BRANDS = ["Himal", "Everest", "Gorkha", "Sagar", "Annapurna", "Lumbini", "Janakpur", "Koshi",
           "Bagmati", "Mechi", "Karnali", "Gandaki", "Sunrise", "Shree", "Laxmi", "Ganesh"]


def synthetic_catalog(base: list[Product], size: int, seed: int = 7) -> list[Product]:
    """The demo catalogue plus brand variants of its products, up to `size` SKUs."""
    rng = random.Random(seed)
    out = list(base)
    i = 0
    while len(out) < size:
        p = base[i % len(base)]
        brand = f"{rng.choice(_BRANDS)} {rng.choice(_BRANDS)}" if i >= len(base) * len(_BRANDS) \
            else _BRANDS[(i // len(base)) % len(_BRANDS)]
        out.append(replace(p, sku=f"{p.sku}-{brand.upper().replace(' ', '')}-{i}", name=f"{brand} {p.name}",
                           aliases=tuple(f"{brand.lower()} {a}" for a in p.aliases[:2]), brand=brand))
        i += 1
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skus", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--with-intent", action="store_true")
    ap.add_argument("--no-embed-cache", action="store_true")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    base, _ = read_catalog_csv(Path(__file__).resolve().parent.parent / "data/catalog/demo.csv")
    products = synthetic_catalog(base, args.skus)
    classifier = None
    if args.with_intent:
        from nlu.intent import load_or_train
        classifier = load_or_train()
        if args.no_embed_cache and classifier.embed_head is not None:
            from nlu.embed import SentenceEmbedder
            classifier._embedder = SentenceEmbedder(memory=0)
        embedded = [m for m in MESSAGES if classifier.embeds(m)]
        print(f"messages that need the embedding: {len(embedded)}/{len(MESSAGES)} {embedded}")
    pipeline = NluPipeline(classifier, CatalogIndex(products))
    for m in MESSAGES:  # warm caches
        pipeline.parse(m)
    rates, cpu_rates = [], []
    for _ in range(args.runs):
        count, start, start_cpu = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - start < args.seconds:
            for m in MESSAGES:
                pipeline.parse(m)
            count += len(MESSAGES)
        rates.append(count / (time.perf_counter() - start))
        cpu_rates.append(count / (time.process_time() - start_cpu))
    print(f"catalogue {len(products)} SKUs, {len(MESSAGES)} message shapes, intent model: "
          f"{'yes' if classifier else 'no'}")
    print(f"runs (msgs/s): {', '.join(f'{r:.0f}' for r in rates)}")
    print(f"median {statistics.median(rates):.0f} messages/s on one core (wall clock); "
          f"{statistics.median(cpu_rates):.0f} messages per cpu-second; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
