"""Hypothesis strategies for catalogue names nobody here would write, and for messages.

Names mix what real distributor lists hold (brands, multipacks "2x200 g", "5x6 pcs", "1 L each",
"Combo", letter-digit words H2O/2X/4G/B12, percentages, brackets, emoji, Devanagari, 300-character
names) with arbitrary Unicode; messages add zero-width and bidi marks, combining marks, ZWJ emoji,
whitespace only and very long texts.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from domain.catalog import SELLING_UNITS, Product

LETTER_DIGIT = ("H2O", "2X", "4G", "B12", "D3", "48h", "covid19", "mp3", "a1", "5G", "A4", "2B", "X1", "1e30",
                "०1", "h", "x", "1x", "Type-C")
PACKS = ("2x200 g", "5x6 pcs", "1 L each", "Combo", "6x1 L", "200 g x 2", "Pack of 3 (100 g each)", "1kg",
         "500GM", "1/2 kg", ".5 kg", "(30 packets)", "2×500ml", "24 x 250 ml", "0 g", "99999999999999999999 kg",
         "-3 packet", "१ केजी", "५०० ग्राम", "1.5.2 L", "½ kg", "1 L + 200 ml free")
WORDS = ("Cello", "Unbreakable", "Water Bottle", "Nivea", "Body Milk", "Deep Moisture Serum", "Almond Oil",
         "Intensive Moisture Care", "Wai Wai", "Rara", "chini", "Tata", "Sampann", "&", "-", "|", ",", "+",
         "with", "and", "ra", "ko", "wala", "100%", "0% Maida", "Rs 10 Off", "(Imported)", "[New]", "{x}",
         "चिनी", "तोरीको तेल", "मसुरो", "Made in Nepal", "Buy 2 Get 1", "No.1", "e", "a", "ँ", "्")
EMOJI = ("🌶", "⭐", "👍🏽", "👨‍👩‍👧", "🇳🇵", "✅", "❌", "🙏", "ﷺ", "½")
MARKS = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u202a", "\u2066", "\u0301", "\u0900",
         "\u094d", "\u00a0", "\u3000", "\t", "\n", "\r\n")

_piece = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(LETTER_DIGIT), st.sampled_from(PACKS), st.sampled_from(EMOJI),
    st.sampled_from(MARKS), st.text(min_size=1, max_size=8),
    st.integers(-10**25, 10**25).map(str), st.floats(allow_nan=True, allow_infinity=True).map(str),
)


@st.composite
def product_names(draw: st.DrawFn) -> str:
    """A catalogue name: a few realistic and odd pieces joined, now and then ~300 characters."""
    pieces = draw(st.lists(_piece, min_size=1, max_size=12))
    sep = draw(st.sampled_from((" ", "", " - ", ", ", "\u200b")))
    name = sep.join(pieces)
    if draw(st.integers(0, 20)) == 0:
        name = (name + " ") * (300 // max(len(name) + 1, 1) + 1)
    name = name[:300].strip()
    return name or "x"


@st.composite
def products(draw: st.DrawFn, min_size: int = 1, max_size: int = 30) -> list[Product]:
    """Products with generated names, aliases and brands; a name may repeat under another SKU."""
    names = draw(st.lists(product_names(), min_size=min_size, max_size=max_size))
    if names and draw(st.booleans()):
        names.append(names[0])  # the same name under a second SKU
    out = []
    for i, name in enumerate(names):
        aliases = tuple(draw(st.lists(product_names(), max_size=3)))
        brand = draw(st.one_of(st.just(""), product_names()))
        unit = draw(st.sampled_from(sorted(SELLING_UNITS)))
        out.append(Product(sku=f"SKU-{i}", name=name, unit=unit, price=Decimal("10.00"), aliases=aliases,
                           brand=brand, category=draw(st.sampled_from(("", "rice", "oil", "misc")))))
    return out


@st.composite
def messages(draw: st.DrawFn) -> str:
    """Any text a chat might carry: pieces above, arbitrary Unicode, whitespace only, or 10,000 chars."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.text(alphabet=st.sampled_from(" \t\n\r\u00a0\u2003\u200b\u3000"), max_size=20))
    if kind == 1:
        seed = draw(st.lists(_piece, min_size=1, max_size=5))
        return (" ".join(seed) + " ") * (10_000 // (len(" ".join(seed)) + 1) + 1)
    if kind in (2, 3):
        return draw(st.text(max_size=60))
    pieces = draw(st.lists(st.one_of(_piece, st.sampled_from(PACKS + LETTER_DIGIT)), min_size=1, max_size=10))
    return draw(st.sampled_from((" ", "", ", ", "\n", " ra "))).join(pieces)
