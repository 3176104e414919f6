"""Vendors' stock cover: days left at the recent rate of sales, how much to reorder (domain.stock_cover),
and the low-cover alert.

A SKU's alert goes out once when its cover falls under `market.low_cover_days`: the SKU is claimed
(`vendor_products.cover_alerted_at`) in the same unit of work as the message, so a second run or a
second worker never repeats it; once cover is back at or above the threshold (restocked, or sales
slowed) the claim is cleared and the next fall alerts again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.formatting import qty
from domain.stock_cover import CoverLine, alert_due, cover_days, daily_rate, rearmed, reorder_quantity
from services.events import CoverRanLow
from storage.uow import UnitOfWork


def _threshold(config: Any) -> Decimal:
    return Decimal(str(config.market.low_cover_days))


async def stock_report(uow: UnitOfWork, vendor_id: int, now: datetime, config: Any) -> list[CoverLine]:
    """Every tracked SKU of the vendor, lowest cover first (unsold ones last)."""
    m = config.market
    rows = await uow.stock_cover.stock_and_sales(vendor_id, now - timedelta(days=m.sales_days))
    lines = []
    for r in rows:
        rate = daily_rate(r.sold, m.sales_days)
        cover = cover_days(r.stock, rate)
        low = cover is not None and cover < _threshold(config)
        lines.append(CoverLine(r.sku, r.name, r.unit, r.stock, rate, cover, low,
                               reorder_quantity(r.stock, rate, m.target_cover_days, r.pack), r.pack, r.alerted))
    return sorted(lines, key=lambda li: (li.cover is None, li.cover or 0, li.sku))


async def alert_low_cover(uow: UnitOfWork, vendor_id: int, now: datetime, config: Any) -> list[CoverLine]:
    """Tell the vendor (one message) about SKUs whose cover just fell under the threshold; re-arm the
    ones that recovered. Returns the SKUs alerted now."""
    threshold = _threshold(config)
    lines = await stock_report(uow, vendor_id, now, config)
    recovered = [li.sku for li in lines if li.alerted and rearmed(li.cover, threshold)]
    if recovered:
        await uow.stock_cover.rearm(vendor_id, recovered)
    due = [li for li in lines if alert_due(li.cover, threshold, li.alerted)
           and await uow.stock_cover.claim_alert(vendor_id, li.sku, now)]
    if due:
        await uow.record(CoverRanLow(vendor_id, tuple(due), config.market.target_cover_days))
    return due


async def tracking_vendors(uow: UnitOfWork) -> list[int]:
    return await uow.stock_cover.tracking_vendors()


def cover_text(texts: Any, language: str | None, lines: list[CoverLine] | tuple[CoverLine, ...]) -> str:
    """The lines of a stock report or low-cover alert in the reader's language: stock, days of cover,
    and the reorder advice in whole packs."""
    out = []
    for li in lines:
        cover = (texts.render("stock_cover_no_sales", language) if li.cover is None
                 else texts.render("stock_cover_days", language, days=li.cover))
        advice = ""
        if li.reorder:
            packs = f" ({qty(li.reorder / li.pack)} × {qty(li.pack)} {li.unit})" if li.pack != 1 else ""
            advice = " · " + texts.render("stock_cover_reorder", language, quantity=qty(li.reorder), unit=li.unit,
                                  packs=packs)
        out.append(texts.render("stock_cover_line", language, name=li.name, stock=qty(li.stock), unit=li.unit,
                                per_day=qty(li.per_day.quantize(Decimal("0.1"))), cover=cover, advice=advice,
                                flag="⚠️ " if li.low else ""))
    return "\n".join(out)
