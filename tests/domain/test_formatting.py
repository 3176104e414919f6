"""Money, quantities, durations and local times read one way everywhere."""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.formatting import amount, days, duration, money, platform_zone, qty, stamp, when, zone_named

KATHMANDU = zone_named("Asia/Kathmandu")


def test_money_and_amounts() -> None:
    assert amount(Decimal("1234.5")) == "1,234.50"
    assert money(Decimal("2525")) == "Rs 2,525.00"
    assert money(840.0) == "Rs 840.00"
    assert money(None) == "-"


@given(st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=0, max_value=10**9))
def test_a_quantity_reads_as_its_normal_form(value: Decimal) -> None:
    assert qty(value) == f"{value.normalize():f}"


@pytest.mark.parametrize(("seconds", "text"), [
    (None, "-"), (7, "7s"), (1234, "20m 34s"), (7300, "2h 01m"), (90000, "1d 1h")])
def test_durations(seconds: float | None, text: str) -> None:
    assert duration(seconds) == text


def test_times_read_in_the_platform_zone() -> None:
    at = datetime(2026, 11, 25, 8, 20, tzinfo=UTC)
    assert when(at, KATHMANDU) == "25 Nov 14:05" and when(None, KATHMANDU) == "-"
    assert stamp(at, KATHMANDU) == "2026-11-25 14:05:00" and stamp(None, KATHMANDU) == ""
    assert days(date(2026, 11, 1), date(2026, 11, 30)) == "01 Nov – 30 Nov 2026"


def test_the_platform_zone_is_the_setting() -> None:
    assert platform_zone(SimpleNamespace(platform=SimpleNamespace(timezone="Asia/Kathmandu"))) is KATHMANDU
    with pytest.raises(ValueError, match="IANA name"):
        zone_named("UTC+05:45")
