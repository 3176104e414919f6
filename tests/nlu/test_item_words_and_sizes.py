"""Product words every key of a product explains, sizes tied by "ko"/"wala", address numbers."""

from decimal import Decimal

import pytest

from domain.catalog import Product
from nlu.catalog_index import CatalogIndex
from nlu.normalize import prepare


def _items(pipeline, text):
    return [(i.sku, i.quantity, i.unit) for i in pipeline.items(prepare(text))]


@pytest.mark.parametrize(("text", "expected"), [
    # a product whose keys together say every word wins over one with a key fitting two words
    ("chamal sona mansuli 10 kg", [("RICE-SONA-LOOSE", 10, "kg")]),
    ("sona mansuli chamal 10 kg", [("RICE-SONA-LOOSE", 10, "kg")]),
    ("mansuli chamal 20 kg", [("RICE-MANSULI-LOOSE", 20, "kg")]),
    ("waiwai chiken 3 carton", [("WAIWAI-CHK-CTN", 3, "carton")]),
    ("wai wai 1 carton and 5 packet veg", [("WAIWAI-CHK-CTN", 1, "carton"), ("WAIWAI-VEG-PKT", 5, "packet")]),
    ("wai wai veg 1 carton ra chicken 1 carton", [("WAIWAI-VEG-CTN", 1, "carton"), ("WAIWAI-CHK-CTN", 1, "carton")]),
    # the catalogue's house tea answers a bare "chiya"
    ("chini 2 kg + chiya 1 pkt", [("SUGAR-LOOSE", 2, "kg"), ("TEA-TOKLA-500G", 1, "packet")]),
    ("चिया ३ पोका", [("TEA-TOKLA-500G", 3, "packet")]),
    # a measure tied by ko/wala describes the pack; of a loose product it is the amount
    ("surf excel 1 kg ko price kati", [("SURF-1KG", None, "packet")]),
    ("surf excel 500 gm ko 6 pkt", [("SURF-500G", 6, "packet")]),
    ("5 kg ko chini", [("SUGAR-LOOSE", 5, "kg")]),
    ("aashirvaad atta 5 kg ko 4 packet", [("ATTA-AASHIRVAAD-5KG", 4, "packet")]),
    # a line naming nothing known with a bare number is an address, not an item
    ("Sharma Kirana, Butwal-8\nchini 10 kg\nrara 2 carton", [("SUGAR-LOOSE", 10, "kg"), ("RARA-CTN", 2, "carton")]),
])
def test_items(rules_pipeline, text, expected):
    got = _items(rules_pipeline, text)
    assert got == [(s, None if q is None else pytest.approx(q), u) for s, q, u in expected]


def test_unknown_item_with_a_unit_is_still_asked(rules_pipeline):
    (item,) = rules_pipeline.items(prepare("xyzzyq 5 kg"))
    assert item.sku is None and item.quantity == 5


def _product(sku, name, aliases):
    return Product(sku=sku, name=name, aliases=tuple(aliases), brand="", category="rice", unit="kg",
                   price=Decimal(100))


@pytest.mark.parametrize(("query", "sku"), [
    ("chamal sona mansuli", "SONA"),
    ("mansuli chamal", "MANSULI"),
    ("sona mansuli", "SONA"),
    ("mansuli", "MANSULI"),
])
def test_words_no_key_of_a_product_says_cost_it_points(query, sku):
    index = CatalogIndex([
        _product("SONA", "Sona Mansuli Rice", ["sona mansuli", "sona chamal"]),
        _product("MANSULI", "Mansuli Rice", ["mansuli", "mansuli chamal"]),
    ])
    matches = index.search(index.query_words(query), limit=2)
    assert index.products[matches[0].product].sku == sku
    assert len(matches) == 1 or matches[0].score - matches[1].score >= 4
