"""The vendor's price message reader (nlu.price_lists): examples in each language, conversions to the
SKU's unit, and properties on text nobody here wrote (the shared corpora) and on generated text."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlu.catalog_index import CatalogIndex
from nlu.pipeline import NluPipeline
from nlu.price_lists import PriceLine, read_price_list, split_price_line
from tests.support.corpora import load_corpora, sample, shared_data

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def read(demo_products):
    pipeline = NluPipeline(None, CatalogIndex(demo_products))
    units = {p.sku: p.unit for p in demo_products}
    return lambda text: read_price_list(text, pipeline.items, units.get)


@pytest.fixture(scope="module")
def read_loose(demo_products):
    """A catalogue without the pack SKUs: sugar only by the kg, oil only in 1 l bottles."""
    kept = [p for p in demo_products if p.sku in ("SUGAR-LOOSE", "RARA-PKT", "OIL-MUSTARD-1L")]
    pipeline = NluPipeline(None, CatalogIndex(kept))
    units = {p.sku: p.unit for p in kept}
    return lambda text: read_price_list(text, pipeline.items, units.get)


def shown(lines: list[PriceLine]) -> list[tuple[str | None, Decimal | None, Decimal | None]]:
    return [(li.sku, li.price, li.per) for li in lines if li.understood] or [(None, None, None)]


@pytest.mark.parametrize(("text", "sku", "price"), [
    ("chini rate 102", "SUGAR-LOOSE", "102"), ("chini ko rate 102 rupaiya", "SUGAR-LOOSE", "102"),
    ("चिनी को भाउ १०२", "SUGAR-LOOSE", "102"), ("cheeni 45 kilo", "SUGAR-LOOSE", "45"),
    ("cheeni ka rate 104 rupaye", "SUGAR-LOOSE", "104"), ("sugar 102/kg", "SUGAR-LOOSE", "102"),
    ("chini - 102/-", "SUGAR-LOOSE", "102"), ("chini: Rs.102.50", "SUGAR-LOOSE", "102.50"),
    ("rara 540 carton", "RARA-CTN", "540"), ("rara ko bhau 18 rupaiya packet", "RARA-PKT", "18"),
    ("chini 1,020", "SUGAR-LOOSE", "1020"),
])
def test_a_price_line_in_each_language(read, text: str, sku: str, price: str) -> None:
    assert shown(read(text)) == [(sku, Decimal(price), Decimal(1))]


@pytest.mark.parametrize(("text", "sku", "price", "per"), [
    ("cheeni 10.50 100 g", "SUGAR-LOOSE", "10.50", "0.1"),
    ("chini 51 500 gram", "SUGAR-LOOSE", "51", "0.5"),
    ("tori tel 1650 5 litre", "OIL-MUSTARD-1L", "1650", "5"),
])
def test_the_amount_a_price_buys_is_converted_to_the_skus_unit(read_loose, text, sku, price, per) -> None:
    assert shown(read_loose(text)) == [(sku, Decimal(price), Decimal(per))]


@pytest.mark.parametrize("text", ["chini 5100 bora", "rara 540 carton", "blorfle 30", "chini rate kati?",
                                  "cheeni ka rate kya hai", "accept 1042", "namaste", "102"])
def test_what_cannot_be_read_is_not_understood(read_loose, text: str) -> None:
    assert shown(read_loose(text)) == [(None, None, None)]


def test_a_pasted_list_is_read_line_by_line_with_what_was_not_understood(read) -> None:
    lines = read("chini 102\nrara 18 packet\nblorfle 30; wai wai 20\n\ncoke 1.5 l 180")
    assert [(li.text, li.sku) for li in lines] == [
        ("chini 102", "SUGAR-LOOSE"), ("rara 18 packet", "RARA-PKT"), ("blorfle 30", None),
        ("wai wai 20", "WAIWAI-CHK-PKT"), ("coke 1.5 l 180", "COKE-1500-BTL")]


def _digits(text: str) -> set[Decimal]:
    plain = text.translate(str.maketrans("०१२३४५६७८९", "0123456789")).replace(",", "")
    return {Decimal(n) for n in re.findall(r"\d+(?:\.\d+)?", plain)}


def check_line(line: PriceLine, units: dict[str, str]) -> None:
    """What any read line must satisfy: a price is a number of the line, an understood line names a
    catalogue SKU in its selling unit and a positive amount."""
    if line.price is not None:
        assert line.price in _digits(line.text)
    if line.understood:
        assert line.sku in units and line.unit == units[line.sku]
        assert line.per is not None and line.per > 0


def corpus_lines() -> list[str]:
    """Human-written text from the shared corpora: queries (Hinglish, banking, assistant) and
    Duckling's money, quantity and numeral test strings (English, Hindi, Nepali)."""
    root = shared_data()
    if not (root / "corpora").is_dir():
        pytest.skip("the shared corpora are not here")
    texts = [t for corpus in load_corpora(root).values() for t in sample(corpus, 300)]
    for path in sorted((root / "corpora" / "duckling_corpora").glob("*.jsonl")):
        for row in path.read_text(encoding="utf-8").splitlines():
            texts += json.loads(row)["texts"]
    return texts


def test_corpus_text_never_breaks_the_reader(read, demo_products) -> None:
    units = {p.sku: p.unit for p in demo_products}
    texts = corpus_lines()
    assert len(texts) > 1000
    for text in texts:
        for line in read(text):
            check_line(line, units)


def test_corpus_prices_after_a_product_name_are_read(read) -> None:
    """Duckling's numerals and money strings that hold digits, written after "chini": the price read
    is the last number the string holds."""
    root = shared_data()
    path = root / "corpora" / "duckling_corpora" / "AmountOfMoney_EN.jsonl"
    if not path.is_file():
        pytest.skip("the shared corpora are not here")
    texts = [t for row in path.read_text(encoding="utf-8").splitlines() for t in json.loads(row)["texts"]]
    tried = 0
    for text in texts:
        parts = split_price_line(f"chini {text}")
        if parts is None or not re.fullmatch(r"[^\d]*\d+(\.\d{1,2})?[^\d.,]*", text):
            continue
        tried += 1
        assert parts[1] == Decimal(re.search(r"\d+(\.\d{1,2})?", text).group())
    assert tried >= 5


@FUZZ
@given(st.text(max_size=120))
def test_any_text_is_read_without_raising(read, demo_products, text: str) -> None:
    units = {p.sku: p.unit for p in demo_products}
    for line in read(text):
        check_line(line, units)


NAMES = st.sampled_from(["chini", "cheeni", "चिनी", "rara", "wai wai", "coke", "tori tel", "ghee", "dal", "blorfle"])
FILLERS = st.sampled_from(["", "rate", "ko rate", "ka rate", "ko bhau", "को भाउ", "price", ":", "-", "rs", "रु"])
TAILS = st.sampled_from(["", "rupaiya", "rs", "/-", "kilo", "kg", "packet", "carton", "per kg", "रुपैयाँ"])


@FUZZ
@given(NAMES, FILLERS, st.decimals(min_value=1, max_value=99999, places=2), TAILS)
def test_a_generated_price_line_reads_the_price_written(read, demo_products, name, filler, price, tail) -> None:
    text = f"{name} {filler} {price} {tail}".strip()
    [line] = read(text)
    check_line(line, {p.sku: p.unit for p in demo_products})
    assert line.price == price
