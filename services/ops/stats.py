"""The dashboard: one definition for /stats in the ops chat and GET /api/v1/admin/dashboard.

`dashboard` reads the figures one after another in a unit of work; `dashboard_side_by_side` reads
them at once, each in a unit of work of its own (the API, where latency counts). Both rank the same
standings the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from domain.dashboard import Dashboard, Period, fastest, most_reliable, period_ending
from domain.formatting import platform_zone
from storage.analytics import Analytics
from storage.uow import UnitOfWork

_READS: tuple[Callable[[Analytics, Period], Awaitable[Any]], ...] = (
    Analytics.summary, Analytics.failures, Analytics.fulfilment, Analytics.top_products, Analytics.vendor_standings)


def period(now: datetime, label: str, span: timedelta | None, config: Any) -> Period:
    """`span` up to `now`, or (None) today from the platform's local midnight."""
    return period_ending(now, label, span, platform_zone(config))


def _assemble(period: Period, figures: list[Any]) -> Dashboard:
    totals, failed, fulfilled, products, standings = figures
    return Dashboard(period, totals, failed, fulfilled, products, most_reliable(standings), fastest(standings))


async def dashboard(uow: UnitOfWork, period: Period) -> Dashboard:
    return _assemble(period, [await read(uow.analytics, period) for read in _READS])


async def dashboard_side_by_side(unit_of_work: Callable[[], UnitOfWork], period: Period) -> Dashboard:
    """The same dashboard, its reads run at once, each in its own unit of work from `unit_of_work()`."""
    async def run(read: Callable[[Analytics, Period], Awaitable[Any]]) -> Any:
        async with unit_of_work() as uow:
            return await read(uow.analytics, period)
    return _assemble(period, list(await asyncio.gather(*(run(read) for read in _READS))))
