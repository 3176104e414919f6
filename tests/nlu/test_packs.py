"""Pack sizes said without a unit, multipack names, best sellers and shop words."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from domain.catalog import Product, product_from_row
from nlu.catalog_index import CatalogIndex
from nlu.normalize import prepare
from nlu.packs import multipack_count, pack_fits
from nlu.pipeline import NluPipeline
from nlu.shop_words import catalogue_words


def _p(sku: str, name: str, sales: float = 0.0, unit: str = "packet") -> Product:
    return Product(sku=sku, name=name, unit=unit, price=Decimal("10"), brand=name.split()[0], sales=sales)


CATALOGUE = [
    _p("MAG-1", "Maggi 2-Minute Masala Noodles 70 g", 500),
    _p("MAG-12", "Maggi 2-Minute Masala Noodles 12x70 g", 300),
    _p("MAG-4", "Maggi 2-Minute Masala Noodles 4x70 g", 100),
    _p("DET-75", "Dettol Original Soap 75 g", 200, "piece"),
    _p("DET-125", "Dettol Original Soap 125 g", 100, "piece"),
    _p("SURF-1", "Surf Excel Easy Wash Detergent Powder 1 kg", 900),
    _p("SURF-1-D", "Surf Excel Easy Wash Detergent Powder 1 kg - Delhi Depot", 0),
    _p("SURF-500", "Surf Excel Easy Wash Detergent Powder 500 g", 400),
]


def _items(text: str) -> list[tuple[str | None, float | None]]:
    pipeline = NluPipeline(None, CatalogIndex(CATALOGUE))
    return [(i.sku, i.quantity) for i in pipeline.items(prepare(text))]


def test_named_pack_picks_the_sibling_and_is_not_the_quantity() -> None:
    assert _items("maggi 12 wala 5 packet") == [("MAG-12", 5.0)]
    assert _items("dettol sabun 125 10 pc") == [("DET-125", 10.0)]
    assert _items("detol sabun 75 3 pc") == [("DET-75", 3.0)]


def test_the_best_seller_settles_siblings_the_words_cannot_tell_apart() -> None:
    assert _items("surf 1kg 10 pkt") == [("SURF-1", 10.0)]


def test_sales_column_is_optional_and_never_breaks_a_row() -> None:
    row = {"sku": "A", "name": "A", "unit": "packet", "price": "1"}
    assert product_from_row(row).sales == 0.0
    assert product_from_row({**row, "sales": "abc"}).sales == 0.0
    assert product_from_row({**row, "sales": "12"}).sales == 12.0


@given(st.integers(1, 99), st.integers(1, 5000), st.sampled_from(["g", "ml", "kg", "l"]))
def test_multipack_names_give_their_count(count: int, size: int, unit: str) -> None:
    assert multipack_count(f"Brand Thing {count}x{size} {unit}") == count
    assert multipack_count(f"Brand Thing {size} {unit}") == 0


@given(st.floats(1, 50_000), st.integers(0, 48), st.floats(1, 50_000))
def test_pack_fits_only_what_the_product_says(size: float, count: int, number: float) -> None:
    assert pack_fits(0.0, 0, number) is None
    assert pack_fits(size, count, size) is True
    if count:
        assert pack_fits(size, count, count) is True
    if abs(size - number) > 0.03 * max(size, number) and abs(size - 1000 * number) > 20 * number \
            and number != count:
        assert pack_fits(size, count, number) is False


@given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=12), max_size=6))
def test_matching_never_fails_and_candidates_are_catalogue_skus(words: list[str]) -> None:
    pipeline = NluPipeline(None, CatalogIndex(CATALOGUE))
    skus = {p.sku for p in CATALOGUE}
    for item in pipeline.items(prepare(" ".join(words) + " 5 pkt")):
        assert item.sku is None or item.sku in skus
        assert all(c.sku in skus for c in item.candidates)


def test_shop_words_become_catalogue_words() -> None:
    assert catalogue_words(["ilam", "chiya"]) == ["ilam", "tea"]
    assert catalogue_words(["ilam", "tea"]) is None


def test_a_pack_count_is_not_the_order_quantity() -> None:
    assert _items("50 carton maggi 12 wala") == [("MAG-12", 50.0)]
    assert _items("6 poka maggi 12x70") == [("MAG-12", 6.0)]
