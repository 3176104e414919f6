"""Evaluation metrics for intents and order items: pure functions over plain values."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

# convert(quantity, from_unit, to_unit) -> quantity in to_unit, or None when not convertible
Converter = Callable[[float, str, str], float | None]


@dataclass(frozen=True, slots=True)
class Item:
    sku: str | None
    quantity: float | None
    unit: str | None


def intent_metrics(gold: Sequence[str], pred: Sequence[str], oos_label: str = "out_of_scope") -> dict[str, float]:
    """n, intent_accuracy, in_scope_accuracy, oos_recall, macro_f1 and mcc (multi-class Matthews)."""
    if len(gold) != len(pred):
        raise ValueError("gold and pred differ in length")
    n = len(gold)
    in_scope = [(g, p) for g, p in zip(gold, pred, strict=True) if g != oos_label]
    oos = [p for g, p in zip(gold, pred, strict=True) if g == oos_label]
    return {
        "n": n,
        "intent_accuracy": _ratio(sum(g == p for g, p in zip(gold, pred, strict=True)), n),
        "in_scope_accuracy": _ratio(sum(g == p for g, p in in_scope), len(in_scope)),
        "oos_recall": _ratio(sum(p == oos_label for p in oos), len(oos)),
        "macro_f1": macro_f1(gold, pred),
        "mcc": matthews(gold, pred),
    }


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Unweighted mean F1 over every label seen in gold or pred."""
    labels = set(gold) | set(pred)
    if not labels:
        return 0.0
    scores = []
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        scores.append(_f1(tp, sum(p == label for p in pred), sum(g == label for g in gold)))
    return sum(scores) / len(scores)


def matthews(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Multi-class Matthews correlation coefficient (Gorodkin's R_K); 0 when undefined."""
    n = len(gold)
    correct = sum(g == p for g, p in zip(gold, pred, strict=True))
    t, p = Counter(gold), Counter(pred)
    labels = set(t) | set(p)
    cov_tp = correct * n - sum(t[k] * p[k] for k in labels)
    cov_pp = n * n - sum(p[k] ** 2 for k in labels)
    cov_tt = n * n - sum(t[k] ** 2 for k in labels)
    denom = math.sqrt(cov_pp * cov_tt)
    return cov_tp / denom if denom else 0.0


def quantity_matches(gold: Item, pred: Item, convert: Converter | None = None, tolerance: float = 0.01) -> bool:
    """Same SKU and same quantity within ``tolerance`` (relative) once in the gold unit."""
    if gold.sku is None or gold.sku != pred.sku:
        return False
    if gold.quantity is None or pred.quantity is None:
        return gold.quantity is None and pred.quantity is None
    qty = pred.quantity
    if pred.unit != gold.unit:
        converted = convert(qty, pred.unit or "", gold.unit or "") if convert else None
        if converted is None:
            return False
        qty = converted
    return abs(qty - gold.quantity) <= tolerance * abs(gold.quantity)


def matched_items(gold: Sequence[Any], pred: Sequence[Any], same: Callable[[Any, Any], bool]) -> int:
    """Greedy one-to-one matches between gold and predicted items of one message."""
    free = list(pred)
    hits = 0
    for g in gold:
        for i, p in enumerate(free):
            if same(g, p):
                hits += 1
                del free[i]
                break
    return hits


def item_metrics(
    gold: Sequence[Sequence[Item]], pred: Sequence[Sequence[Item]], convert: Converter | None = None
) -> dict[str, float]:
    """item_precision/recall/f1 (SKU and quantity), sku_f1 (SKU alone), exact_match (whole messages)."""
    if len(gold) != len(pred):
        raise ValueError("gold and pred differ in length")
    tp = sku_tp = exact = n_gold = n_pred = 0
    for g, p in zip(gold, pred, strict=True):
        hits = matched_items(g, p, lambda a, b: quantity_matches(a, b, convert))
        tp += hits
        sku_tp += matched_items(g, p, lambda a, b: a.sku is not None and a.sku == b.sku)
        n_gold += len(g)
        n_pred += len(p)
        exact += hits == len(g) == len(p)
    precision, recall = _ratio(tp, n_pred), _ratio(tp, n_gold)
    return {
        "item_precision": precision,
        "item_recall": recall,
        "item_f1": _f1(tp, n_pred, n_gold),
        "sku_f1": _f1(sku_tp, n_pred, n_gold),
        "exact_match": _ratio(exact, len(gold)),
    }


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _f1(tp: int, n_pred: int, n_gold: int) -> float:
    return 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0
