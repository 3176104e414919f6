"""Screen ways of mixing the intent model's heads on CLINC150 without retraining for each.

Trains ``nlu.intent.train`` once with its defaults on ``train`` + ``oos_train`` and keeps, for the
whole model on ``val`` + ``oos_val`` and for each cross-validation fold model on its held-out
messages: the TF-IDF heads' mean probabilities, whether the gate would skip the embedding, and the
embedding head's probabilities. Each variant (arithmetic or geometric mean, embedding weight,
gate) is then scored in seconds: the threshold chosen by the product's rule on the folds
(nlu.oos_threshold.pick_threshold), and val at it. CLINC's ``test`` part is never read: choose on
this, then confirm one choice with bench/clinc150.py. The recording (``--dump``) is reused when it
exists; it belongs to one CODE_VERSION and one set of defaults.

    KHAACHO_EMBED_CACHE=var/embed-cache .venv/bin/python bench/intent_mix_screen.py [--dump var/mix-screen.pkl]
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import matthews_corrcoef

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nlu.intent as intent
from bench.clinc150 import DATA, OOS, split
from nlu.embed import SentenceEmbedder, readable
from nlu.intent_mlp import softmax
from nlu.oos_threshold import pick_threshold


def parts(model: intent.IntentClassifier, texts: list[str], vectors: np.ndarray) -> dict[str, Any]:
    cheap = [model._cheap(t) for t in texts]
    assert model.embed_head is not None
    head = model.embed_head
    return {"tf": np.vstack([p for p, _ in cheap]).astype(np.float32), "sure": np.array([s for _, s in cheap]),
            "readable": np.array([readable(t) for t in texts]), "labels": np.array(model.labels),
            "emb": head.proba(vectors @ head.weights + head.bias).astype(np.float32)}


def record(data: dict) -> dict[str, Any]:
    """Train once, keeping what the fold models and the whole model say (private hooks, undone after)."""
    fits: list[intent.IntentClassifier] = []
    tables: list[Any] = []
    scores: list[Any] = []
    held: dict[int, list[str]] = {}
    originals = intent._fit, intent._Embeddings.__init__, intent.cv_scores, intent.IntentClassifier.proba_many

    def fit(*args: Any, **kwargs: Any) -> intent.IntentClassifier:
        fits.append(originals[0](*args, **kwargs))
        return fits[-1]

    def init(self: Any) -> None:
        originals[1](self)
        tables.append(self)

    def cv(*args: Any, **kwargs: Any) -> Any:
        scores.append(originals[2](*args, **kwargs))
        return scores[-1]

    def proba_many(self: Any, texts: list[str], embedded: np.ndarray | None = None) -> np.ndarray:
        held.setdefault(id(self), list(texts))
        return originals[3](self, texts, embedded)

    intent._fit, intent.cv_scores = fit, cv
    intent._Embeddings.__init__ = init  # type: ignore[method-assign]
    intent.IntentClassifier.proba_many = proba_many  # type: ignore[method-assign]
    try:
        model = intent.train(split(data, "train", "oos_train"))
    finally:
        intent._fit, intent.cv_scores = originals[0], originals[2]
        intent._Embeddings.__init__ = originals[1]  # type: ignore[method-assign]
        intent.IntentClassifier.proba_many = originals[3]  # type: ignore[method-assign]
    val = split(data, "val", "oos_val")
    texts = [t for t, _ in val]
    folds = [parts(m, held[id(m)], tables[0].of(held[id(m)])) for m in fits[1:]]
    gold, _, _, labelled, _ = scores[0]
    return {"threshold": model.threshold, "train_seconds": model.info["train_seconds"], "folds": folds,
            "cv_gold": gold, "cv_labelled": labelled, "val_gold": np.array([g for _, g in val]),
            "val": parts(model, texts, SentenceEmbedder(threads=0, memory=0).encode(texts))}


def mixed(d: dict[str, Any], kind: str, weight: float, gate: float) -> np.ndarray:
    """Probabilities as the model would give them with this mix; ``gate`` above the model's own
    (0.9) embeds also the messages whose TF-IDF answer is below it."""
    if kind == "arith":
        both = (1 - weight) * d["tf"] + weight * d["emb"]
    else:
        both = softmax((1 - weight) * np.log(d["tf"] + 1e-9) + weight * np.log(d["emb"] + 1e-9))
    embed = ~(d["sure"] & (d["tf"].max(axis=1) >= gate)) & d["readable"]
    return np.where(embed[:, None], both, d["tf"])


def score(rec: dict[str, Any], kind: str, weight: float, gate: float) -> dict[str, Any]:
    def answers(d: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        p = mixed(d, kind, weight, gate)
        return d["labels"][p.argmax(axis=1)], p.max(axis=1)

    cv = [answers(d) for d in rec["folds"]]
    threshold, report = pick_threshold(rec["cv_gold"], np.concatenate([b for b, _ in cv]),
                                       np.concatenate([c for _, c in cv]), OOS, rec["cv_labelled"])
    best, conf = answers(rec["val"])
    gold = rec["val_gold"]
    ins = gold != OOS
    pred = np.where(conf < threshold, OOS, best)
    at = [np.where(conf < t, OOS, best) for t in np.arange(0, 1, 0.01)]
    curve = [(float((p[ins] == gold[ins]).mean()), float((p[~ins] == OOS).mean())) for p in at]
    return {"mix": kind, "weight": weight, "gate": gate, "threshold": threshold, "cv_mcc": report["mcc"],
            "val_in_scope": round(float((pred[ins] == gold[ins]).mean()), 4),
            "val_oos_recall": round(float((pred[~ins] == OOS).mean()), 4),
            "val_mcc": round(float(matthews_corrcoef(gold, pred)), 4),
            "val_in_scope_at_oos_85": round(max([a for a, r in curve if r >= 0.85] or [0.0]), 4)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--dump", type=Path, default=Path("var/mix-screen.pkl"))
    ap.add_argument("--weights", default="0.5,0.6,0.7,0.8")
    ap.add_argument("--gates", default="0.9,0.98")
    args = ap.parse_args(argv)
    if args.dump.is_file():
        rec = pickle.loads(args.dump.read_bytes())  # our own file, written below
    else:
        rec = record(json.loads(args.data.read_text(encoding="utf-8")))
        args.dump.parent.mkdir(parents=True, exist_ok=True)
        args.dump.write_bytes(pickle.dumps(rec))
    print(f"defaults: threshold {rec['threshold']}, trained in {rec['train_seconds']} s")
    for kind in ("arith", "geo"):
        for weight in map(float, args.weights.split(",")):
            for gate in map(float, args.gates.split(",")):
                print(json.dumps(score(rec, kind, weight, gate)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
