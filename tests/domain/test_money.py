from decimal import Decimal

import pytest

from domain.money import is_money, money, money_up, to_decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2.345", "2.35"),
        ("2.344", "2.34"),
        ("-2.345", "-2.35"),
        (1.005, "1.01"),  # float 1.005 is 1.00499… in binary; via repr it is read as written
        (7, "7.00"),
        (Decimal("0.005"), "0.01"),
    ],
)
def test_money_rounds_half_up(value, expected):
    assert money(value) == Decimal(expected)
    assert str(money(value)) == expected


@pytest.mark.parametrize(("value", "expected"), [("2.341", "2.35"), ("2.34", "2.34"), ("2.3400001", "2.35")])
def test_money_up_never_rounds_down(value, expected):
    assert money_up(value) == Decimal(expected)


def test_to_decimal_reads_floats_as_written_and_refuses_bools():
    assert to_decimal(0.1) == Decimal("0.1")
    with pytest.raises(TypeError):
        to_decimal(True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("1.50"), True), (Decimal("1.5"), True), (Decimal("1.505"), False), (Decimal("NaN"), False)],
)
def test_is_money(value, expected):
    assert is_money(value) is expected
