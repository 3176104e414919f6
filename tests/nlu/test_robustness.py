"""Input nobody here wrote: the index builds on any catalogue, the pipeline parses any str."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.make_catalog import rows as generated_rows
from domain.catalog import CATALOG_HEADER, Product, product_from_row
from nlu.catalog_index import CatalogIndex, key_skeleton
from nlu.catalog_keys import NameKeyer
from nlu.intent import load_or_train
from nlu.normalize import normalize, skeleton
from nlu.pipeline import NluPipeline
from nlu.types import Parse
from tests.support.catalog_names import messages, product_names, products
from tests.support.corpora import load_corpora, sample, shared_data

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class FixedIntent:
    def __init__(self, label: str, confidence: float) -> None:
        self.label, self.confidence = label, confidence

    def predict(self, text: str, *, tfidf_only: bool = False) -> tuple[str, float]:
        return self.label, self.confidence


@pytest.fixture(scope="module")
def large_products() -> list[Product]:
    return [product_from_row(dict(zip(CATALOG_HEADER, r, strict=True))) for r in generated_rows(8000)]


@pytest.fixture(scope="module")
def large_index(large_products) -> CatalogIndex:
    return CatalogIndex(large_products)


@pytest.fixture(scope="module")
def classifier():
    return load_or_train()


@pytest.fixture(scope="module")
def demo_pipeline(demo_index, classifier) -> NluPipeline:
    return NluPipeline(classifier, demo_index)


@pytest.fixture(scope="module")
def large_pipeline(large_index, classifier) -> NluPipeline:
    return NluPipeline(classifier, large_index)


# --- skeletons and tokens -----------------------------------------------------------------------

@pytest.mark.parametrize("word", ["h", "hh", "्", "ँ", "ः", "x", "2", "a"])
def test_a_word_always_has_a_skeleton(word):
    assert skeleton(word) and key_skeleton(word)


@FUZZ
@given(st.text(max_size=40))
def test_every_word_pairs_with_one_skeleton_word(text):
    assert len(key_skeleton(text).split()) == len(text.split())


@pytest.mark.parametrize(("text", "expected"), [
    ("h2o", "h2o"), ("B12 tablet", "b12 tablet"), ("covid19", "covid19"), ("mp3", "mp3"), ("a1", "a1"),
    ("2X", "2x"), ("1e30 kg chini", "1e30 kg chini"), ("hun6", "hun6"),
    ("2kg chini", "2 kg chini"), ("5pkt rara", "5 pkt rara"), ("chini2kg", "chini 2 kg"),
    ("1kg500gm", "1 kg 500 gm"), ("6x1 L", "6 x 1 l"), ("2x200 g", "2 x 200 g"), ("rs500", "rs 500"),
])
def test_letter_digit_words_are_amounts_only_when_they_write_one(text, expected):
    assert normalize(text) == expected


# --- the catalogue index --------------------------------------------------------------------------

REAL_NAMES = [
    "Cello H2O Unbreakable Water Bottle - Blue, 6x1 L",
    "Nivea Body Milk Nourishing Lotion With Deep Moisture Serum & 2X Almond Oil, 48h Intensive Moisture "
    "Care, 400 ml",
    "Tata Salt 2x200 g", "Lux Soap 5x6 pcs", "Fortune Oil 1 L each", "Diwali Combo", "Jio 4G Dongle",
    "Vitamin B12 Tablets", "Aashirvaad Atta 0% Maida (5 kg) [New]", "🌶 Kurkure Masala Munch 🔥",
    "तोरीको तेल १ लिटर", "चिनी", "h", "H", "2X", "१२३", "(30 packets)", "%", "Rara " * 60,
]


def _product(i: int, name: str, **kw) -> Product:
    return Product(sku=f"P{i}", name=name, unit="piece", price=Decimal("10"), **kw)


def test_index_builds_on_names_of_real_lists():
    names = [*REAL_NAMES, REAL_NAMES[0]]  # the last one: the same name under another SKU
    index = CatalogIndex([_product(i, n, brand=n.split()[0]) for i, n in enumerate(names)])
    assert len(index) == len(names) and not index.skipped
    found = index.search(index.query_words("cello h2o water bottle"), limit=3)
    assert {index.products[m.product].name for m in found} == {REAL_NAMES[0]}


def test_searching_a_word_whose_skeleton_was_empty(demo_index):
    assert demo_index.search("h") == [] or demo_index.search("h")  # no ValueError
    best = demo_index.search("chini h", limit=1)[0]
    assert demo_index.products[best.product].sku == "SUGAR-LOOSE"


def test_a_product_that_cannot_be_keyed_is_left_out_and_logged(monkeypatch, caplog):
    original = NameKeyer.keys

    def keys(self, product):
        if product.sku == "P1":
            raise ValueError("unkeyable")
        return original(self, product)

    monkeypatch.setattr(NameKeyer, "keys", keys)
    with caplog.at_level(logging.WARNING, logger="nlu.catalog_index"):
        index = CatalogIndex([_product(0, "Rara Noodles"), _product(1, "Odd"), _product(2, "Coke 1 L")])
    assert [p.sku for p in index.products] == ["P0", "P2"]
    assert index.skipped == [("P1", "ValueError('unkeyable')")]
    assert "P1" in caplog.text


@FUZZ
@given(products())
def test_index_builds_on_any_catalogue(items):
    index = CatalogIndex(items)
    assert len(index) == len(items) and not index.skipped
    for product in items[:5]:
        index.search(index.query_words(product.name), limit=5)


def test_generated_catalogue_imports_and_indexes_whole(tmp_path, large_products, large_index):
    from bench.make_catalog import write
    from nlu.catalog_csv import read_catalog_csv

    path = tmp_path / "catalog.csv"
    assert write(path, 8000) == 8000
    read, errors = read_catalog_csv(path)  # the rows `khaacho catalog import` reads
    assert errors == [] and len(read) == 8000
    assert len(large_index) == len(large_products) == 8000 and not large_index.skipped


# --- the pipeline ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["covid19", "mp3", "a1", "²", "2X", "h2o", "B12 tablet", "👍🏽 2", "1e30"])
def test_nonsense_the_model_calls_an_order_is_out_of_scope(demo_index, text):
    parse = NluPipeline(FixedIntent("order", 0.99), demo_index).parse(text)
    assert parse.intent == "out_of_scope" and not parse.items


@pytest.mark.parametrize(("text", "item"), [("2kg chini", ("SUGAR-LOOSE", 2, "kg")),
                                            ("5pkt rara", ("RARA-PKT", 5, "packet"))])
def test_joined_amounts_still_order(demo_index, text, item):
    parse = NluPipeline(FixedIntent("order", 0.99), demo_index).parse(text)
    assert parse.intent == "order" and [(i.sku, i.quantity, i.unit) for i in parse.items] == [item]


def test_chini_ka_rate_kya_h(demo_pipeline):
    parse = demo_pipeline.parse("chini ka rate kya h")
    assert parse.intent == "inquiry_price" and [i.sku for i in parse.items] == ["SUGAR-LOOSE"]


@FUZZ
@given(messages())
def test_pipeline_never_raises_demo(demo_pipeline, text):
    assert isinstance(demo_pipeline.parse(text), Parse)


@FUZZ
@given(st.one_of(messages(), product_names()))
def test_pipeline_never_raises_large(large_pipeline, text):
    assert isinstance(large_pipeline.parse(text), Parse)


def test_corpus_sample_parses(demo_pipeline, large_pipeline):
    root = shared_data()
    if not (root / "corpora").is_dir():
        pytest.skip(f"public corpora not found at {root} (see bench/robustness.py)")
    texts = [t for corpus in load_corpora(root).values() for t in sample(corpus, 40)]
    for pipeline in (demo_pipeline, large_pipeline):
        orders = [t for t in texts if pipeline.parse(t).intent == "order"]
        assert len(orders) <= 0.05 * len(texts), orders


@pytest.mark.parametrize("text", ["1" * 400 + " kg chini", "chini " + "9" * 5000 + " packet", "\ud800 chini 2 kg",
                                  "rara \udfff", "\ud83d"])
def test_numbers_past_float_range_and_lone_surrogates(demo_pipeline, text):
    assert isinstance(demo_pipeline.parse(text), Parse)


@FUZZ
@given(st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF) | st.characters(), max_size=40))
def test_pipeline_never_raises_on_surrogates(demo_pipeline, text):
    assert isinstance(demo_pipeline.parse(text), Parse)
