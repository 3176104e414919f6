"""Quantities a shop can deliver: a line sold by the bottle, packet, carton or crate is a whole number.

Loose goods (kg, g, l, ml) may be any amount. Anything else is counted: an amount converted into it
("2 dharni" of oil sold in 1 l bottles = 4.789 bottles) is rounded to the nearest whole unit, so the
rounding never moves more than half a unit; below half a unit nothing sensible is left to round to
and the shop is asked instead.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MEASURED_UNITS = frozenset({"kg", "g", "l", "ml"})
_HALF = Decimal("0.5")


def is_counted(unit: str | None) -> bool:
    """Whether a product sold in `unit` is delivered in whole units (a missing unit counts)."""
    return (unit or "").strip().lower() not in MEASURED_UNITS


def whole_units(exact: Decimal | float | int) -> int | None:
    """The nearest whole number of units (halves round up); None below half a unit: ask instead."""
    value = exact if isinstance(exact, Decimal) else Decimal(str(exact))
    if not value.is_finite() or value < _HALF:
        return None
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def is_whole(value: Decimal | float | int) -> bool:
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return number.is_finite() and number == number.to_integral_value()


def deliverable(quantity: Decimal, unit: str | None) -> Decimal | None:
    """The quantity a line of `unit` can hold: unchanged when loose or already whole, else rounded
    to whole units; None when it rounds to nothing (ask how many)."""
    if not is_counted(unit) or is_whole(quantity):
        return quantity if quantity > 0 else None
    units = whole_units(quantity)
    return Decimal(units) if units else None
