"""Vendors' prices and what the market says about a SKU.

A vendor's price is its cost to the platform; the retailer pays it plus the margin of the pricing
policy (domain.pricing). A vendor without its own price for a SKU sells at the catalogue `price`,
which is a cost in the same sense. Every change is kept (storage.repos.prices) with who made it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.catalog import Product
from domain.market import Spread, is_outlier, spread, suggest_retail, trend
from domain.money import PRICE_MAX, to_decimal
from domain.vendor_prices import ABSURD_FACTOR, check_price
from services.drafts import pricing_policy
from services.events import PriceOffMarket
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class PriceSet:
    sku: str
    old: Decimal | None
    new: Decimal

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class MarketView:
    sku: str
    spread: Spread | None
    trend_7d: Decimal | None
    trend_30d: Decimal | None
    suggested: Decimal | None
    outliers: dict[int, Decimal]        # vendor -> its price, when off the median by more than alert_share
    names: dict[int, str]               # the outlying vendors' names


async def set_vendor_prices(uow: UnitOfWork, vendor_id: int, prices: Sequence[tuple[str, Decimal, datetime | None]],
                            by: str, now: datetime, config: Any) -> list[PriceSet]:
    """Set each (sku, price, valid_from or None for now) of the vendor; unchanged prices write nothing.

    `by` says who and through what ("cli", "api:<key>", "chat:<phone>"). A change that leaves the
    vendor off the market median by more than market.alert_share is told to the admins, once."""
    done = []
    for sku, price, valid_from in prices:
        old = await uow.prices.set_price(vendor_id, sku, price, valid_from or now, now, by)
        done.append(PriceSet(sku, old, price))
    share = to_decimal(config.market.alert_share)
    for change in (d for d in done if d.changed):
        market = spread((await uow.prices.current(change.sku)).values())
        if market is not None and is_outlier(change.new, market.median, share) and await uow.prices.record_alert(
                vendor_id, change.sku, market.median, now):
            await uow.record(PriceOffMarket(vendor_id, change.sku, change.new, market.median))
    return done


REFUSALS = {"unknown_sku": "no such product", "not_positive": "must be more than zero",
            "absurd": f"not a plausible price (at most {PRICE_MAX} and within {ABSURD_FACTOR}x of the catalogue cost)"}
"""Why a price is refused, in words for the CLI and the API (chat replies use texts)."""


async def refused_price(uow: UnitOfWork, sku: str, price: Decimal) -> str | None:
    """Why `price` cannot be the SKU's price (domain.vendor_prices.check_price), None when it can;
    "unknown_sku" for a SKU the catalogue does not hold."""
    product = (await uow.products.by_skus([sku])).get(sku)
    return "unknown_sku" if product is None else check_price(price, product.price)


async def market_view(uow: UnitOfWork, sku: str, now: datetime, config: Any) -> MarketView:
    """Spread of the vendors' prices now, its 7- and 30-day trend, the outliers and a suggested retail price."""
    current = await uow.prices.current(sku)
    points = await uow.prices.points(sku)
    products = await uow.products.by_skus([sku])
    product = products.get(sku)
    now_spread = spread(current.values())
    share, band = to_decimal(config.market.alert_share), to_decimal(config.market.suggest_band)
    policy = pricing_policy(config)
    margin, min_margin = policy.margin_for(product.category if product else ""), policy.min_margin
    outliers = {} if now_spread is None else {
        v: p for v, p in current.items() if is_outlier(p, now_spread.median, share)}
    # the best buy is the cost; the market is what the median vendor's cost sells at
    cost = now_spread.low if now_spread else (product.price if product else None)
    market = now_spread.median * (1 + margin) if now_spread else None
    suggested = None if cost is None else suggest_retail(cost, market, margin, min_margin, band)
    names = {v: (u.name if (u := await uow.users.by_id(v)) else f"vendor {v}") for v in sorted(outliers)}
    return MarketView(sku, now_spread, trend(points, now, 7), trend(points, now, 30), suggested, outliers, names)


async def find_product(uow: UnitOfWork, text: str) -> Product | None:
    """The product whose SKU is `text` (any case), else the first whose name contains it."""
    wanted = text.strip().lower()
    if not wanted:
        return None
    catalogue = await uow.products.all()
    exact = next((p for p in catalogue if p.sku.lower() == wanted), None)
    return exact or next((p for p in sorted(catalogue, key=lambda p: p.name) if wanted in p.name.lower()), None)


async def price_alerts(uow: UnitOfWork, now: datetime, config: Any) -> list[MarketView]:
    """The market view of every SKU where some vendor's price is an outlier."""
    views = [await market_view(uow, sku, now, config) for sku in await uow.prices.priced_skus()]
    return [v for v in views if v.outliers]
