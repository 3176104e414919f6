"""How big a number read from a message may be: one definition for every command and reply.

Every number people type (an order or claim number, a quantity, an amount, a credit limit, a
duration) is read through here before it reaches a query. A value outside its bound is refused with
`OutOfBounds`, which names the bound, so the sender is told the range instead of PostgreSQL being
handed `99999999999999999999` (bigint overflow) or `1e30` kg (numeric(14, 3) overflow).

The limits sit well inside the columns that store them: bigint ids, numeric(14, 3) quantities and
numeric(14, 2) amounts, where a line total is a quantity times a price.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_MAX_DIGITS = 40  # longer digit strings are refused before any conversion (Python's int() stops at 4300)


@dataclass(frozen=True)
class Bound:
    key: str        # names the bound in texts: "bound_<key>" is the reply that explains it
    low: Decimal
    high: Decimal

    def admits(self, value: Decimal) -> bool:
        return self.low <= value <= self.high


# The low ends are what the columns can keep: 0.0001 kg would round to a zero quantity.
REFERENCE = Bound("reference", Decimal(1), Decimal(10**12))                 # order, claim, ticket, job numbers
QUANTITY = Bound("quantity", Decimal("0.001"), Decimal(100_000))            # one order line
STOCK = Bound("stock", Decimal(0), Decimal(10_000_000))                     # what a vendor says it holds
AMOUNT = Bound("amount", Decimal(0), Decimal(100_000_000))                  # rupees: credit limits, amounts
PAYMENT = Bound("amount", Decimal("0.01"), AMOUNT.high)                     # a payment claimed or received
MAX_DURATION = timedelta(days=366)                                     # safe mode timers, report periods


class OutOfBounds(ValueError):
    """A number outside its bound (or no number at all); `bound` says which."""

    def __init__(self, bound: Bound, text: object) -> None:
        super().__init__(f"{text!r} is not a {bound.key} from {bound.low} to {bound.high}")
        self.bound = bound
        self.text = text


def _decimal(text: object) -> Decimal | None:
    if isinstance(text, Decimal):
        return text
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return Decimal(str(text))
    cleaned = str(text).strip().translate(_DEVANAGARI_DIGITS).replace(",", "").lstrip("#")
    if not cleaned or len(cleaned) > _MAX_DIGITS or not re.fullmatch(r"[+-]?\d*\.?\d+", cleaned):
        return None  # "1e30", "NaN", "inf", "²" and 4,000 digits are not numbers people mean
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def read_number(text: object, bound: Bound) -> Decimal:
    """`text` (a string, or a number the parser produced) as a Decimal inside `bound`; OutOfBounds else."""
    value = _decimal(text)
    if value is None or not value.is_finite() or not bound.admits(value):
        raise OutOfBounds(bound, text)
    return value


def read_reference(text: object) -> int:
    """An order/claim/ticket number ("1042", "#1042", "१०४२") as an int inside REFERENCE."""
    value = read_number(text, REFERENCE)
    if value != value.to_integral_value():
        raise OutOfBounds(REFERENCE, text)
    return int(value)


def reference_or_none(text: object) -> int | None:
    """An order number when `text` reads as one inside REFERENCE, else None (for optional mentions)."""
    try:
        return read_reference(text)
    except OutOfBounds:
        return None


def within(value: object, bound: Bound) -> bool:
    """Whether `value` reads as a number inside `bound`."""
    try:
        read_number(value, bound)
    except OutOfBounds:
        return False
    return True


def check_duration(span: timedelta) -> timedelta:
    """A duration no longer than MAX_DURATION; ValueError otherwise."""
    if span > MAX_DURATION:
        raise ValueError(f"at most {MAX_DURATION.days} days")
    return span
