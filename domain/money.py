"""Money helpers: NPR amounts are `Decimal` with 2 places, rounded ROUND_HALF_UP.

    money(x)        -> Decimal rounded to the paisa (half up)
    money_up(x)     -> Decimal rounded up to the paisa (for floors that must never be undercut)
    to_decimal(x)   -> exact Decimal from int/str/float/Decimal (floats go through str, so 0.1 -> 0.1)

Every amount stored or shown goes through `money`; intermediate arithmetic stays unrounded.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

PAISA = Decimal("0.01")
ZERO = Decimal("0.00")
PRICE_MAX = Decimal(1_000_000)  # the most one unit may cost (price columns are numeric(12, 2))


def to_decimal(value: Decimal | int | float | str) -> Decimal:
    """Convert a config or input value to an exact `Decimal` (floats via their shortest repr)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a bool is not a number")
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def money(value: Decimal | int | float | str) -> Decimal:
    """Round to 2 places, half up: `money("2.345") == Decimal("2.35")`."""
    return to_decimal(value).quantize(PAISA, rounding=ROUND_HALF_UP)


def money_up(value: Decimal | int | float | str) -> Decimal:
    """Round up to 2 places: `money_up("2.341") == Decimal("2.35")`."""
    return to_decimal(value).quantize(PAISA, rounding=ROUND_CEILING)


def is_money(value: Decimal) -> bool:
    """True if `value` is a Decimal with no more than 2 places (already rounded)."""
    return isinstance(value, Decimal) and value.is_finite() and value == value.quantize(PAISA)
