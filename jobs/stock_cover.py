"""Hourly: vendors hear once when a SKU's days of cover falls under market.low_cover_days, with the
reorder advice (services/stock_cover.py)."""

from __future__ import annotations

from typing import Any

from jobs.units import unit_of_work
from services.stock_cover import alert_low_cover, tracking_vendors


async def alert_low_stock_cover(ctx: dict[str, Any]) -> dict[int, list[str]]:
    """Check every vendor that tracks stock, one unit of work each; returns the SKUs alerted per vendor."""
    now, config = ctx["clock"].now(), ctx["config"]
    async with unit_of_work(ctx) as uow:
        vendor_ids = await tracking_vendors(uow)
    alerted = {}
    for vendor_id in vendor_ids:
        async with unit_of_work(ctx) as uow:
            if due := await alert_low_cover(uow, vendor_id, now, config):
                alerted[vendor_id] = [li.sku for li in due]
    return alerted
