"""The out-of-scope threshold rule: the confidence below which an answer becomes ``oos``, chosen on
held-out training messages (nlu.intent.cv_scores).

Held-out out-of-scope messages are of two kinds: messages of intents hidden from the fold model
(a stand-in for out-of-scope traffic, harder to tell from the kept intents than real traffic is:
they are close kin of the intents kept), and examples the training data itself labels out of
scope. When there are both, each kind weighs half of the out-of-scope messages' total in the
Matthews correlation, so a few labelled examples are not drowned by many stand-ins; when there is
one kind only, every message weighs one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import matthews_corrcoef

GRID = np.round(np.arange(0.0, 1.0, 0.01), 2)


def oos_weights(gold: np.ndarray, labelled: np.ndarray, oos: str) -> np.ndarray:
    """Sample weights of held-out messages: 1 for in-scope ones; out-of-scope ones share their
    count equally between the labelled kind (``labelled`` true) and the hidden-intent kind."""
    weights = np.ones(len(gold))
    out = gold == oos
    kinds = (out & labelled, out & ~labelled)
    if all(k.any() for k in kinds):
        for kind in kinds:
            weights[kind] = out.sum() / (2 * kind.sum())
    return weights


def pick_threshold(gold: np.ndarray, best: np.ndarray, conf: np.ndarray, oos: str,
                   labelled: np.ndarray | None = None) -> tuple[float, dict[str, Any]]:
    """The threshold (0.00-0.99) with the best Matthews correlation over all labels, out-of-scope
    included, when answers below it become ``oos``; ``labelled`` marks the held-out messages the
    training data labels ``oos`` (the others of gold ``oos`` are of hidden intents)."""
    labelled = np.zeros(len(gold), bool) if labelled is None else np.asarray(labelled, bool)
    weights = oos_weights(gold, labelled, oos)
    scores = [matthews_corrcoef(gold, np.where(conf < t, oos, best), sample_weight=weights) for t in GRID]
    pick = int(np.argmax(scores))
    threshold = float(GRID[pick])
    pred = np.where(conf < threshold, oos, best)
    ins = gold != oos

    def recall(rows: np.ndarray) -> float | None:
        return round(float((pred[rows] == oos).mean()), 4) if rows.any() else None

    report = {"rule": "max MCC over leave-intents-out folds, labelled and hidden out-of-scope weighing half each",
              "threshold": threshold, "mcc": round(float(scores[pick]), 4), "held_out_messages": len(gold),
              "held_out_oos": int((~ins).sum()), "held_out_labelled_oos": int((~ins & labelled).sum()),
              "in_scope_accuracy": round(float((pred[ins] == gold[ins]).mean()), 4),
              "oos_recall": recall(~ins), "labelled_oos_recall": recall(~ins & labelled)}
    return threshold, report
