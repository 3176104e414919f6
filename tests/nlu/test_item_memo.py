"""The fast path's memories (nlu/item_memo.py, Splitter.with_memo) answer exactly what the
uncached full pipeline answers: on first sight, from memory, and after the catalogue changes."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from bench.nlu_throughput import order_messages, synthetic_catalog
from nlu.catalog_index import CatalogIndex
from nlu.item_memo import MemoResolver
from nlu.items import ItemResolver
from nlu.normalize import prepare
from nlu.pipeline import NluPipeline
from nlu.splitter import Splitter


@pytest.fixture(scope="module")
def catalogue(demo_products):
    products = synthetic_catalog(demo_products, 1200)
    return products, order_messages(products, 400, seed=5, base=len(demo_products))


def _answers(pipeline: NluPipeline, texts: list[str]) -> list[object]:
    return [pipeline.parse(t) for t in texts]


def test_generated_orders_answer_alike_first_and_from_memory(catalogue):
    products, texts = catalogue
    index = CatalogIndex(products)
    fast, full = NluPipeline(None, index), NluPipeline(None, index, fast_path=False)
    assert sum(map(fast.takes_fast_path, texts)) > len(texts) * 0.8
    expected = _answers(full, texts)
    assert _answers(fast, texts) == expected  # first sight
    again = list(zip(texts, expected, strict=True))
    random.Random(3).shuffle(again)
    assert [fast.parse(t) for t, _ in again] == [e for _, e in again]  # from memory, in another order


def test_an_incremental_change_reaches_what_was_remembered(catalogue):
    products, texts = catalogue
    fast = NluPipeline(None, CatalogIndex(products))
    before = _answers(fast, texts)
    ordered = [i.sku for p in before for i in p.items if i.sku]
    renamed, gone = ordered[0], ordered[1]
    assert renamed != gone
    changed = [replace(p, name=f"Old {p.name}", aliases=(), unit="carton") for p in products if p.sku == renamed]
    fast.apply_changes(changed, removed=[gone])
    full = NluPipeline(None, CatalogIndex(products), fast_path=False)
    full.apply_changes(changed, removed=[gone])
    after = _answers(fast, texts)
    assert after == _answers(full, texts)
    assert after != before  # the change did reach parses that had been remembered
    assert all(i.sku != gone for p in after for i in p.items)


def _span(index: CatalogIndex, text: str):
    return Splitter(index.units, index.phrases).item_spans(prepare(text))[0]


def test_a_rebuilt_index_is_not_answered_from_memory(demo_products):
    index = CatalogIndex(demo_products)
    memo = MemoResolver(index)
    span = _span(index, "wai wai 2 carton")
    first = memo.resolve(span)
    assert first is not None and first.sku
    index.rebuild([p for p in demo_products if p.sku != first.sku])
    assert memo.resolve(span) == ItemResolver(index).resolve(span)
    assert memo.resolve(span) != first


def test_each_answer_is_the_callers_own(demo_index):
    memo = MemoResolver(demo_index)
    first = memo.resolve(_span(demo_index, "chini 10 kg"))
    assert first is not None and first.candidates
    first.candidates.clear()
    first.quantity = 99.0
    again = memo.resolve(_span(demo_index, "chini 10 kg"))
    assert again == ItemResolver(demo_index).resolve(_span(demo_index, "chini 10 kg"))
    assert again is not None and again.candidates and again.quantity == 10.0


def test_a_span_is_answered_with_its_own_text(demo_index):
    memo = MemoResolver(demo_index)
    plain, listed = _span(demo_index, "chini 10 kg"), _span(demo_index, "1. chini 10 kg")
    assert plain.tokens == listed.tokens
    assert memo.resolve(plain) is not None and memo.resolve(listed) is not None
    assert memo.resolve(listed).text == listed.text  # type: ignore[union-attr]
