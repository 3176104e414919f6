"""The fast path (nlu/fast_path.py) answers exactly what the full pipeline answers, whenever it answers."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlu.catalog_csv import read_catalog_csv
from nlu.catalog_index import CatalogIndex
from nlu.pipeline import NluPipeline
from nlu.units import default_units

REPO = Path(__file__).resolve().parents[2]
EVAL_FILES = sorted((REPO / "data" / "eval").glob("*.jsonl"))
SKU_ORDER_FILES = sorted((REPO / "bench" / "data").glob("sku_orders_*.jsonl"))


def _texts(paths: list[Path]) -> list[str]:
    return [json.loads(line)["text"] for path in paths for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _pair(products, classifier=None) -> tuple[NluPipeline, NluPipeline]:
    index = CatalogIndex(products)
    return NluPipeline(classifier, index), NluPipeline(classifier, index, fast_path=False)


def _diverging(fast: NluPipeline, full: NluPipeline, texts: list[str]) -> tuple[int, list[str]]:
    """How many texts took the fast path, and those whose fast answer is not the full pipeline's."""
    taken, wrong = 0, []
    for text in texts:
        if not fast.takes_fast_path(text):
            assert fast.parse(text) == full.parse(text)  # falling through is the full pipeline itself
            continue
        taken += 1
        if fast.parse(text) != full.parse(text):
            wrong.append(text)
    return taken, wrong


@pytest.fixture(scope="module")
def demo_pair(demo_products):
    return _pair(demo_products)


def test_eval_messages_answer_alike(demo_pair):
    texts = _texts(EVAL_FILES)
    taken, wrong = _diverging(*demo_pair, texts)
    assert wrong == []
    assert taken >= len(texts) // 5  # the fast path does take the typical orders among them


def test_sku_order_messages_answer_alike():
    products, errors = read_catalog_csv(REPO / "bench" / "data" / "sku_catalog.csv")
    assert not errors
    texts = _texts(SKU_ORDER_FILES)
    taken, wrong = _diverging(*_pair(products), texts)
    assert wrong == []
    assert taken > 0


def test_a_second_parse_answers_as_the_first(demo_pair):
    fast, full = demo_pair
    text = "chini 10 kg, masoor 5 kg ra wai wai 2 carton"
    assert fast.takes_fast_path(text)
    assert fast.parse(text) == fast.parse(text) == full.parse(text)


@pytest.mark.parametrize("text", [
    "कोक एक क्रेट",  # Devanagari
    "chxnii 5 kg",  # no key says it: the fuzzy search decides
    "5000 esewa bata pathaye",  # a sign the message is not an order
    "coke 2 crate @ 500",  # marks no typical order has
])
def test_what_is_not_a_typical_order_falls_through(demo_pair, text):
    fast, full = demo_pair
    assert not fast.takes_fast_path(text)
    assert fast.parse(text) == full.parse(text)


class _Model:
    """An intent model whose TF-IDF heads are sure of a message or not (then it would embed it,
    unless asked for the heads alone)."""

    def __init__(self, sure: bool) -> None:
        self.sure = sure
        self.asked: list[bool] = []  # tfidf_only of each call

    def predict(self, text: str, *, tfidf_only: bool = False) -> tuple[str, float]:
        self.asked.append(tfidf_only)
        return "order", 0.6

    def embeds(self, text: str, *, tfidf_only: bool = False) -> bool:
        return not (self.sure or tfidf_only)


@pytest.mark.parametrize("sure", [True, False])
def test_a_typical_order_is_read_by_the_tfidf_heads_alone_sure_or_not(demo_products, sure):
    text = "wai wai 2 carton"
    model = _Model(sure)
    fast, full = _pair(demo_products, model)
    assert fast.takes_fast_path(text)
    answer = fast.parse(text)
    assert model.asked == [True]
    assert answer == full.parse(text)
    assert model.asked == [True, True]  # the full pipeline keeps the same rule


@pytest.mark.parametrize("text", ["chxnii 5 kg", "5000 esewa bata pathaye", "कोक एक क्रेट"])
def test_a_message_the_rules_are_unsure_of_gets_the_whole_model(demo_products, text):
    model = _Model(False)
    fast, full = _pair(demo_products, model)
    assert not fast.takes_fast_path(text)
    assert fast.parse(text) == full.parse(text)
    assert model.asked == [False, False]


def test_the_product_intent_model_answers_alike(demo_products):
    from nlu.intent import load_or_train

    model = load_or_train()
    fast, full = _pair(demo_products, model)
    texts = _texts(EVAL_FILES[:2])
    taken, wrong = _diverging(fast, full, texts)
    assert wrong == []
    assert taken > 0


def test_a_catalogue_change_reaches_the_fast_path(demo_products):
    fast = NluPipeline(None, CatalogIndex(demo_products))
    text = "wai wai 2 carton"
    before = fast.parse(text)
    assert before.items and before.items[0].sku
    renamed = [replace(p, aliases=tuple(a for a in p.aliases if a != "wai wai"), name=f"Old {p.name}")
               if p.sku == before.items[0].sku else p for p in demo_products]
    fast.update_catalog(renamed)
    full = NluPipeline(None, CatalogIndex(renamed), fast_path=False)
    assert fast.parse(text) == full.parse(text)
    fast.apply_changes([], removed=[before.items[0].sku])
    full.apply_changes([], removed=[before.items[0].sku])
    assert fast.parse(text) == full.parse(text)
    assert all(i.sku != before.items[0].sku for i in fast.parse(text).items)


# --- generated order messages against the demo catalogue ------------------------------------

def _spellings() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for word, unit in sorted(default_units().spellings.items()):
        if word.isascii() and "_" not in word:
            out.setdefault(unit.name, []).append(word)
    return out


_UNIT_SPELLINGS = _spellings()
_FILLER = ["", "dai ", "namaste ", "please ", "hajur "]
_CLOSERS = ["", " pathaidinu", " bhejo", " please", " chahiyo", " dinus"]
_JOINERS = [", ", " ra ", " and ", "\n", " aur ", "; "]


@st.composite
def _item(draw, products):
    product = draw(st.sampled_from(products))
    said = draw(st.sampled_from([a for a in (*product.aliases, product.name.lower()) if a.isascii()]
                                or [product.name.lower()]))
    unit = draw(st.sampled_from([*_UNIT_SPELLINGS.get(product.unit, [product.unit]), "", "ota", "packet"]))
    quantity = draw(st.sampled_from(["1", "2", "3", "5", "10", "12", "1.5", "24", "50", "ek", "dui"]))
    amount = f"{quantity} {unit}".strip()
    return draw(st.sampled_from([f"{said} {amount}", f"{amount} {said}", said]))


@st.composite
def _order(draw, products):
    items = draw(st.lists(_item(products), min_size=1, max_size=4))
    return draw(st.sampled_from(_FILLER)) + draw(st.sampled_from(_JOINERS)).join(items) + \
        draw(st.sampled_from(_CLOSERS))


@pytest.fixture(scope="module")
def ascii_products(demo_products):
    return [p for p in demo_products if any(a.isascii() for a in (*p.aliases, p.name))]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_generated_orders_answer_alike(demo_pair, ascii_products, data):
    text = data.draw(_order(ascii_products))
    fast, full = demo_pair
    if fast.takes_fast_path(text):
        assert fast.parse(text) == full.parse(text), text
