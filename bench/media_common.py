"""Shared by the media benchmarks: the catalogue, the product's item parser, order generation, scoring."""

from __future__ import annotations

import csv
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from domain.catalog import Product, product_from_row
from nlu.catalog_index import CatalogIndex
from nlu.normalize import prepare
from nlu.pipeline import NluPipeline

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "data" / "catalog" / "demo.csv"
UNIT_WORD = {"kg": "kg", "packet": "packet", "bottle": "bottle", "can": "can", "box": "box", "crate": "crate",
             "carton": "carton", "sack": "sack", "dozen": "dozen", "jar": "jar", "piece": "piece", "pouch": "pouch",
             "l": "litre", "tube": "tube", "bar": "bar"}
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]


def load_products() -> list[Product]:
    with CATALOG.open(encoding="utf-8") as f:
        return [product_from_row(row) for row in csv.DictReader(f)]


def parser(products: list[Product]) -> NluPipeline:
    return NluPipeline(None, CatalogIndex(products))


def items_of(pipeline: NluPipeline, lines: list[str]) -> Counter[tuple[str, float]]:
    """(sku, quantity) pairs the product's item parser finds, line by line as the media handler does."""
    found: Counter[tuple[str, float]] = Counter()
    for line in lines:
        for item in pipeline.items(prepare(line)):
            if item.sku and item.quantity:
                found[(item.sku, round(float(item.quantity), 3))] += 1
    return found


@dataclass
class Line:
    text: str
    sku: str
    quantity: float


def order_lines(rng: random.Random, products: list[Product], pipeline: NluPipeline, count: int,
                spoken: bool = False) -> list[Line]:
    """`count` order lines whose clean text the parser resolves to exactly (sku, quantity)."""
    lines: list[Line] = []
    used: set[str] = set()
    while len(lines) < count:
        product = rng.choice(products)
        names = [a for a in (product.name, *product.aliases) if a.isascii() and a.replace(" ", "").isalpha()]
        if product.sku in used or not names or product.unit not in UNIT_WORD:
            continue
        quantity = rng.choice([1, 2, 3, 4, 5, 6, 10, 12, 15, 20])
        unit = UNIT_WORD[product.unit]
        number = NUMBER_WORDS[quantity] if spoken else str(quantity)
        unit_text = unit if not spoken else ("kilo" if unit == "kg" else unit + ("s" if quantity > 1 else ""))
        text = f"{number} {unit_text} {rng.choice(names).lower() if spoken else rng.choice(names)}"
        if items_of(pipeline, [text]) == Counter({(product.sku, float(quantity)): 1}):
            lines.append(Line(text, product.sku, float(quantity)))
            used.add(product.sku)
    return lines


def f1(truth: list[Counter], predicted: list[Counter]) -> tuple[float, float, float]:
    tp = sum(sum((t & p).values()) for t, p in zip(truth, predicted, strict=True))
    n_pred = sum(sum(p.values()) for p in predicted)
    n_true = sum(sum(t.values()) for t in truth)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_true if n_true else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)
