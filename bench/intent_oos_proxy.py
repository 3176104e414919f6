"""In-scope + out-of-scope MCC of three "bots" built from public intent corpora, at the model's own
threshold: a stand-in for real chatbot traffic, where a bot is trained on its own intents only and
then hears everything.

Each bot takes one corpus (banking77, HWU64, SNIPS 2017), keeps a seeded random share of its
intents and trains ``nlu.intent.train`` with its defaults (what ``khaacho nlu train`` runs; the
threshold comes from cross-validation on that training part alone) on at most --per-intent training
examples of each kept intent. Its test set: the corpus' test messages of the kept intents
(in-scope), and as out-of-scope the test messages of its hidden intents plus messages of the other
two corpora, about 40% of the whole. Nothing of a test set is used to train or to choose anything.

    KHAACHO_EMBED_CACHE=var/embed-cache .venv/bin/python bench/intent_oos_proxy.py [--bots banking,hwu,snips] [--json]

Data: /work/shared/data/corpora (banking77 CC BY 4.0, HWU64 CC BY 4.0, SNIPS benchmark CC0).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import matthews_corrcoef

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlu.intent import train

CORPORA = Path("/work/shared/data/corpora")
OOS = "out_of_scope"
Rows = list[tuple[str, str]]


def banking() -> tuple[Rows, Rows]:
    def read(name: str) -> Rows:
        with (CORPORA / "banking77/banking_data" / name).open(encoding="utf-8") as fh:
            return [(r["text"], r["category"]) for r in csv.DictReader(fh)]
    return read("train.csv"), read("test.csv")


def hwu() -> tuple[Rows, Rows]:
    def read(part: str) -> Rows:
        folder = CORPORA / "hwu64" / part
        texts = (folder / "seq.in").read_text(encoding="utf-8").splitlines()
        labels = (folder / "label").read_text(encoding="utf-8").splitlines()
        return list(zip(texts, labels, strict=True))
    return read("train"), read("test")


def snips() -> tuple[Rows, Rows]:
    base = CORPORA / "snips_nlu_benchmark/2017-06-custom-intent-engines"
    out: dict[str, Rows] = {"train": [], "test": []}
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        intent = folder.name
        for part, name in (("train", f"train_{intent}_full.json"), ("test", f"validate_{intent}.json")):
            raw = json.loads((folder / name).read_text(encoding="latin-1"))
            out[part] += [("".join(c["text"] for c in u["data"]).strip(), intent) for u in raw[intent]]
    return out["train"], out["test"]


LOADERS = {"banking": banking, "hwu": hwu, "snips": snips}


def make_bot(name: str, corpora: dict[str, tuple[Rows, Rows]], keep: float, per_intent: int,
             per_test_intent: int, oos_share: float, seed: int) -> tuple[Rows, Rows]:
    rng = random.Random(seed)
    train_rows, test_rows = corpora[name]
    intents = sorted({i for _, i in train_rows})
    kept = set(rng.sample(intents, max(2, round(len(intents) * keep))))
    by_intent: dict[str, list[str]] = {}
    for text, intent in train_rows:
        if intent in kept:
            by_intent.setdefault(intent, []).append(text)
    training = [(t, i) for i, ts in sorted(by_intent.items()) for t in rng.sample(ts, min(per_intent, len(ts)))]
    tests: dict[str, list[str]] = {}
    for text, intent in test_rows:
        tests.setdefault(intent, []).append(text)
    in_scope = [(t, i) for i in sorted(kept) for t in rng.sample(tests[i], min(per_test_intent, len(tests[i])))]
    hidden = [t for i in sorted(set(tests) - kept) for t in tests[i]]
    others = [t for other, (_, rows) in sorted(corpora.items()) if other != name for t, _ in rows]
    n_oos = round(len(in_scope) * oos_share / (1 - oos_share))
    oos = rng.sample(hidden, min(len(hidden), n_oos // 2))
    oos += rng.sample(others, n_oos - len(oos))
    return training, in_scope + [(t, OOS) for t in oos]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bots", default="banking,hwu,snips")
    ap.add_argument("--keep", type=float, default=0.75, help="share of a corpus' intents the bot knows")
    ap.add_argument("--per-intent", type=int, default=30, help="training examples per kept intent")
    ap.add_argument("--per-test-intent", type=int, default=15, help="in-scope test messages per kept intent")
    ap.add_argument("--oos-share", type=float, default=0.4)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--opts", default="{}", help="train() options as JSON (default: none)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    corpora = {name: loader() for name, loader in LOADERS.items()}
    opts = json.loads(args.opts)
    results = []
    for name in args.bots.split(","):
        training, test = make_bot(name, corpora, args.keep, args.per_intent, args.per_test_intent,
                                  args.oos_share, args.seed)
        started = time.perf_counter()
        model = train(training, **opts)
        seconds = time.perf_counter() - started
        gold = np.array([g for _, g in test])
        pred = np.array([lbl for lbl, _ in model.predict_many([t for t, _ in test])])
        ins = gold != OOS
        results.append({
            "bot": name, "intents": len(model.labels), "train": len(training), "test": len(test),
            "test_oos": int((~ins).sum()), "threshold": model.threshold, "cv_mcc": model.info["cv"].get("mcc"),
            "mcc": round(float(matthews_corrcoef(gold, pred)), 4),
            "in_scope_accuracy": round(float((pred[ins] == gold[ins]).mean()), 4),
            "oos_recall": round(float((pred[~ins] == OOS).mean()), 4), "train_seconds": round(seconds, 1),
        })
        if not args.json:
            print("  ".join(f"{k} {v}" for k, v in results[-1].items()), flush=True)
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
