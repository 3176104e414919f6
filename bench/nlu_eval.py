"""Score the pipeline on a grocery evaluation file: intent accuracy and item precision/recall/F1.

    .venv/bin/python bench/nlu_eval.py data/eval/grocery_dev.jsonl [--no-classifier] [--errors]

An item counts as right when its SKU matches (None for "should ask") and its quantity matches
within 1% (both None allowed); the unit is compared too when the gold line gives one.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nlu.catalog_csv import read_catalog_csv
from nlu.catalog_index import CatalogIndex
from nlu.metrics import matched_items
from nlu.pipeline import NluPipeline


def _same(gold: dict, item) -> bool:
    if gold["sku"] != item.sku:
        return False
    gq, pq = gold["quantity"], item.quantity
    if (gq is None) != (pq is None) or (gq is not None and abs(gq - pq) > 0.01 * max(gq, 1e-9)):
        return False
    return gold["unit"] is None or gold["unit"] == item.unit


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("path", type=Path)
    ap.add_argument("--catalog", type=Path, default=Path("data/catalog/demo.csv"))
    ap.add_argument("--no-classifier", action="store_true")
    ap.add_argument("--errors", action="store_true", help="print the lines that were wrong")
    args = ap.parse_args()
    classifier = None
    if not args.no_classifier:
        from nlu.intent import load_or_train
        classifier = load_or_train()
    # the product's threshold: the model's own (cross-validated at training), as bot/nlu_service.py
    threshold = classifier.threshold if classifier is not None else 0.5
    pipeline = NluPipeline(classifier, CatalogIndex(read_catalog_csv(args.catalog)[0]), threshold=threshold)
    rows = [json.loads(line) for line in args.path.read_text(encoding="utf-8").splitlines() if line.strip()]
    intents_right = 0
    tp = n_pred = n_gold = sku_tp = 0
    confusion: Counter[tuple[str, str]] = Counter()
    for row in rows:
        parse = pipeline.parse(row["text"])
        intents_right += parse.intent == row["intent"]
        if parse.intent != row["intent"]:
            confusion[(row["intent"], parse.intent)] += 1
        hits = matched_items(row["items"], parse.items, _same)
        sku_hits = matched_items(row["items"], parse.items, lambda g, i: g["sku"] == i.sku)
        tp, sku_tp = tp + hits, sku_tp + sku_hits
        n_pred, n_gold = n_pred + len(parse.items), n_gold + len(row["items"])
        if args.errors and (hits < len(row["items"]) or len(parse.items) != len(row["items"])
                            or parse.intent != row["intent"]):
            got = [(i.sku, i.quantity, i.unit, [c.sku for c in i.candidates][:3]) for i in parse.items]
            want = [(g["sku"], g["quantity"], g["unit"]) for g in row["items"]]
            print(f"{row['text']!r}\n   intent {row['intent']} -> {parse.intent} {parse.confidence}"
                  f"\n   want {want}\n   got  {got}")

    def f1(t: int) -> tuple[float, float, float]:
        p, r = t / max(n_pred, 1), t / max(n_gold, 1)
        return p, r, 2 * p * r / max(p + r, 1e-9)

    print(f"messages {len(rows)}  intent accuracy {intents_right / len(rows):.3f}")
    print("items (sku+quantity+unit): P {:.3f} R {:.3f} F1 {:.3f}".format(*f1(tp)))
    print("items (sku only):          P {:.3f} R {:.3f} F1 {:.3f}".format(*f1(sku_tp)))
    if confusion:
        print("top intent confusions (gold -> predicted):",
              ", ".join(f"{g}->{p} {n}" for (g, p), n in confusion.most_common(8)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
