"""How shop owners name a SKU's pack: "bar 4 wala", "1 pc ... 250", "4 pack", a shelf price
("10 rupee wala", "10 ko"), "sachet", "2 litre" for 2.25 L; the variant that sells best overall when
none is said; filler words the catalogue's names say ("total"); short words that only look alike."""

from __future__ import annotations

import string
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.catalog import Product
from nlu.catalog_index import CatalogIndex
from nlu.normalize import prepare
from nlu.pipeline import NluPipeline

ROWS = [  # sku, name, brand, unit, price, sales
    ("WHL-250", "Wheel Jasmine Detergent Bar 250 g", "Wheel", "piece", "30", 900),
    ("WHL-150", "Wheel Jasmine Detergent Bar 150 g", "Wheel", "piece", "18", 500),
    ("WHL-4x150", "Wheel Jasmine Detergent Bar 4x150 g", "Wheel", "piece", "70", 300),
    ("TOK-MAS-1K", "Tokla Masala Tea 1 kg", "Tokla", "packet", "600", 900),
    ("TOK-MAS-250", "Tokla Masala Tea 250 g", "Tokla", "packet", "160", 400),
    ("MAY-12x70", "Mayos Curry Instant Noodles 12x70 g", "Mayos", "packet", "240", 900),
    ("MAY-4x70", "Mayos Curry Instant Noodles 4x70 g", "Mayos", "packet", "80", 300),
    ("MAY-70", "Mayos Curry Instant Noodles 70 g", "Mayos", "packet", "20", 600),
    ("ANM-50", "Anmol Cream Biscuits 50 g", "Anmol", "packet", "4.8", 300),
    ("ANM-100", "Anmol Cream Biscuits 100 g", "Anmol", "packet", "9.5", 200),
    ("ANM-200", "Anmol Cream Biscuits 200 g", "Anmol", "packet", "19", 900),
    ("ANM-GLU-100", "Anmol Glucose Biscuits 100 g", "Anmol", "packet", "31", 100),
    ("ANM-GLU-200", "Anmol Glucose Biscuits 200 g", "Anmol", "packet", "55", 300),
    ("GD-26", "Good Day Butter Biscuits 26 g", "Good Day", "packet", "41", 100),
    ("GD-52", "Good Day Butter Biscuits 52 g", "Good Day", "packet", "7", 100),
    ("GD-90", "Good Day Butter Biscuits 90 g", "Good Day", "packet", "66", 900),
    ("CC-ORA-250", "Coca-Cola Orange Soft Drink 250 ml", "Coca-Cola", "bottle", "20", 300),
    ("CC-ORA-500", "Coca-Cola Orange Soft Drink 500 ml", "Coca-Cola", "bottle", "40", 300),
    ("CC-ORA-2.25", "Coca-Cola Orange Soft Drink 2.25 L", "Coca-Cola", "bottle", "120", 600),
    ("CC-DIET-500", "Coca-Cola Diet Soft Drink 500 ml", "Coca-Cola", "bottle", "40", 400),
    ("CHK-SS-340", "Chik Smooth & Silky Shampoo 340 ml", "Chik", "bottle", "200", 900),
    ("CHK-TR-340", "Chik Total Repair Shampoo 340 ml", "Chik", "bottle", "210", 100),
    ("HS-AD-SACH", "Head & Shoulders Anti Dandruff Shampoo 16x6 ml Sachet", "Head & Shoulders", "bottle",
     "50", 100),
    ("HS-AD-340", "Head & Shoulders Anti Dandruff Shampoo 340 ml", "Head & Shoulders", "bottle", "300", 900),
    ("EV-MEAT-50", "Everest Meat Masala Spice Powder 50 g", "Everest", "packet", "30", 900),
    ("EV-TUR-50", "Everest Turmeric Spice Powder 50 g", "Everest", "packet", "20", 300),
    ("SALT-BLACK", "Black Salt (Bire Nun) 100 g", "", "packet", "25", 100),
]
ALIASES = {"SALT-BLACK": ("bire nun", "kala namak", "nun")}


@pytest.fixture(scope="module")
def pipeline() -> NluPipeline:
    products = [Product(sku, name, unit, Decimal(price), aliases=ALIASES.get(sku, ()), brand=brand,
                        sales=float(sales)) for sku, name, brand, unit, price, sales in ROWS]
    return NluPipeline(None, CatalogIndex(products))


def _items(pipeline: NluPipeline, text: str) -> list[tuple[str | None, float | None]]:
    return [(i.sku, i.quantity) for i in pipeline.items(prepare(text))]


@pytest.mark.parametrize(("text", "want"), [
    ("wheel jasmine bar 4 wala 6 piece", ("WHL-4x150", 6)),  # "bar 4" is no count of bars here
    ("wheel bar 4x150 3", ("WHL-4x150", 3)),
    ("wheel bar 250 10 pc", ("WHL-250", 10)),
    ("wheel bar 150 wala 12 wata", ("WHL-150", 12)),  # the single 150 g bar, not the 4x150 g
    ("1 pc tokla masala chai 250", ("TOK-MAS-250", 1)),  # the count with a unit is the quantity
    ("mayos 4 pack 24 pkt", ("MAY-4x70", 24)),
])
def test_the_pack_said_beside_the_quantity(pipeline: NluPipeline, text: str, want: tuple[str, float]) -> None:
    assert _items(pipeline, text) == [want]


def test_a_unit_word_before_a_number_still_counts(pipeline: NluPipeline) -> None:
    assert _items(pipeline, "wheel bar 20") == [("WHL-250", 20)]


@pytest.mark.parametrize(("text", "want"), [
    ("anmol cream 10 rupee wala 5 pkt", ("ANM-100", 5)),  # the SKU priced 10 (9.50 on the shelf)
    ("anmol cream rs 5 wala 12", ("ANM-50", 12)),
    ("anmol cream 10 ko 6 pkt", ("ANM-100", 6)),  # no pack is 10: the price
    ("good day butter 5 rupee wala 3", ("GD-26", 3)),  # no such price: the brand's smallest pack
    ("good day butter 20 rupee wala 3", ("GD-90", 3)),  # ... its third
    ("anmol glucose 10 rupee wala 2", ("ANM-GLU-100", 2)),  # the brand's 100 g is its 10 rupee pack
])
def test_a_shelf_price_names_the_pack(pipeline: NluPipeline, text: str, want: tuple[str, float]) -> None:
    assert _items(pipeline, text) == [want]


def test_the_variant_left_out_is_the_best_selling_variant(pipeline: NluPipeline) -> None:
    # Orange sells 1,200 over its packs, Diet 400 in its one: the 500 ml Orange, though Diet's
    # 500 ml outsells Orange's
    assert _items(pipeline, "coca cola 500 ml 4 btl") == [("CC-ORA-500", 4)]
    assert _items(pipeline, "coca cola diet 500 ml 4 btl") == [("CC-DIET-500", 4)]


def test_a_size_near_the_only_one_is_it(pipeline: NluPipeline) -> None:
    assert _items(pipeline, "coca cola orange 2 litre wala 6") == [("CC-ORA-2.25", 6)]


def test_a_filler_word_the_names_say_is_a_product_word(pipeline: NluPipeline) -> None:
    assert _items(pipeline, "chik total shampoo 340 10 btl") == [("CHK-TR-340", 10)]
    assert _items(pipeline, "chik shampoo 340 10 btl") == [("CHK-SS-340", 10)]


def test_a_pack_word_the_name_says_picks_it(pipeline: NluPipeline) -> None:
    assert _items(pipeline, "head and shoulders sachet 24 btl") == [("HS-AD-SACH", 24)]


def test_masala_is_a_spice_powder(pipeline: NluPipeline) -> None:
    assert _items(pipeline, "everest turmeric masala 50g 10 pc") == [("EV-TUR-50", 10)]


def test_a_short_word_only_like_a_name_word_names_nothing(pipeline: NluPipeline) -> None:
    assert _items(pipeline, "delivered stop 1 run 1") == []
    assert _items(pipeline, "nun 2") == [("SALT-BLACK", 2)]


_SAID = frozenset(w for _, name, brand, *_ in ROWS for w in prepare(f"{name} {brand}").split()) | {
    w for a in ALIASES.values() for x in a for w in x.split()}


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=3).filter(lambda w: w not in _SAID))
def test_no_short_word_matches_a_product_it_is_not_in(pipeline: NluPipeline, word: str) -> None:
    assert all(sku is None for sku, _ in _items(pipeline, f"{word} 2"))
