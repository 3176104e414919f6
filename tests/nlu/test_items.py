"""Whole messages through the pipeline's item half (no intent model needed)."""

import pytest

from nlu.normalize import prepare


def _items(pipeline, text):
    return [(i.sku, i.quantity, i.unit) for i in pipeline.items(prepare(text))]


@pytest.mark.parametrize(("text", "expected"), [
    ("2 kg chini ra 5 packet wai wai pathaidinu", [("SUGAR-LOOSE", 2, "kg"), ("WAIWAI-CHK-PKT", 5, "packet")]),
    ("कोक एक क्रेट", [("COKE-250-CRATE", 1, "crate")]),
    # quantity before or after the product, digits or words
    ("chini 2 kg", [("SUGAR-LOOSE", 2, "kg")]),
    ("chini dui kilo", [("SUGAR-LOOSE", 2, "kg")]),
    ("चिनी ५ केजी", [("SUGAR-LOOSE", 5, "kg")]),
    # conversion to the selling unit
    ("500 gm jeera", [("CUMIN-LOOSE", 0.5, "kg")]),
    ("jira 2 pao", [("CUMIN-LOOSE", 0.5, "kg")]),
    ("tori ko tel 5 litre", [("OIL-MUSTARD-1L", 5, "bottle")]),
    ("adha kilo timur", [("TIMUR-100G", 5, "packet")]),
    # counting words mean the product's own unit; dozen is twelve of them
    ("coke 1.5 l 12 ota", [("COKE-1500-BTL", 12, "bottle")]),
    ("lifebuoy 12 ota", [("LIFEBUOY-SOAP", 12, "bar")]),
    ("3 darjan anda", [("EGG-PC", 36, "piece")]),
    ("good day 1 dozen", [("BISC-GOODDAY-PKT", 12, "packet")]),
    # a pack unit picks the SKU sold in it
    ("5 carton wai wai", [("WAIWAI-CHK-CTN", 5, "carton")]),
    ("5 packet wai wai", [("WAIWAI-CHK-PKT", 5, "packet")]),
    ("1 bora chini", [("SUGAR-SACK-50", 1, "sack")]),
    ("anda 2 crate", [("EGG-CRATE", 2, "crate")]),
    ("rara 2 peti", [("RARA-CTN", 2, "carton")]),
    # ...and stays as said when there is none
    ("preeti 1 carton", [("PREETI-PKT", 1, "carton")]),
    # no unit means the product's unit
    ("rara 10", [("RARA-PKT", 10, "packet")]),
    # a size in the description picks the SKU and is not the quantity
    ("surf excel 1 kg ko 10 packet", [("SURF-1KG", 10, "packet")]),
    ("surf excel 500 gm 20 pkt", [("SURF-500G", 20, "packet")]),
    ("dhara 15 litre jar 2 ota", [("OIL-MUSTARD-15L", 2, "jar")]),
    ("tokla 1 kg 2 packet", [("TEA-TOKLA-1KG", 2, "packet")]),
    # negated alternatives
    ("12 bottle matra, crate hoina, coke 500 ml", [("COKE-500-BTL", 12, "bottle")]),
    ("coke 2 crate, sprite chai pardaina", [("COKE-250-CRATE", 2, "crate")]),
    # a shop's name on the first line is not an item
    ("Sharma Kirana Pasal, Butwal\nchini 10 kg\nnun 5 pkt",
     [("SUGAR-LOOSE", 10, "kg"), ("SALT-AAYO-1KG", 5, "packet")]),
])
def test_items(rules_pipeline, text, expected):
    assert _items(rules_pipeline, text) == [(s, pytest.approx(q), u) for s, q, u in expected]


@pytest.mark.parametrize(("text", "options"), [
    ("coke 12", {"COKE-250-CAN", "COKE-250-BTL", "COKE-500-BTL", "COKE-1500-BTL"}),
    ("surf excel 10 packet", {"SURF-500G", "SURF-1KG"}),
])
def test_ambiguous_items_offer_candidates(rules_pipeline, text, options):
    (item,) = rules_pipeline.items(prepare(text))
    assert item.ambiguous and item.sku is None
    assert {c.sku for c in item.candidates} == options


def test_unknown_item_keeps_its_quantity(rules_pipeline):
    (item,) = rules_pipeline.items(prepare("xyzzyq 5 kg"))
    assert item.sku is None and not item.ambiguous and item.quantity == 5 and item.unit == "kg"
