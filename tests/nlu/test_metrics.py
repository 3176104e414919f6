from __future__ import annotations

import pytest
from sklearn.metrics import f1_score, matthews_corrcoef

from nlu.metrics import Item, intent_metrics, item_metrics, macro_f1, matthews, quantity_matches

GOLD = ["order", "order", "balance", "greeting", "out_of_scope", "out_of_scope", "payment"]
PRED = ["order", "reorder", "balance", "greeting", "out_of_scope", "greeting", "balance"]


def test_intent_metrics_by_hand():
    m = intent_metrics(GOLD, PRED)
    assert m["n"] == 7
    assert m["intent_accuracy"] == pytest.approx(4 / 7)
    assert m["in_scope_accuracy"] == pytest.approx(3 / 5)
    assert m["oos_recall"] == pytest.approx(1 / 2)


def test_custom_oos_label():
    m = intent_metrics(["none", "order"], ["none", "none"], oos_label="none")
    assert (m["oos_recall"], m["in_scope_accuracy"]) == (1.0, 0.0)


def test_macro_f1_and_mcc_agree_with_scikit_learn():
    assert macro_f1(GOLD, PRED) == pytest.approx(f1_score(GOLD, PRED, average="macro", zero_division=0))
    assert matthews(GOLD, PRED) == pytest.approx(matthews_corrcoef(GOLD, PRED))
    assert matthews(["a", "b"], ["a", "b"]) == pytest.approx(1.0)
    assert matthews(["a", "a"], ["a", "a"]) == 0.0  # undefined: one class only


def test_empty_and_mismatched_inputs():
    assert intent_metrics([], [])["intent_accuracy"] == 0.0
    with pytest.raises(ValueError):
        intent_metrics(["a"], [])
    with pytest.raises(ValueError):
        item_metrics([[]], [])


def kg_to_g(value: float, source: str, target: str) -> float | None:
    factors = {"kg": 1000.0, "g": 1.0}
    if source in factors and target in factors:
        return value * factors[source] / factors[target]
    return None


@pytest.mark.parametrize(
    ("gold", "pred", "same"),
    [
        (Item("SUGAR", 2, "kg"), Item("SUGAR", 2, "kg"), True),
        (Item("SUGAR", 2, "kg"), Item("SUGAR", 2.015, "kg"), True),  # within 1 %
        (Item("SUGAR", 2, "kg"), Item("SUGAR", 2.05, "kg"), False),
        (Item("SUGAR", 2, "kg"), Item("SUGAR", 2000, "g"), True),  # after unit conversion
        (Item("SUGAR", 2, "kg"), Item("SUGAR", 2, "packet"), False),  # not convertible
        (Item("SUGAR", 2, "kg"), Item("RICE", 2, "kg"), False),
        (Item("SUGAR", None, None), Item("SUGAR", None, None), True),
        (Item(None, 2, "kg"), Item(None, 2, "kg"), False),  # an unknown product never counts
    ],
)
def test_quantity_matches(gold, pred, same):
    assert quantity_matches(gold, pred, kg_to_g) is same


def test_item_metrics():
    gold = [
        [Item("SUGAR", 2, "kg"), Item("COKE", 1, "crate")],  # one right, one wrong quantity
        [Item("RICE", 25, "kg")],  # exactly right
        [],  # nothing to find, nothing found
        [Item("DAL", 1, "kg")],  # missed
    ]
    pred = [
        [Item("SUGAR", 2000, "g"), Item("COKE", 2, "crate")],
        [Item("RICE", 25, "kg")],
        [],
        [Item("OIL", 1, "l")],
    ]
    m = item_metrics(gold, pred, kg_to_g)
    assert m["item_precision"] == pytest.approx(2 / 4)
    assert m["item_recall"] == pytest.approx(2 / 4)
    assert m["item_f1"] == pytest.approx(0.5)
    assert m["sku_f1"] == pytest.approx(2 * 3 / 8)
    assert m["exact_match"] == pytest.approx(2 / 4)


def test_each_predicted_item_matches_once():
    m = item_metrics([[Item("A", 1, "kg"), Item("A", 1, "kg")]], [[Item("A", 1, "kg")]])
    assert (m["item_precision"], m["item_recall"], m["exact_match"]) == (1.0, 0.5, 0.0)
