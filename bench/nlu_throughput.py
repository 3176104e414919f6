"""Messages parsed per second on one core, with a 5,000-SKU catalogue grown from the demo one.

    .venv/bin/python bench/nlu_throughput.py [--skus 5000] [--orders 3000] [--runs 5] [--seconds 2]
                                             [--no-intent] [--no-embed-cache] [--profile]

The messages: the 16 hand-written shapes below plus --orders order messages generated from the
catalogue (seeded; different products, aliases, quantities, unit spellings, joiners and filler
words, so no handful of texts repeats; two items in three name the demo catalogue's everyday
products, the rest any of the 5,000). Each run parses them in batches, in turns, with the fast
path (nlu/fast_path.py) on and off over the same index, so the ratio of the two is measured under
the same load. Rules only first (normalisation, splitting, quantities, product matching), then
with the product's intent model (TF-IDF heads + gated sentence-embedding head) unless --no-intent.
Printed per mode, for the 16 shapes and the generated orders apart: the fast path's share, the
medians in messages per CPU-second of the whole parse with and without the fast path and their
ratio, the same on the messages the fast path takes alone, and one pass over the messages before
any was seen (the fast path's memories empty: what a stream of new messages gets).
--no-embed-cache turns off the embedder's memory of recent messages; --profile prints
pyinstrument's top lines of the whole parse with the fast path (rules only).
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


# Filler a shop owner puts around an order, and the ways items are joined.
_OPENERS = ["", "", "", "namaste dai, ", "dai ", "hajur ", "please ", "bhai "]
_CLOSERS = ["", "", "", " pathaidinu", " pathaunus", " please", " bhejo", " dinus hai", " chahiyo"]
_JOINERS = [", ", ", ", " ra ", " and ", "\n", " aur "]


def order_messages(products: list[Product], count: int, seed: int = 11, base: int = 0) -> list[str]:
    """Varied order messages of 1-4 items naming the catalogue's products by alias (or name); two
    items in three are of the first `base` products (the everyday ones), the rest of any."""
    from nlu.units import default_units

    rng = random.Random(seed)
    spellings: dict[str, list[str]] = {}
    for word, unit in default_units().spellings.items():
        if word.isascii() and "_" not in word:
            spellings.setdefault(unit.name, []).append(word)
    out: list[str] = []
    while len(out) < count:
        items = []
        for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
            p = rng.choice(products[:base] if base and rng.random() < 2 / 3 else products)
            aliases = [a for a in p.aliases if a.isascii()]
            said = rng.choice(aliases) if aliases and rng.random() < 0.8 else p.name.lower()
            unit = rng.choice(spellings.get(p.unit, [p.unit]))
            qty = str(rng.choice([1, 2, 3, 5, 6, 10, 12, 20, 24, 25, 50]))
            items.append(rng.choice([f"{said} {qty} {unit}", f"{qty} {unit} {said}", f"{said} {qty}"]))
        joiner = rng.choice(_JOINERS)
        out.append(rng.choice(_OPENERS) + joiner.join(items) + rng.choice(_CLOSERS))
    return out


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


def _rates(pipelines: dict[str, NluPipeline], messages: list[str], runs: int, seconds: float) -> dict[str, float]:
    """Median messages per CPU-second of each pipeline, the pipelines taking turns in every run."""
    cpu: dict[str, list[float]] = {name: [] for name in pipelines}
    batches = [messages[i:i + 50] for i in range(0, len(messages), 50)]
    for run in range(runs):
        for name, pipeline in pipelines.items():
            count, start, at = 0, time.process_time(), run * 7  # each run starts elsewhere in the list
            while time.process_time() - start < seconds:
                batch = batches[at % len(batches)]
                for m in batch:
                    pipeline.parse(m)
                count += len(batch)
                at += 1
            cpu[name].append(count / (time.process_time() - start))
    return {name: statistics.median(r) for name, r in cpu.items()}


def _measure(label: str, index: CatalogIndex, classifier: object | None, messages: list[str],
             args: argparse.Namespace) -> None:
    fast = NluPipeline(classifier, index)  # type: ignore[arg-type]
    full = NluPipeline(classifier, index, fast_path=False)  # type: ignore[arg-type]
    taken = [m for m in messages if fast.takes_fast_path(m)]
    full.parse("namaste dai, chini 1 kg ra nun 1 kg")  # builds what is kept per catalogue (brand
    # families, lines) and loads what the intent model loads on first use; not timed
    first = {"fast": 0.0, "full": 0.0}  # one pass over messages never seen, memories empty
    for m in messages:  # warms both (the fast path remembers spans and phrases)
        for name, pipeline in (("fast", fast), ("full", full)):
            start = time.process_time()
            pipeline.parse(m)
            first[name] += time.process_time() - start
    whole = _rates({"fast": fast, "full": full}, messages, args.runs, args.seconds)
    alone = _rates({"fast": fast, "full": full}, taken, args.runs, args.seconds) if taken else {}
    print(f"[{label}] fast-path share {len(taken)}/{len(messages)} = {len(taken) / len(messages):.1%}")
    print(f"[{label}] whole parse: {whole['fast']:.0f} msgs/CPU-s with the fast path, {whole['full']:.0f} "
          f"without; ratio {whole['fast'] / whole['full']:.2f}")
    print(f"[{label}] first sight (one pass, memories empty): {len(messages) / first['fast']:.0f} msgs/CPU-s "
          f"with the fast path, {len(messages) / first['full']:.0f} without")
    if alone:
        print(f"[{label}] messages the fast path takes: {alone['fast']:.0f} msgs/CPU-s on it, "
              f"{alone['full']:.0f} through the full pipeline; ratio {alone['fast'] / alone['full']:.2f}")


def _profile(index: CatalogIndex, messages: list[str], seconds: float) -> None:
    from pyinstrument import Profiler

    pipeline = NluPipeline(None, index)
    for m in messages:
        pipeline.parse(m)
    profiler = Profiler(interval=0.0002)
    profiler.start()
    start = time.process_time()
    while time.process_time() - start < seconds:
        for m in messages:
            pipeline.parse(m)
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skus", type=int, default=5000)
    ap.add_argument("--orders", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--no-intent", action="store_true")
    ap.add_argument("--no-embed-cache", action="store_true")
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    base, _ = read_catalog_csv(Path(__file__).resolve().parent.parent / "data/catalog/demo.csv")
    products = synthetic_catalog(base, args.skus)
    messages = MESSAGES + order_messages(products, args.orders, base=len(base))
    index = CatalogIndex(products)
    print(f"catalogue {len(products)} SKUs; {len(messages)} messages, {len(set(messages))} distinct "
          f"({len(MESSAGES)} hand-written shapes + {args.orders} generated orders)")
    if args.profile:
        _profile(index, messages, args.seconds)
        return 0
    sets = {"16 shapes": MESSAGES, "generated orders": messages[len(MESSAGES):]}
    for name, texts in sets.items():
        _measure(f"rules only, {name}", index, None, texts, args)
    if not args.no_intent:
        from nlu.intent import load_or_train
        classifier = load_or_train()
        if args.no_embed_cache and classifier.embed_head is not None:
            from nlu.embed import SentenceEmbedder
            classifier._embedder = SentenceEmbedder(memory=0)
        pipeline = NluPipeline(classifier, index)
        for name, texts in sets.items():
            embedded = sum(pipeline.embeds(m) for m in texts)
            print(f"[intent model, {name}] messages that need the embedding: {embedded}/{len(texts)}")
            _measure(f"intent model, {name}", index, classifier, texts, args)
    print(f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
