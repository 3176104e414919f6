"""The one definition of how big a number read from a message may be."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.bounds import (
    AMOUNT,
    MAX_DURATION,
    PAYMENT,
    QUANTITY,
    REFERENCE,
    STOCK,
    OutOfBounds,
    check_duration,
    read_number,
    read_reference,
    reference_or_none,
)

BOUNDS = [REFERENCE, QUANTITY, STOCK, AMOUNT, PAYMENT]


@pytest.mark.parametrize("text", ["99999999999999999999", "0", "-5", "1e30", "NaN", "inf", "²", "1" * 5000,
                                  "", " ", "#", "1/2", "0x10", "1_000"])
def test_what_is_not_a_reference_is_refused(text: str) -> None:
    with pytest.raises(OutOfBounds) as refused:
        read_reference(text)
    assert refused.value.bound is REFERENCE
    assert reference_or_none(text) is None


@pytest.mark.parametrize(("text", "value"), [("1042", 1042), ("#1042", 1042), ("१०४२", 1042), (" 7 ", 7),
                                             ("1,001", 1001)])
def test_references_people_write_are_read(text: str, value: int) -> None:
    assert read_reference(text) == value


def test_bounds_sit_inside_the_columns_that_store_them() -> None:
    assert REFERENCE.high < 2**63                      # bigint ids
    assert QUANTITY.high * AMOUNT.high < Decimal(10) ** 20  # never reached: prices are far below AMOUNT
    assert STOCK.high < Decimal(10) ** 11 and QUANTITY.high < Decimal(10) ** 11  # numeric(14, 3)
    assert AMOUNT.high < Decimal(10) ** 12             # numeric(14, 2)
    assert QUANTITY.low >= Decimal("0.001") and PAYMENT.low >= Decimal("0.01")  # not rounded to zero


@given(st.one_of(st.text(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.decimals()),
       st.sampled_from(BOUNDS))
def test_any_input_reads_inside_its_bound_or_is_refused(value: object, bound) -> None:  # type: ignore[no-untyped-def]
    try:
        number = read_number(value, bound)
    except OutOfBounds as refused:
        assert refused.bound is bound
        return
    assert bound.low <= number <= bound.high


def test_durations_are_bounded() -> None:
    assert check_duration(timedelta(days=30)) == timedelta(days=30)
    with pytest.raises(ValueError):
        check_duration(MAX_DURATION + timedelta(seconds=1))
