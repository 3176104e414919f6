"""A vendor's price message read into lines: "chini rate 102", "rara 540 carton", "cheeni 45 kilo",
"चिनी को भाउ १०२", "chini ko rate 102 rupaiya", or a pasted list of such lines.

Each line (a message is split at new lines, ";" and ",") is: a product name, then the price (the last
standalone number), then optionally what that price buys ("carton", "kilo", "/kg", "per bottle",
"100 g").
Words that only say "the rate of" or "rupees" (rate, bhau, ko, ka, rs, रु, भाउ, …) are dropped. The
product and the amount the price buys come from the item parser reading "<name> 1 <unit>": for
"rara 540 carton" it reads 1 carton = 30 packets of Rara, so the price per packet is 540 / 30.

    read_price_list(text, items, unit_of) -> list[PriceLine]
        items: the pipeline's `items(prepared_text)`; unit_of(sku): the SKU's selling unit. A line
        with no price, no product, an unclear product, or an amount that does not convert to the
        SKU's unit ("chini 5000 bora" where sugar is sold by the kg and no sack size is known)
        comes back with `sku` None (not understood)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from nlu.normalize import prepare
from nlu.types import ParsedItem

_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_SPLIT = re.compile(r"[\n;]+|,(?!\d{3}\b)")
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?![\w.])")
_FILLER_WORDS = (
    "rate rates ret bhau bhaau bhaw bhav price prices dam daam dar mol mulya ko ka ki ke ho hai "
    "cha chha xa is of at the rs rs. npr nrs rupaiya rupaiyaa rupaiya. rupiya rupya rupees "
    "rupee rupaye rupaiye rupiye rupay ru re per prati kya /- = : - @ / भाउ भाव दाम दर मूल्य को का की के हो है छ रु रु. रू रू. "
    "रुपैयाँ रुपैंया रुपैया रुपियाँ रुपिया रुपया रुपये प्रति "
)
FILLER = frozenset(_FILLER_WORDS.split())  # words that only say "the rate of" or "rupees"
MAX_LINES = 100            # lines read from one message; a longer paste is cut here
MAX_LINE_CHARS = 200


@dataclass(frozen=True)
class PriceLine:
    text: str                  # the line as the vendor wrote it
    sku: str | None            # None: not understood
    name: str | None
    price: Decimal | None      # as written, for `per` SKU units
    per: Decimal | None        # how many SKU units the price buys (1 when no unit was named)
    unit: str | None           # the SKU's unit

    @property
    def understood(self) -> bool:
        return self.sku is not None and self.price is not None and self.per is not None and self.per > 0


def _words(text: str) -> list[str]:
    spaced = re.sub(r"(?<=\d)/(?=\D)|/-", " / ", text)
    return [w for w in spaced.split() if w.lower().strip(".") not in FILLER and w.lower() not in FILLER]


def _number(match: re.Match[str]) -> Decimal:
    return Decimal(match.group(1).replace(",", "") + ("." + match.group(2) if match.group(2) else ""))


def split_price_line(line: str) -> tuple[str, Decimal, str] | None:
    """(name, price, what the price buys) of one line, or None when it holds no price.

    The price is the last number, unless another number comes straight before it ("cheeni 10.50
    100 g", "tori tel 1650 5 litre"): then that one is the price and the last is the amount it buys."""
    digits = re.sub(r"(?<=[^\W\d])\.(?=\d)", " ", line.translate(_DEVANAGARI_DIGITS))  # "Rs.102"
    numbers = list(_NUMBER.finditer(digits))
    if not numbers:
        return None
    price_at, amount_from = numbers[-1], numbers[-1].end()
    if len(numbers) > 1 and not _words(digits[numbers[-2].end():numbers[-1].start()]) and _words(
            digits[numbers[-1].end():]):
        price_at, amount_from = numbers[-2], numbers[-1].start()
    try:
        price = _number(price_at)
    except InvalidOperation:
        return None
    name, rest = " ".join(_words(digits[:price_at.start()])), " ".join(_words(digits[amount_from:]))
    return name, price, rest


def read_line(line: str, items: Callable[[str], Sequence[ParsedItem]], unit_of: Callable[[str], str | None]
              ) -> PriceLine:
    text = line.strip()
    parts = split_price_line(text[:MAX_LINE_CHARS])
    if parts is None or not parts[0]:
        return PriceLine(text, None, None, None, None, None)
    name, price, rest = parts
    amount = rest if rest and rest[0].isdigit() else f"1 {rest}".strip()
    found = [i for i in items(prepare(f"{name} {amount}")) if i.sku or i.ambiguous]
    item = found[0] if len(found) == 1 else None
    if item is None or item.sku is None or item.ambiguous or not item.quantity or item.quantity <= 0 \
            or item.unit != unit_of(item.sku):
        return PriceLine(text, None, None, price, None, None)   # unknown, unclear, or a pack it cannot convert
    return PriceLine(text, item.sku, item.name, price, Decimal(str(item.quantity)), item.unit)


def read_price_list(text: str, items: Callable[[str], Sequence[ParsedItem]],
                    unit_of: Callable[[str], str | None]) -> list[PriceLine]:
    """Every non-empty line of a price message, read (see the module docstring); `unit_of(sku)` is the
    SKU's selling unit, which the amount a price buys must convert to."""
    lines = [part.strip() for part in _SPLIT.split(text) if part.strip()]
    return [read_line(line, items, unit_of) for line in lines[:MAX_LINES]]
