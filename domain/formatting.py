"""How numbers read in messages: money, quantities and times of day, the one definition each."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal


def amount(value: Decimal) -> str:
    """1234.5 -> '1,234.50'."""
    return f"{value:,.2f}"


def qty(value: Decimal) -> str:
    """2.000 -> '2', 2.500 -> '2.5'."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def clock_until(at: datetime | None) -> str:
    """' until 14:30 UTC' for an end time, '' for none (spliced into "… is ON{until}")."""
    return f" until {at:%H:%M} UTC" if at else ""
