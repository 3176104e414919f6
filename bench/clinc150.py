"""CLINC150 intent benchmark for the product's intent classifier.

Data: CLINC150 "data_full" (Larson et al., 2019, "An Evaluation Dataset for Intent Classification and
Out-of-Scope Prediction", CC BY 3.0); it is read in place, nothing is copied into the repository.

Trains ``nlu.intent.train`` with its defaults (what ``khaacho nlu train`` runs) on ``train`` +
``oos_train`` (as out_of_scope). The confidence threshold is the model's own, chosen by
cross-validation on that training data alone (nlu.intent.cv_threshold); ``val`` and ``test`` (with
their out-of-scope parts) are only scored at it. ``--val-threshold`` also shows, for comparison
only, the threshold that would suit the validation part best (highest in-scope accuracy with at
least 0.8 out-of-scope recall).

    KHAACHO_EMBED_CACHE=var/embed-cache .venv/bin/python bench/clinc150.py [--opts '{"learner": "svm+mlp"}'] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import matthews_corrcoef

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlu.intent import IntentClassifier, train

DATA = Path("/work/shared/data/clinc150/data_full.json")
OOS = "out_of_scope"


def split(data: dict, *parts: str) -> list[tuple[str, str]]:
    return [(text, OOS if part.startswith("oos") else label) for part in parts for text, label in data[part]]


def scored(model: IntentClassifier, rows: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gold labels, best labels and their confidences (before any threshold)."""
    model.threshold = 0.0
    best = model.predict_many([t for t, _ in rows])
    return (np.array([g for _, g in rows]), np.array([b for b, _ in best]), np.array([c for _, c in best]))


def at_threshold(gold: np.ndarray, best: np.ndarray, conf: np.ndarray, threshold: float) -> tuple[float, float]:
    """(in-scope accuracy, out-of-scope recall) when answers below threshold become out_of_scope."""
    pred = np.where(conf < threshold, OOS, best)
    ins = gold != OOS
    return float((pred[ins] == gold[ins]).mean()), float((pred[~ins] == OOS).mean())


def choose_threshold(gold: np.ndarray, best: np.ndarray, conf: np.ndarray, min_oos_recall: float) -> float:
    grid = np.round(np.arange(0.0, 1.0, 0.01), 2)
    results = [(t, *at_threshold(gold, best, conf, t)) for t in grid]
    ok = [r for r in results if r[2] >= min_oos_recall] or results
    return float(max(ok, key=lambda r: (r[1], -r[0]))[0])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--opts", default="{}", help="train() options as JSON (default: none, the product's defaults)")
    ap.add_argument("--val-threshold", action="store_true", help="also report the validation-tuned threshold")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not args.data.is_file():
        print(f"CLINC150 not found at {args.data}", file=sys.stderr)
        return 2
    data = json.loads(args.data.read_text(encoding="utf-8"))
    opts = json.loads(args.opts)

    started, started_cpu = time.perf_counter(), time.process_time()
    model = train(split(data, "train", "oos_train"), **opts)
    train_seconds, train_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    threshold = model.threshold

    val_scores = scored(model, split(data, "val", "oos_val"))
    val = at_threshold(*val_scores, threshold)
    test_rows = split(data, "test", "oos_test")
    started = time.perf_counter()
    test_scores = scored(model, test_rows)
    per_message_us = (time.perf_counter() - started) / len(test_rows) * 1e6
    in_scope, oos_recall = at_threshold(*test_scores, threshold)
    gold, best, conf = test_scores
    mcc = matthews_corrcoef(gold, np.where(conf < threshold, OOS, best))
    result = {
        "split": "train+oos_train to train (threshold by CV on it); val+oos_val, test+oos_test scored",
        "opts": opts or "defaults", "learner": model.info.get("learner"), "cv": model.info.get("cv"),
        "threshold": threshold, "train_seconds": round(train_seconds, 1),
        "train_cpu_seconds": round(train_cpu, 1), "load_average": round(os.getloadavg()[0], 1),
        "val_in_scope_accuracy": round(val[0], 4), "val_oos_recall": round(val[1], 4),
        "test_in_scope_accuracy": round(in_scope, 4),
        "test_in_scope_accuracy_no_threshold": round(at_threshold(*test_scores, 0.0)[0], 4),
        "test_oos_recall": round(oos_recall, 4),
        "test_mcc": round(float(mcc), 4), "predict_many_us_per_message": round(per_message_us, 1),
    }
    if args.val_threshold:
        tuned = choose_threshold(*val_scores, 0.8)
        result["val_tuned_threshold"] = tuned
        result["test_at_val_tuned"] = [round(v, 4) for v in at_threshold(*test_scores, tuned)]
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>28}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
