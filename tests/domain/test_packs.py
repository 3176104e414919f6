"""domain.packs: counted units are delivered whole; rounding moves at most half a unit."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from domain.packs import deliverable, is_counted, whole_units

exacts = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(100_000), places=4, allow_nan=False)
counted_units = st.sampled_from(["bottle", "packet", "carton", "piece", "crate", "jar", "sack", "box", "can", ""])


def test_loose_units_are_not_counted() -> None:
    assert not any(is_counted(u) for u in ("kg", "g", "l", "ml", "KG"))
    assert all(is_counted(u) for u in ("bottle", "packet", "crate", None))


def test_examples() -> None:
    assert whole_units(Decimal("4.7886")) == 5
    assert whole_units(Decimal("2.5")) == 3
    assert whole_units(Decimal("0.49")) is None
    assert deliverable(Decimal("2.5"), "kg") == Decimal("2.5")
    assert deliverable(Decimal("0.2"), "bottle") is None


@given(exacts, counted_units)
def test_a_counted_line_is_a_positive_whole_number(exact: Decimal, unit: str) -> None:
    quantity = deliverable(exact, unit)
    assert quantity is None or (quantity > 0 and quantity == quantity.to_integral_value())


@given(exacts)
def test_rounding_never_moves_more_than_half_a_unit(exact: Decimal) -> None:
    units = whole_units(exact)
    assert (units is None and exact < Decimal("0.5")) or abs(units - exact) <= Decimal("0.5")


@given(exacts, st.sampled_from(["kg", "g", "l", "ml"]))
def test_loose_quantities_are_kept(exact: Decimal, unit: str) -> None:
    assert deliverable(exact, unit) == exact
