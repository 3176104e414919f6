"""Pack sizes a shop names without a unit: "dettol sabun 125", "maggi 12 wala", "surf 500 wala 5".

A catalogue name says its pack as "125 g" or as a multipack "12x70 g" / "3x125 g"; a shop owner says
the number alone. A bare number that is not the order quantity (or one tied to the words after it
by "wala"/"ko") names the pack when some sibling's grams/millilitres or multipack count equal it.
"""

from __future__ import annotations

import re

from nlu.lexicon import CONNECTORS
from nlu.quantities import Amount

MULTIPACK_UNIT = "packet"  # "4 pack": the unit a multipack's count is said in
_MULTIPACK = re.compile(r"(?<![\d.])(\d{1,3})\s*[x×]\s*\d+(?:\.\d+)?\s*(?:g|gm|gms|ml|kg|l|ltr)\b", re.I)


def multipack_count(name: str) -> int:
    """How many packs a multipack name holds ("Maggi ... 12x70 g" -> 12); 0 for a single pack."""
    if "x" not in name and "X" not in name and "×" not in name:  # most names: no multipack sign at all
        return 0
    found = _MULTIPACK.search(name)
    return int(found.group(1)) if found else 0


def pack_numbers(tokens: list[str], amounts: list[Amount], quantity: Amount | None) -> list[float]:
    """Bare numbers of a span that can only name the pack: not the quantity ordered, or tied to
    what follows by a connector ("12 wala 5 packet": 12 is the pack, 5 the quantity); and a count
    of packs beside the quantity ("mayos 4 pack 24 pkt": four to the pack)."""
    out: list[float] = []
    for a in amounts:
        if a is quantity and not _tied(tokens, a):
            continue
        if a.unit is not None and (a is quantity or a.unit.name != MULTIPACK_UNIT or quantity is None):
            continue
        if a.value > 0 and a.value < 100_000:
            out.append(a.value)
    return out


# Packs shop owners name by a word: "pao" a quarter kilo, "aadha"/"half" half a kilo or litre,
# "sawa" one and a quarter, "dedh" one and a half (grams or millilitres).
PACK_WORDS = {"pao": 250.0, "paau": 250.0, "pav": 250.0, "aadha": 500.0, "adha": 500.0, "half": 500.0,
              "sawa": 1250.0, "dedh": 1500.0, "डेढ": 1500.0, "आधा": 500.0, "पाउ": 250.0}
SINGLE_WORDS = frozenset({"single", "khudra", "खुद्रा"})
SMALL_WORDS = frozenset({"chota", "chhota", "chhoto", "choto", "sano", "saano", "small", "mini", "single",
                         "छोटा", "सानो"})


_PRICE_POINT = re.compile(r"(?<!\S)(?:rs\.?\s*)?(\d+)\s*(?:rs|rupees?|rupaiya\w*|रुपैयाँ)?\.?\s+"
                          r"(?:wala|wali|vala|waala|ko|वाला)(?=\s|$)", re.I)
_HAS_CURRENCY = re.compile(r"rs|rupee|rupaiya|रुपैयाँ", re.I)
_PRICE_MARK = "mrp"  # "10 rupee wala" becomes the one word "mrp10" for the item resolver
_PRICE_WORD = re.compile(rf"{_PRICE_MARK}(\d+)")
# Shelf prices of the small packs, cheapest first: a brand line's single packs from the smallest up
# ("5 rupee wala" the smallest, "10 rupee wala" the next) when no SKU carries that price.
PRICE_LADDER = (5.0, 10.0, 20.0, 50.0, 100.0)


def without_price_points(text: str) -> str:
    """The text with a pack named by its shelf price ("10 rupee wala", "rs 5 wala") as one word
    "mrp10": that number is neither the quantity nor a size, and "rupee wala" is no product."""
    return _PRICE_POINT.sub(lambda m: f" {_PRICE_MARK}{m.group(1)} " if _HAS_CURRENCY.search(m.group())
                            else m.group(), text)


def price_points(words: list[str]) -> tuple[list[float], list[str]]:
    """The shelf prices said (see without_price_points) and the words without them."""
    prices = [float(m.group(1)) for w in words if (m := _PRICE_WORD.fullmatch(w))]
    return prices, ([w for w in words if not _PRICE_WORD.fullmatch(w)] if prices else words)


def price_fits(price: float, said: float) -> bool:
    """Whether a catalogue price is the shelf price said (paise and rounding aside)."""
    return price > 0 and abs(price - said) <= max(0.5, 0.02 * said)


def ladder_rank(said: float) -> int | None:
    """The place of a shelf price among the small packs' prices (0: the smallest pack)."""
    if said < PRICE_LADDER[0]:
        return 0
    return PRICE_LADDER.index(said) if said in PRICE_LADDER else None


def word_packs(tokens: list[str]) -> list[float]:
    """Pack sizes named by words ("tata chiya pao", "fortune half litre")."""
    return [PACK_WORDS[t] for t in tokens if t in PACK_WORDS]


def single_pack(tokens: list[str]) -> bool:
    """Whether the shop asks for single packs, not a multipack ("maggi single 12 pc")."""
    return any(t in SINGLE_WORDS for t in tokens)


def small_pack(tokens: list[str]) -> bool:
    """Whether the shop asks for the small pack ("coke chota", "maggi single")."""
    return any(t in SMALL_WORDS for t in tokens)


def _tied(tokens: list[str], amount: Amount) -> bool:
    return amount.end < len(tokens) and tokens[amount.end] in CONNECTORS


def pack_fits(size: float, count: int, number: float) -> bool | None:
    """Whether a product of `count` packs of `size` g/ml each (count 0: a single pack) is the pack
    `number` names: its count, its grams/millilitres, or its kilograms/litres ("fortune 1 12").
    None when the product says no pack at all."""
    if not size and not count:
        return None
    if count and abs(count - number) < 1e-9:
        return True
    return bool(size) and (abs(size - number) <= 0.02 * number or abs(size - number * 1000) <= 20 * number)


__all__ = ["PACK_WORDS", "PRICE_LADDER", "ladder_rank", "multipack_count", "pack_fits", "pack_numbers",
           "price_fits", "price_points", "single_pack", "small_pack", "without_price_points", "word_packs"]
