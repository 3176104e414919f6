"""The one rule for a price a vendor sets, and a pack's price as a unit's."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.money import PRICE_MAX
from domain.vendor_prices import check_price, per_unit


def test_a_pack_price_is_shared_out_per_unit_to_the_paisa() -> None:
    assert per_unit(Decimal(1650), Decimal(5)) == Decimal("330.00")
    assert per_unit(Decimal(100), Decimal(3)) == Decimal("33.33")


def test_prices_out_of_reason_are_refused() -> None:
    assert check_price(Decimal(0), Decimal(100)) == "not_positive"
    assert check_price(Decimal("1030"), Decimal(103)) is None             # ten times the cost: still taken
    assert check_price(Decimal("1031"), Decimal(103)) == "absurd"          # more: a typo
    assert check_price(PRICE_MAX + 1, None) == "absurd"
    assert check_price(Decimal("102.005"), None) == "absurd"               # finer than a paisa
    assert check_price(Decimal(104), Decimal(102)) is None


@given(st.decimals(allow_nan=True, allow_infinity=True), st.decimals(min_value=Decimal("0.001"), max_value=10**6))
def test_any_figure_is_a_unit_price_or_a_value_error_never_a_decimal_fault(price: Decimal, quantity: Decimal) -> None:
    try:
        each = per_unit(price, quantity)
    except ValueError:
        return
    assert each.is_finite() and check_price(each, None) in (None, "not_positive", "absurd")


def test_a_figure_no_price_could_be_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        per_unit(Decimal("1e40"), Decimal(1))
