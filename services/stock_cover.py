"""Vendors' stock cover: days left at the recent rate of sales, and how much to reorder (domain.stock_cover)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.stock_cover import cover_days, daily_rate, reorder_quantity
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class CoverLine:
    sku: str
    name: str
    unit: str
    stock: Decimal
    per_day: Decimal
    cover: Decimal | None        # None: nothing sold in the window
    low: bool
    reorder: Decimal


async def stock_report(uow: UnitOfWork, vendor_id: int, now: datetime, config: Any) -> list[CoverLine]:
    """Every tracked SKU of the vendor, lowest cover first (unsold ones last)."""
    m = config.market
    rows = await uow.stock_cover.stock_and_sales(vendor_id, now - timedelta(days=m.sales_days))
    lines = []
    for r in rows:
        rate = daily_rate(r.sold, m.sales_days)
        cover = cover_days(r.stock, rate)
        low = cover is not None and cover < Decimal(str(m.low_cover_days))
        lines.append(CoverLine(r.sku, r.name, r.unit, r.stock, rate, cover, low,
                               reorder_quantity(r.stock, rate, m.target_cover_days)))
    return sorted(lines, key=lambda li: (li.cover is None, li.cover or 0, li.sku))
