"""NameKeyer gives the keys the plain composition prepare -> tokenize -> key_words gives."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.catalog import Product
from nlu.catalog_csv import read_catalog_csv
from nlu.catalog_keys import BRAND_WEIGHT, Key, NameKeyer
from nlu.normalize import prepare, skeleton, tokenize
from nlu.quantities import key_words
from nlu.units import default_units

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from catalog_scale import synthetic  # noqa: E402


def _words(raw: str) -> tuple[list[str], object]:
    units = default_units()
    return key_words(tokenize(prepare(raw), lambda w: units.lookup(w) is not None), units)


def _skeleton(text: str) -> str:
    return " ".join("".join(skeleton(w).split()) or w for w in text.split())


def reference_keys(product: Product) -> list[Key]:
    """The keys spelt out step by step, one name at a time, nothing kept between names."""
    out: list[Key] = []
    for raw in (product.name, *product.aliases):
        words, size = _words(raw)
        words = [w for k, w in enumerate(words) if k == 0 or not w.replace(".", "").isdigit()]
        text = " ".join(words)
        out.append((text, _skeleton(text), size, 1.0))  # type: ignore[arg-type]
    if product.brand:
        text = " ".join(_words(product.brand)[0])
        out.append((text, _skeleton(text), None, BRAND_WEIGHT))
    return out


# Pieces of real names and of what breaks them: sizes, multipacks, unit words before or after
# their number, number words that are also words, connectors, stop words, possessives, joined
# runs, punctuation, Devanagari, fractions and emoji.
_PIECES = [
    "Wai", "Wai", "noodles", "Chicken", "Coca-Cola", "coke", "Dhara", "mustard", "oil", "chiniko",
    "Sona", "Mansuli", "chamal", "basmati", "Tokla", "tea", "CG", "H2O", "B12", "2pm", "5", "star",
    "500", "1.5", "1/2", "250", "12", "20", "0", "g", "gm", "kg", "KG", "ml", "l", "ltr", "litre",
    "packet", "pkt", "pc", "bora", "sack", "jar", "crate", "box", "bar", "dozen", "ota", "wata",
    "tin", "do", "ek", "dui", "saya", "hajar", "half", "aadha", "dedh", "char", "ko", "ka", "wala",
    "x", "X", "×", "2x200", "12x70", "3x125g", "1kg500gm", "2kg", "rs500", "5000rs", "(20)", "(30",
    "packets)", "-", ",", "&", "/", ".", "+", "#", "the", "please", "new", "single", "mini",
    "चिनी", "तोरीको", "तेल", "१", "२५०", "ग्राम", "किलो", "½", "1½", "¼", "👍", "Ｆｕｌｌ", "café",
]
_SEPARATORS = [" ", " ", " ", "  ", "\t", "", "-", " / "]
_raw = st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_SEPARATORS)), min_size=1, max_size=9).map(
    lambda parts: "".join(piece + sep for piece, sep in parts).strip(" "))
_brands = st.sampled_from(["", "Wai Wai", "Dhara", "CG Foods", "5 Star"]) | _raw
_products = st.builds(lambda name, aliases, brand: Product(sku="S1", name=name, unit="packet", price=Decimal(1),
                                                            aliases=tuple(aliases), brand=brand),
                      _raw, st.lists(_raw, max_size=2), _brands)

_KEYER = NameKeyer(default_units())  # one keyer for every example: what it keeps must not leak between names


@settings(max_examples=1500, deadline=None)
@given(_products)
def test_keys_are_the_step_by_step_keys(product: Product) -> None:
    assert _KEYER.keys(product) == reference_keys(product)


def test_keys_of_the_demo_and_a_generated_catalogue() -> None:
    demo, _ = read_catalog_csv(ROOT / "data" / "catalog" / "demo.csv")
    generated, _ = synthetic(30_000, seed=3)
    keyer = NameKeyer(default_units())
    products = [*demo, *generated]
    mismatched = [p.name for p in products if keyer.keys(p) != reference_keys(p)]
    assert not mismatched, mismatched[:5]
