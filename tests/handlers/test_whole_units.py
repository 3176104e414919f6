"""Amounts people write, through the NLU and into draft lines: a counted unit is always whole."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.bounds import OutOfBounds
from domain.packs import is_counted
from handlers.drafting import sort_items
from nlu.catalog_csv import read_catalog_csv
from nlu.catalog_index import CatalogIndex
from nlu.normalize import prepare
from nlu.pipeline import NluPipeline

DEMO = Path(__file__).resolve().parents[2] / "data" / "catalog" / "demo.csv"
PRODUCTS = read_catalog_csv(DEMO)[0]
UNITS = {p.sku: p.unit for p in PRODUCTS}
PIPELINE = NluPipeline(None, CatalogIndex(PRODUCTS))
NAMES = st.sampled_from(["tori tel", "dhara", "chini", "wai wai", "coke", "surf excel", "rara", "basmati",
                         "mustard oil", "dal", "pani", "sunflower oil"])
SAID_UNITS = st.sampled_from(["kg", "g", "l", "ml", "dharni", "pau", "packet", "bottle", "carton", "crate",
                              "dozen", "ota", "", "liter"])
AMOUNTS = st.decimals(min_value=Decimal("0.1"), max_value=Decimal(500), places=2, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(AMOUNTS, SAID_UNITS, NAMES, st.booleans())
def test_counted_draft_lines_are_positive_whole_numbers(amount: Decimal, unit: str, name: str,
                                                        amount_first: bool) -> None:
    said = f"{amount} {unit}".strip()
    text = f"{said} {name}" if amount_first else f"{name} {said}"
    try:
        done = sort_items(PIPELINE.items(prepare(text)), None, UNITS)
    except OutOfBounds:
        return  # "0.1 g chini": a loose amount below what a line can hold is refused with its bound
    for sku, quantity, _ in done.ready:
        assert quantity > 0
        if is_counted(UNITS[sku]):
            assert quantity == quantity.to_integral_value(), (text, sku, quantity)
    for note in done.rounded:
        if note["quantity"]:
            assert abs(Decimal(note["quantity"]) - Decimal(note["exact"])) <= Decimal("0.51")


@pytest.mark.parametrize(("text", "sku", "quantity"), [
    ("2 dharni tori tel", "OIL-MUSTARD-1L", Decimal(5)),
    ("chini 2 kg ko 5 poka", "SUGAR-LOOSE", Decimal(10)),
])
def test_converted_amounts(text: str, sku: str, quantity: Decimal) -> None:
    done = sort_items(PIPELINE.items(prepare(text)), None, UNITS)
    assert [(s, q) for s, q, _ in done.ready] == [(sku, quantity)]
