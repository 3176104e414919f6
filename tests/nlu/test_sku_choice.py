"""Choosing among sibling SKUs: the brand said (misspelt or cut), the pack said (size, multipack
count, "wala"), the best seller when the variant is left out, a question only on a true tie."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.catalog import Product
from nlu.catalog_index import CatalogIndex
from nlu.normalize import prepare
from nlu.packs import without_price_points
from nlu.pipeline import NluPipeline

ROWS = [  # sku, name, brand, unit, sales
    ("DET-75", "Dettol Original Soap 75 g", "Dettol", "piece", 300),
    ("DET-125", "Dettol Original Soap 125 g", "Dettol", "piece", 900),
    ("DET-3x125", "Dettol Original Soap 3x125 g (Buy 2 Get 1)", "Dettol", "piece", 400),
    ("MAG-70", "Maggi 2-Minute Masala Noodles 70 g", "Maggi", "packet", 1200),
    ("MAG-4x70", "Maggi 2-Minute Masala Noodles 4x70 g", "Maggi", "packet", 700),
    ("MAG-12x70", "Maggi 2-Minute Masala Noodles 12x70 g", "Maggi", "packet", 500),
    ("MAG-ATTA-70", "Maggi Atta Noodles 70 g", "Maggi", "packet", 200),
    ("FOR-SUN-1L", "Fortune Sunlite Refined Sunflower Oil 1 L Pouch", "Fortune", "pouch", 800),
    ("FOR-SUN-5L", "Fortune Sunlite Refined Sunflower Oil 5 L Jar", "Fortune", "jar", 300),
    ("FOR-SOY-1L", "Fortune Soyabean Refined Oil 1 L Pouch", "Fortune", "pouch", 500),
    ("SRF-EW-1KG", "Surf Excel Easy Wash Detergent Powder 1 kg", "Surf Excel", "packet", 1000),
    ("SRF-EW-500", "Surf Excel Easy Wash Detergent Powder 500 g", "Surf Excel", "packet", 600),
    ("SRF-QW-1KG", "Surf Excel Quick Wash Detergent Powder 1 kg", "Surf Excel", "packet", 300),
    ("LUX-ROSE", "Lux Rose Soap 100 g", "Lux", "piece", 500),
    ("LUX-JAS", "Lux Jasmine Soap 100 g", "Lux", "piece", 500),
    ("ATTA-AASH-5", "Aashirvaad Whole Wheat Atta 5 kg", "Aashirvaad", "bag", 700),
    ("GHEE-AASH", "Aashirvaad Svasti Pure Cow Ghee 500 ml", "Aashirvaad Svasti", "jar", 900),
]


@pytest.fixture(scope="module")
def pipeline() -> NluPipeline:
    products = [Product(sku, name, unit, Decimal("10"), brand=brand, sales=float(sales))
                for sku, name, brand, unit, sales in ROWS]
    return NluPipeline(None, CatalogIndex(products))


def _one(pipeline: NluPipeline, text: str) -> tuple[str | None, float | None]:
    [item] = pipeline.items(prepare(text))
    return item.sku, item.quantity


@pytest.mark.parametrize(("text", "sku", "quantity"), [
    ("dettol sabun 125 10 pc", "DET-125", 10),
    ("detol sabun 75 wala 6", "DET-75", 6),
    ("dettol sabun 3 wala 2 pc", "DET-3x125", 2),
    ("maggi 12 wala 5 packet", "MAG-12x70", 5),
    ("magi 4 wala 10 pkt", "MAG-4x70", 10),
    ("maggi 70 gm 5 pkt", "MAG-70", 5),  # the single 70 g pack, not the 4x70 g
    ("fortune sunflower 1 ltr 12", "FOR-SUN-1L", 12),
    ("fortune sunflower 5 ltr 2 jar", "FOR-SUN-5L", 2),
    ("12 fortune soyabean tel 1 litre", "FOR-SOY-1L", 12),
    ("sarf 1kg 10 pkt", "SRF-EW-1KG", 10),  # variant left out: the best seller
    ("surf excel quick wash 1 kg 3 packet", "SRF-QW-1KG", 3),
    ("surf 500 wala 5", "SRF-EW-500", 5),
    ("aasirvaad whole aata 5 kg 2 bag", "ATTA-AASH-5", 2),  # not the Svasti ghee
])
def test_the_pack_and_brand_said_pick_the_sibling(pipeline: NluPipeline, text: str, sku: str,
                                                   quantity: float) -> None:
    assert _one(pipeline, text) == (sku, quantity)


def test_a_bare_pack_number_is_not_the_quantity(pipeline: NluPipeline) -> None:
    assert _one(pipeline, "2 dettol sabun 125") == ("DET-125", 2)


def test_true_ties_are_asked_with_both_candidates(pipeline: NluPipeline) -> None:
    [item] = pipeline.items(prepare("lux sabun 5 pc"))
    assert item.sku is None and item.ambiguous
    assert {c.sku for c in item.candidates[:2]} == {"LUX-ROSE", "LUX-JAS"}
    [rose] = pipeline.items(prepare("lux rose sabun 5 pc"))
    assert (rose.sku, rose.ambiguous) == ("LUX-ROSE", False)


def test_a_shelf_price_is_no_quantity_and_no_item(pipeline: NluPipeline) -> None:
    items = pipeline.items(prepare("maggi 10 rupee wala 5 pkt"))
    assert [(i.sku, i.quantity) for i in items] == [("MAG-70", 5)]
    assert without_price_points("maggi 12 wala 5 packet") == "maggi 12 wala 5 packet"


def test_a_removed_sibling_is_no_longer_chosen_nor_counted() -> None:
    products = [Product(sku, name, unit, Decimal("10"), brand=brand, sales=float(sales))
                for sku, name, brand, unit, sales in ROWS]
    changed = NluPipeline(None, CatalogIndex(products))
    assert _one(changed, "sarf 1kg 10 pkt") == ("SRF-EW-1KG", 10)
    changed.apply_changes([], removed=["SRF-EW-1KG", "SRF-EW-500"])  # the Easy Wash line is gone
    fresh = NluPipeline(None, CatalogIndex([p for p in products if not p.sku.startswith("SRF-EW")]))
    assert _one(changed, "sarf 1kg 10 pkt") == _one(fresh, "sarf 1kg 10 pkt") == ("SRF-QW-1KG", 10)
