"""Price intelligence for one SKU: the spread across vendors, its trend, outliers, a suggested price.

    spread(prices) -> Spread(low, median, high, vendors) | None     current vendor prices (costs)
    trend(points, now, days) -> Decimal | None
        relative move of the market median: median of the prices set in the last `days`
        (the latest price of each vendor at `now`) over the median `days` ago, minus one
        (0.05 = up 5 %); None when either end has no price
    is_outlier(price, median, share) -> bool   |price − median| > share × median
    suggest_retail(cost, market, margin, min_margin, band) -> Decimal

Suggested retail price: aim at cost × (1 + margin), the price the usual margin gives; keep it within
[market × (1 − band), market × (1 + band)], where market is the retail price at the market's median
cost; and never under cost × (1 + min_margin), the floor the pricing engine protects, which wins
over the band. In short: max(floor, clamp(cost × (1 + margin), market ± band)). Without a market
the usual margin alone is the suggestion.
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


def suggest_retail(cost: Decimal, market: Decimal | None, margin: Decimal, min_margin: Decimal,
                   band: Decimal) -> Decimal:
    """max(cost × (1 + min_margin), cost × (1 + margin) clamped to market ± band) (module docstring)."""
    floor = money_up(cost * (ONE + min_margin))
    target = cost * (ONE + margin)
    if market is not None:
        target = min(market * (ONE + band), max(market * (ONE - band), target))
    return max(floor, money(target))
