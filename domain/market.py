"""Price intelligence for one SKU: the spread across vendors, its trend, outliers, a suggested price.

    spread(prices) -> Spread(low, median, high, vendors) | None     current vendor prices (costs)
    trend(points, now, days) -> Decimal | None
        relative move of the market median: median of the prices set in the last `days`
        (the latest price of each vendor at `now`) over the median `days` ago, minus one
        (0.05 = up 5 %); None when either end has no price
    is_outlier(price, median, share) -> bool   |price − median| > share × median
    suggest_retail(cost, market_median, min_margin, band) -> Decimal

Suggested retail price: start from the cost plus the minimum margin (the floor the pricing engine
protects); if the market median is known, aim at the median but stay inside [median × (1 − band),
median × (1 + band)]; the floor always wins, so a cost far above the market is never sold at a loss.
In short: max(floor, clamp(median, median ± band)). Without a market the floor is the suggestion.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from statistics import median

from domain.money import money, money_up

ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Spread:
    low: Decimal
    median: Decimal
    high: Decimal
    vendors: int


@dataclass(frozen=True, slots=True)
class PricePoint:
    vendor_id: int
    price: Decimal
    valid_from: datetime


def spread(prices: Iterable[Decimal]) -> Spread | None:
    values = sorted(prices)
    if not values:
        return None
    return Spread(values[0], money(median(values)), values[-1], len(values))


def prices_at(points: Iterable[PricePoint], at: datetime) -> Mapping[int, Decimal]:
    """Each vendor's latest price valid at `at`."""
    latest: dict[int, PricePoint] = {}
    for p in points:
        if p.valid_from <= at and (p.vendor_id not in latest or p.valid_from >= latest[p.vendor_id].valid_from):
            latest[p.vendor_id] = p
    return {v: p.price for v, p in latest.items()}


def trend(points: Iterable[PricePoint], now: datetime, days: int) -> Decimal | None:
    """Relative move of the market median over the last `days` (see module docstring)."""
    history = list(points)
    before, after = spread(prices_at(history, now - timedelta(days=days)).values()), spread(
        prices_at(history, now).values())
    if before is None or after is None or before.median == 0:
        return None
    return (after.median / before.median - ONE).quantize(Decimal("0.0001"))


def is_outlier(price: Decimal, market_median: Decimal, share: Decimal) -> bool:
    return abs(price - market_median) > share * market_median


def suggest_retail(cost: Decimal, market_median: Decimal | None, min_margin: Decimal, band: Decimal) -> Decimal:
    """max(cost × (1 + min_margin), median clamped to median ± band); the floor alone without a market."""
    floor = money_up(cost * (ONE + min_margin))
    if market_median is None:
        return floor
    low, high = market_median * (ONE - band), market_median * (ONE + band)
    return max(floor, money(min(high, max(low, market_median))))
