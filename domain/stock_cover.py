"""Stock cover and reorder advice for a vendor's SKU.

    daily_rate(sold, days) -> Decimal                 average units sold a day over the window
    cover_days(stock, rate) -> Decimal | None         stock / rate; None when nothing sells (infinite)
    reorder_quantity(stock, rate, target_days, pack) -> Decimal
        what brings cover up to `target_days`, rounded UP to whole packs (0 when already covered)
    alert_due(cover, threshold, alerted) -> bool
        a low-stock alert is due when cover is under the threshold and none was sent since cover was
        last at or above it: the caller keeps `alerted` and clears it with `rearmed(cover, threshold)`
        once cover recovers, so an hourly job alerts once per shortage, not every hour.
    CoverLine                                         one SKU of a vendor's stock report
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal


def daily_rate(sold: Decimal, days: int) -> Decimal:
    if days <= 0:
        raise ValueError("the sales window must be at least one day")
    return max(Decimal(0), sold) / days


def cover_days(stock: Decimal, rate: Decimal) -> Decimal | None:
    if rate <= 0:
        return None
    return (max(Decimal(0), stock) / rate).quantize(Decimal("0.1"))


def reorder_quantity(stock: Decimal, rate: Decimal, target_days: int, pack: Decimal = Decimal(1)) -> Decimal:
    if pack <= 0:
        raise ValueError("a pack holds a positive quantity")
    short = rate * target_days - max(Decimal(0), stock)
    if short <= 0:
        return Decimal(0)
    return (short / pack).to_integral_value(rounding=ROUND_CEILING) * pack


def alert_due(cover: Decimal | None, threshold: Decimal, alerted: bool) -> bool:
    return cover is not None and cover < threshold and not alerted


def rearmed(cover: Decimal | None, threshold: Decimal) -> bool:
    """Whether a past alert is cleared: cover is back at or above the threshold (or nothing sells)."""
    return cover is None or cover >= threshold


@dataclass(frozen=True)
class CoverLine:
    sku: str
    name: str
    unit: str
    stock: Decimal
    per_day: Decimal
    cover: Decimal | None        # None: nothing sold in the window
    low: bool
    reorder: Decimal             # in whole packs of `pack`
    pack: Decimal = Decimal(1)
    alerted: bool = False        # a low-cover alert is out and cover has not recovered since
