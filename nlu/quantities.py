"""Amounts in a run of tokens ("2 kg", "12 ota", "bora 2") and product-key words around them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from nlu.lexicon import CONNECTORS, STOPWORDS, strip_suffix
from nlu.numbers import parse_numeral
from nlu.units import COUNT, DOZEN, MASS, VOLUME, Unit, UnitTable

# Count units that may come before their number: "bora 2", "jar 1", "rin bar 20".
_UNIT_FIRST = frozenset({"sack", "jar", "crate", "carton", "box", "bottle", "can", "bar", "bag"})


@dataclass(frozen=True, slots=True)
class Amount:
    value: float
    unit: Unit | None  # None for a bare number
    start: int  # token span [start, end)
    end: int

    @property
    def is_measure(self) -> bool:
        return self.unit is not None and self.unit.kind in (MASS, VOLUME)

    @property
    def base(self) -> float:
        """Grams or millilitres of a measure; 0 for counts."""
        return self.value * self.unit.factor if self.is_measure and self.unit else 0.0


@dataclass(frozen=True, slots=True)
class Hint:
    """A unit word said without a number ("coke can", "dhara jar"): the form the shop wants."""

    unit: Unit
    index: int


def find_amounts(tokens: list[str], units: UnitTable) -> tuple[list[Amount], list[Hint]]:
    """Amounts and loose unit words, in token order; "1 kg 500 gm" becomes one amount."""
    amounts: list[Amount] = []
    hints: list[Hint] = []
    n = len(tokens)
    i = 0
    while i < n:
        value = parse_numeral(tokens[i])
        if value is None:
            unit = units.lookup(tokens[i])
            if unit is not None:
                hints.append(Hint(unit, i))
            i += 1
            continue
        unit = units.lookup(tokens[i + 1]) if i + 1 < n else None
        if unit is not None:
            amounts.append(Amount(value, unit, i, i + 2))
            i += 2
            continue
        if hints and hints[-1].index == i - 1 and hints[-1].unit.name in _UNIT_FIRST \
                and not _describes_pack(tokens, i, units):
            hint = hints.pop()
            amounts.append(Amount(value, hint.unit, i - 1, i + 1))
        else:
            amounts.append(Amount(value, None, i, i + 1))
        i += 1
    return _merge_compound(amounts), hints


def _describes_pack(tokens: list[str], i: int, units: UnitTable) -> bool:
    """Whether the number at i after a unit word is the pack, not the count of that unit: tied to
    what follows ("bar 4 wala", "bar 4x150") or followed by the count ("bar 250 10 pc")."""
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    if after in CONNECTORS or after == "x":
        return True
    for a, b in itertools.pairwise(tokens[i + 1:]):
        unit = units.lookup(b)
        if parse_numeral(a) is not None and unit is not None and unit.kind in (COUNT, DOZEN):
            return True
    return False


def _merge_compound(amounts: list[Amount]) -> list[Amount]:
    """"1 kg 500 gm" -> 1.5 kg: adjacent measures of one kind, the second in a smaller unit."""
    out: list[Amount] = []
    for amount in amounts:
        prev = out[-1] if out else None
        if (prev is not None and prev.end == amount.start and prev.is_measure and amount.is_measure
                and prev.unit and amount.unit and prev.unit.kind == amount.unit.kind
                and amount.unit.factor < prev.unit.factor):
            total = prev.value + amount.value * amount.unit.factor / prev.unit.factor
            out[-1] = Amount(total, prev.unit, prev.start, amount.end)
        else:
            out.append(amount)
    return out


def is_count(amount: Amount) -> bool:
    return amount.unit is None or amount.unit.kind in (COUNT, DOZEN)


def key_words(tokens: list[str], units: UnitTable) -> tuple[list[str], Amount | None]:
    """Words that name a product, and the pack size written among them.

    Used for catalogue names and aliases: sizes, pack counts "(30 packets)", unit words and
    filler are dropped, so "Coca-Cola 1.5 l bottle" and "coke" share the words "coca cola"/"coke"
    with their sibling SKUs, and the size and unit decide between siblings.
    """
    kept, size = key_positions(tokens, units)
    return [strip_suffix(tokens[i]) for i in kept if tokens[i] not in STOPWORDS], size


def key_positions(tokens: list[str], units: UnitTable) -> tuple[list[int], Amount | None]:
    """The positions key_words keeps before stop words go (not sizes, pack counts or unit words),
    and the pack size. They depend only on which tokens are numerals, unit words, connectors or
    "x" (and on those tokens' text): every other token counts as any other word."""
    amounts, hints = find_amounts(tokens, units)
    drop = {i for a in amounts if a.unit is not None for i in range(a.start, a.end)}
    drop.update(h.index for h in hints)
    return [i for i in range(len(tokens)) if i not in drop], next((a for a in amounts if a.is_measure), None)
