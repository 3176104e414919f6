"""The phrase a learned alias is kept under: what an item's text says about the product, without
the quantity ordered, the count unit or the filler ("bhai nihar oil 5 chaiyo" -> "nihar oil")."""

from __future__ import annotations

from nlu.lexicon import NOT_PRODUCT
from nlu.normalize import prepare, tokenize
from nlu.units import COUNT, DOZEN, default_units


def phrase_key(text: str, quantity: float | None = None) -> str:
    """Same words, same key: pack sizes stay ("dettol sabun 125"), the quantity does not."""
    units = default_units()
    tokens = tokenize(prepare(text), lambda w: units.lookup(w) is not None)
    out: list[str] = []
    dropped = False
    for token in tokens:
        if token in NOT_PRODUCT:
            continue
        unit = units.lookup(token)
        if unit is not None and unit.kind in (COUNT, DOZEN):
            continue
        if not dropped and quantity is not None and _number(token) == quantity:
            dropped = True
            continue
        out.append(token)
    return " ".join(out)


def _number(token: str) -> float | None:
    try:
        return float(token)
    except ValueError:
        return None


__all__ = ["phrase_key"]
